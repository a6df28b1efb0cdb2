"""ONE read model of the published network, and ONE rule for "open at".

Every reader of the network (the directory's list and cards, the place and
commune pages, the API and the exports, the orientation engine, booking's place
context, the agenda's mobile stops, the mesh analysis) reads :func:`current`,
which returns a :class:`Network`: every published place as a :class:`PlaceRec`
(its functions with their own hours and audiences, closures, notices, mobile
stops entered as ``MobileStop`` rows AND stops entered as events at a mobile
unit, through the ``MAILLAGE_NETWORK_VISIT_PROVIDERS``), plus arrays for fast
filtering (:mod:`maillage.places.search`).

The rule (:func:`state_at`), the same for a place and for a function within it:

- a dated closure covering the day closes the place and all its functions;
- a function with hours of its own follows them, else the place's hours;
- a mobile unit is also open while one of its stops is (by the stop's hours, or
  a dated stop event); a mobile unit with no hours of its own follows its stops;
- **unknown hours are unknown**: no expression, or one that does not parse,
  answers :data:`UNKNOWN`; nothing guesses open or closed. Filters ("open at")
  keep only places known open; pages say « Horaires non renseignés ».

Freshness is keyed by the database: database triggers (migration
``places.0005_network_version``, ``events.0003_network_changes``) bump the one
row of ``places_networkversion`` and log the changed place in
``places_networkchange`` inside the writer's own transaction. A reader compares
that version (one indexed query) with its model's at each call: a committed write
is seen by every worker on every host at its next request. The model is then
updated incrementally (only the changed places are read again, a few queries)
and swapped whole, so requests being served keep a consistent model; a change
that touches everything (a commune, the taxonomy, a network) rebuilds it. Inside
a transaction, a reader that sees a version the shared model does not have gets a
private model (never shared: the transaction may roll back).
"""

from __future__ import annotations

# ruff: noqa: S608 (plain SQL in load_records: table names from the models, values as parameters)
import bisect
import datetime as dt
import gc
import json
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection, connections
from django.utils.module_loading import import_string

from maillage.core import clock
from maillage.core.geo import point_or_centroid
from maillage.territory.models import Commune

from . import hours
from .models import (
    Closure,
    Fee,
    Function,
    MobileStop,
    Notice,
    Place,
    PlaceFunction,
    PlaceType,
    Wheelchair,
)
from .taxonomy import FAMILIES
from .vocabulary import place_text

OPEN, CLOSED, UNKNOWN = "open", "closed", "unknown"

FUNCTION_ORDER: tuple[str, ...] = tuple(f[0] for fam in FAMILIES for f in fam[3])
FUNCTION_BIT: dict[str, int] = {slug: 1 << i for i, slug in enumerate(FUNCTION_ORDER)}
FAMILY_OF: dict[str, str] = {f[0]: fam[0] for fam in FAMILIES for f in fam[3]}
FAMILY_BITS: dict[str, int] = {fam[0]: sum(FUNCTION_BIT[f[0]] for f in fam[3]) for fam in FAMILIES}
ALL_BITS = sum(FUNCTION_BIT.values())
TYPE_CODE: dict[str, int] = {slug: i for i, slug in enumerate(PlaceType.values)}

#: more changed places than this since the model's version: rebuild rather than patch
MAX_INCREMENTAL = 2000


# --------------------------------------------------------------------------- records


@dataclass(slots=True)
class Offer:
    """A function offered at a place; ``hours`` "" means the place's hours."""

    slug: str
    name: str
    family: str
    icon: str
    hours: str = ""
    audiences: tuple[str, ...] = ()
    fee: str = ""
    conditions: str = ""


@dataclass(frozen=True, slots=True)
class ClosureRec:
    start: dt.date
    end: dt.date  # inclusive
    reason: str = ""

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def range(self) -> hours.DateRange:
        return hours.DateRange(self.start, self.end)


@dataclass(frozen=True, slots=True)
class NoticeRec:
    message: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True, slots=True)
class Stop:
    """Where a mobile unit stops, by its weekly hours (a ``MobileStop`` row)."""

    id: int
    commune: str
    commune_name: str
    spot: str
    lat: float | None
    lon: float | None
    approximate: bool  # at its commune's centroid
    hours: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Visit:
    """A mobile unit at one spot between two moments: from a stop's hours, or a dated
    stop event (an event at the mobile unit)."""

    start: dt.datetime
    end: dt.datetime
    commune: str
    commune_name: str
    spot: str
    lat: float | None
    lon: float | None
    stop_id: int | None = None
    title: str = ""  # an event's title
    url: str = ""  # an event's page
    note: str = ""


