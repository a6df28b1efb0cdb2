"""How far a facility is from a demand point: travel models.

Three models, one interface (:class:`TravelModel`):

- :class:`StraightLine`: kilometres as the crow flies in the projected CRS
  (Lambert-93 in metropolitan France).
- :class:`EstimatedTime`: minutes estimated as ``km x circuity / speed x 60``,
  with named presets per kind of territory (:data:`PRESETS`); circuity and speed
  may also be given per demand point (a commune in the mountains, another in town).
- :class:`ODMatrix`: minutes read from an origin-destination table, such as an
  OSRM or Valhalla ``table`` call returns, for users who run a routing engine.
  A pair missing from the table is unreachable.

Every model answers two questions: the nearest facility of each demand point
(:meth:`TravelModel.nearest`) and the pairs within a threshold
(:meth:`TravelModel.pairs_within`); "within" is inclusive (cost <= threshold).
"""

from __future__ import annotations

import csv
import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .model import DemandPoints, Facilities, FloatArray, IntArray

Pairs = tuple[IntArray, IntArray, FloatArray]

#: Threads for the k-d tree's nearest queries (scipy's ``workers``; -1: every core).
#: One by default: on a shared or busy machine extra threads mostly wait.
WORKERS: int = 1


class TravelModel(ABC):
    """The cost (km or minutes) of reaching a facility from a demand point."""

    #: unit of costs and thresholds: ``"km"`` or ``"min"``.
    unit: str = "km"

    @abstractmethod
    def nearest(
        self, demand: DemandPoints, facilities: Facilities, hint: float | None = None
    ) -> tuple[IntArray, FloatArray]:
        """Per demand point, the index of its nearest facility (-1 if none) and the cost (inf).

        ``hint``: a cost most nearest facilities are within (a speed-up only)."""

    @abstractmethod
    def pairs_within(
        self, demand: DemandPoints, facilities: Facilities, threshold: float, sort: bool = True
    ) -> Pairs:
        """All (demand index, facility index, cost) with cost <= threshold, ordered by
        demand then facility index unless ``sort=False``."""

    def nearest_and_pairs(
        self, demand: DemandPoints, facilities: Facilities, threshold: float
    ) -> tuple[IntArray, FloatArray, Pairs]:
        """:meth:`nearest` and unsorted :meth:`pairs_within` at once (one pass when it can)."""
        idx, cost = self.nearest(demand, facilities)
        return idx, cost, self.pairs_within(demand, facilities, threshold, sort=False)

    @abstractmethod
    def cost_matrix(self, demand: DemandPoints, facilities: Facilities) -> FloatArray:
        """The dense (n_demand, n_facilities) cost matrix (inf: unreachable). Small inputs only."""

    def within_each(
        self, demand: DemandPoints, facilities: Facilities, limits: FloatArray
    ) -> Pairs:
        """All (demand index, facility index, cost) with cost <= ``limits[i]`` for demand
        point ``i`` (a point with an infinite limit gets none), ordered by demand then
        facility index: the places tied with a point's nearest (see
        :func:`maillage.mesh.coverage.shares_of_nearest`)."""
        if len(facilities) == 0 or len(demand) == 0:
            return _empty_pairs()
        m = self.cost_matrix(demand, facilities)
        lim = np.asarray(limits, dtype=float)
        rows, cols = np.nonzero(np.isfinite(lim)[:, None] & (m <= lim[:, None]))
        return rows.astype(np.intp), cols.astype(np.intp), m[rows, cols]

    @property
    def default_thresholds(self) -> tuple[float, ...]:
        return (5.0, 10.0, 20.0, 30.0) if self.unit == "km" else (10.0, 20.0, 30.0)

    @property
    def default_target(self) -> float:
        """The threshold beyond which a demand point is "underserved" unless told otherwise."""
        return 10.0 if self.unit == "km" else 20.0


def _empty_pairs() -> Pairs:
    return np.zeros(0, np.intp), np.zeros(0, np.intp), np.zeros(0, float)


