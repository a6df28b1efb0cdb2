"""Recommendations equal exhaustive enumeration on small random instances."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.mesh import DemandPoints, Facilities, StraightLine, mobile_stops, recommend, set_cover
from maillage.mesh.optimize import build_instance, lagrangian_bound, solve_instance

from .test_mesh_travel import brute_cost

demand_st = st.lists(
    st.tuples(st.integers(0, 20), st.integers(0, 20), st.integers(0, 30)), min_size=1, max_size=25
)
cand_st = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=1, max_size=9)
exist_st = st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), min_size=0, max_size=3)


def make(d, c, e):
    demand = DemandPoints(
        [f"d{i}" for i in range(len(d))],
        np.array([(x, y) for x, y, _ in d], float) * 1000,
        [w for *_, w in d],
    )
    cand = Facilities([f"c{j}" for j in range(len(c))], np.array(c, float) * 1000)
    ex = Facilities([f"e{j}" for j in range(len(e))], np.array(e, float).reshape(-1, 2) * 1000)
    return demand, cand, ex


def brute_best(demand, cand, ex, t, k):
    """Exhaustive: the best covered weight over every set of at most k candidates."""
    w = demand.weights
    base = np.zeros(len(w), bool)
    if len(ex):
        base = brute_cost(demand.xy, ex.xy, 1.0).min(axis=1) <= t
    cov = brute_cost(demand.xy, cand.xy, 1.0) <= t
    best = w[base].sum()
    for r in range(1, min(k, len(cand)) + 1):
        for s in itertools.combinations(range(len(cand)), r):
            best = max(best, w[base | cov[:, list(s)].any(axis=1)].sum())
    return best


def covered_by(demand, cand, ex, t, chosen):
    w = demand.weights
    m = np.zeros(len(w), bool)
    if len(ex):
        m |= brute_cost(demand.xy, ex.xy, 1.0).min(axis=1) <= t
    if len(chosen):
        m |= (brute_cost(demand.xy, cand.xy[chosen], 1.0) <= t).any(axis=1)
    return w[m].sum()


@settings(max_examples=80, deadline=None)
@given(d=demand_st, c=cand_st, e=exist_st, t=st.integers(1, 8), k=st.integers(1, 4))
def test_recommend_equals_exhaustive_enumeration(d, c, e, t, k):
    demand, cand, ex = make(d, c, e)
    best = brute_best(demand, cand, ex, t, k)
    for exact in (None, True):
        r = recommend(demand, ex, cand, StraightLine(), t, k, exact=exact)
        assert r.proven_optimal and r.gap == 0
        assert r.covered_weight == best
        assert r.upper_bound == best
        assert len(r.chosen) <= k and len(set(r.chosen.tolist())) == len(r.chosen)
        assert covered_by(demand, cand, ex, t, r.chosen) == best  # the answer is what it says
        assert r.gains.sum() == pytest.approx(best - r.base_weight)
        assert list(r.chosen_ids) == [f"c{j}" for j in r.chosen]


@settings(max_examples=60, deadline=None)
@given(d=demand_st, c=cand_st, e=exist_st, t=st.integers(1, 8), k=st.integers(1, 4))
def test_heuristic_answers_state_a_valid_gap(d, c, e, t, k):
    demand, cand, ex = make(d, c, e)
    best = brute_best(demand, cand, ex, t, k)
    r = recommend(demand, ex, cand, StraightLine(), t, k, exact=False)
    assert r.covered_weight <= best <= r.upper_bound + 1e-9
    loose = recommend(demand, ex, cand, StraightLine(), t, k, exact=False, target_gap=0.2)
    assert loose.covered_weight <= best <= loose.upper_bound + 1e-9
    assert covered_by(demand, cand, ex, t, r.chosen) == r.covered_weight
    assert r.gap == pytest.approx(
        0 if r.proven_optimal else (r.upper_bound - r.covered_weight) / r.upper_bound
    )
    # the Lagrangian bound is an upper bound whatever the multipliers reached
    inst = build_instance(demand, ex, cand, StraightLine(), t)
    if inst.n_rows:
        lb, _, _ = lagrangian_bound(inst, k, lower=0.0)
        assert inst.base + lb >= best - 1e-6


@settings(max_examples=40, deadline=None)
@given(d=demand_st, c=cand_st, t=st.integers(1, 8), k=st.integers(1, 3))
def test_reduction_keeps_the_optimum(d, c, t, k):
    demand, cand, _ = make(d, c, [])
    full = build_instance(demand, None, cand, StraightLine(), t, reduce=False)
    red = build_instance(demand, None, cand, StraightLine(), t)
    assert red.n_rows <= full.n_rows and red.n_cols <= full.n_cols
    assert red.reachable == pytest.approx(full.reachable)
    a = solve_instance(full, k, exact=True, bb_max_nnz=0)  # the HiGHS MILP, unreduced
    b = solve_instance(red, k)  # branch and bound on the reduced instance
    assert a[3] and b[3]
    assert a[1] == b[1] == brute_best(demand, cand, Facilities.empty(), t, k)


@settings(max_examples=50, deadline=None)
@given(
    d=demand_st,
    c=cand_st,
    e=exist_st,
    t=st.integers(1, 8),
    share=st.sampled_from([0.0, 0.3, 0.5, 0.8, 0.95, 1.0]),
)
def test_set_cover_equals_exhaustive_enumeration(d, c, e, t, share):
    demand, cand, ex = make(d, c, e)
    total = demand.weights.sum()
    need = share * total
    smallest = None
    for k in range(len(cand) + 1):
        if brute_best(demand, cand, ex, t, k) >= need - 1e-9:
            smallest = k
            break
    r = set_cover(demand, ex, cand, StraightLine(), t, share)
    if smallest is None:
        assert not r.feasible
        return
    assert r.feasible and r.proven_optimal
    assert r.n_new == smallest == r.lower_bound
    assert covered_by(demand, cand, ex, t, r.chosen) >= need - 1e-9


def test_set_cover_rejects_a_bad_share():
    demand, cand, ex = make([(0, 0, 1)], [(0, 0)], [])
    with pytest.raises(ValueError):
        set_cover(demand, ex, cand, StraightLine(), 1, 1.5)


def test_mobile_stops_per_weekday():
    # four villages far apart, one already served
    demand = DemandPoints(
        list("abcd"), [[0, 0], [50_000, 0], [100_000, 0], [150_000, 0]], [10, 40, 30, 20]
    )
    cand = demand.as_candidates()
    served = Facilities(["fs"], [[0, 0]])
    plan = mobile_stops(demand, served, cand, StraightLine(), 10, weekdays=(1, 3), stops_per_day=1)
    assert plan.day_ids == {1: ["b"], 3: ["c"]}
    assert plan.day_gains == {1: 40.0, 3: 30.0}
    assert plan.recommendation.proven_optimal
    fac = plan.facilities
    assert list(fac.groups) == ["mobile-unit", "mobile-unit"]
    assert fac.availability is not None and fac.availability[0] is not None
    assert fac.availability[0].weekdays == frozenset({1})


def test_recommend_with_nothing_to_gain_and_k_zero():
    demand = DemandPoints(["a"], [[0, 0]], [5])
    cand = Facilities(["x"], [[100_000, 0]])
    r = recommend(demand, None, cand, StraightLine(), 10, 3)
    assert r.covered_weight == 0 and r.proven_optimal and len(r.chosen) == 0
    r0 = recommend(demand, None, demand.as_candidates(), StraightLine(), 10, 0)
    assert r0.covered_weight == 0 and r0.proven_optimal and r0.upper_bound == 0


def test_time_limited_answers_are_honest():
    rng = np.random.default_rng(3)
    n = 400
    xy = rng.uniform(0, 100_000, (n, 2))
    w = rng.integers(1, 1000, n).astype(float)
    demand = DemandPoints([str(i) for i in range(n)], xy, w)
    r = recommend(demand, None, demand.as_candidates(), StraightLine(), 6, 12, time_limit=0.001)
    assert r.covered_weight <= r.upper_bound
    if not r.proven_optimal:
        assert r.gap > 0
    exact = recommend(demand, None, demand.as_candidates(), StraightLine(), 6, 12)
    assert exact.proven_optimal and r.covered_weight <= exact.covered_weight <= r.upper_bound
    s = exact.summary()
    assert s["proven_optimal"] and s["gap"] == 0 and len(s["chosen"]) == 12


def test_only_the_existing_places_that_count_are_kept():
    import datetime as dt

    from maillage.mesh import Availability

    demand = DemandPoints(list("abc"), [[0, 0], [50_000, 0], [100_000, 0]], [10, 40, 30])
    existing = Facilities(
        ["fablab", "closed-on-mondays", "other"],
        [[50_000, 0], [100_000, 0], [0, 0]],
        functions=(frozenset({"fablab"}), frozenset({"fablab"}), frozenset({"culture"})),
        availability=(None, Availability(weekdays=frozenset({1, 2, 3, 4})), None),
    )
    cand = demand.as_candidates()
    r = recommend(demand, existing, cand, StraightLine(), 10, 1, function="fablab")
    assert r.base_weight == 70 and list(r.chosen_ids) == ["a"]
    monday = dt.date(2026, 11, 30)
    r = recommend(demand, existing, cand, StraightLine(), 10, 1, function="fablab", on=monday)
    assert r.base_weight == 40 and list(r.chosen_ids) == ["c"]
    s = set_cover(demand, existing, cand, StraightLine(), 10, 1.0, function="fablab", on=monday)
    assert s.n_new == 2 and s.proven_optimal


@settings(max_examples=30, deadline=None)
@given(
    mat=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 40)), min_size=6, max_size=6),
        min_size=1,
        max_size=10,
    ),
    weights=st.lists(st.integers(0, 50), min_size=10, max_size=10),
    t=st.integers(5, 30),
    k=st.integers(1, 3),
)
def test_recommend_with_an_od_matrix(mat, weights, t, k):
    from maillage.mesh import ODMatrix

    n = len(mat)
    origins = [f"o{i}" for i in range(n)]
    sites = [f"s{j}" for j in range(6)]
    model = ODMatrix.from_table(origins, sites, mat, seconds=False)
    demand = DemandPoints(origins, np.zeros((n, 2)), weights[:n])
    existing = Facilities(sites[:1], np.zeros((1, 2)))
    cand = Facilities(sites[1:], np.zeros((5, 2)))
    cost = np.array([[np.inf if v is None else v for v in row] for row in mat], float)
    w = demand.weights
    base = cost[:, 0] <= t
    cov = cost[:, 1:] <= t
    best = max(
        w[base | cov[:, list(s)].any(axis=1)].sum()
        for r in range(0, k + 1)
        for s in itertools.combinations(range(5), r)
    )
    rec = recommend(demand, existing, cand, model, t, k)
    assert rec.proven_optimal and rec.covered_weight == best and rec.unit == "min"