@dataclass(slots=True)
class PlaceRec:
    """A published place as the read model holds it. Never changed once built (not
    frozen only because frozen dataclasses are three times slower to build)."""

    id: int
    slug: str
    name: str
    type: str
    lat: float | None
    lon: float | None
    is_mobile: bool
    hours: str
    commune: str
    commune_name: str
    postal_code: str = ""
    fee: str = ""
    wheelchair: str = ""
    hours_note: str = ""
    appointment_only: bool = False
    summary: str = ""
    address: str = ""
    website: str = ""
    email: str = ""
    phone: str = ""
    is_example: bool = False
    last_checked_at: dt.datetime | None = None
    networks: tuple[tuple[str, str], ...] = ()  # (slug, name)
    offers: tuple[Offer, ...] = ()
    closures: tuple[ClosureRec, ...] = ()
    notices: tuple[NoticeRec, ...] = ()
    stops: tuple[Stop, ...] = ()
    events: tuple[Visit, ...] = ()  # dated stop events of a mobile unit
    operator: str = ""
    #: what a text query looks into (maillage.places.vocabulary.place_text)
    text: str = ""

    @property
    def url(self) -> str:
        return f"/lieux/{self.slug}/"

    @property
    def functions(self) -> frozenset[str]:
        return frozenset(o.slug for o in self.offers)

    def closure_on(self, day: dt.date) -> ClosureRec | None:
        return next((c for c in self.closures if c.contains(day)), None)

    def closure_ranges(self) -> list[hours.DateRange]:
        return [c.range for c in self.closures]

    def offers_for(self, functions: Collection[str] = (), family: str | None = None):
        return [
            o
            for o in self.offers
            if (not functions or o.slug in functions) and (not family or o.family == family)
        ]


# --------------------------------------------------------------------------- the rule


def expression_state(expression: str, moment: dt.datetime) -> str:
    """OPEN or CLOSED by an OSM ``opening_hours`` expression alone; UNKNOWN when there is
    none or it does not parse (bad data imported as is is unknown, never an error)."""
    if not expression:
        return UNKNOWN
    try:
        return OPEN if hours.expression_is_open(expression, moment) else CLOSED
    except Exception:  # opening_hours.ParserError and whatever the parser raises
        return UNKNOWN


def _stops_state(rec: PlaceRec, moment: dt.datetime) -> str:
    """A mobile unit by its round (:func:`visits`, dated stops overriding the weekly
    round): OPEN while it is at a stop, CLOSED when it has a known round, UNKNOWN when
    it has none."""
    if any(v.start <= moment < v.end for v in visits(rec, moment, moment + _MINUTE)):
        return OPEN
    if rec.events or any(expression_known(s.hours) for s in rec.stops):
        return CLOSED
    return UNKNOWN


_MINUTE = dt.timedelta(minutes=1)


def _combine(states: Iterable[str]) -> str:
    states = list(states)
    if OPEN in states:
        return OPEN
    if UNKNOWN in states or not states:
        return UNKNOWN
    return CLOSED


def state_at(
    rec: PlaceRec,
    moment: dt.datetime,
    functions: Collection[str] | None = None,
    family: str | None = None,
) -> str:
    """THE rule: OPEN, CLOSED or UNKNOWN for a place at ``moment`` (the place's own
    hours), or, with ``functions``/``family``, for the matching functions within it
    (open when one of them is)."""
    moment = hours._aware(moment)
    if rec.closure_on(moment.date()) is not None:
        return CLOSED
    if functions or family:
        matching = rec.offers_for(functions or (), family)
        if not matching:
            return CLOSED
        expressions = {o.hours or rec.hours for o in matching}
    else:
        expressions = {rec.hours}
    state = _combine(expression_state(e, moment) for e in expressions)
    if rec.is_mobile and state != OPEN:
        by_stops = _stops_state(rec, moment)
        if by_stops == OPEN or (state == UNKNOWN and by_stops == CLOSED):
            return by_stops
    return state