def _sort_pairs(rows: IntArray, cols: IntArray, costs: FloatArray) -> Pairs:
    order = np.lexsort((cols, rows))
    return rows[order], cols[order], costs[order]


class _ScaledDistance(TravelModel):
    """cost = straight-line metres x a factor (scalar, or one per demand point).

    Distances come from scipy's k-d tree (the same arithmetic in every query), so a
    point's nearest cost and its pairs within a threshold always agree."""

    def _factor(self, demand: DemandPoints) -> float | FloatArray:
        raise NotImplementedError

    def nearest(
        self, demand: DemandPoints, facilities: Facilities, hint: float | None = None
    ) -> tuple[IntArray, FloatArray]:
        n = len(demand)
        if len(facilities) == 0 or n == 0:
            return np.full(n, -1, np.intp), np.full(n, np.inf)
        factor = self._factor(demand)
        if hint is None:
            d, idx = facilities.tree.query(demand.xy, workers=WORKERS)
        else:
            # two passes: bounded (the tree prunes more), then unbounded for the rest
            bound = hint / float(np.min(factor)) * (1 + 1e-9) + 1e-9
            d, idx = facilities.tree.query(demand.xy, distance_upper_bound=bound, workers=WORKERS)
            far = np.flatnonzero(np.isinf(d))
            if far.size:
                d2, i2 = facilities.tree.query(demand.xy[far], workers=WORKERS)
                d[far], idx[far] = d2, i2
        return np.asarray(idx, dtype=np.intp), np.asarray(d) * factor

    def _sdm(
        self, demand: DemandPoints, facilities: Facilities, threshold: float
    ) -> tuple[IntArray, IntArray, FloatArray]:
        """Unsorted (demand, facility, cost) pairs with cost <= threshold."""
        factor = self._factor(demand)
        fmin = float(np.min(factor))
        if fmin <= 0:
            raise ValueError("travel factors must be positive")
        radius = threshold / fmin * (1 + 1e-9) + 1e-9
        sdm = facilities.tree.sparse_distance_matrix(demand.tree, radius, output_type="ndarray")
        rows = sdm["j"].astype(np.intp)
        cols = sdm["i"].astype(np.intp)
        costs = sdm["v"] * (factor if np.isscalar(factor) else np.asarray(factor)[rows])
        keep = costs <= threshold
        if not keep.all():
            rows, cols, costs = rows[keep], cols[keep], costs[keep]
        return rows, cols, costs

    def pairs_within(
        self, demand: DemandPoints, facilities: Facilities, threshold: float, sort: bool = True
    ) -> Pairs:
        if len(facilities) == 0 or len(demand) == 0 or threshold < 0:
            return _empty_pairs()
        rows, cols, costs = self._sdm(demand, facilities, threshold)
        return _sort_pairs(rows, cols, costs) if sort else (rows, cols, costs)

    def nearest_and_pairs(
        self, demand: DemandPoints, facilities: Facilities, threshold: float
    ) -> tuple[IntArray, FloatArray, Pairs]:
        n = len(demand)
        if len(facilities) == 0 or n == 0 or threshold < 0:
            return *self.nearest(demand, facilities), _empty_pairs()
        rows, cols, costs = self._sdm(demand, facilities, threshold)
        cost = np.full(n, np.inf)
        np.minimum.at(cost, rows, costs)
        hit = costs == cost[rows]
        idx = np.full(n, -1, np.intp)
        idx[rows[hit]] = cols[hit]
        rest = np.flatnonzero(idx < 0)
        if rest.size:
            d2, i2 = facilities.tree.query(demand.xy[rest], workers=WORKERS)
            factor = self._factor(demand)
            f2 = factor if np.isscalar(factor) else np.asarray(factor)[rest]
            idx[rest], cost[rest] = i2, np.asarray(d2) * f2
        return idx, cost, (rows, cols, costs)

    def within_each(
        self, demand: DemandPoints, facilities: Facilities, limits: FloatArray
    ) -> Pairs:
        n = len(demand)
        if len(facilities) == 0 or n == 0:
            return _empty_pairs()
        lim = np.asarray(limits, dtype=float)
        ok = np.flatnonzero(np.isfinite(lim))
        if ok.size == 0:
            return _empty_pairs()
        factor = self._factor(demand)
        f = np.broadcast_to(np.asarray(factor, dtype=float), (n,))[ok]
        # metres, with a margin so that rounding never drops a tie (costs are checked next)
        radius = lim[ok] / f * (1 + 1e-9) + 1e-6
        found = facilities.tree.query_ball_point(demand.xy[ok], radius, workers=WORKERS)
        lens = np.fromiter((len(x) for x in found), dtype=np.intp, count=len(found))
        if not lens.sum():
            return _empty_pairs()
        rows = np.repeat(ok, lens)
        cols = np.concatenate([np.asarray(x, dtype=np.intp) for x in found if len(x)])
        d = np.sqrt(((demand.xy[rows] - facilities.xy[cols]) ** 2).sum(axis=1))
        costs = d * np.repeat(f, lens)
        keep = costs <= lim[rows]
        return _sort_pairs(rows[keep], cols[keep], costs[keep])

    def cost_matrix(self, demand: DemandPoints, facilities: Facilities) -> FloatArray:
        f = self._factor(demand)
        diff = demand.xy[:, None, :] - facilities.xy[None, :, :]
        d = np.sqrt(diff[..., 0] ** 2 + diff[..., 1] ** 2)
        return d * (f if np.isscalar(f) else np.asarray(f)[:, None])


