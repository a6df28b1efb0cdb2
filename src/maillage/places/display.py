"""Turn the domain's answers into what a page shows, in plain French.

Nothing here decides a rule: whether a place is open comes from the read model
of the network (:func:`maillage.places.network.state_at`); this module only words it ("Fermé · ouvre mardi à 9 h") and
lays it out (a weekly table, the next stops of a mobile unit, a history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.core import clock, french
from maillage.places import hours, network
from maillage.places.models import Audience, Closure, Place, PlaceFunction

PARIS = hours.PARIS
WEEK_DAYS = 7
STOPS_HORIZON_DAYS = 14


# ---------------------------------------------------------------- words for times
# One French typography for the whole platform: maillage.core.french.
time_label = french.time_label
interval_label = french.interval_label
day_label = french.day_label
weekday_label = french.weekday_label


def moment_phrase(moment: dt.datetime, now: dt.datetime) -> str:
    """When ``moment`` is, said from ``now``: "aujourd'hui à 14 h", "mardi à 9 h"."""
    moment = moment.astimezone(PARIS)
    days = (moment.date() - now.astimezone(PARIS).date()).days
    at = time_label(moment)
    if days == 0:
        return _("aujourd'hui à %(time)s") % {"time": at}
    if days == 1:
        return _("demain à %(time)s") % {"time": at}
    if 1 < days < 7:
        return _("%(weekday)s à %(time)s") % {"weekday": weekday_label(moment.date()), "time": at}
    return _("le %(day)s à %(time)s") % {"day": day_label(moment.date()), "time": at}


# ---------------------------------------------------------------- open or closed


@dataclass(frozen=True)
class OpenStatus:
    """What a person needs to know about a place at a moment: open to the public or
    not (``state``: open, closed or unknown, by :func:`maillage.places.network.state_at`),
    until when or from when (``detail``), and what can still be done there when it
    is closed (``also``: its functions open at that moment, a mobile unit's visit)."""

    state: str  # "open", "closed" or "unknown"
    label: str  # "Ouvert maintenant"
    detail: str = ""  # "ferme à 17 h"
    also: str = ""  # "Restent ouverts : espaces de travail (jusqu'à 18 h)"

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def _merged(intervals: Iterable[tuple[dt.datetime, dt.datetime]]):
    """Join intervals that touch (``open_intervals`` cuts them at midnight)."""
    merged: list[list[dt.datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def _closing(end: dt.datetime, now: dt.datetime) -> str:
    end = end.astimezone(PARIS)
    same_day = end.date() == now.date()
    at_midnight = end.time() == dt.time() and end.date() == now.date() + dt.timedelta(days=1)
    if same_day or at_midnight:
        return _("à %(time)s") % {"time": time_label(end, end=True)}
    return moment_phrase(end, now)


def _open_until(rec: network.PlaceRec, moment: dt.datetime, functions=None) -> dt.datetime | None:
    """The end of the opening that holds ``moment`` (None: open for more than six days)."""
    for a, b in network.intervals(rec, moment, moment + dt.timedelta(days=7), functions):
        if a <= moment < b:
            return None if b - moment > dt.timedelta(days=6) else b
    return None


def _visit_at(rec: network.PlaceRec, moment: dt.datetime) -> network.Visit | None:
    return next(
        (v for v in network.visits(rec, moment, moment + dt.timedelta(minutes=1))),
        None,
    )


def status_at(
    rec: network.PlaceRec, moment: dt.datetime | None = None, now: dt.datetime | None = None
) -> OpenStatus:
    """The status of a place at ``moment`` (default: now), worded from ``now``."""
    now = (now or clock.now()).astimezone(PARIS)
    moment = (moment or now).astimezone(PARIS)
    is_now = abs((moment - now).total_seconds()) < 60
    when = "" if is_now else moment_phrase(moment, now)
    state = network.state_at(rec, moment)
    if state == network.OPEN:
        label = _("Ouvert maintenant") if is_now else _("Ouvert %(when)s") % {"when": when}
        end = _open_until(rec, moment)
        detail = _("ferme %(when)s") % {"when": _closing(end, moment)} if end else ""
        visit = _visit_at(rec, moment) if rec.is_mobile else None
        also = ""
        if visit is not None:
            where = ", ".join(x for x in (visit.commune_name, visit.spot) if x)
            also = _("En ce moment à %(where)s") % {"where": where} if is_now else where
        return OpenStatus("open", label, detail, also)
    # Closed or unknown to the public: what can still be done there at that moment.
    still = []
    for offer in rec.offers:
        if offer.hours and network.state_at(rec, moment, (offer.slug,)) == network.OPEN:
            end = _open_until(rec, moment, (offer.slug,))
            name = _in_sentence(offer.name)
            still.append(
                _("%(what)s jusqu'%(when)s") % {"what": name, "when": _closing(end, moment)}
                if end
                else name
            )
    also = _("Reste ouvert : %(what)s") % {"what": ", ".join(still)} if len(still) == 1 else ""
    if len(still) > 1:
        also = _("Restent ouverts : %(what)s") % {"what": ", ".join(still)}
    if state == network.UNKNOWN:
        return OpenStatus("unknown", _("Horaires non renseignés"), "", also)
    first = network.next_opening(rec, moment)
    detail = _("ouvre %(when)s") % {"when": moment_phrase(first, now)} if first else ""
    if not still:
        # closed to the public for long (a hotel in winter) while functions with hours
        # of their own open sooner: say when, as the person can go then
        sooner = _opening_sooner(rec, moment, first)
        if sooner:
            at, names = sooner
            still = names
            also = _("Dès %(when)s : %(what)s") % {
                "when": moment_phrase(at, now),
                "what": ", ".join(names),
            }
    closure = rec.closure_on(moment.date())
    if closure:
        label = _("Fermeture exceptionnelle jusqu'au %(day)s") % {"day": day_label(closure.end)}
    elif still:
        label = _("Fermé au public") if is_now else _("Fermé au public %(when)s") % {"when": when}
    else:
        label = _("Fermé") if is_now else _("Fermé %(when)s") % {"when": when}
    return OpenStatus("closed", label, detail, also)


def _in_sentence(name: str) -> str:
    """A function's name inside a sentence: « espaces de travail », « CAF » kept."""
    return name if name[:2].isupper() else name[:1].lower() + name[1:]


def _opening_sooner(rec: network.PlaceRec, moment: dt.datetime, first: dt.datetime | None):
    """(when, names) of the functions with hours of their own that open before the place
    itself (``first``), the soonest; None when none does."""
    found = []
    for offer in rec.offers:
        if offer.hours:
            at = network.next_opening(rec, moment, (offer.slug,))
            if at is not None and (first is None or at < first):
                found.append((at, offer))
    if not found:
        return None
    soonest = min(at for at, _offer in found)
    return soonest, [_in_sentence(o.name) for at, o in found if at == soonest]


def place_status(place: Place, now: dt.datetime | None = None, moment=None) -> OpenStatus:
    return status_at(network.record_for(place.pk), moment, now)


# ---------------------------------------------------------------- a week of hours


@dataclass
class DayHours:
    day: dt.date
    label: str
    is_today: bool
    intervals: list[str] = field(default_factory=list)
    closure: str = ""  # the reason of a dated closure covering that day

    @property
    def is_open(self) -> bool:
        return bool(self.intervals) and not self.closure


def _week(intervals_of, closures, today: dt.date) -> list[DayHours]:
    start = dt.datetime.combine(today, dt.time(), PARIS)
    end = start + dt.timedelta(days=WEEK_DAYS)
    days = [
        DayHours(day=d, label=day_label(d), is_today=d == today)
        for d in (today + dt.timedelta(days=i) for i in range(WEEK_DAYS))
    ]
    by_date = {d.day: d for d in days}
    for a, b in _merged(intervals_of(start, end)):
        row = by_date.get(a.date())
        if row is not None:
            row.intervals.append(interval_label(a, b))
    for start_date, end_date, reason in closures:
        for row in days:
            if start_date <= row.day <= end_date:
                row.closure = reason or _("fermeture exceptionnelle")
    return days


def week_hours(
    expression: str, closures: Iterable[Closure] = (), today: dt.date | None = None
) -> list[DayHours]:
    """The next seven days from ``today`` by one expression (a function's own hours)."""
    today = today or clock.today()
    return _week(
        lambda a, b: hours.open_intervals(expression, a, b) if expression else (),
        [(c.start_date, c.end_date, c.reason) for c in closures],
        today,
    )


def place_week(
    rec: network.PlaceRec, today: dt.date | None = None, functions=None
) -> list[DayHours]:
    """The next seven days of a place by the one rule (a mobile unit's stops included);
    with ``functions``, the hours of those functions there (their own, else the place's)."""
    today = today or clock.today()
    return _week(
        lambda a, b: network.intervals(rec, a, b, functions),
        [(c.start, c.end, c.reason) for c in rec.closures],
        today,
    )


def weekly_summary(expression: str, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The days of the coming week that have hours: [("mardi", "14 h – 17 h"), ...]."""
    return [
        (weekday_label(row.day), ", ".join(row.intervals))
        for row in week_hours(expression, (), today)
        if row.intervals
    ]


# ---------------------------------------------------------------- mobile units


@dataclass(frozen=True)
class StopVisit:
    """A visit of a mobile unit (``place``, its record) as pages show it."""

    place: network.PlaceRec
    visit: network.Visit

    @property
    def start(self) -> dt.datetime:
        return self.visit.start

    @property
    def end(self) -> dt.datetime:
        return self.visit.end

    @property
    def commune(self) -> str:
        return self.visit.commune

    @property
    def commune_name(self) -> str:
        return self.visit.commune_name

    @property
    def spot(self) -> str:
        return self.visit.spot

    @property
    def note(self) -> str:
        return self.visit.note

    @property
    def title(self) -> str:
        return self.visit.title

    @property
    def url(self) -> str:
        return self.visit.url

    @property
    def day(self) -> str:
        return day_label(self.start.astimezone(PARIS).date())

    @property
    def times(self) -> str:
        return interval_label(self.start.astimezone(PARIS), self.end.astimezone(PARIS))


def stop_visits(
    units: Iterable[network.PlaceRec],
    now: dt.datetime | None = None,
    days: int = STOPS_HORIZON_DAYS,
    commune: str | None = None,
) -> list[StopVisit]:
    """Every visit of these mobile units from ``now`` over ``days`` days (only those in
    ``commune`` if given), soonest first: stops by their hours and stop events."""
    now = (now or clock.now()).astimezone(PARIS)
    horizon = dt.datetime.combine(now.date() + dt.timedelta(days=days), dt.time(), PARIS)
    found = [
        StopVisit(rec, v)
        for rec in units
        if rec.is_mobile
        for v in network.visits(rec, now, horizon)
        if commune is None or v.commune == commune
    ]
    found.sort(key=lambda v: (v.start, v.commune_name, v.place.name))
    return found


def stopping_units(commune: str) -> list[network.PlaceRec]:
    """The mobile units that stop in ``commune`` (by a stop or a stop event)."""
    return [
        rec
        for rec in network.current().in_commune(commune)
        if rec.is_mobile
        and (
            any(s.commune == commune for s in rec.stops)
            or any(v.commune == commune for v in rec.events)
        )
    ]


# ---------------------------------------------------------------- functions


@dataclass(frozen=True)
class FunctionOffer:
    """A function of a place as its page shows it."""

    place_function: PlaceFunction
    own_hours: list[tuple[str, str]]
    audiences: list[str]
    next_slot: str = ""  # "le jeudi 10 décembre à 18 h" when nothing this week

    @property
    def function(self):
        return self.place_function.function


def audience_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Audience.choices)
    return [str(labels.get(v, v)) for v in values]


def function_offers(place: Place, today: dt.date | None = None, now=None) -> list[FunctionOffer]:
    now = (now or clock.now()).astimezone(PARIS)
    rec = network.record_for(place.pk)
    offers = []
    for pf in place.place_functions.all():
        own = weekly_summary(pf.opening_hours, today) if pf.opening_hours else []
        next_slot = ""
        if pf.opening_hours and not own:
            moment = network.next_opening(rec, now, (pf.function.slug,))
            next_slot = moment_phrase(moment, now) if moment else ""
        offers.append(
            FunctionOffer(
                place_function=pf,
                own_hours=own,
                audiences=audience_labels(pf.audiences or []),
                next_slot=next_slot,
            )
        )
    return offers


# The function that best stands for a place of each type, when it offers it
# (a France Services offers digital access too, but it is first a door to
# public services). Presentation only: with no match, taxonomy order decides.
TYPE_PICTOGRAM = {
    "france-services": "public-service-orientation",
    "public-service": "public-service-orientation",
    "town-hall": "public-service-orientation",
    "telecentre": "workspaces",
    "coworking": "workspaces",
    "co-home": "workspaces",
    "fablab": "fablab",
    "cultural-venue": "culture",
    "radio": "culture",
    "youth-service": "social-support",
    "association": "pooling",
}


def main_function(place: Place, functions: Iterable[str] = (), family: str | None = None):
    """The function shown as the place's pictogram: the one searched for if the
    place offers it, else the one standing for its type, else its first in
    taxonomy order."""
    offers = [pf.function for pf in place.place_functions.all()]
    wanted = set(functions)
    for function in offers:
        if function.slug in wanted or (not wanted and family and function.family.slug == family):
            return function
    typical = TYPE_PICTOGRAM.get(place.type)
    for function in offers:
        if function.slug == typical:
            return function
    return offers[0] if offers else None


# ---------------------------------------------------------------- a place in a list


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    distance_km: float | None
    status: OpenStatus | None
    main_function: object
    next_visit: StopVisit | None = None
    #: why a text query found it through the vocabulary (« imprimante → Accès numérique »)
    matched_by: tuple[str, ...] = ()


def place_row(
    place: Place, distance_km: float | None = None, now=None, place_filter=None, matched_by=()
) -> PlaceRow:
    """What a card of a list shows about a place (its list data prefetched), at the
    moment the search asked about (« Ouvert le samedi 10:00 »), else now."""
    now = now or clock.now()
    moment = (place_filter.moment(now) if place_filter is not None else None) or now
    rec = network.record_for(place.pk)
    next_visit = None
    if rec.is_mobile:
        visits = stop_visits([rec], moment)
        next_visit = visits[0] if visits else None
    status = status_at(rec, moment, now)
    main = main_function(
        place,
        place_filter.functions if place_filter else (),
        place_filter.family if place_filter else None,
    )
    return PlaceRow(place, distance_km, status, main, next_visit, tuple(matched_by))