def offer_state(rec: PlaceRec, offer: Offer, moment: dt.datetime) -> str:
    """The rule for one function of the place."""
    return state_at(rec, moment, functions=(offer.slug,))


def _merged(intervals: Iterable[tuple[dt.datetime, dt.datetime]]):
    out: list[list[dt.datetime]] = []
    for a, b in sorted(intervals):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return [(a, b) for a, b in out]


def _expression_intervals(expression: str, start, end, closures) -> list:
    if not expression:
        return []
    try:
        return list(hours.open_intervals(expression, start, end, closures))
    except Exception:
        return []


def intervals(
    rec: PlaceRec,
    start: dt.datetime,
    end: dt.datetime,
    functions: Collection[str] | None = None,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """The open intervals between ``start`` and ``end`` by :func:`state_at`'s rule,
    merged (closures cut out)."""
    start, end = hours._aware(start), hours._aware(end)
    closures = rec.closure_ranges()
    if functions:
        expressions = {o.hours or rec.hours for o in rec.offers_for(functions)}
    else:
        expressions = {rec.hours}
    found: list = []
    for e in expressions:
        found += _expression_intervals(e, start, end, closures)
    if rec.is_mobile:
        found += [(v.start, v.end) for v in visits(rec, start, end)]
    return [(max(a, start), min(b, end)) for a, b in _merged(found) if b > start and a < end]


def visits(rec: PlaceRec, start: dt.datetime, end: dt.datetime) -> list[Visit]:
    """Every visit of a mobile unit that is under way or begins between ``start`` and
    ``end``, soonest first: its stops by their weekly hours and its dated stop events
    (closures cut out). A visit under way at ``start`` keeps its real start (« 8 h –
    12 h 30 », not from the minute asked). A dated stop overrides the weekly round: an
    occurrence of a weekly stop that overlaps a dated stop is not made (the unit cannot
    be in two places; the dated stop is the exception the host entered)."""
    start, end = hours._aware(start), hours._aware(end)
    closures = rec.closure_ranges()
    dated = [v for v in rec.events if rec.closure_on(v.start.date()) is None]
    # whole days around the window, so an occurrence is seen whole (its real start and
    # end), then kept when it meets the window
    day_start = dt.datetime.combine(start.date(), dt.time(), hours.PARIS)
    day_end = dt.datetime.combine(end.date() + dt.timedelta(days=1), dt.time(), hours.PARIS)
    found: list[Visit] = []
    for stop in rec.stops:
        for a, b in _merged(_expression_intervals(stop.hours, day_start, day_end, closures)):
            if b <= start or a >= end or any(v.start < b and a < v.end for v in dated):
                continue
            found.append(
                Visit(
                    a,
                    b,
                    stop.commune,
                    stop.commune_name,
                    stop.spot,
                    stop.lat,
                    stop.lon,
                    stop_id=stop.id,
                    note=stop.note,
                )
            )
    found += [v for v in dated if v.end > start and v.start < end]
    found.sort(key=lambda v: (v.start, v.commune_name, v.spot))
    return found


def expression_known(expression: str) -> bool:
    """Whether an expression says something: not empty and parsed (else its state is
    UNKNOWN, as in :func:`expression_state`)."""
    if not expression:
        return False
    try:
        hours._parsed(expression)
    except Exception:  # InvalidOpeningHours and whatever the parser raises
        return False
    return True


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """A day in the territory's time zone, midnight to midnight."""
    start = dt.datetime.combine(day, dt.time(), hours.PARIS)
    return start, dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), hours.PARIS)


def day_state(rec: PlaceRec, day: dt.date, functions: Collection[str] | None = None) -> str:
    """THE rule over a whole day (for the analysis of a date): OPEN when the place (or
    one of ``functions`` within it) is open at some moment of ``day`` by
    :func:`state_at`'s rule; CLOSED when it is known closed all day; else UNKNOWN."""
    if rec.closure_on(day) is not None:
        return CLOSED
    if functions:
        matching = rec.offers_for(functions)
        if not matching:
            return CLOSED
        expressions = {o.hours or rec.hours for o in matching}
    else:
        expressions = {rec.hours}
    if intervals(rec, *day_bounds(day), functions=functions):
        return OPEN
    state = _combine(CLOSED if expression_known(e) else UNKNOWN for e in expressions)
    if rec.is_mobile and state == UNKNOWN:
        # as state_at: a unit with a known round is closed when no stop is open
        if rec.events or any(expression_known(s.hours) for s in rec.stops):
            return CLOSED
    return state