@dataclass(frozen=True)
class StraightLine(_ScaledDistance):
    """Kilometres as the crow flies between projected coordinates."""

    unit: str = "km"

    def _factor(self, demand: DemandPoints) -> float:
        return 1e-3


#: Named presets for :class:`EstimatedTime`: (circuity, speed km/h) per kind of territory.
#: Circuity (road km / straight km) and door-to-door average speeds are planning
#: estimates, not measurements: about 1.3 is the usual détour index of a dense road
#: network, winding mountain roads go to 1.4 and beyond; averages include the slow
#: ends of a trip (village streets, parking).
PRESETS: Mapping[str, tuple[float, float]] = {
    "urban": (1.3, 30.0),
    "periurban": (1.3, 45.0),
    "rural": (1.3, 60.0),
    "mountain": (1.4, 50.0),
}


@dataclass(frozen=True)
class EstimatedTime(_ScaledDistance):
    """Minutes = straight km x ``circuity`` / ``speed_kmh`` x 60.

    ``circuity`` and ``speed_kmh`` are scalars, or arrays with one value per demand
    point (see :meth:`by_territory`); a travel time depends on where the trip starts.
    """

    circuity: float | tuple[float, ...] = 1.4
    speed_kmh: float | tuple[float, ...] = 50.0
    unit: str = "min"

    @classmethod
    def preset(cls, name: str) -> EstimatedTime:
        c, s = PRESETS[name]
        return cls(c, s)

    @classmethod
    def by_territory(
        cls, kinds: Sequence[str], presets: Mapping[str, tuple[float, float]] = PRESETS
    ) -> EstimatedTime:
        """One preset per demand point (``kinds[i]`` is a key of ``presets``)."""
        c = tuple(presets[k][0] for k in kinds)
        s = tuple(presets[k][1] for k in kinds)
        return cls(c, s)

    def _factor(self, demand: DemandPoints) -> float | FloatArray:
        c = np.asarray(self.circuity, dtype=float)
        s = np.asarray(self.speed_kmh, dtype=float)
        for a in (c, s):
            if a.ndim and a.shape != (len(demand),):
                raise ValueError("per-point circuity/speed must have one value per demand point")
        f = c / s * 60.0 * 1e-3
        return float(f) if f.ndim == 0 else f


