"""From the database to :mod:`maillage.mesh`: communes and places as plain arrays.

This is the only module of the analysis that reads models. It reads only the
columns it needs (``values_list``, no model instance, never a commune's
boundary), a handful of queries whatever the size of the territory.

- **Demand**: each commune is a point at its centroid (computed in Lambert-93
  by the commune importer and stored in WGS84), projected again with
  :func:`maillage.mesh.project_lonlat` (Lambert-93 in metropolitan France, the
  official UTM zone overseas), weighted by its municipal population. A commune
  without population weighs 0 (it is listed in
  :attr:`Territory.without_population`); a commune without centroid (no
  boundary in the sources) cannot be placed and is left out (listed in
  :attr:`Territory.without_centroid`).
- **Places**: the published places whose commune is in the territory, with
  their functions. A mobile unit counts at its stops (each stop a facility, in
  its group, the stop's days read from its OSM hours); a mobile unit without
  stops counts where it stands.
- **A date** (``on``): a place counts when it is open at some moment of that
  day by its OSM ``opening_hours`` (seasons, ``PH off``, week numbers...) and
  no dated closure covers the day; with a function filter, by the hours of the
  matching functions when they have their own. A stop counts when its own
  hours open that day. Unknown hours (empty) count as open, and are reported.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Q
from django.utils import timezone

from maillage.mesh import Availability, DemandPoints, Facilities, project_lonlat
from maillage.places import hours
from maillage.places.models import Closure, MobileStop, Place, PlaceFunction, PlaceType
from maillage.territory.models import Commune

#: kind of the facilities that are a mobile unit's stops
STOP_KIND = "mobile-stop"
#: kind of candidate sites that are communes
COMMUNE_KIND = "commune"


# --------------------------------------------------------------------------- demand


@dataclass(eq=False)
class Territory:
    """The communes of the territory as demand points, plus what could not be used."""

    departements: list[str] | None
    demand: DemandPoints
    #: per demand point: département code, and the WGS84 centroid (lon, lat)
    commune_departements: np.ndarray
    lonlat: np.ndarray
    #: codes of the communes without population (they weigh 0)
    without_population: list[str] = field(default_factory=list)
    #: (code, name, population) of the communes without centroid (left out)
    without_centroid: list[tuple[str, str, int | None]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.demand)

    @property
    def population(self) -> float:
        return self.demand.total

    @property
    def codes(self) -> np.ndarray:
        return self.demand.ids

    @property
    def names(self) -> np.ndarray:
        assert self.demand.names is not None
        return self.demand.names


def communes_queryset(departements: Sequence[str] | None):
    qs = Commune.objects.order_by("code")
    if departements is not None:
        qs = qs.filter(departement__in=list(departements))
    return qs


def load_territory(departements: Sequence[str] | None) -> Territory:
    """The communes of ``departements`` (None: every commune in the database)."""
    rows = list(
        communes_queryset(departements).values_list(
            "code", "name", "departement", "population", "centroid_lat", "centroid_lon"
        )
    )
    placed = [r for r in rows if r[4] is not None and r[5] is not None]
    without_centroid = [(r[0], r[1], r[3]) for r in rows if r[4] is None or r[5] is None]
    n = len(placed)
    codes = np.array([r[0] for r in placed], dtype=str) if n else np.zeros(0, dtype=str)
    names = np.array([r[1] for r in placed], dtype=str) if n else np.zeros(0, dtype=str)
    deps = np.array([r[2] for r in placed], dtype=str) if n else np.zeros(0, dtype=str)
    pop = np.array([r[3] or 0 for r in placed], dtype=float)
    lat = np.array([r[4] for r in placed], dtype=float)
    lon = np.array([r[5] for r in placed], dtype=float)
    xy = project_lonlat(lon, lat) if n else np.zeros((0, 2))
    demand = DemandPoints(codes, xy, pop, names)
    return Territory(
        departements=None if departements is None else list(departements),
        demand=demand,
        commune_departements=deps,
        lonlat=np.column_stack([lon, lat]) if n else np.zeros((0, 2)),
        without_population=[r[0] for r in placed if r[3] is None],
        without_centroid=without_centroid,
    )


# --------------------------------------------------------------------------- places


@dataclass(eq=False)
class PlaceSet:
    """Places (and mobile stops) as :class:`~maillage.mesh.Facilities`, with what the
    interfaces show about each: aligned arrays, one entry per facility."""

    facilities: Facilities
    #: WGS84 (lon, lat)
    lonlat: np.ndarray
    #: the place's slug (a stop: its mobile unit's)
    slugs: np.ndarray
    #: the place's own name (a stop: its unit's)
    place_names: np.ndarray
    types: np.ndarray
    #: commune of the place (a stop: of the stop)
    commune_codes: np.ndarray
    commune_names: np.ndarray
    is_stop: np.ndarray
    #: the day studied, if any, and what its evaluation met
    on: dt.date | None = None
    #: facilities whose hours are unknown (counted as open on ``on``)
    unknown_hours: list[str] = field(default_factory=list)
    #: facilities whose hours are not valid OSM syntax (counted as open on ``on``)
    invalid_hours: list[str] = field(default_factory=list)
    #: facilities closed on ``on`` (dated closure, or their hours), and why
    closed: dict[str, str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.facilities)

    @property
    def ids(self) -> np.ndarray:
        return self.facilities.ids

    @property
    def names(self) -> np.ndarray:
        if self.facilities.names is None:
            return self.facilities.ids
        return self.facilities.names

    def info(self, i: int) -> dict:
        """What an interface shows of facility ``i`` (plain values)."""
        return {
            "id": str(self.ids[i]),
            "name": str(self.names[i]),
            "place": str(self.slugs[i]),
            "type": str(self.types[i]),
            "mobile_stop": bool(self.is_stop[i]),
            "commune": {"code": str(self.commune_codes[i]), "name": str(self.commune_names[i])},
            "latitude": round(float(self.lonlat[i, 1]), 6),
            "longitude": round(float(self.lonlat[i, 0]), 6),
        }

    def take(self, idx) -> PlaceSet:
        i = np.asarray(idx)
        if i.dtype == bool:
            i = np.flatnonzero(i)
        keep = {str(x) for x in self.ids[i]}
        return PlaceSet(
            facilities=self.facilities.take(i),
            lonlat=self.lonlat[i],
            slugs=self.slugs[i],
            place_names=self.place_names[i],
            types=self.types[i],
            commune_codes=self.commune_codes[i],
            commune_names=self.commune_names[i],
            is_stop=self.is_stop[i],
            on=self.on,
            unknown_hours=[x for x in self.unknown_hours if x in keep],
            invalid_hours=[x for x in self.invalid_hours if x in keep],
            closed={k: v for k, v in self.closed.items() if k in keep},
        )

    def open_now(self) -> PlaceSet:
        """The facilities that count on :attr:`on` (all of them without a date)."""
        if self.on is None:
            return self
        return self.take(self.facilities.open_mask(self.on))

    def plus(self, other: PlaceSet) -> PlaceSet:
        return PlaceSet(
            facilities=self.facilities.plus(other.facilities),
            lonlat=np.concatenate([self.lonlat, other.lonlat]),
            slugs=np.concatenate([self.slugs, other.slugs]),
            place_names=np.concatenate([self.place_names, other.place_names]),
            types=np.concatenate([self.types, other.types]),
            commune_codes=np.concatenate([self.commune_codes, other.commune_codes]),
            commune_names=np.concatenate([self.commune_names, other.commune_names]),
            is_stop=np.concatenate([self.is_stop, other.is_stop]),
            on=self.on,
            unknown_hours=self.unknown_hours + other.unknown_hours,
            invalid_hours=self.invalid_hours + other.invalid_hours,
            closed={**self.closed, **other.closed},
        )


def empty_placeset(on: dt.date | None = None) -> PlaceSet:
    s = np.zeros(0, dtype=str)
    return PlaceSet(Facilities.empty(), np.zeros((0, 2)), s, s, s, s, s, np.zeros(0, bool), on=on)


def _day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), hours.PARIS)
    return start, start + dt.timedelta(days=1)


class _DayCheck:
    """Is an OSM expression open at some moment of ``day``? (cached per expression)"""

    def __init__(self, day: dt.date):
        self.day = day
        self.start, self.end = _day_bounds(day)
        self.cache: dict[str, bool | None] = {}

    def __call__(self, expression: str) -> bool | None:
        """True/False; None when unknown (empty) or invalid (see :meth:`invalid`)."""
        if not expression:
            return None
        if expression not in self.cache:
            try:
                self.cache[expression] = hours.is_open_during(expression, self.start, self.end)
            except hours.InvalidOpeningHours:
                self.cache[expression] = None
        return self.cache[expression]

    @staticmethod
    def invalid(expression: str) -> bool:
        try:
            hours.validate(expression)
        except hours.InvalidOpeningHours:
            return True
        return False


def stop_weekdays(expression: str, start: dt.date, days: int = 371) -> frozenset[int]:
    """The weekdays (0 = Monday) on which ``expression`` opens at least once in the
    ``days`` days from ``start`` (a mobile unit's stop days; all days if unknown)."""
    if not expression:
        return frozenset(range(7))
    a = dt.datetime.combine(start, dt.time(), hours.PARIS)
    try:
        found = {
            s.astimezone(hours.PARIS).weekday()
            for s, _e in hours.open_intervals(expression, a, a + dt.timedelta(days=days))
        }
    except hours.InvalidOpeningHours:
        return frozenset(range(7))
    return frozenset(found)


def places_queryset(departements: Sequence[str] | None, types: Iterable[str] = ()):
    """The published places of the territory: by their commune's département; a place
    without commune (Paris, Lyon and Marseille's arrondissements are not communes) by
    the first digits of its postal code."""
    qs = Place.objects.published()
    if departements is not None:
        deps = list(departements)
        by_postcode = Q()
        for d in deps:
            if d.isdigit():
                by_postcode |= Q(postal_code__startswith=d)
        where = Q(commune__departement__in=deps)
        if by_postcode:
            where |= Q(commune__isnull=True) & by_postcode
        qs = qs.filter(where)
    types = list(types)
    if types:
        qs = qs.filter(type__in=types)
    return qs.order_by()


def load_places(
    departements: Sequence[str] | None,
    *,
    functions: Iterable[str] | None = None,
    types: Iterable[str] = (),
    on: dt.date | None = None,
    exclude_types: Iterable[str] = (),
) -> PlaceSet:
    """The published places of the territory offering one of ``functions`` (None: any
    place) and of one of ``types`` (empty: any type), as facilities.

    Without ``on`` every one counts (a stop's availability still says its weekdays);
    with ``on``, each facility's availability says whether it counts that day (see the
    module doc), which :func:`maillage.mesh.coverage` applies with ``on=``."""
    wanted = None if functions is None else set(functions)
    base = places_queryset(departements, types)
    exclude_types = list(exclude_types)
    if exclude_types:
        base = base.exclude(type__in=exclude_types)
    rows = list(
        base.values_list(
            "id",
            "slug",
            "name",
            "type",
            "latitude",
            "longitude",
            "is_mobile",
            "opening_hours",
            "commune_id",
            "commune__name",
        )
    )
    # mobile units from elsewhere that stop in the territory
    scope_ids = {r[0] for r in rows}
    stops_qs = MobileStop.objects.filter(
        place__status=Place.Status.PUBLISHED, place__is_mobile=True
    )
    if departements is not None:
        stops_qs = stops_qs.filter(commune__departement__in=list(departements))
    if types:
        stops_qs = stops_qs.filter(place__type__in=list(types))
    if exclude_types:
        stops_qs = stops_qs.exclude(place__type__in=exclude_types)
    stop_rows = list(
        stops_qs.order_by("place_id", "commune_id", "id").values_list(
            "id",
            "place_id",
            "commune_id",
            "commune__name",
            "latitude",
            "longitude",
            "commune__centroid_lat",
            "commune__centroid_lon",
            "opening_hours",
            "spot",
        )
    )
    outside = {r[1] for r in stop_rows} - scope_ids
    if outside:
        rows += list(
            Place.objects.filter(pk__in=sorted(outside)).values_list(
                "id",
                "slug",
                "name",
                "type",
                "latitude",
                "longitude",
                "is_mobile",
                "opening_hours",
                "commune_id",
                "commune__name",
            )
        )
    in_scope = Q(place_id__in=base.values("id"))
    if outside:
        in_scope |= Q(place_id__in=sorted(outside))
    # mobile units with stops anywhere count at their stops only (in the territory)
    with_stops = set(
        MobileStop.objects.filter(in_scope, place__is_mobile=True)
        .values_list("place_id", flat=True)
        .distinct()
    )
    # functions (and their own hours) per place
    pf_qs = PlaceFunction.objects.filter(in_scope)
    funcs: dict[int, set[str]] = defaultdict(set)
    own_hours: dict[int, list[str]] = defaultdict(list)
    for place_id, slug, expr in pf_qs.values_list("place_id", "function__slug", "opening_hours"):
        funcs[place_id].add(slug)
        if wanted is not None and slug in wanted:
            own_hours[place_id].append(expr)
    closed_ids: dict[int, str] = {}
    if on is not None:
        cq = Closure.objects.filter(in_scope, start_date__lte=on, end_date__gte=on)
        for place_id, reason in cq.values_list("place_id", "reason"):
            closed_ids[place_id] = reason or "fermeture"

    check = _DayCheck(on) if on is not None else None
    stops_of: dict[int, list[tuple]] = defaultdict(list)
    for r in stop_rows:
        stops_of[r[1]].append(r)

    ids: list[str] = []
    names: list[str] = []
    lon: list[float] = []
    lat: list[float] = []
    fsets: list[frozenset[str]] = []
    kinds: list[str] = []
    avail: list[Availability | None] = []
    groups: list[str] = []
    slugs: list[str] = []
    pnames: list[str] = []
    ptypes: list[str] = []
    ccodes: list[str] = []
    cnames: list[str] = []
    is_stop: list[bool] = []
    unknown: list[str] = []
    invalid: list[str] = []
    closed: dict[str, str] = {}
    closed_all = Availability(dates=frozenset())
    open_on = Availability(dates=frozenset({on})) if on is not None else None

    def day_availability(fid: str, place_id: int, expressions: list[str]) -> Availability | None:
        if on is None or check is None:
            return None
        if place_id in closed_ids:
            closed[fid] = closed_ids[place_id]
            return closed_all
        states = [check(e) for e in expressions]
        if any(s is True for s in states):
            return open_on
        if all(s is False for s in states):
            closed[fid] = "horaires"
            return closed_all
        # unknown or invalid hours (and none open): counted as open, reported
        if any(e and _DayCheck.invalid(e) for e in expressions):
            invalid.append(fid)
        else:
            unknown.append(fid)
        return open_on

    for pid, slug, name, ptype, plat, plon, mobile, expr, ccode, cname in sorted(
        rows, key=lambda r: r[1]
    ):
        fs = frozenset(funcs.get(pid, ()))
        if wanted is not None and not (fs & wanted):
            continue
        if mobile and pid in with_stops:
            stops = stops_of.get(pid, [])
            seen: dict[str, int] = {}
            for _sid, _p, scode, sname, slat, slon, clat, clon, sexpr, spot in stops:
                if slat is None or slon is None:
                    slat, slon = clat, clon
                if slat is None or slon is None:
                    continue
                n = seen[scode] = seen.get(scode, 0) + 1
                fid = f"{slug}@{scode}" + (f"-{n}" if n > 1 else "")
                ids.append(fid)
                names.append(f"{name} — {sname}" + (f" ({spot})" if spot else ""))
                lat.append(slat)
                lon.append(slon)
                fsets.append(fs)
                kinds.append(STOP_KIND)
                groups.append(slug)
                if on is None:
                    days = stop_weekdays(sexpr, timezone.localdate())
                    avail.append(Availability(weekdays=days))
                else:
                    avail.append(day_availability(fid, pid, [sexpr]))
                slugs.append(slug)
                pnames.append(name)
                ptypes.append(ptype)
                ccodes.append(scode)
                cnames.append(sname)
                is_stop.append(True)
            continue
        if plat is None or plon is None or pid not in scope_ids:
            continue
        ids.append(slug)
        names.append(name)
        lat.append(plat)
        lon.append(plon)
        fsets.append(fs)
        kinds.append(ptype)
        groups.append("")
        exprs = [e or expr for e in own_hours.get(pid, [])] if wanted is not None else [expr]
        avail.append(day_availability(slug, pid, exprs or [expr]))
        slugs.append(slug)
        pnames.append(name)
        ptypes.append(ptype)
        ccodes.append(ccode or "")
        cnames.append(cname or "")
        is_stop.append(False)

    if not ids:
        return empty_placeset(on)
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    fac = Facilities(
        np.asarray(ids, dtype=str),
        project_lonlat(lon_a, lat_a),
        tuple(fsets),
        np.asarray(kinds, dtype=str),
        tuple(avail),
        np.asarray(names, dtype=str),
        np.asarray(groups, dtype=str),
    )
    return PlaceSet(
        facilities=fac,
        lonlat=np.column_stack([lon_a, lat_a]),
        slugs=np.asarray(slugs, dtype=str),
        place_names=np.asarray(pnames, dtype=str),
        types=np.asarray(ptypes, dtype=str),
        commune_codes=np.asarray(ccodes, dtype=str),
        commune_names=np.asarray(cnames, dtype=str),
        is_stop=np.asarray(is_stop, dtype=bool),
        on=on,
        unknown_hours=unknown,
        invalid_hours=invalid,
        closed=closed,
    )


# --------------------------------------------------------------------------- candidates


def commune_candidates(territory: Territory, prefix: str = "") -> PlaceSet:
    """Every commune of the territory as a candidate site (at its centroid)."""
    t = territory
    n = len(t)
    fac = t.demand.as_candidates(COMMUNE_KIND, prefix)
    return PlaceSet(
        facilities=fac,
        lonlat=t.lonlat.copy(),
        slugs=np.full(n, ""),
        place_names=t.names.copy(),
        types=np.full(n, COMMUNE_KIND),
        commune_codes=t.codes.copy(),
        commune_names=t.names.copy(),
        is_stop=np.zeros(n, dtype=bool),
    )


def type_candidates(
    departements: Sequence[str] | None, types: Iterable[str], exclude: Iterable[str] = ()
) -> PlaceSet:
    """Existing places of ``types`` (hotels, schools, town halls, cafés...) as candidate
    sites, except the facilities ``exclude`` (those already counted) and mobile units."""
    ps = load_places(departements, types=types, exclude_types=[PlaceType.MOBILE_UNIT])
    ps = ps.take(~ps.is_stop)
    drop = set(exclude)
    if drop:
        ps = ps.take(~np.isin(ps.ids, list(drop)))
    return ps


def commune_lookup(codes: Iterable[str]) -> dict[str, tuple[str, float | None, float | None]]:
    """code -> (name, centroid lat, centroid lon)."""
    return {
        c: (n, la, lo)
        for c, n, la, lo in Commune.objects.filter(code__in=list(codes)).values_list(
            "code", "name", "centroid_lat", "centroid_lon"
        )
    }


def new_sites_at_communes(
    territory: Territory, codes: Sequence[str], functions: Iterable[str] = ()
) -> PlaceSet:
    """New places at the centroids of the communes ``codes`` (a scenario's openings):
    ids ``new@CODE``, offering ``functions``."""
    idx = [territory.demand.index[c] for c in codes]
    cands = commune_candidates(territory, prefix="new@").take(np.asarray(idx, dtype=np.intp))
    fs = frozenset(functions)
    f = cands.facilities
    cands.facilities = Facilities(
        f.ids, f.xy, tuple(fs for _ in range(len(f))), f.kinds, None, f.names, f.groups
    )
    return cands


__all__ = [
    "COMMUNE_KIND",
    "STOP_KIND",
    "PlaceSet",
    "Territory",
    "commune_candidates",
    "commune_lookup",
    "empty_placeset",
    "load_places",
    "load_territory",
    "new_sites_at_communes",
    "places_queryset",
    "stop_weekdays",
    "type_candidates",
]
