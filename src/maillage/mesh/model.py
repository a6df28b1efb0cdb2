"""Demand points, facilities and when facilities are available.

Everything is plain data: numpy arrays and tuples, no ORM object, so that a
thin adapter can build these from the database and tests can build them by
hand. Coordinates are metres in a projected CRS (see :func:`project_lonlat`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

# --------------------------------------------------------------------------------------
# Projection
# --------------------------------------------------------------------------------------

#: Projected zones: (name, EPSG code, lon min, lon max, lat min, lat max).
#: Metropolitan France and Corsica use Lambert-93 (EPSG:2154); each overseas
#: département uses its official projected CRS, since Lambert-93 is not defined
#: there (its scale error reaches tens of percent in the tropics). A point outside
#: every box falls back to Lambert-93.
ZONES: tuple[tuple[str, int, float, float, float, float], ...] = (
    ("metropole", 2154, -180.0, 180.0, -90.0, 90.0),  # fallback, index 0
    ("antilles", 5490, -63.5, -60.5, 14.0, 18.5),  # RGAF09 / UTM 20N
    ("guyane", 2972, -55.0, -51.0, 1.5, 6.5),  # RGFG95 / UTM 22N
    ("reunion", 2975, 55.0, 56.0, -21.6, -20.7),  # RGR92 / UTM 40S
    ("mayotte", 4471, 44.8, 45.5, -13.2, -12.4),  # RGM04 / UTM 38S
    ("saint-pierre-et-miquelon", 4467, -56.6, -56.0, 46.6, 47.3),  # RGSPM06 / UTM 21N
)

#: Each zone ``z`` is translated by ``z * ZONE_OFFSET_M`` metres along x so that
#: points of different zones are never within any threshold of one another.
#: Metropolitan coordinates are therefore plain Lambert-93.
ZONE_OFFSET_M = 1.0e8


@lru_cache(maxsize=16)
def _transformer(epsg: int) -> Any:
    from pyproj import Transformer

    return Transformer.from_crs(4326, epsg, always_xy=True)


def zone_of(lon: ArrayLike, lat: ArrayLike) -> IntArray:
    """Index in :data:`ZONES` of each WGS84 point (0, Lambert-93, when no box matches)."""
    lon_a = np.asarray(lon, dtype=float)
    lat_a = np.asarray(lat, dtype=float)
    zone = np.zeros(lon_a.shape, dtype=np.intp)
    for z, (_name, _epsg, x0, x1, y0, y1) in enumerate(ZONES):
        if z == 0:
            continue
        zone[(lon_a >= x0) & (lon_a <= x1) & (lat_a >= y0) & (lat_a <= y1)] = z
    return zone


def project_lonlat(lon: ArrayLike, lat: ArrayLike, zone: ArrayLike | None = None) -> FloatArray:
    """Project WGS84 longitude/latitude to metres, (n, 2).

    Metropolitan points get Lambert-93 coordinates; overseas points get their
    official UTM coordinates shifted by ``zone * ZONE_OFFSET_M`` along x.
    """
    lon_a = np.atleast_1d(np.asarray(lon, dtype=float))
    lat_a = np.atleast_1d(np.asarray(lat, dtype=float))
    zones = zone_of(lon_a, lat_a) if zone is None else np.asarray(zone, dtype=np.intp)
    out = np.empty((lon_a.size, 2), dtype=float)
    for z in np.unique(zones):
        m = zones == z
        x, y = _transformer(ZONES[z][1]).transform(lon_a[m], lat_a[m])
        out[m, 0] = np.asarray(x) + z * ZONE_OFFSET_M
        out[m, 1] = y
    return out


# --------------------------------------------------------------------------------------
# Demand
# --------------------------------------------------------------------------------------


def _as_xy(xy: ArrayLike) -> FloatArray:
    a = np.asarray(xy, dtype=float)
    if a.size == 0:
        return np.zeros((0, 2))
    if a.ndim != 2 or a.shape[1] != 2:
        raise ValueError("xy must have shape (n, 2)")
    return a


@dataclass(eq=False)
class DemandPoints:
    """Where people live: points weighted by population (or any weight).

    ``ids`` are strings (INSEE codes for communes); ``xy`` metres in the
    projection of :func:`project_lonlat`; ``weights`` non-negative.
    """

    ids: NDArray[np.str_]
    xy: FloatArray
    weights: FloatArray
    names: NDArray[np.str_] | None = None

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=str)
        self.xy = _as_xy(self.xy)
        self.weights = np.asarray(self.weights, dtype=float)
        if self.names is not None:
            self.names = np.asarray(self.names, dtype=str)
        n = len(self.ids)
        if self.xy.shape[0] != n or self.weights.shape != (n,):
            raise ValueError("ids, xy and weights must have the same length")
        if self.names is not None and len(self.names) != n:
            raise ValueError("names must have the same length as ids")
        if np.any(self.weights < 0) or not np.all(np.isfinite(self.weights)):
            raise ValueError("weights must be finite and non-negative")

    @classmethod
    def from_lonlat(
        cls,
        ids: Sequence[str],
        lon: ArrayLike,
        lat: ArrayLike,
        weights: ArrayLike,
        names: Sequence[str] | None = None,
    ) -> DemandPoints:
        return cls(
            np.asarray(ids, dtype=str),
            project_lonlat(lon, lat),
            np.asarray(weights, dtype=float),
            None if names is None else np.asarray(names, dtype=str),
        )

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def total(self) -> float:
        return float(self.weights.sum())

    @cached_property
    def tree(self) -> cKDTree:
        return cKDTree(self.xy)

    @cached_property
    def index(self) -> dict[str, int]:
        return {str(v): i for i, v in enumerate(self.ids)}

    def take(self, idx: ArrayLike) -> DemandPoints:
        """The demand points at positions ``idx`` (an index array or a boolean mask)."""
        i = np.asarray(idx)
        return DemandPoints(
            self.ids[i], self.xy[i], self.weights[i], None if self.names is None else self.names[i]
        )

    def where_id_startswith(self, prefix: str) -> DemandPoints:
        """Convenience: the points whose id starts with ``prefix`` (a département code)."""
        return self.take(np.char.startswith(self.ids, prefix))

    def as_candidates(self, kind: str = "commune", prefix: str = "") -> Facilities:
        """These points as candidate sites (ids prefixed by ``prefix``)."""
        return Facilities(
            np.char.add(prefix, self.ids),
            self.xy.copy(),
            names=self.names,
            kinds=np.full(len(self), kind),
        )


# --------------------------------------------------------------------------------------
# Availability
# --------------------------------------------------------------------------------------

MonthDay = tuple[int, int]


@dataclass(frozen=True)
class Availability:
    """When a facility counts: weekdays, seasons and dated closures.

    - ``weekdays``: 0 = Monday ... 6 = Sunday (a mobile unit's stop: the days it stops there).
    - ``seasons``: recurring (month, day) ranges, inclusive, that may wrap the year end,
      e.g. ``(((6, 15), (9, 15)),)`` for summer only; empty means all year.
    - ``closures``: dated (start, end) inclusive ranges when it is closed (works, holidays).
    - ``dates``: when given, the only dates it is open (a one-off event), still subject
      to the closures.
    """

    weekdays: frozenset[int] = frozenset(range(7))
    seasons: tuple[tuple[MonthDay, MonthDay], ...] = ()
    closures: tuple[tuple[dt.date, dt.date], ...] = ()
    dates: frozenset[dt.date] | None = None

    def is_open(self, day: dt.date) -> bool:
        if any(a <= day <= b for a, b in self.closures):
            return False
        if self.dates is not None:
            return day in self.dates
        if day.weekday() not in self.weekdays:
            return False
        if not self.seasons:
            return True
        md = (day.month, day.day)
        for a, b in self.seasons:
            if (a <= b and a <= md <= b) or (a > b and (md >= a or md <= b)):
                return True
        return False

    def open_days(self, start: dt.date, end: dt.date) -> int:
        """How many days of ``start..end`` (inclusive) it is open."""
        n = (end - start).days + 1
        return sum(self.is_open(start + dt.timedelta(days=i)) for i in range(max(n, 0)))


ALWAYS = Availability()


# --------------------------------------------------------------------------------------
# Facilities
# --------------------------------------------------------------------------------------


def _tuple_of(values: Iterable[Any] | None, n: int, default: Any) -> tuple[Any, ...]:
    if values is None:
        return (default,) * n
    t = tuple(values)
    if len(t) != n:
        raise ValueError("per-facility sequences must have one entry per facility")
    return t


@dataclass(eq=False)
class Facilities:
    """Places (or candidate sites, or a mobile unit's stops).

    - ``functions``: per facility, the function slugs it offers (empty: unspecified).
    - ``kinds``: per facility, its type (``france-services``, ``tiers-lieu``, ``hotel``,
      ``school``, ``town-hall``, ``cafe``, ``mobile-stop``, ``commune``...).
    - ``availability``: per facility, when it counts (``None``: always).
    - ``groups``: per facility, the mobile unit (or network) it belongs to, ``""`` if none.
    """

    ids: NDArray[np.str_]
    xy: FloatArray
    functions: tuple[frozenset[str], ...] | None = None
    kinds: NDArray[np.str_] | None = None
    availability: tuple[Availability | None, ...] | None = None
    names: NDArray[np.str_] | None = None
    groups: NDArray[np.str_] | None = None

    def __post_init__(self) -> None:
        self.ids = np.asarray(self.ids, dtype=str)
        n = len(self.ids)
        self.xy = _as_xy(self.xy) if n else np.zeros((0, 2))
        if self.xy.shape[0] != n:
            raise ValueError("ids and xy must have the same length")
        self.functions = tuple(frozenset(f) for f in _tuple_of(self.functions, n, frozenset()))
        self.kinds = np.asarray([""] * n if self.kinds is None else self.kinds, dtype=str)
        if len(self.kinds) != n:
            raise ValueError("kinds must have one entry per facility")
        self.availability = _tuple_of(self.availability, n, None)
        if self.names is not None:
            self.names = np.asarray(self.names, dtype=str)
        self.groups = (
            np.asarray(self.groups, dtype=str) if self.groups is not None else np.full(n, "")
        )
        if len(self.groups) != n:
            raise ValueError("groups must have one entry per facility")

    @classmethod
    def from_lonlat(
        cls, ids: Sequence[str], lon: ArrayLike, lat: ArrayLike, **kw: Any
    ) -> Facilities:
        return cls(np.asarray(ids, dtype=str), project_lonlat(lon, lat), **kw)

    @classmethod
    def empty(cls) -> Facilities:
        return cls(np.zeros(0, dtype=str), np.zeros((0, 2)))

    def __len__(self) -> int:
        return len(self.ids)

    @cached_property
    def tree(self) -> cKDTree:
        return cKDTree(self.xy)

    @cached_property
    def index(self) -> dict[str, int]:
        return {str(v): i for i, v in enumerate(self.ids)}

    # -- selections -------------------------------------------------------------------
    def take(self, idx: ArrayLike) -> Facilities:
        """The facilities at positions ``idx`` (an index array or a boolean mask)."""
        i = np.asarray(idx)
        if i.dtype == bool:
            i = np.flatnonzero(i)
        i = i.astype(np.intp)
        assert self.functions is not None and self.availability is not None
        assert self.kinds is not None and self.groups is not None
        return Facilities(
            self.ids[i],
            self.xy[i],
            tuple(self.functions[j] for j in i),
            self.kinds[i],
            tuple(self.availability[j] for j in i),
            None if self.names is None else self.names[i],
            self.groups[i],
        )

    def offering(self, functions: str | Iterable[str] | None) -> Facilities:
        """The facilities offering at least one of ``functions`` (a slug, or a family's slugs)."""
        return self.take(self.offering_mask(functions))

    def offering_mask(self, functions: str | Iterable[str] | None) -> NDArray[np.bool_]:
        assert self.functions is not None
        if functions is None:
            return np.ones(len(self), dtype=bool)
        wanted = {functions} if isinstance(functions, str) else set(functions)
        return np.array([bool(f & wanted) for f in self.functions], dtype=bool)

    def of_kind(self, *kinds: str) -> Facilities:
        assert self.kinds is not None
        return self.take(np.isin(self.kinds, list(kinds)))

    def open_mask(self, day: dt.date) -> NDArray[np.bool_]:
        """Which facilities count on ``day`` (closed ones do not, a stop counts on its days)."""
        assert self.availability is not None
        return np.array([a is None or a.is_open(day) for a in self.availability], dtype=bool)

    def open_on(self, day: dt.date) -> Facilities:
        return self.take(self.open_mask(day))

    def open_during(self, start: dt.date, end: dt.date, min_days: int = 1) -> Facilities:
        """The facilities open at least ``min_days`` days in ``start..end`` (a season).

        With ``min_days=1`` a summer-only place counts for the summer; pass the number of
        weeks of the season to keep only what is there every week.
        """
        assert self.availability is not None
        keep = [a is None or a.open_days(start, end) >= min_days for a in self.availability]
        return self.take(np.array(keep, dtype=bool))

    # -- scenarios --------------------------------------------------------------------
    def without(self, ids: Iterable[str]) -> Facilities:
        """A copy without the facilities ``ids`` (closing places)."""
        drop = {str(i) for i in ids}
        unknown = drop - set(self.index)
        if unknown:
            raise KeyError(f"unknown facility ids: {sorted(unknown)}")
        return self.take(~np.isin(self.ids, list(drop)))

    def plus(self, other: Facilities) -> Facilities:
        """A copy with ``other``'s facilities appended (opening places, adding stops)."""
        clash = set(self.index) & set(other.index)
        if clash:
            raise ValueError(f"facility ids already present: {sorted(clash)}")
        assert self.functions is not None and other.functions is not None
        assert self.availability is not None and other.availability is not None
        assert self.kinds is not None and other.kinds is not None
        assert self.groups is not None and other.groups is not None
        names = None
        if self.names is not None or other.names is not None:
            names = np.concatenate(
                [
                    self.names if self.names is not None else self.ids,
                    other.names if other.names is not None else other.ids,
                ]
            )
        return Facilities(
            np.concatenate([self.ids, other.ids]),
            np.concatenate([self.xy, other.xy]) if len(other) else self.xy.copy(),
            self.functions + other.functions,
            np.concatenate([self.kinds, other.kinds]),
            self.availability + other.availability,
            names,
            np.concatenate([self.groups, other.groups]),
        )


def new_place(
    id: str,
    xy: ArrayLike,
    functions: Iterable[str] = (),
    kind: str = "",
    availability: Availability | None = None,
    name: str | None = None,
) -> Facilities:
    """A single new facility at ``xy`` (metres), for :meth:`Facilities.plus`."""
    return Facilities(
        np.array([id]),
        np.asarray(xy, dtype=float).reshape(1, 2),
        (frozenset(functions),),
        np.array([kind]),
        (availability,),
        None if name is None else np.array([name]),
    )


def mobile_unit(
    unit: str,
    stops: Sequence[tuple[str, ArrayLike, Iterable[int]]],
    functions: Iterable[str] = (),
    kind: str = "mobile-stop",
) -> Facilities:
    """A mobile unit's stops: ``(stop id, xy, weekdays)`` each; a stop counts on its days."""
    fs = frozenset(functions)
    return Facilities(
        np.array([s[0] for s in stops], dtype=str),
        np.array([np.asarray(s[1], dtype=float) for s in stops]).reshape(len(stops), 2),
        tuple(fs for _ in stops),
        np.full(len(stops), kind),
        tuple(Availability(weekdays=frozenset(s[2])) for s in stops),
        None,
        np.full(len(stops), unit),
    )


__all__ = [
    "ALWAYS",
    "Availability",
    "DemandPoints",
    "Facilities",
    "ZONES",
    "ZONE_OFFSET_M",
    "mobile_unit",
    "new_place",
    "project_lonlat",
    "zone_of",
]
