"""Finding places: the ONE place where place filtering lives.

The API (``/api/places/``, the GeoJSON/CSV exports) and the web front (map,
list, commune pages) all go through :func:`parse_filter` and
:func:`search_places`, so a filter means the same thing everywhere.

How a search runs (a handful of SQL queries, whatever the number of places):

1. SQL narrows the candidates with every filter a database can answer (type,
   functions, family, commune, free, accessible, mobile, text) and, for a
   ``near`` query, a bounding box on ``latitude``/``longitude`` (indexed).
   Only a few columns are read at this stage.
2. Mobile units also match by their stops: a mobile unit's distance is the
   distance to the nearest of its own position and its stops (a stop without
   coordinates stands at its commune's centroid). A mobile unit passing 5 km
   from you is 5 km from you.
3. Exact great-circle distances (haversine, numpy) and the radius.
4. ``open_at``/``open_now``: the place's hours (OpenStreetMap syntax) and its
   dated closures, as :meth:`Place.is_open_at`; when a ``function`` or
   ``family`` filter is given, the hours of the matching functions within the
   place instead (:meth:`PlaceFunction.is_available_at`: a function's own
   hours, or the place's when it has none). A mobile unit with no hours of its
   own is open when one of its stops is.
5. Sorted by distance (then name) when ``near`` is given, else by name.

The result is a :class:`SearchResult`: a read-only sequence of
:class:`PlaceHit` that only loads full ``Place`` rows (with their functions,
closures, networks, stops and commune prefetched, long texts deferred) for the
items actually read. Slice it (``result[0:50]``) or hand it to a Django
``Paginator`` to page through thousands of matches without loading them all;
``list(result)`` loads everything.
"""

from __future__ import annotations

import atexit
import datetime as dt
import gc
import math
import os
import re
import threading
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, overload

import numpy as np
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from maillage.core import clock, params
from maillage.core.params import ParameterError

from . import hours
from .models import Closure, Fee, MobileStop, Place, PlaceFunction, PlaceType, Wheelchair
from .taxonomy import FAMILIES

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)
MAX_RADIUS_KM = 1000.0
MAX_Q_LENGTH = 200

FUNCTION_SLUGS: frozenset[str] = frozenset(f[0] for fam in FAMILIES for f in fam[3])
FAMILY_SLUGS: frozenset[str] = frozenset(fam[0] for fam in FAMILIES)
FAMILY_OF: dict[str, str] = {f[0]: fam[0] for fam in FAMILIES for f in fam[3]}
TYPE_SLUGS: frozenset[str] = frozenset(PlaceType.values)

# Long texts never shown in lists: not read by searches (deferred).
DEFERRED_FIELDS = ("description", "people", "communities")  # and the commune's boundary

_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux"}
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


class FilterError(ParameterError):
    """A bad search parameter: ``field`` names it, ``message`` says why (in French)."""


