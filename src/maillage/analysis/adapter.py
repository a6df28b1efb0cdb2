"""From the database to :mod:`maillage.mesh`: communes and places as plain arrays.

This is the only module of the analysis that reads the database: the communes
by the columns it needs (``values_list``, never a commune's boundary), the
places from the network's read model, which every page and API reads too.

- **Demand**: each commune is a point at its centroid (computed in Lambert-93
  by the commune importer and stored in WGS84), projected again with
  :func:`maillage.mesh.project_lonlat` (Lambert-93 in metropolitan France, the
  official UTM zone overseas), weighted by its municipal population. A commune
  without population weighs 0 (it is listed in
  :attr:`Territory.without_population`); a commune without centroid (no
  boundary in the sources) cannot be placed and is left out (listed in
  :attr:`Territory.without_centroid`).
- **Places**: the published places whose commune is in the territory, with
  their functions, read from the network's read model
  (:func:`maillage.places.network.current`, the same records every page reads).
  A mobile unit with a round counts at its spots (each weekly stop, and each
  spot of its dated stop events, a facility in its group; the spot's weekdays
  read from its hours and visits of the coming year); a mobile unit without a
  round counts where it stands.
- **A date** (``on``): a facility counts when the network's one rule says it is
  open at some moment of that day (:func:`~maillage.places.network.day_state`:
  seasons, ``PH off``, dated closures, a function's own hours when a function is
  analysed; a spot by its hours and its dated visits). **Unknown hours are
  unknown**, as everywhere on the platform: such a facility does not count that
  day (the figures are what is known to be open) and is listed, and the analysis
  also gives the coverage if those places were open, so the uncertainty is stated
  rather than guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

from maillage.core import clock
from maillage.mesh import Availability, DemandPoints, Facilities, project_lonlat
from maillage.places import hours, network
from maillage.places.models import PlaceType
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
    #: facilities whose hours are unknown (not counted on ``on``, listed)
    unknown_hours: list[str] = field(default_factory=list)
    #: facilities whose hours are not valid OSM syntax (unknown too: not counted on ``on``)
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


def stop_weekdays(
    expression: str, start: dt.date, days: int = 371, visits: Iterable = ()
) -> frozenset[int]:
    """The weekdays (0 = Monday) on which a mobile unit's spot is visited at least once
    in the ``days`` days from ``start``: by its weekly ``expression`` and its dated
    ``visits``. All days when neither says anything (unknown hours, no visit)."""
    a, _b = network.day_bounds(start)
    b = a + dt.timedelta(days=days)
    visits = list(visits)
    found = {v.start.astimezone(hours.PARIS).weekday() for v in visits if v.end > a and v.start < b}
    if network.expression_known(expression):
        found |= {
            s.astimezone(hours.PARIS).weekday() for s, _e in hours.open_intervals(expression, a, b)
        }
    elif not visits:
        return frozenset(range(7))
    return frozenset(found)


def _territory_test(departements: Sequence[str] | None):
    """Whether a commune (or, for a place without commune, a postal code) is in the
    territory: Paris, Lyon and Marseille's arrondissements are not communes, so such a
    place is placed by the first digits of its postal code."""
    if departements is None:
        return lambda code, postal_code="": True
    deps = list(departements)
    codes = set(
        Commune.objects.filter(departement__in=deps).values_list("code", flat=True).order_by()
    )
    prefixes = tuple(d for d in deps if d.isdigit())

    def inside(code: str, postal_code: str = "") -> bool:
        if code:
            return code in codes
        return bool(prefixes) and postal_code.startswith(prefixes)

    return inside


def load_places(
    departements: Sequence[str] | None,
    *,
    functions: Iterable[str] | None = None,
    types: Iterable[str] = (),
    on: dt.date | None = None,
    exclude_types: Iterable[str] = (),
) -> PlaceSet:
    """The published places of the territory offering one of ``functions`` (None: any
    place) and of one of ``types`` (empty: any type), as facilities, read from the
    network's read model (:mod:`maillage.places.network`).

    Without ``on`` every one counts (a spot's availability still says its weekdays);
    with ``on``, each facility's availability says whether it counts that day, by the
    network's one rule (:func:`~maillage.places.network.day_state`), which
    :func:`maillage.mesh.coverage` applies with ``on=``. Unknown hours are unknown: they
    do not count that day and are listed (see the module doc)."""
    wanted = None if functions is None else set(functions)
    types = set(types)
    exclude = set(exclude_types)
    inside = _territory_test(departements)
    today = clock.today()
    horizon = network.day_bounds(today)[0], network.day_bounds(today + dt.timedelta(days=371))[0]

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

    def on_day(fid: str, rec: network.PlaceRec, state: str, expressions) -> Availability | None:
        if on is None:
            return None
        if state == network.OPEN:
            return open_on
        if state == network.CLOSED:
            closure = rec.closure_on(on)
            closed[fid] = (closure.reason or "fermeture") if closure is not None else "horaires"
            return closed_all
        # unknown: neither open nor closed is guessed; it does not count, and is listed
        invalid_hours = any(e and not network.expression_known(e) for e in expressions)
        (invalid if invalid_hours else unknown).append(fid)
        return closed_all

    def add(fid, name, rec, la, lo, fs, kind, group, availability, code, cname, stop):
        ids.append(fid)
        names.append(name)
        lat.append(la)
        lon.append(lo)
        fsets.append(fs)
        kinds.append(kind)
        groups.append(group)
        avail.append(availability)
        slugs.append(rec.slug)
        pnames.append(rec.name)
        ptypes.append(rec.type)
        ccodes.append(code)
        cnames.append(cname)
        is_stop.append(stop)

    records = sorted(network.current(), key=lambda r: r.slug)
    for rec in records:
        if (types and rec.type not in types) or rec.type in exclude:
            continue
        fs = rec.functions
        if wanted is not None and not (fs & wanted):
            continue
        if rec.is_mobile and (rec.stops or rec.events):
            # a mobile unit with a round counts at its spots in the territory, only
            seen: dict[str, int] = {}
            for stop, where, visits in network.spots(rec):
                if where.lat is None or where.lon is None or not inside(where.commune):
                    continue
                upcoming = [v for v in visits if v.end > horizon[0] and v.start < horizon[1]]
                hours_of = stop.hours if stop is not None else ""
                if (
                    stop is None
                    and not upcoming
                    and not (
                        on is not None and any(v.start.date() <= on <= v.end.date() for v in visits)
                    )
                ):
                    continue  # a spot visited only in the past is not part of the round
                n = seen[where.commune] = seen.get(where.commune, 0) + 1
                fid = f"{rec.slug}@{where.commune}" + (f"-{n}" if n > 1 else "")
                if on is None:
                    availability = Availability(
                        weekdays=stop_weekdays(hours_of, today, visits=upcoming)
                    )
                else:
                    state = network.spot_day_state(rec, on, stop, where)
                    availability = on_day(fid, rec, state, [hours_of])
                add(
                    fid,
                    f"{rec.name} — {where.commune_name}"
                    + (f" ({where.spot})" if where.spot else ""),
                    rec,
                    where.lat,
                    where.lon,
                    fs,
                    STOP_KIND,
                    rec.slug,
                    availability,
                    where.commune,
                    where.commune_name,
                    True,
                )
            continue
        if rec.lat is None or rec.lon is None or not inside(rec.commune, rec.postal_code):
            continue
        matching = sorted(fs & wanted) if wanted is not None else None
        availability = None
        if on is not None:
            state = network.day_state(rec, on, functions=matching)
            expressions = (
                [o.hours or rec.hours for o in rec.offers_for(matching)]
                if matching
                else [rec.hours]
            )
            availability = on_day(rec.slug, rec, state, expressions)
        add(
            rec.slug,
            rec.name,
            rec,
            rec.lat,
            rec.lon,
            fs,
            rec.type,
            "",
            availability,
            rec.commune,
            rec.commune_name,
            False,
        )

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
    "stop_weekdays",
    "type_candidates",
]