@dataclass(eq=False)
class ODMatrix(TravelModel):
    """Minutes from origins (demand ids) to destinations (facility ids), sparse.

    A pair absent from the table is unreachable. Build with :meth:`from_csv`,
    :meth:`from_pairs`, :meth:`from_table`, :meth:`from_osrm` or :meth:`from_valhalla`.
    """

    origins: NDArray[np.str_]
    destinations: NDArray[np.str_]
    #: CSR over origins: entries ``ptr[o]:ptr[o+1]`` are destination indices ``dest``...
    ptr: IntArray
    dest: IntArray
    minutes: FloatArray
    unit: str = "min"

    # -- builders ---------------------------------------------------------------------
    @classmethod
    def from_pairs(
        cls, origin: Sequence[str], destination: Sequence[str], minutes: ArrayLike
    ) -> ODMatrix:
        o = np.asarray(origin, dtype=str)
        d = np.asarray(destination, dtype=str)
        m = np.asarray(minutes, dtype=float)
        if not (len(o) == len(d) == len(m)):
            raise ValueError("origin, destination and minutes must have the same length")
        ok = np.isfinite(m)
        if np.any(m[ok] < 0):
            raise ValueError("negative travel time")
        o, d, m = o[ok], d[ok], m[ok]
        ou, oi = np.unique(o, return_inverse=True)
        du, di = np.unique(d, return_inverse=True)
        # duplicates: keep the fastest
        order = np.lexsort((m, di, oi))
        oi, di, m = oi[order], di[order], m[order]
        first = np.ones(len(oi), dtype=bool)
        first[1:] = (oi[1:] != oi[:-1]) | (di[1:] != di[:-1])
        oi, di, m = oi[first], di[first], m[first]
        ptr = np.zeros(len(ou) + 1, dtype=np.intp)
        np.add.at(ptr, oi + 1, 1)
        return cls(ou, du, np.cumsum(ptr), di.astype(np.intp), m)

    @classmethod
    def from_csv(
        cls,
        path: str | Path,
        origin: str = "origin",
        destination: str = "destination",
        minutes: str = "minutes",
    ) -> ODMatrix:
        """Read a CSV of origin, destination, minutes (``,`` or ``;``; header by name
        or, without one, the first three columns). Empty minutes: unreachable.
        A ``seconds`` column is accepted instead of ``minutes``."""
        text = Path(path).read_text(encoding="utf-8-sig")
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
        rows = list(csv.reader(text.splitlines(), dialect))
        if not rows:
            return cls.from_pairs([], [], [])
        header = [h.strip().lower() for h in rows[0]]
        scale = 1.0
        if (
            origin in header
            and destination in header
            and (minutes in header or "seconds" in header)
        ):
            io, id_ = header.index(origin), header.index(destination)
            if minutes in header:
                im = header.index(minutes)
            else:
                im, scale = header.index("seconds"), 1 / 60
            body = rows[1:]
        else:
            try:
                float(rows[0][2])
                body = rows
            except ValueError:
                body = rows[1:]
            io, id_, im = 0, 1, 2
        body = [r for r in body if len(r) > max(io, id_, im)]
        mins = [float(r[im]) * scale if r[im].strip() else np.nan for r in body]
        return cls.from_pairs([r[io].strip() for r in body], [r[id_].strip() for r in body], mins)

    @classmethod
    def from_table(
        cls,
        origins: Sequence[str],
        destinations: Sequence[str],
        durations: Sequence[Sequence[float | None]],
        seconds: bool = True,
    ) -> ODMatrix:
        """From a full matrix (``durations[i][j]`` from origin i to destination j; None:
        unreachable), in seconds as routing engines return unless ``seconds=False``."""
        a = np.array(
            [[np.nan if v is None else float(v) for v in row] for row in durations], dtype=float
        ).reshape(len(origins), len(destinations))
        if seconds:
            a = a / 60.0
        oi, di = np.meshgrid(np.arange(len(origins)), np.arange(len(destinations)), indexing="ij")
        o = np.asarray(origins, dtype=str)[oi.ravel()]
        d = np.asarray(destinations, dtype=str)[di.ravel()]
        return cls.from_pairs(o, d, a.ravel())

    @classmethod
    def from_osrm(
        cls, response: Mapping[str, Any] | str, origins: Sequence[str], destinations: Sequence[str]
    ) -> ODMatrix:
        """From an OSRM ``/table`` response (``durations`` in seconds, sources x destinations)."""
        r = json.loads(response) if isinstance(response, str) else response
        return cls.from_table(origins, destinations, r["durations"])

    @classmethod
    def from_valhalla(
        cls, response: Mapping[str, Any] | str, origins: Sequence[str], destinations: Sequence[str]
    ) -> ODMatrix:
        """From a Valhalla ``sources_to_targets`` response (``time`` in seconds)."""
        r = json.loads(response) if isinstance(response, str) else response
        s2t = r["sources_to_targets"]
        if isinstance(s2t, dict):  # Valhalla >= 3.5 columnar format
            table = s2t["durations"]
        else:
            table = [[cell.get("time") for cell in row] for row in s2t]
        return cls.from_table(origins, destinations, table)

    # -- queries ----------------------------------------------------------------------
    def _entries(self, demand: DemandPoints, facilities: Facilities) -> Pairs:
        oidx = {str(v): i for i, v in enumerate(self.origins)}
        rows_o = np.array([oidx.get(str(i), -1) for i in demand.ids], dtype=np.intp)
        fac_of_dest = np.full(len(self.destinations), -1, dtype=np.intp)
        didx = {str(v): i for i, v in enumerate(self.destinations)}
        for j, fid in enumerate(facilities.ids):
            d = didx.get(str(fid))
            if d is not None:
                fac_of_dest[d] = j
        have = np.flatnonzero(rows_o >= 0)
        if have.size == 0 or len(facilities) == 0:
            return _empty_pairs()
        starts = self.ptr[rows_o[have]]
        lens = self.ptr[rows_o[have] + 1] - starts
        total = int(lens.sum())
        rows = np.repeat(have, lens)
        offs = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens)
        pos = np.repeat(starts, lens) + offs
        cols = fac_of_dest[self.dest[pos]]
        keep = cols >= 0
        return rows[keep], cols[keep], self.minutes[pos][keep]

    def nearest(
        self, demand: DemandPoints, facilities: Facilities, hint: float | None = None
    ) -> tuple[IntArray, FloatArray]:
        n = len(demand)
        idx = np.full(n, -1, np.intp)
        cost = np.full(n, np.inf)
        rows, cols, mins = self._entries(demand, facilities)
        if rows.size:
            order = np.lexsort((cols, mins, rows))
            r = rows[order]
            first = np.ones(len(r), dtype=bool)
            first[1:] = r[1:] != r[:-1]
            sel = order[first]
            idx[rows[sel]] = cols[sel]
            cost[rows[sel]] = mins[sel]
        return idx, cost

    def pairs_within(
        self, demand: DemandPoints, facilities: Facilities, threshold: float, sort: bool = True
    ) -> Pairs:
        rows, cols, mins = self._entries(demand, facilities)
        keep = mins <= threshold
        if not sort:
            return rows[keep], cols[keep], mins[keep]
        return _sort_pairs(rows[keep], cols[keep], mins[keep])

    def within_each(
        self, demand: DemandPoints, facilities: Facilities, limits: FloatArray
    ) -> Pairs:
        rows, cols, mins = self._entries(demand, facilities)
        keep = mins <= np.asarray(limits, dtype=float)[rows]
        return _sort_pairs(rows[keep], cols[keep], mins[keep])

    def cost_matrix(self, demand: DemandPoints, facilities: Facilities) -> FloatArray:
        out = np.full((len(demand), len(facilities)), np.inf)
        rows, cols, mins = self._entries(demand, facilities)
        out[rows, cols] = mins
        return out


__all__ = ["PRESETS", "EstimatedTime", "ODMatrix", "StraightLine", "TravelModel"]