@dataclass
class PlaceFilter:
    near: tuple[float, float] | None = None  # (latitude, longitude), WGS84
    radius_km: float | None = None
    functions: list[str] = field(default_factory=list)  # any of them
    family: str | None = None
    types: list[str] = field(default_factory=list)  # any of them
    commune: str | None = None  # INSEE code
    open_at: dt.datetime | None = None  # aware (parse_filter makes naive times Europe/Paris)
    open_now: bool = False
    free: bool = False
    accessible: bool = False
    mobile: bool | None = None
    q: str = ""

    def moment(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """The moment places must be open at, if any (``open_at`` wins over ``open_now``)."""
        if self.open_at is not None:
            return hours._aware(self.open_at)
        if self.open_now:
            return now or clock.now()
        return None

    @property
    def is_empty(self) -> bool:
        return self == PlaceFilter()

    def to_params(self) -> list[tuple[str, str]]:
        """The query parameters that :func:`parse_filter` turns back into this filter
        (for links: next page, the same search as GeoJSON or CSV, the map and the list)."""
        params: list[tuple[str, str]] = []
        if self.near is not None:
            params.append(("near", f"{self.near[0]:.6f},{self.near[1]:.6f}"))
        if self.radius_km is not None:
            params.append(("radius_km", f"{self.radius_km:g}"))
        params += [("function", slug) for slug in self.functions]
        if self.family:
            params.append(("family", self.family))
        params += [("type", slug) for slug in self.types]
        if self.commune:
            params.append(("commune", self.commune))
        if self.open_at is not None:
            params.append(("open_at", self.open_at.isoformat()))
        for name in ("open_now", "free", "accessible"):
            if getattr(self, name):
                params.append((name, "1"))
        if self.mobile is not None:
            params.append(("mobile", "1" if self.mobile else "0"))
        if self.q:
            params.append(("q", self.q))
        return params


# --------------------------------------------------------------------------- parsing


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    """Every value given for ``name``: repeated parameters and comma lists alike."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name)
        if raw is None:
            raw = []
        elif isinstance(raw, str):
            raw = [raw]
    out: list[str] = []
    for item in raw:
        out += [part.strip() for part in str(item).split(",") if part.strip()]
    return out


def _single(params: Mapping[str, Any], name: str) -> str | None:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = [] if value is None else value if isinstance(value, list | tuple) else [value]
    values = [str(v).strip() for v in values]
    values = [v for v in values if v]
    if not values:
        return None
    if len(set(values)) > 1:
        raise FilterError(name, f"{name} ne peut être donné qu'une fois.")
    return values[0]


def _float(name: str, text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FilterError(name, f"{name} doit être {what} (reçu « {text[:40]} »).") from None
    if not math.isfinite(value):
        raise FilterError(name, f"{name} doit être {what} (reçu « {text[:40]} »).")
    return value


def parse_bool(name: str, text: str | None) -> bool | None:
    if text is None:
        return None
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FilterError(name, f"{name} doit valoir 1 ou 0 (oui ou non), pas « {text[:40]} ».")


def parse_near(text: str, name: str = "near") -> tuple[float, float]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise FilterError(
            name,
            f"{name} doit être « latitude,longitude » en degrés décimaux, par exemple 44.5215,3.4965.",
        )
    lat = _float(name, parts[0], "« latitude,longitude » en degrés décimaux")
    lon = _float(name, parts[1], "« latitude,longitude » en degrés décimaux")
    if not -90 <= lat <= 90:
        raise FilterError(
            name, f"la latitude de {name} doit être comprise entre -90 et 90 (reçu {lat:g})."
        )
    if not -180 <= lon <= 180:
        raise FilterError(
            name, f"la longitude de {name} doit être comprise entre -180 et 180 (reçu {lon:g})."
        )
    return lat, lon


def parse_datetime(name: str, text: str) -> dt.datetime:
    """ISO 8601 (``2026-11-26T10:30``, ``...+01:00``, ``...Z``), years 1970 to 2200;
    naive means Europe/Paris."""
    try:
        return params.parse_datetime(text, name)
    except ParameterError as error:
        raise FilterError(error.parameter, error.message) from None


def parse_filter(params: Mapping[str, Any]) -> PlaceFilter:
    """A :class:`PlaceFilter` from query parameters (a QueryDict or a plain dict of
    strings or lists). Unknown parameters (``page``, ``format``...) are ignored;
    a bad value raises :class:`FilterError` naming the parameter and why."""
    f = PlaceFilter()

    near = _single(params, "near")
    if near is not None:
        f.near = parse_near(near)

    radius = _single(params, "radius_km")
    if radius is not None:
        value = _float("radius_km", radius, "un nombre positif (km)")
        if value <= 0:
            raise FilterError("radius_km", "radius_km doit être un nombre positif (km).")
        if value > MAX_RADIUS_KM:
            raise FilterError(
                "radius_km", f"radius_km ne peut dépasser {MAX_RADIUS_KM:g} km (reçu {value:g})."
            )
        if f.near is None:
            raise FilterError(
                "radius_km",
                "radius_km demande un point de départ : donnez aussi near=latitude,longitude.",
            )
        f.radius_km = value

    functions = _values(params, "function")
    unknown = [slug for slug in functions if slug not in FUNCTION_SLUGS]
    if unknown:
        raise FilterError(
            "function",
            f"fonction inconnue : « {unknown[0][:60]} ». Fonctions possibles : "
            + ", ".join(sorted(FUNCTION_SLUGS))
            + ".",
        )
    f.functions = list(dict.fromkeys(functions))

    family = _single(params, "family")
    if family is not None:
        if family not in FAMILY_SLUGS:
            raise FilterError(
                "family",
                f"famille inconnue : « {family[:60]} ». Familles possibles : "
                + ", ".join(sorted(FAMILY_SLUGS))
                + ".",
            )
        f.family = family

    types = _values(params, "type")
    unknown = [slug for slug in types if slug not in TYPE_SLUGS]
    if unknown:
        raise FilterError(
            "type",
            f"type de lieu inconnu : « {unknown[0][:60]} ». Types possibles : "
            + ", ".join(sorted(TYPE_SLUGS))
            + ".",
        )
    f.types = list(dict.fromkeys(types))

    commune = _single(params, "commune")
    if commune is not None:
        if not _INSEE.match(commune.upper()):
            raise FilterError(
                "commune",
                f"commune doit être un code INSEE à 5 caractères, par exemple 48095 (reçu « {commune[:40]} »).",
            )
        f.commune = commune.upper()

    open_at = _single(params, "open_at")
    if open_at is not None:
        f.open_at = parse_datetime("open_at", open_at)
    f.open_now = bool(parse_bool("open_now", _single(params, "open_now")))
    if f.open_now and f.open_at is not None:
        raise FilterError("open_now", "open_now et open_at ne peuvent être donnés ensemble.")

    f.free = bool(parse_bool("free", _single(params, "free")))
    f.accessible = bool(parse_bool("accessible", _single(params, "accessible")))
    f.mobile = parse_bool("mobile", _single(params, "mobile"))

    q = _single(params, "q") or ""
    if "\x00" in q:
        raise FilterError("q", "q ne peut contenir le caractère nul.")
    if len(q) > MAX_Q_LENGTH:
        raise FilterError("q", f"q ne peut dépasser {MAX_Q_LENGTH} caractères.")
    f.q = q
    return f


# --------------------------------------------------------------------------- geometry


def haversine_km(lat: float, lon: float, lats, lons) -> np.ndarray:
    """Great-circle distances (km) from (lat, lon) to arrays of points."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2 = np.radians(np.asarray(lats, dtype=float))
    lon2 = np.radians(np.asarray(lons, dtype=float))
    a = (
        np.sin((lat2 - lat1) / 2.0) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def bounding_box(
    lat: float, lon: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """(min_lat, max_lat, [(min_lon, max_lon), ...]) enclosing the circle exactly
    (two longitude ranges when it crosses the antimeridian)."""
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)]
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, [(-180.0, 180.0)]
    dlon = math.degrees(math.asin(ratio))
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        return min_lat, max_lat, [(lo + 360, 180.0), (-180.0, hi)]
    if hi > 180:
        return min_lat, max_lat, [(lo, 180.0), (-180.0, hi - 360)]
    return min_lat, max_lat, [(lo, hi)]


def _bbox_q(box, lat: str = "latitude", lon: str = "longitude") -> Q:
    min_lat, max_lat, lon_ranges = box
    q_lon = Q()
    for lo, hi in lon_ranges:
        q_lon |= Q(**{f"{lon}__gte": lo, f"{lon}__lte": hi})
    return Q(**{f"{lat}__gte": min_lat, f"{lat}__lte": max_lat}) & q_lon


# --------------------------------------------------------------------------- search


@dataclass
class PlaceHit:
    place: Place
    distance_km: float | None


def sort_key(name: str) -> str:
    """Names sort the French way enough: accents and case ignored."""
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def list_prefetches() -> list:
    """What a place in a list needs, in a fixed number of queries."""
    return [
        Prefetch(
            "place_functions",
            queryset=PlaceFunction.objects.select_related("function__family").order_by(
                "function__family__position", "function__position", "function__slug"
            ),
        ),
        "closures",
        "networks",
        Prefetch("stops", queryset=MobileStop.objects.select_related("commune")),
    ]


class SearchResult(Sequence[PlaceHit]):
    """The ordered matches of a search. ``len()`` costs nothing; reading items loads
    their places (one batch of queries per slice, cached)."""

    def __init__(
        self,
        ids: list[int],
        distances: list[float | None],
        queryset: QuerySet | None,
        f: PlaceFilter,
    ):
        self.ids = ids
        self.distances = distances
        self.filter = f
        self._base = queryset
        self._queryset: QuerySet | None = None  # built when first needed
        self._cache: dict[int, Place] = {}

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:  # what Django's Paginator asks first
        return len(self.ids)

    def _load(self, ids: list[int]) -> None:
        missing = [i for i in ids if i not in self._cache]
        if missing:
            if self._queryset is None:
                base = self._base if self._base is not None else Place.objects.published()
                self._queryset = (
                    base.select_related("commune")
                    .defer(*DEFERRED_FIELDS, "commune__geometry")
                    .prefetch_related(*list_prefetches())
                )
            for place in self._queryset.filter(pk__in=missing):
                self._cache[place.pk] = place

    @overload
    def __getitem__(self, index: int) -> PlaceHit: ...
    @overload
    def __getitem__(self, index: slice) -> list[PlaceHit]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            positions = range(len(self.ids))[index]
            self._load([self.ids[i] for i in positions])
            return [PlaceHit(self._cache[self.ids[i]], self.distances[i]) for i in positions]
        i = range(len(self.ids))[index]
        self._load([self.ids[i]])
        return PlaceHit(self._cache[self.ids[i]], self.distances[i])

    def __iter__(self) -> Iterator[PlaceHit]:
        batch = 500
        for start in range(0, len(self.ids), batch):
            yield from self[start : start + batch]

    def __repr__(self) -> str:
        return f"<SearchResult {len(self.ids)} places>"


def _sql_filtered(f: PlaceFilter, qs: QuerySet) -> QuerySet:
    if f.types:
        qs = qs.filter(type__in=f.types)
    if f.mobile is not None:
        qs = qs.filter(is_mobile=f.mobile)
    if f.accessible:
        qs = qs.filter(wheelchair=Wheelchair.YES)
    matching = _matching_functions(f)
    if matching is not None:
        qs = qs.filter(Exists(matching.filter(place=OuterRef("pk"))))
    if f.free:
        free_functions = (matching if matching is not None else PlaceFunction.objects.all()).filter(
            fee=Fee.FREE, place=OuterRef("pk")
        )
        qs = qs.filter(Q(fee__in=[Fee.FREE, Fee.MIXED]) | Exists(free_functions))
    if f.commune:
        stops_there = MobileStop.objects.filter(place=OuterRef("pk"), commune_id=f.commune)
        qs = qs.filter(Q(commune_id=f.commune) | Exists(stops_there))
    if f.q:
        words = f.q.split()
        for word in words:
            qs = qs.filter(
                Q(name__icontains=word)
                | Q(summary__icontains=word)
                | Q(operator__icontains=word)
                | Q(commune__name__icontains=word)
                | Q(postal_code__startswith=word)
            )
    return qs


def _matching_functions(f: PlaceFilter) -> QuerySet | None:
    """The PlaceFunction rows the function/family filters ask for (None: no such filter)."""
    if not f.functions and not f.family:
        return None
    pfs = PlaceFunction.objects.all()
    if f.functions:
        pfs = pfs.filter(function__slug__in=f.functions)
    if f.family:
        pfs = pfs.filter(function__family__slug=f.family)
    return pfs


def _stop_points(place_ids=None, box=None) -> dict[int, list[tuple[float, float]]]:
    """Mobile stops' coordinates per place (a stop without its own at its commune's centroid)."""
    stops = MobileStop.objects.filter(place__is_mobile=True)
    if place_ids is not None:
        stops = stops.filter(place_id__in=place_ids)
    if box is not None:
        stops = stops.filter(
            _bbox_q(box)
            | (
                Q(latitude__isnull=True)
                & _bbox_q(box, "commune__centroid_lat", "commune__centroid_lon")
            )
        )
    out: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for place_id, lat, lon, clat, clon in stops.order_by().values_list(
        "place_id", "latitude", "longitude", "commune__centroid_lat", "commune__centroid_lon"
    ):
        if lat is None or lon is None:
            lat, lon = clat, clon
        if lat is not None and lon is not None:
            out[place_id].append((lat, lon))
    return out


def _open_ids(f: PlaceFilter, rows: list[tuple], moment: dt.datetime) -> set[int]:
    """Which candidate places are open (or offer the asked function) at ``moment``."""
    ids = [r[0] for r in rows]
    day = hours._aware(moment).date()
    closed = set(
        Closure.objects.filter(
            place_id__in=ids, start_date__lte=day, end_date__gte=day
        ).values_list("place_id", flat=True)
    )
    place_hours = {r[0]: r[5] for r in rows}
    matching = _matching_functions(f)
    open_ids: set[int] = set()
    if matching is not None:
        for place_id, own_hours in matching.filter(place_id__in=ids).values_list(
            "place_id", "opening_hours"
        ):
            if place_id in closed or place_id in open_ids:
                continue
            if expression_open(own_hours or place_hours[place_id], moment):
                open_ids.add(place_id)
    else:
        for place_id, expression in place_hours.items():
            if place_id not in closed and expression_open(expression, moment):
                open_ids.add(place_id)
    # A mobile unit without hours of its own is open when one of its stops is.
    silent_mobiles = [r[0] for r in rows if r[4] and not r[5] and r[0] not in closed]
    if silent_mobiles:
        for place_id, expression in MobileStop.objects.filter(
            place_id__in=silent_mobiles
        ).values_list("place_id", "opening_hours"):
            if expression_open(expression, moment):
                open_ids.add(place_id)
    return open_ids


def search_places(
    f: PlaceFilter,
    queryset: QuerySet | None = None,
    now: dt.datetime | None = None,
    *,
    use_index: bool | None = None,
) -> SearchResult:
    """The places matching ``f``, nearest first when ``f.near`` is given, else by name.

    ``queryset`` restricts the search (default: published places); the places
    returned come from it with their list data prefetched. ``now`` pins
    ``open_now`` (tests). ``use_index``: None lets the in-process index answer
    when it can (default queryset, no text, not inside a transaction), True
    insists (tests), False uses SQL only."""
    found = None
    if queryset is None and use_index is not False:
        found = index_find(f, now, force=use_index is True)
    if found is None:
        found = _sql_find(f, queryset if queryset is not None else Place.objects.published(), now)
    ids, dists = found
    return SearchResult(ids, dists, queryset, f)


def _sql_find(
    f: PlaceFilter, queryset: QuerySet, now: dt.datetime | None
) -> tuple[list[int], list[float | None]]:
    """Ordered ids and distances, by SQL (bounding box) then numpy (exact distance)."""
    base = _sql_filtered(f, queryset).order_by()
    columns = ("id", "name", "latitude", "longitude", "is_mobile", "opening_hours")

    stop_points: dict[int, list[tuple[float, float]]] = {}
    if f.near is not None and f.radius_km is not None:
        box = bounding_box(f.near[0], f.near[1], f.radius_km)
        stop_points = _stop_points(box=box)
        near_q = _bbox_q(box)
        if stop_points:
            near_q |= Q(pk__in=list(stop_points))
        rows = list(base.filter(near_q).values_list(*columns))
    else:
        rows = list(base.values_list(*columns))
        if f.near is not None:
            stop_points = _stop_points(place_ids=[r[0] for r in rows if r[4]])

    distances: dict[int, float | None] = {}
    if f.near is not None:
        lat0, lon0 = f.near
        located = [r for r in rows if r[2] is not None and r[3] is not None]
        computed = haversine_km(lat0, lon0, [r[2] for r in located], [r[3] for r in located])
        for r, d in zip(located, computed.tolist(), strict=True):
            distances[r[0]] = d
        candidate_ids = {r[0] for r in rows}
        for place_id, points in stop_points.items():
            if place_id not in candidate_ids:
                continue
            arr = np.array(points)
            d = float(haversine_km(lat0, lon0, arr[:, 0], arr[:, 1]).min())
            current = distances.get(place_id)
            distances[place_id] = d if current is None else min(current, d)
        if f.radius_km is not None:
            rows = [
                r
                for r in rows
                if distances.get(r[0]) is not None and distances[r[0]] <= f.radius_km
            ]

    moment = f.moment(now)
    if moment is not None and rows:
        open_ids = _open_ids(f, rows, moment)
        rows = [r for r in rows if r[0] in open_ids]

    if f.near is not None:
        rows.sort(
            key=lambda r: (
                distances.get(r[0]) is None,
                distances.get(r[0]) or 0.0,
                sort_key(r[1]),
                r[0],
            )
        )
    else:
        rows.sort(key=lambda r: (sort_key(r[1]), r[0]))

    ids = [r[0] for r in rows]
    dists = [distances.get(i) for i in ids] if f.near is not None else [None] * len(ids)
    return ids, dists


def expression_open(expression: str, moment: dt.datetime) -> bool:
    """Open at ``moment`` by ``expression``; an expression that does not parse (bad
    data imported as is) is unknown hours, hence not open, never an error."""
    try:
        return hours.expression_is_open(expression, moment)
    except Exception:  # opening_hours.ParserError and whatever the parser raises
        return False


def _closed_on(place: Place, moment: dt.datetime) -> bool:
    day = hours._aware(moment).date()
    return any(c.contains(day) for c in place.closure_ranges())


def place_open_at(place: Place, moment: dt.datetime) -> bool:
    """The rule of the ``open_at`` filter for one place whose closures and stops are
    prefetched (as :func:`search_places` returns them): :meth:`Place.is_open_at`,
    plus a mobile unit without hours of its own is open when one of its stops is."""
    if _closed_on(place, moment):
        return False
    if expression_open(place.opening_hours, moment):
        return True
    if place.is_mobile and not place.opening_hours:
        return any(expression_open(s.opening_hours, moment) for s in place.stops.all())
    return False


def function_available_at(place_function: PlaceFunction, moment: dt.datetime) -> bool:
    """:meth:`PlaceFunction.is_available_at`, tolerant of bad hours."""
    if _closed_on(place_function.place, moment):
        return False
    return expression_open(place_function.effective_hours, moment)


# --------------------------------------------------------------------------- in-process index
#
# The SQL path reads every place of the bounding box: a few hundred rows in the
# countryside, thousands in a city, 10-20 ms. The index keeps what filtering
# needs of every published place in numpy arrays (sorted by latitude, so that a
# near query is a binary search plus a band), a few MB for 30,000 places, built
# in about half a second per worker process.
#
# Freshness: every SQL write to a places_* or territory_commune table made
# through Django, in any process (the write watcher installed by the api app),
# bumps this process's generation and replaces DATA_DIR/search-index.stamp (again
# at the end of the request or process when the write was in a transaction), which
# every process checks (one stat) before using its index; MAILLAGE_SEARCH_INDEX_TTL
# seconds (default 60; 0 disables the index) bound what nothing can see (writes
# from outside Django or from another host). Inside a transaction the index is not
# used: what the transaction sees may not be what was committed (and the test
# suite runs in transactions).

FUNCTION_ORDER: tuple[str, ...] = tuple(f[0] for fam in FAMILIES for f in fam[3])
FUNCTION_BIT: dict[str, int] = {slug: 1 << i for i, slug in enumerate(FUNCTION_ORDER)}
FAMILY_BITS: dict[str, int] = {fam[0]: sum(FUNCTION_BIT[f[0]] for f in fam[3]) for fam in FAMILIES}
ALL_BITS = sum(FUNCTION_BIT.values())
TYPE_CODE: dict[str, int] = {slug: i for i, slug in enumerate(PlaceType.values)}
STAMP_NAME = "search-index.stamp"
DEFAULT_INDEX_TTL = 60.0

_index_lock = threading.Lock()
_index: _PlaceIndex | None = None
_local_generation = 0
_last_touch = 0.0
_pending_touch = False


class _PlaceIndex:
    """What search needs of every published place, as arrays sorted by latitude."""

    def __init__(self, key):
        self.key = key
        self.built_at = time.monotonic()
        rows = list(
            Place.objects.published()
            .order_by()
            .values_list(
                "id",
                "name",
                "latitude",
                "longitude",
                "is_mobile",
                "type",
                "fee",
                "wheelchair",
                "commune_id",
                "opening_hours",
            )
        )
        rows.sort(key=lambda r: (r[2] is None, r[2] if r[2] is not None else 0.0))
        n = len(rows)
        self.ids = np.array([r[0] for r in rows], dtype=np.int64)
        self.lat = np.array([np.nan if r[2] is None else r[2] for r in rows], dtype=float)
        self.lon = np.array([np.nan if r[3] is None else r[3] for r in rows], dtype=float)
        self.lat_key = np.where(np.isnan(self.lat), np.inf, self.lat)
        self.is_mobile = np.array([r[4] for r in rows], dtype=bool)
        self.type_code = np.array([TYPE_CODE.get(r[5], -1) for r in rows], dtype=np.int16)
        self.place_free = np.array([r[6] in (Fee.FREE, Fee.MIXED) for r in rows], dtype=bool)
        self.wheelchair_yes = np.array([r[7] == Wheelchair.YES for r in rows], dtype=bool)
        self.commune = np.array([r[8] or "" for r in rows], dtype=object)
        self.hours = [r[9] for r in rows]
        order = sorted(range(n), key=lambda i: (sort_key(rows[i][1]), rows[i][0]))
        self.name_rank = np.empty(n, dtype=np.int64)
        self.name_rank[order] = np.arange(n)
        row_of = {r[0]: i for i, r in enumerate(rows)}

        self.fmask = np.zeros(n, dtype=np.int64)
        self.free_fmask = np.zeros(n, dtype=np.int64)
        self.own_hours: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for place_id, slug, own, fee in (
            PlaceFunction.objects.filter(place__status=Place.Status.PUBLISHED)
            .order_by()
            .values_list("place_id", "function__slug", "opening_hours", "fee")
        ):
            i, bit = row_of.get(place_id), FUNCTION_BIT.get(slug)
            if i is None or bit is None:
                continue
            self.fmask[i] |= bit
            if fee == Fee.FREE:
                self.free_fmask[i] |= bit
            if own:
                self.own_hours[i].append((bit, own))

        self.closures: dict[int, list[hours.DateRange]] = defaultdict(list)
        for place_id, start, end in Closure.objects.order_by().values_list(
            "place_id", "start_date", "end_date"
        ):
            if place_id in row_of:
                self.closures[row_of[place_id]].append(hours.DateRange(start, end))

        self.stop_hours: dict[int, list[str]] = defaultdict(list)
        self.stop_points: dict[int, list[tuple[float, float]]] = defaultdict(list)
        self.stop_communes: dict[str, set[int]] = defaultdict(set)
        s_lat, s_lon, s_row = [], [], []
        for place_id, lat, lon, clat, clon, commune, expression in (
            MobileStop.objects.filter(place__is_mobile=True)
            .order_by()
            .values_list(
                "place_id",
                "latitude",
                "longitude",
                "commune__centroid_lat",
                "commune__centroid_lon",
                "commune_id",
                "opening_hours",
            )
        ):
            i = row_of.get(place_id)
            if i is None:
                continue
            self.stop_hours[i].append(expression)
            self.stop_communes[commune].add(i)
            if lat is None or lon is None:
                lat, lon = clat, clon
            if lat is not None and lon is not None:
                self.stop_points[i].append((lat, lon))
                s_lat.append(lat)
                s_lon.append(lon)
                s_row.append(i)
        self.s_lat = np.array(s_lat, dtype=float)
        self.s_lon = np.array(s_lon, dtype=float)
        self.s_row = np.array(s_row, dtype=np.int64)

        self.row_of = row_of
        # Place summaries (maillage.places.exports.summaries) as of this index: as
        # fresh as the index, dropped with it.
        self.summaries: dict[int, dict] = {}

    def open_now(self, place_id: int, moment: dt.datetime) -> bool | None:
        """The open_now of a place by the index (None: not in the index)."""
        i = self.row_of.get(place_id)
        if i is None:
            return None
        return self._open(i, None, moment, hours._aware(moment).date())

    # ----------------------------------------------------------------- filtering

    def _open(self, i: int, bits: int | None, moment: dt.datetime, day: dt.date) -> bool:
        if any(c.contains(day) for c in self.closures.get(i, ())):
            return False
        own = self.hours[i]
        if bits is None:
            if expression_open(own, moment):
                return True
        else:
            matched = int(self.fmask[i]) & bits
            own_by_bit = dict(self.own_hours.get(i, ()))
            for bit in FUNCTION_BIT.values():
                if matched & bit and expression_open(own_by_bit.get(bit) or own, moment):
                    return True
        if self.is_mobile[i] and not own:
            return any(expression_open(e, moment) for e in self.stop_hours.get(i, ()))
        return False

    def find(self, f: PlaceFilter, now: dt.datetime | None) -> tuple[list[int], list[float | None]]:
        n = len(self.ids)
        if f.near is not None and f.radius_km is not None:
            min_lat, max_lat, lon_ranges = box = bounding_box(f.near[0], f.near[1], f.radius_km)
            lo = int(np.searchsorted(self.lat_key, min_lat, side="left"))
            hi = int(np.searchsorted(self.lat_key, max_lat, side="right"))
            rows = np.arange(lo, hi)
            lon = self.lon[rows]
            keep = np.zeros(len(rows), dtype=bool)
            for a, b in lon_ranges:
                keep |= (lon >= a) & (lon <= b)
            rows = rows[keep]
            if len(self.s_row):
                in_box = (self.s_lat >= box[0]) & (self.s_lat <= box[1])
                s_keep = np.zeros(len(self.s_row), dtype=bool)
                for a, b in lon_ranges:
                    s_keep |= (self.s_lon >= a) & (self.s_lon <= b)
                rows = np.union1d(rows, self.s_row[in_box & s_keep])
        else:
            rows = np.arange(n)

        if f.types:
            codes = [TYPE_CODE[t] for t in f.types if t in TYPE_CODE]
            rows = rows[np.isin(self.type_code[rows], codes)]
        if f.mobile is not None:
            rows = rows[self.is_mobile[rows] == f.mobile]
        if f.accessible:
            rows = rows[self.wheelchair_yes[rows]]
        bits = None
        if f.functions:
            bits = sum(FUNCTION_BIT[s] for s in f.functions if s in FUNCTION_BIT)
        if f.family:
            family_bits = FAMILY_BITS.get(f.family, 0)
            bits = family_bits if bits is None else bits & family_bits
        if bits is not None:
            rows = rows[(self.fmask[rows] & bits) != 0]
        if f.free:
            free_bits = ALL_BITS if bits is None else bits
            rows = rows[self.place_free[rows] | ((self.free_fmask[rows] & free_bits) != 0)]
        if f.commune:
            stopping = np.fromiter(self.stop_communes.get(f.commune, ()), dtype=np.int64)
            rows = rows[(self.commune[rows] == f.commune) | np.isin(rows, stopping)]

        dist = None
        if f.near is not None:
            dist = haversine_km(f.near[0], f.near[1], self.lat[rows], self.lon[rows])
            if len(self.stop_points):
                for k in np.flatnonzero(self.is_mobile[rows]):
                    points = self.stop_points.get(int(rows[k]))
                    if points:
                        arr = np.array(points)
                        d = float(haversine_km(f.near[0], f.near[1], arr[:, 0], arr[:, 1]).min())
                        dist[k] = d if np.isnan(dist[k]) else min(dist[k], d)
            if f.radius_km is not None:
                keep = dist <= f.radius_km  # NaN (no position) is never within
                rows, dist = rows[keep], dist[keep]

        moment = f.moment(now)
        if moment is not None and len(rows):
            day = hours._aware(moment).date()
            keep = np.fromiter(
                (self._open(int(i), bits, moment, day) for i in rows), dtype=bool, count=len(rows)
            )
            rows = rows[keep]
            if dist is not None:
                dist = dist[keep]

        if dist is not None:
            missing = np.isnan(dist)
            order = np.lexsort((self.name_rank[rows], np.where(missing, 0.0, dist), missing))
            rows, dist = rows[order], dist[order]
            return self.ids[rows].tolist(), [None if np.isnan(d) else float(d) for d in dist]
        rows = rows[np.argsort(self.name_rank[rows], kind="stable")]
        return self.ids[rows].tolist(), [None] * len(rows)


def _index_ttl() -> float:
    """MAILLAGE_SEARCH_INDEX_TTL: a setting, else the environment, else 60 s; 0: no index."""
    from django.conf import settings

    value = getattr(settings, "MAILLAGE_SEARCH_INDEX_TTL", None)
    if value is None:
        value = os.environ.get("MAILLAGE_SEARCH_INDEX_TTL") or DEFAULT_INDEX_TTL
    return float(value)


def summary_cache_enabled() -> bool:
    """MAILLAGE_SEARCH_SUMMARY_CACHE (setting, else environment; default on): whether
    the index keeps the place summaries the API lists."""
    from django.conf import settings

    value = getattr(settings, "MAILLAGE_SEARCH_SUMMARY_CACHE", None)
    if value is None:
        value = os.environ.get("MAILLAGE_SEARCH_SUMMARY_CACHE", "1")
    return str(value).lower() not in ("0", "false", "no", "off", "")


def _stamp_path() -> Path:
    from django.conf import settings

    return Path(settings.DATA_DIR) / STAMP_NAME


def _stamp() -> tuple[int, int]:
    try:
        st = os.stat(_stamp_path())
    except OSError:
        return (0, 0)
    return (st.st_ino, st.st_mtime_ns)


def _touch_stamp(force: bool = True) -> None:
    """Replace the stamp file (a new inode each time: two changes within one clock
    tick still differ)."""
    global _last_touch
    now = time.monotonic()
    if not force and now - _last_touch < 0.2:
        return
    _last_touch = now
    path = _stamp_path()
    try:
        if path.parent.is_dir():
            tmp = path.with_name(f".{STAMP_NAME}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(str(time.time_ns()))
            os.replace(tmp, path)
    except OSError:  # a read-only data folder: the TTL still bounds staleness
        pass


def invalidate_index(using=None) -> None:
    """Say that places changed: this process's index is rebuilt at its next search,
    other processes' at theirs (the stamp file). A write outside a transaction is
    committed already: the stamp is replaced at once. Inside one, it is replaced
    now (at most every 0.2 s) and again at the end of the request or of the
    process, once committed (no on_commit callback: tests that count them stay
    undisturbed)."""
    global _local_generation, _pending_touch
    _local_generation += 1
    from django.db import connections

    if connections[using or "default"].in_atomic_block:
        _pending_touch = True
        _touch_stamp(force=False)
    else:
        _touch_stamp()


def _flush_pending_touch(**kwargs) -> None:
    global _pending_touch
    if _pending_touch:
        _pending_touch = False
        _touch_stamp()


_WATCHED = ("places_", "territory_commune")
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE", "TRUNCATE")


def _write_watcher(execute, sql, params, many, context):
    result = execute(sql, params, many, context)
    head = sql[:10].lstrip().upper() if isinstance(sql, str) else ""
    if (head.startswith(_WRITES) and any(t in sql for t in _WATCHED)) or head.startswith(
        "ROLLBACK"
    ):
        invalidate_index(context["connection"].alias)
    return result


def watch_writes() -> None:
    """Install the write watcher on every database connection (called by the api app)."""
    from django.core.signals import request_finished
    from django.db import connections
    from django.db.backends.signals import connection_created

    def install(sender, connection, **kwargs):
        if _write_watcher not in connection.execute_wrappers:
            connection.execute_wrappers.append(_write_watcher)

    connection_created.connect(install, weak=False, dispatch_uid="maillage-search-watch")
    for connection in connections.all(initialized_only=True):
        install(None, connection)
    request_finished.connect(
        _flush_pending_touch, weak=False, dispatch_uid="maillage-search-watch-flush"
    )
    atexit.register(_flush_pending_touch)


def current_index(*, force: bool = False) -> _PlaceIndex | None:
    """This process's index, rebuilt if stale; None when it must not answer (index
    disabled, or inside a transaction unless ``force``)."""
    global _index
    from django.db import connection

    ttl = _index_ttl()
    if not force and (ttl <= 0 or connection.in_atomic_block):
        return None
    key = (connection.settings_dict.get("NAME"), _local_generation, _stamp())

    def stale(index) -> bool:
        if index is None or index.key != key:
            return True
        return not force and time.monotonic() - index.built_at > ttl

    index = _index
    if stale(index):
        with _index_lock:
            index = _index
            if stale(index):
                # What lives as long as the index need not be scanned by every full
                # garbage collection (100 ms pauses with 30,000 places): freeze it.
                # Unfreezing first lets what was frozen with the previous index (the
                # request being served then) be collected again.
                gc.unfreeze()
                index = _index = _PlaceIndex(key)
                gc.freeze()
    return index


def index_find(
    f: PlaceFilter, now: dt.datetime | None = None, *, force: bool = False
) -> tuple[list[int], list[float | None]] | None:
    """The index's answer to ``f``, or None when the index cannot give it (text
    search, inside a transaction, index disabled)."""
    if f.q:
        return None
    index = current_index(force=force)
    return None if index is None else index.find(f, now)