def spot_day_state(rec: PlaceRec, day: dt.date, stop: Stop | None, where: Visit) -> str:
    """The rule for one spot of a mobile unit over ``day`` (a weekly ``stop``, or the
    spot ``where`` of dated stop events when ``stop`` is None): OPEN when the unit's
    :func:`visits` of that day take it there; CLOSED when the spot's hours are known or
    it has dated visits; else UNKNOWN."""

    def here(v: Visit) -> bool:
        if stop is not None:
            return v.stop_id == stop.id
        return v.stop_id is None and (v.commune, v.spot, v.lat, v.lon) == (
            where.commune, where.spot, where.lat, where.lon
        )  # fmt: skip

    if any(here(v) for v in visits(rec, *day_bounds(day))):
        return OPEN
    known = stop is not None and expression_known(stop.hours)
    return CLOSED if known or any(here(v) for v in rec.events) else UNKNOWN


def spots(rec: PlaceRec) -> list[tuple[Stop | None, Visit, list[Visit]]]:
    """A mobile unit's spots: each weekly stop with the dated stop events held there,
    then the spots of its other stop events: (stop or None, where, dated visits)."""
    dated: dict[object, list[Visit]] = defaultdict(list)
    for v in rec.events:
        if v.lat is not None and v.lon is not None:
            key = v.stop_id if v.stop_id is not None else (v.commune, v.spot, v.lat, v.lon)
            dated[key].append(v)
    found: list[tuple[Stop | None, Visit, list]] = []
    for s in rec.stops:
        where = Visit(
            dt.datetime.min, dt.datetime.min, s.commune, s.commune_name, s.spot, s.lat, s.lon
        )
        found.append((s, where, dated.pop(s.id, [])))
    for held in dated.values():
        found.append((None, held[0], held))
    return found


def next_opening(rec: PlaceRec, moment: dt.datetime, functions=None, horizon_days: int = 366):
    moment = hours._aware(moment)
    found = intervals(rec, moment, moment + dt.timedelta(days=horizon_days), functions)
    return next((a for a, _b in found if a >= moment), None)


# --------------------------------------------------------------------------- loading


