"""Coverage: who is near which place, and how many people are within a threshold.

:func:`coverage` computes, for one set of facilities (optionally those offering a
function, open on a date or during a season):

- per demand point: its nearest facility and the cost (km or minutes) to it, and
  how many facilities are within each threshold;
- per threshold: the population and the number of demand points within it, and
  their shares;
- per facility: its catchment, the population for whom it is the nearest
  (the place's "critical size"); a demand point at the same cost (within
  :data:`TIE_TOLERANCE`) of several facilities is shared equally among them
  (:func:`shares_of_nearest`, the one rule);
- the underserved demand points, beyond a target threshold, largest population first.

:func:`compare` gives the difference between two results (a scenario:
closing a place, opening one, adding a mobile unit's stops), and :func:`scenario`
runs both sides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from .model import DemandPoints, Facilities, FloatArray, IntArray
from .travel import TravelModel

#: Two facilities are tied for a demand point when their costs differ by at most this
#: (in the model's unit: a metre in km, 0.06 second in minutes).
TIE_TOLERANCE = 1e-3


def shares_of_nearest(
    demand: DemandPoints,
    facilities: Facilities,
    model: TravelModel,
    cost: FloatArray,
    tolerance: float = TIE_TOLERANCE,
) -> tuple[IntArray, IntArray, FloatArray]:
    """Who each demand point's weight goes to, the catchment rule: to its nearest
    facility; when several are nearest (at the same place, or at the same cost within
    ``tolerance``), shared equally among them.

    ``cost``: per demand point, the cost to its nearest facility (inf: none).
    Returns ``(point, facility, share)`` triples, the shares of a point summing to 1
    (a point without any facility has none)."""
    limits = np.where(np.isfinite(cost), cost + tolerance, np.inf)
    rows, cols, _c = model.within_each(demand, facilities, limits)
    if rows.size == 0:
        return rows, cols, np.zeros(0)
    ties = np.bincount(rows, minlength=len(demand))
    return rows, cols, 1.0 / ties[rows]


def select_facilities(
    facilities: Facilities,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
    during: tuple[dt.date, dt.date] | None = None,
    min_days: int = 1,
) -> Facilities:
    """The facilities that count: offering ``function`` (a slug or a family's slugs),
    open on the day ``on``, or open at least ``min_days`` days ``during`` a season."""
    f = facilities
    if function is not None:
        f = f.offering(function)
    if on is not None:
        f = f.open_on(on)
    if during is not None:
        f = f.open_during(during[0], during[1], min_days)
    return f


@dataclass(eq=False)
class CoverageResult:
    """Coverage of ``demand`` by ``facilities`` (see :func:`coverage`).

    Arrays are aligned with ``demand_ids`` (per demand point) or ``facility_ids``.
    Dictionaries are keyed by threshold.
    """

    unit: str
    thresholds: tuple[float, ...]
    target: float
    demand_ids: NDArray[np.str_]
    demand_names: NDArray[np.str_] | None
    weights: FloatArray
    facility_ids: NDArray[np.str_]
    #: per demand point: index (into ``facility_ids``) of the nearest facility, -1 if none
    nearest: IntArray
    #: per demand point: cost to the nearest facility (inf if none)
    cost: FloatArray
    #: per threshold, per demand point: how many facilities are within (None if not computed)
    counts: dict[float, IntArray] | None
    #: per threshold: population (weight) within, and its share of the total
    covered_weight: dict[float, float]
    weight_share: dict[float, float]
    #: per threshold: number of demand points within, and their share
    covered_points: dict[float, int]
    point_share: dict[float, float]
    #: per facility: total weight of the demand points for which it is the nearest
    #: (a point with several nearest facilities shared equally: :func:`shares_of_nearest`)
    catchment: FloatArray
    #: per facility: same, counting only demand points within ``target``
    catchment_within_target: FloatArray
    #: per facility: how many demand points it is (one of) the nearest for
    catchment_points: IntArray | None = None
    #: per facility: of them, how many it shares with other facilities (ties)
    shared_points: IntArray | None = None

    @property
    def total_weight(self) -> float:
        return float(self.weights.sum())

    @property
    def nearest_id(self) -> NDArray[np.str_]:
        """Per demand point, the id of its nearest facility ("" if none)."""
        out = np.full(len(self.nearest), "", dtype=object)
        ok = self.nearest >= 0
        out[ok] = self.facility_ids[self.nearest[ok]]
        return out.astype(str)

    def underserved(self, threshold: float | None = None) -> IntArray:
        """Indices of the demand points beyond ``threshold`` (default: the target),
        largest weight first (then farthest first)."""
        t = self.target if threshold is None else threshold
        idx = np.flatnonzero(self.cost > t)
        order = np.lexsort((-self.cost[idx], -self.weights[idx]))
        return idx[order]

    def underserved_table(
        self, threshold: float | None = None, limit: int | None = None
    ) -> list[dict[str, Any]]:
        """The underserved demand points as dicts (id, name, weight, cost, nearest id)."""
        idx = self.underserved(threshold)[:limit]
        near = self.nearest_id
        return [
            {
                "id": str(self.demand_ids[i]),
                "name": None if self.demand_names is None else str(self.demand_names[i]),
                "weight": float(self.weights[i]),
                "cost": float(self.cost[i]),
                "nearest": str(near[i]) or None,
            }
            for i in idx
        ]

    def catchments(self) -> dict[str, float]:
        return {str(f): float(c) for f, c in zip(self.facility_ids, self.catchment, strict=True)}

    def summary(self) -> dict[str, Any]:
        """The headline figures as plain JSON-able values."""
        return {
            "unit": self.unit,
            "target": self.target,
            "total_weight": self.total_weight,
            "points": len(self.demand_ids),
            "facilities": len(self.facility_ids),
            "thresholds": [
                {
                    "threshold": t,
                    "covered_weight": self.covered_weight[t],
                    "weight_share": self.weight_share[t],
                    "covered_points": self.covered_points[t],
                    "point_share": self.point_share[t],
                }
                for t in self.thresholds
            ],
            "underserved": len(self.underserved()),
        }


def coverage(
    demand: DemandPoints,
    facilities: Facilities,
    model: TravelModel,
    thresholds: Sequence[float] | None = None,
    *,
    target: float | None = None,
    function: str | Iterable[str] | None = None,
    on: dt.date | None = None,
    during: tuple[dt.date, dt.date] | None = None,
    min_days: int = 1,
    counts: bool = True,
) -> CoverageResult:
    """Coverage of ``demand`` by the ``facilities`` that count.

    ``thresholds`` default to 5/10/20/30 km or 10/20/30 min; "within" is inclusive.
    ``function``, ``on``, ``during``: see :func:`select_facilities` (a place closed that
    day does not count; a mobile unit's stop counts on its days). ``counts=False``
    skips the per-point number of facilities within each threshold (the costliest part).
    """
    ts = tuple(float(t) for t in (model.default_thresholds if thresholds is None else thresholds))
    tgt = float(model.default_target if target is None else target)
    fac = select_facilities(facilities, function, on, during, min_days)
    w = demand.weights
    total = float(w.sum())
    npts = len(demand)
    pairs = None
    if counts and ts and len(fac):
        nearest, cost, pairs = model.nearest_and_pairs(demand, fac, max(ts))
    else:
        nearest, cost = model.nearest(demand, fac, hint=float(np.median(ts)) if ts else None)
    covered_weight: dict[float, float] = {}
    weight_share: dict[float, float] = {}
    covered_points: dict[float, int] = {}
    point_share: dict[float, float] = {}
    for t in ts:
        m = cost <= t
        covered_weight[t] = float(w[m].sum())  # not np.dot: a BLAS call costs more here
        weight_share[t] = covered_weight[t] / total if total > 0 else 0.0
        covered_points[t] = int(np.count_nonzero(m))
        point_share[t] = covered_points[t] / npts if npts else 0.0
    cnt: dict[float, IntArray] | None = None
    if counts:
        cnt = {}
        if pairs is not None:
            rows, _cols, c = pairs
            for t in ts:
                cnt[t] = np.bincount(rows[c <= t], minlength=npts).astype(np.intp)
        else:
            for t in ts:
                cnt[t] = np.zeros(npts, np.intp)
    rows, cols, share = shares_of_nearest(demand, fac, model, cost)
    nf = len(fac)
    part = w[rows] * share
    catchment = np.bincount(cols, weights=part, minlength=nf).astype(float)
    inside = cost[rows] <= tgt
    catch_t = np.bincount(cols[inside], weights=part[inside], minlength=nf).astype(float)
    catch_pts = np.bincount(cols, minlength=nf).astype(np.intp)
    shared_pts = np.bincount(cols[share < 1], minlength=nf).astype(np.intp)
    return CoverageResult(
        unit=model.unit,
        thresholds=ts,
        target=tgt,
        demand_ids=demand.ids,
        demand_names=demand.names,
        weights=w,
        facility_ids=fac.ids,
        nearest=nearest,
        cost=cost,
        counts=cnt,
        covered_weight=covered_weight,
        weight_share=weight_share,
        covered_points=covered_points,
        point_share=point_share,
        catchment=catchment,
        catchment_within_target=catch_t,
        catchment_points=catch_pts,
        shared_points=shared_pts,
    )


def coverage_by_function(
    demand: DemandPoints,
    facilities: Facilities,
    model: TravelModel,
    functions: Iterable[str] | dict[str, Iterable[str]] | None = None,
    **kw: Any,
) -> dict[str, CoverageResult]:
    """One :func:`coverage` per function slug (or per family: ``{family: slugs}``).

    Without ``functions``, every slug offered by at least one facility."""
    if functions is None:
        assert facilities.functions is not None
        functions = sorted(set().union(*facilities.functions)) if len(facilities) else []
    if isinstance(functions, dict):
        return {
            k: coverage(demand, facilities, model, function=list(v), **kw)
            for k, v in functions.items()
        }
    return {f: coverage(demand, facilities, model, function=f, **kw) for f in functions}


@dataclass(eq=False)
class FunctionCatchments:
    """Each facility's catchment for each function it offers (see :func:`catchments_by_function`).

    Arrays are (facilities, functions), aligned with ``facility_ids`` and ``functions``;
    NaN (or -1 for counts) where the facility does not count for that function."""

    facility_ids: NDArray[np.str_]
    functions: tuple[str, ...]
    target: float
    #: people for whom the facility is the nearest offering the function (ties shared)
    population: FloatArray
    #: same, counting only demand points within ``target``
    within_target: FloatArray
    #: demand points for which it is (one of) the nearest, and of them those it shares
    points: IntArray
    shared_points: IntArray

    def of(self, facility_id: str) -> dict[str, float]:
        """``{function: population}`` for the functions the facility counts for."""
        i = int(np.flatnonzero(self.facility_ids == facility_id)[0])
        return {
            f: float(self.population[i, k])
            for k, f in enumerate(self.functions)
            if not np.isnan(self.population[i, k])
        }


def catchments_by_function(
    demand: DemandPoints,
    facilities: Facilities,
    model: TravelModel,
    functions: Iterable[str] | None = None,
    *,
    target: float | None = None,
    on: dt.date | None = None,
    during: tuple[dt.date, dt.date] | None = None,
    min_days: int = 1,
) -> FunctionCatchments:
    """Per facility and per function it offers: the people for whom it is the nearest
    facility offering that function (``on``/``during``: those that count that day or
    season, a mobile unit's stop on its days only), ties shared as :func:`coverage` does.

    Without ``functions``, every slug offered by at least one facility."""
    assert facilities.functions is not None
    if functions is None:
        functions = sorted(set().union(*facilities.functions)) if len(facilities) else []
    fs = tuple(dict.fromkeys(functions))
    tgt = float(model.default_target if target is None else target)
    shape = (len(facilities), len(fs))
    pop = np.full(shape, np.nan)
    within = np.full(shape, np.nan)
    points = np.full(shape, -1, np.intp)
    shared = np.full(shape, -1, np.intp)
    for k, f in enumerate(fs):
        sub = select_facilities(facilities, f, on, during, min_days)
        if not len(sub):
            continue
        r = coverage(demand, sub, model, (tgt,), target=tgt, counts=False)
        at = np.array([facilities.index[str(i)] for i in sub.ids], dtype=np.intp)
        pop[at, k] = r.catchment
        within[at, k] = r.catchment_within_target
        assert r.catchment_points is not None and r.shared_points is not None
        points[at, k] = r.catchment_points
        shared[at, k] = r.shared_points
    return FunctionCatchments(facilities.ids, fs, tgt, pop, within, points, shared)


# --------------------------------------------------------------------------------------
# Scenarios
# --------------------------------------------------------------------------------------


@dataclass(eq=False)
class CoverageDiff:
    """``after`` minus ``before``, figure by figure (see :func:`compare`)."""

    before: CoverageResult
    after: CoverageResult
    #: per threshold: change of covered weight, of weight share, of covered points, of point share
    covered_weight: dict[float, float]
    weight_share: dict[float, float]
    covered_points: dict[float, int]
    point_share: dict[float, float]
    #: per demand point: change of cost to the nearest facility (inf - inf counts as 0)
    cost_delta: FloatArray
    #: demand points whose nearest facility changed
    changed: IntArray
    #: demand points that became within / beyond each threshold
    gained: dict[float, IntArray]
    lost: dict[float, IntArray]
    #: per facility id (union of both sides): catchment before, after
    catchment: dict[str, tuple[float, float]]
    #: demand points newly underserved / no longer underserved (at the ``after`` target)
    newly_underserved: IntArray
    no_longer_underserved: IntArray

    def summary(self) -> dict[str, Any]:
        return {
            "thresholds": [
                {
                    "threshold": t,
                    "covered_weight": self.covered_weight[t],
                    "weight_share": self.weight_share[t],
                    "covered_points": self.covered_points[t],
                    "point_share": self.point_share[t],
                    "gained_points": len(self.gained[t]),
                    "lost_points": len(self.lost[t]),
                }
                for t in self.after.thresholds
            ],
            "changed_points": len(self.changed),
            "newly_underserved": len(self.newly_underserved),
            "no_longer_underserved": len(self.no_longer_underserved),
        }


def compare(before: CoverageResult, after: CoverageResult) -> CoverageDiff:
    """The difference in every figure between two coverages of the same demand points."""
    if not np.array_equal(before.demand_ids, after.demand_ids):
        raise ValueError("both results must cover the same demand points")
    ts = tuple(t for t in after.thresholds if t in before.thresholds)
    with np.errstate(invalid="ignore"):
        delta = after.cost - before.cost
    delta[np.isinf(after.cost) & np.isinf(before.cost)] = 0.0
    bid, aid = before.nearest_id, after.nearest_id
    changed = np.flatnonzero(bid != aid)
    gained = {t: np.flatnonzero((after.cost <= t) & (before.cost > t)) for t in ts}
    lost = {t: np.flatnonzero((after.cost > t) & (before.cost <= t)) for t in ts}
    cb, ca = before.catchments(), after.catchments()
    catch = {f: (cb.get(f, 0.0), ca.get(f, 0.0)) for f in dict.fromkeys([*cb, *ca])}
    tgt = after.target
    ub = before.cost > tgt
    ua = after.cost > tgt
    return CoverageDiff(
        before=before,
        after=after,
        covered_weight={t: after.covered_weight[t] - before.covered_weight[t] for t in ts},
        weight_share={t: after.weight_share[t] - before.weight_share[t] for t in ts},
        covered_points={t: after.covered_points[t] - before.covered_points[t] for t in ts},
        point_share={t: after.point_share[t] - before.point_share[t] for t in ts},
        cost_delta=delta,
        changed=changed,
        gained=gained,
        lost=lost,
        catchment=catch,
        newly_underserved=np.flatnonzero(ua & ~ub),
        no_longer_underserved=np.flatnonzero(ub & ~ua),
    )


def scenario(
    demand: DemandPoints,
    facilities: Facilities,
    model: TravelModel,
    *,
    close: Iterable[str] = (),
    open: Facilities | None = None,  # noqa: A002 - the natural word
    thresholds: Sequence[float] | None = None,
    **kw: Any,
) -> CoverageDiff:
    """Close the facilities ``close`` (ids) and open ``open`` (new places or a mobile
    unit's stops, see :func:`~maillage.mesh.model.new_place`, :func:`~maillage.mesh.model.mobile_unit`),
    and return the difference in every coverage figure. ``kw`` go to :func:`coverage`
    (``function``, ``on``, ``target``...)."""
    before = coverage(demand, facilities, model, thresholds, **kw)
    after_fac = facilities.without(close)
    if open is not None and len(open):
        after_fac = after_fac.plus(open)
    after = coverage(demand, after_fac, model, thresholds, **kw)
    return compare(before, after)


__all__ = [
    "TIE_TOLERANCE",
    "CoverageDiff",
    "CoverageResult",
    "FunctionCatchments",
    "catchments_by_function",
    "compare",
    "coverage",
    "coverage_by_function",
    "scenario",
    "select_facilities",
    "shares_of_nearest",
]