def sort_key(name: str) -> str:
    """Names sort the French way enough: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _providers():
    return [import_string(p) for p in getattr(settings, "MAILLAGE_NETWORK_VISIT_PROVIDERS", ())]


def load_records(
    place_ids: Collection[int] | None = None, *, published_only: bool = True
) -> dict[int, PlaceRec]:
    """The records of the published places (or of ``place_ids``), in seven queries
    plus one per visit provider, whatever their number."""
    # The two big reads in plain SQL (names from the models): the ORM's per-value
    # converters cost more than the database with 100,000 functions.
    ids = None if place_ids is None else [int(i) for i in place_ids]
    if ids is not None and not ids:
        return {}
    where, params = [], []
    if published_only:
        where.append("p.status = %s")
        params.append(Place.Status.PUBLISHED)
    if ids is not None:
        where.append(f"p.id IN ({', '.join(['%s'] * len(ids))})")
        params += ids
    place_table, commune_table = Place._meta.db_table, Commune._meta.db_table
    sql = (
        "SELECT p.id, p.slug, p.name, p.type, p.latitude, p.longitude, p.is_mobile, "
        "p.opening_hours, p.commune_id, c.name, p.postal_code, p.fee, p.wheelchair, "
        "p.hours_note, p.appointment_only, p.summary, p.address, p.website, p.email, "
        "p.phone, p.is_example, p.last_checked_at, p.operator "
        f"FROM {place_table} p LEFT JOIN {commune_table} c ON c.code = p.commune_id"
        + (" WHERE " + " AND ".join(where) if where else "")
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found_ids = [r[0] for r in rows]
    if not found_ids:
        return {}
    scoped = place_ids is not None

    def of(qs):
        return qs.filter(place_id__in=found_ids) if scoped else qs

    functions = {
        f[0]: f[1:]
        for f in Function.objects.order_by().values_list(
            "id", "slug", "name", "family__slug", "icon", "family__position", "position"
        )
    }
    offers: dict[int, list[Offer]] = defaultdict(list)
    audiences_of: dict[str, tuple[str, ...]] = {}
    pf_sql = (
        "SELECT place_id, function_id, opening_hours, audiences, fee, conditions "
        f"FROM {PlaceFunction._meta.db_table}"
    )
    pf_params: list = []
    if scoped:
        pf_sql += f" WHERE place_id IN ({', '.join(['%s'] * len(found_ids))})"
        pf_params = list(found_ids)
    with connection.cursor() as cursor:
        cursor.execute(pf_sql, pf_params)
        pf_rows = cursor.fetchall()
    for pid, fid, own, audiences, fee, cond in pf_rows:
        slug, name, fam, icon, *_order = functions[fid]
        if isinstance(audiences, str):  # SQLite: JSON text; PostgreSQL: already a list
            if audiences not in audiences_of:
                audiences_of[audiences] = tuple(json.loads(audiences) or ())
            audiences = audiences_of[audiences]
        offers[pid].append(
            Offer(slug, name, fam, icon, own or "", tuple(audiences or ()), fee or "", cond or "")
        )
    position = {f[0]: (f[4], f[5], f[0]) for f in functions.values()}
    for items in offers.values():
        items.sort(key=lambda o: position[o.slug])
    closures: dict[int, list[ClosureRec]] = defaultdict(list)
    for pid, start, end, reason in (
        of(Closure.objects.all())
        .order_by("place_id", "start_date")
        .values_list("place_id", "start_date", "end_date", "reason")
    ):
        closures[pid].append(ClosureRec(start, end, reason or ""))
    notices: dict[int, list[NoticeRec]] = defaultdict(list)
    for pid, message, a, b in (
        of(Notice.objects.all())
        .order_by("place_id", "starts_on")
        .values_list("place_id", "message", "starts_on", "ends_on")
    ):
        notices[pid].append(NoticeRec(message, a, b))
    networks: dict[int, list[tuple[str, str]]] = defaultdict(list)
    through = Place.networks.through
    for pid, slug, name in (
        (through.objects.filter(place_id__in=found_ids) if scoped else through.objects.all())
        .order_by()
        .values_list("place_id", "network__slug", "network__name")
    ):
        networks[pid].append((slug, name))
    stops: dict[int, list[Stop]] = defaultdict(list)
    for sid, pid, code, cname, spot, lat, lon, clat, clon, expr, note in (
        of(MobileStop.objects.filter(place__is_mobile=True))
        .order_by("place_id", "commune__name", "spot", "id")
        .values_list(
            "id",
            "place_id",
            "commune_id",
            "commune__name",
            "spot",
            "latitude",
            "longitude",
            "commune__centroid_lat",
            "commune__centroid_lon",
            "opening_hours",
            "note",
        )
    ):
        lat, lon, approximate = point_or_centroid(lat, lon, clat, clon)
        stops[pid].append(Stop(sid, code, cname, spot, lat, lon, approximate, expr or "", note))
    mobile_ids = [r[0] for r in rows if r[6]]
    events: dict[int, list[Visit]] = defaultdict(list)
    if mobile_ids:
        for provider in _providers():
            for pid, visit in provider(mobile_ids):
                events[pid].append(visit)
    out: dict[int, PlaceRec] = {}
    type_labels = {value: str(label) for value, label in PlaceType.choices}
    for r in rows:
        pid = r[0]
        out[pid] = PlaceRec(
            id=pid,
            slug=r[1],
            name=r[2],
            type=r[3],
            lat=r[4],
            lon=r[5],
            is_mobile=bool(r[6]),
            hours=r[7] or "",
            commune=r[8] or "",
            commune_name=r[9] or "",
            postal_code=r[10] or "",
            fee=r[11] or "",
            wheelchair=r[12] or "",
            hours_note=r[13] or "",
            appointment_only=bool(r[14]),
            summary=r[15] or "",
            address=r[16] or "",
            website=r[17] or "",
            email=r[18] or "",
            phone=r[19] or "",
            is_example=bool(r[20]),
            last_checked_at=_moment(r[21]),
            networks=_sorted(networks.get(pid, ()), lambda n: (n[1], n[0])),
            offers=tuple(offers.get(pid, ())),
            closures=tuple(closures.get(pid, ())),
            notices=tuple(notices.get(pid, ())),
            stops=tuple(stops.get(pid, ())),
            events=_sorted(events.get(pid, ()), lambda v: (v.start, v.spot)),
            operator=r[22] or "",
            text=place_text(
                r[2], r[15] or "", r[22] or "", r[9] or "", r[10] or "", type_labels.get(r[3], "")
            ),
        )
    return out


def _sorted(items, key) -> tuple:
    return tuple(sorted(items, key=key)) if len(items) > 1 else tuple(items)


def _moment(value) -> dt.datetime | None:
    """A datetime column read by plain SQL: SQLite hands back text or a naive
    datetime, both in UTC; PostgreSQL an aware datetime."""
    if value is None:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def record_for(place_id: int) -> PlaceRec | None:
    """A place's record: from the current model when published, else read alone (an
    archived place shown to its hosts)."""
    rec = current().get(place_id)
    if rec is None:
        rec = load_records([place_id], published_only=False).get(place_id)
    return rec


# --------------------------------------------------------------------------- the model


class _All:
    """Every commune: a model being built owns all its sets."""

    def __contains__(self, code) -> bool:
        return True

    def add(self, code) -> None:
        pass


def _communes_of(rec: PlaceRec) -> set[str]:
    """The communes a place is found in: its own, and where a mobile unit stops."""
    return {rec.commune, *(s.commune for s in rec.stops), *(v.commune for v in rec.events)}


_ARRAYS = (
    "ids",
    "alive",
    "lat",
    "lon",
    "is_mobile",
    "type_code",
    "place_free",
    "wheelchair_yes",
    "fmask",
    "free_fmask",
    "name_rank",
)


class Network:
    """The published network at one database version: records and filtering arrays.
    Never changed once published to readers: :meth:`patched` returns a new one."""

    version: int
    db: str

    def __init__(self, records: dict[int, PlaceRec], version: int, db: str):
        self.version, self.db = version, db
        self.built_at = time.monotonic()
        self.records = records
        recs = list(records.values())
        n = len(recs)
        self.ids = np.array([r.id for r in recs], dtype=np.int64)
        self.alive = np.ones(n, dtype=bool)
        self.lat = np.empty(n, dtype=float)
        self.lon = np.empty(n, dtype=float)
        self.is_mobile = np.zeros(n, dtype=bool)
        self.type_code = np.zeros(n, dtype=np.int16)
        self.place_free = np.zeros(n, dtype=bool)
        self.wheelchair_yes = np.zeros(n, dtype=bool)
        self.fmask = np.zeros(n, dtype=np.int64)
        self.free_fmask = np.zeros(n, dtype=np.int64)
        self.name_rank = np.zeros(n, dtype=float)
        #: each row's searchable text (PlaceRec.text), for text queries
        self.texts: list[str] = [r.text for r in recs]
        self.row_of: dict[int, int] = {}
        self.commune_rows: dict[str, set[int]] = {}
        self._own_communes: set[str] | _All = _All()
        for i, rec in enumerate(recs):
            self.row_of[rec.id] = i
            self._fill(i, rec)
        self._rank_all()
        self._index_stops()
        #: place summaries as the API lists them, filled on demand, dropped with the model
        self.summaries: dict[int, dict] = {}

    # ----------------------------------------------------------------- building

    def _fill(self, i: int, rec: PlaceRec) -> None:
        self.lat[i] = np.nan if rec.lat is None else rec.lat
        self.lon[i] = np.nan if rec.lon is None else rec.lon
        self.is_mobile[i] = rec.is_mobile
        self.type_code[i] = TYPE_CODE.get(rec.type, -1)
        self.place_free[i] = rec.fee in (Fee.FREE, Fee.MIXED)
        self.wheelchair_yes[i] = rec.wheelchair == Wheelchair.YES
        fmask = free = 0
        for o in rec.offers:
            bit = FUNCTION_BIT.get(o.slug, 0)
            fmask |= bit
            if o.fee == Fee.FREE:
                free |= bit
        self.fmask[i], self.free_fmask[i] = fmask, free
        self.texts[i] = rec.text
        for code in _communes_of(rec):
            self._commune_add(code, i)

    def _commune_add(self, code: str, i: int) -> None:
        rows = self.commune_rows.get(code)
        if rows is None:
            self.commune_rows[code] = {i}
        elif code in self._own_communes:
            rows.add(i)
        else:  # shared with the model this one was patched from: copy on write
            self.commune_rows[code] = rows | {i}
            self._own_communes.add(code)

    def _commune_discard(self, code: str, i: int) -> None:
        rows = self.commune_rows.get(code)
        if rows is not None and i in rows:
            if code in self._own_communes:
                rows.discard(i)
            else:
                self.commune_rows[code] = rows - {i}
                self._own_communes.add(code)

    def _rank_all(self) -> None:
        rows = [i for i in range(len(self.ids)) if self.alive[i]]
        keyed = sorted((self._key(i), i) for i in rows)
        self._sorted = [k for k, _i in keyed]
        self._sorted_rank = [float(p) for p in range(len(keyed))]
        for pos, (_k, i) in enumerate(keyed):
            self.name_rank[i] = float(pos)

    def _key(self, i: int) -> tuple[str, int]:
        rec = self.records[int(self.ids[i])]
        return (sort_key(rec.name), rec.id)

    def _index_stops(self) -> None:
        s_lat, s_lon, s_row = [], [], []
        self.stop_points: dict[int, np.ndarray] = {}
        for i in np.flatnonzero(self.is_mobile & self.alive):
            rec = self.records[int(self.ids[i])]
            points = [(s.lat, s.lon) for s in rec.stops if s.lat is not None]
            points += [(v.lat, v.lon) for v in rec.events if v.lat is not None]
            if points:
                self.stop_points[int(i)] = np.array(points, dtype=float)
                for lat, lon in points:
                    s_lat.append(lat)
                    s_lon.append(lon)
                    s_row.append(int(i))
        self.s_lat = np.array(s_lat, dtype=float)
        self.s_lon = np.array(s_lon, dtype=float)
        self.s_row = np.array(s_row, dtype=np.int64)

    def patched(self, changed: dict[int, PlaceRec | None], version: int) -> Network:
        """A new model with ``changed`` places replaced (None: no longer published)."""
        new = object.__new__(Network)
        new.version, new.db, new.built_at = version, self.db, time.monotonic()
        new.records = dict(self.records)
        for name in _ARRAYS:
            setattr(new, name, getattr(self, name).copy())
        new.row_of = dict(self.row_of)
        new.texts = list(self.texts)
        new.commune_rows = dict(self.commune_rows)  # the sets are copied on write
        new._own_communes = set()
        new._sorted, new._sorted_rank = list(self._sorted), list(self._sorted_rank)
        added = [pid for pid, rec in changed.items() if rec is not None and pid not in new.row_of]
        if added:
            grow = len(added)
            for name in _ARRAYS:
                arr = getattr(new, name)
                setattr(new, name, np.concatenate([arr, np.zeros(grow, dtype=arr.dtype)]))
            new.texts += [""] * grow
            for k, pid in enumerate(added):
                new.row_of[pid] = len(self.ids) + k
                new.ids[len(self.ids) + k] = pid
        rerank = False
        for pid, rec in changed.items():
            i = new.row_of.get(pid)
            old = self.records.get(pid)
            if old is not None and i is not None:
                pos = bisect.bisect_left(new._sorted, (sort_key(old.name), pid))
                if pos < len(new._sorted) and new._sorted[pos] == (sort_key(old.name), pid):
                    del new._sorted[pos]
                    del new._sorted_rank[pos]
                for code in _communes_of(old):
                    new._commune_discard(code, i)
            if rec is None:
                new.records.pop(pid, None)
                if i is not None:
                    new.alive[i] = False
                continue
            new.records[pid] = rec
            new.alive[i] = True
            new._fill(i, rec)
            key = (sort_key(rec.name), pid)
            pos = bisect.bisect_left(new._sorted, key)
            lo = new._sorted_rank[pos - 1] if pos > 0 else -1.0
            hi = new._sorted_rank[pos] if pos < len(new._sorted_rank) else lo + 2.0
            rank = (lo + hi) / 2.0
            if not lo < rank < hi:
                rerank = True
            new._sorted.insert(pos, key)
            new._sorted_rank.insert(pos, rank)
            new.name_rank[i] = rank
        if rerank:
            new._rank_all()
        new._index_stops()
        new.summaries = dict(self.summaries)
        for pid in changed:
            new.summaries.pop(pid, None)
        return new

    # ----------------------------------------------------------------- reading

    def get(self, place_id: int) -> PlaceRec | None:
        return self.records.get(place_id)

    def __len__(self) -> int:
        return len(self.records)

    def __iter__(self) -> Iterator[PlaceRec]:
        return iter(self.records.values())

    def __contains__(self, place_id) -> bool:
        return place_id in self.records

    def in_commune(self, code: str) -> list[PlaceRec]:
        """Places of a commune and mobile units that stop there (by a stop or an event)."""
        return [
            self.records[int(self.ids[i])]
            for i in sorted(self.commune_rows.get(code, ()))
            if self.alive[i]
        ]


# --------------------------------------------------------------------------- freshness

_lock = threading.Lock()
_shared: Network | None = None
_STATE_SQL = (
    "SELECT version, (SELECT MAX(id) FROM places_networkchange) "
    "FROM places_networkversion WHERE id = 1"
)
_CHANGES_SQL = (
    "SELECT DISTINCT place_id FROM places_networkchange WHERE version > %s AND version <= %s"
)
_OLDEST_SQL = "SELECT MIN(version) FROM places_networkchange"


def database_state(using: str = "default") -> tuple[int, int]:
    """(version, last change row) as this connection sees them ((0, 0): never written)."""
    with connections[using].cursor() as cursor:
        cursor.execute(_STATE_SQL)
        row = cursor.fetchone()
    return (int(row[0]), int(row[1] or 0)) if row else (0, 0)


def database_version(using: str = "default") -> int:
    """The network's version as this connection sees it (0: never written)."""
    return database_state(using)[0]


def _db_key(using: str) -> str:
    return str(connections[using].settings_dict.get("NAME"))


def _advance(base: Network | None, version: int, using: str) -> Network:
    """The model at ``version``: ``base`` patched with what changed since, or rebuilt."""
    db = _db_key(using)
    if base is not None and base.db == db and base.version < version:
        with connections[using].cursor() as cursor:
            cursor.execute(_OLDEST_SQL)
            oldest = cursor.fetchone()[0]
            if oldest is not None and oldest <= base.version + 1:
                cursor.execute(_CHANGES_SQL, [base.version, version])
                ids = [r[0] for r in cursor.fetchall()]
                if None not in ids and len(ids) <= MAX_INCREMENTAL:
                    fresh = load_records(ids)
                    return base.patched({pid: fresh.get(pid) for pid in ids}, version)
    # What lives as long as the model need not be scanned by every full garbage
    # collection (100 ms pauses with 30,000 places): freeze it.
    gc.unfreeze()
    net = Network(load_records(), version, db)
    gc.freeze()
    return net


def current(using: str = "default") -> Network:
    """The read model as of the database's current version (see the module doc): one
    small query when nothing changed."""
    global _shared
    connection = connections[using]
    version, last_change = database_state(using)
    net = _shared
    db = _db_key(using)
    if net is not None and net.version == version and net.db == db:
        return net
    if connection.in_atomic_block:
        # This transaction may see its own uncommitted writes: a private model, kept
        # on the connection for this state only (never shared: it may roll back).
        # PostgreSQL's sequences are not rolled back: a new write after a rollback
        # has a new change id. SQLite's are: its count of changed rows, which a
        # rollback does not lower, tells the two apart.
        raw = connection.connection
        writes = getattr(raw, "total_changes", 0) if connection.vendor == "sqlite" else 0
        key = (db, version, last_change, writes)
        private = getattr(connection, "_maillage_network", None)
        if private is not None and private[0] == key:
            return private[1]
        base = net if net is not None and net.db == db and net.version < version else None
        private_net = _advance(base, version, using)
        connection._maillage_network = (key, private_net)
        return private_net
    with _lock:
        net = _shared
        if net is not None and net.version == version and net.db == db:
            return net
        base = net if net is not None and net.db == db and net.version < version else None
        _shared = _advance(base, version, using)
        return _shared


def reset() -> None:
    """Forget this process's model (tests)."""
    global _shared
    _shared = None


def now_or(moment: dt.datetime | None) -> dt.datetime:
    return hours._aware(moment) if moment is not None else clock.local_now()


__all__ = [
    "CLOSED",
    "OPEN",
    "UNKNOWN",
    "ClosureRec",
    "Network",
    "NoticeRec",
    "Offer",
    "PlaceRec",
    "Stop",
    "Visit",
    "current",
    "expression_state",
    "intervals",
    "load_records",
    "next_opening",
    "record_for",
    "state_at",
    "visits",
]
