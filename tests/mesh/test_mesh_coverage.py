"""Coverage figures equal a brute-force computation; dates, seasons and scenarios."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.mesh import (
    Availability,
    DemandPoints,
    Facilities,
    StraightLine,
    catchments_by_function,
    compare,
    coverage,
    coverage_by_function,
    mobile_unit,
    new_place,
    scenario,
)

from .test_mesh_travel import brute_cost

points = st.lists(
    st.tuples(st.integers(0, 30), st.integers(0, 30), st.integers(0, 50)), min_size=1, max_size=30
)
sites = st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=0, max_size=12)


@settings(max_examples=80, deadline=None)
@given(d=points, f=sites)
def test_coverage_equals_brute_force(d, f):
    demand = DemandPoints(
        [f"d{i}" for i in range(len(d))],
        np.array([(x, y) for x, y, _ in d], float) * 1000,
        [w for *_, w in d],
    )
    fac = Facilities([f"f{j}" for j in range(len(f))], np.array(f, float).reshape(-1, 2) * 1000)
    ts = (0.0, 3.0, 5.0, 10.0)
    r = coverage(demand, fac, StraightLine(), ts, target=5.0)
    w = demand.weights
    if len(f) == 0:
        assert (r.nearest == -1).all() and np.isinf(r.cost).all()
        assert all(v == 0 for v in r.covered_weight.values())
        assert set(r.underserved()) == set(range(len(d)))
        return
    cost = brute_cost(demand.xy, fac.xy, 1.0)
    best = cost.min(axis=1)
    assert np.allclose(r.cost, best)
    assert np.allclose(cost[np.arange(len(d)), r.nearest], best)  # a nearest one (ties: any)
    for t in ts:
        within = best <= t
        assert r.covered_weight[t] == w[within].sum()
        assert r.covered_points[t] == within.sum()
        assert r.point_share[t] == pytest.approx(within.mean())
        if w.sum():
            assert r.weight_share[t] == pytest.approx(w[within].sum() / w.sum())
        assert r.counts is not None and np.array_equal(r.counts[t], (cost <= t).sum(axis=1))
    # catchment: every point's weight goes to its nearest facilities, shared equally
    # among those at the same distance (same place or same distance on the grid)
    tied = cost <= best[:, None] + 1e-9
    split = tied * (w / tied.sum(axis=1))[:, None]
    assert r.catchment.sum() == pytest.approx(w.sum())
    assert np.allclose(r.catchment, split.sum(axis=0))
    assert np.allclose(r.catchment_within_target, split[best <= 5].sum(axis=0))
    assert np.array_equal(r.catchment_points, tied.sum(axis=0))
    assert np.array_equal(r.shared_points, tied[tied.sum(axis=1) > 1].sum(axis=0))
    under = r.underserved()
    assert set(under) == set(np.flatnonzero(best > 5))
    assert all(w[a] >= w[b] for a, b in zip(under, under[1:], strict=False))


def _line():
    demand = DemandPoints(
        ["a", "b", "c", "d"],
        [[0, 0], [4000, 0], [9000, 0], [30_000, 0]],
        [100, 10, 50, 7],
        names=["A", "B", "C", "D"],
    )
    fac = Facilities(
        ["p", "q", "bus-1"],
        [[0, 0], [9000, 0], [30_000, 0]],
        functions=(
            frozenset({"fablab"}),
            frozenset({"digital-mediation"}),
            frozenset({"digital-mediation"}),
        ),
        availability=(
            None,
            Availability(
                seasons=(((6, 1), (8, 31)),),
                closures=((dt.date(2026, 7, 14), dt.date(2026, 7, 14)),),
            ),
            Availability(weekdays=frozenset({2})),
        ),
    )
    return demand, fac


def test_function_date_and_season_filters():
    demand, fac = _line()
    m = StraightLine()
    everything = coverage(demand, fac, m, (5.0,))
    assert everything.covered_weight[5.0] == 167
    assert coverage(demand, fac, m, (5.0,), function="fablab").covered_weight[5.0] == 110
    by_f = coverage_by_function(demand, fac, m, thresholds=(5.0,))
    assert set(by_f) == {"fablab", "digital-mediation"}
    fam = coverage_by_function(
        demand, fac, m, {"all": ["fablab", "digital-mediation"]}, thresholds=(5.0,)
    )
    assert fam["all"].covered_weight[5.0] == 167
    wed_winter = dt.date(2026, 12, 2)  # q closed (summer only), the bus stops on Wednesdays
    r = coverage(demand, fac, m, (5.0,), on=wed_winter)
    assert list(r.facility_ids) == ["p", "bus-1"] and r.covered_weight[5.0] == 117
    thu_summer = dt.date(2026, 7, 16)
    assert list(coverage(demand, fac, m, (5.0,), on=thu_summer).facility_ids) == ["p", "q"]
    assert list(coverage(demand, fac, m, (5.0,), on=dt.date(2026, 7, 14)).facility_ids) == [
        "p"
    ]  # closure
    summer = (dt.date(2026, 6, 1), dt.date(2026, 8, 31))
    assert len(coverage(demand, fac, m, (5.0,), during=summer).facility_ids) == 3
    table = everything.underserved_table()
    assert table == []
    r = coverage(demand, fac.without(["q", "bus-1"]), m, (5.0,), target=5.0)
    assert [row["id"] for row in r.underserved_table()] == ["c", "d"]
    assert r.underserved_table(limit=1)[0] == {
        "id": "c",
        "name": "C",
        "weight": 50.0,
        "cost": 9.0,
        "nearest": "p",
    }
    s = r.summary()
    assert s["thresholds"][0]["covered_weight"] == 110 and s["underserved"] == 2


def test_no_counts_and_no_facility():
    demand, fac = _line()
    r = coverage(demand, fac, StraightLine(), counts=False)
    assert r.counts is None and r.thresholds == (5.0, 10.0, 20.0, 30.0)
    r0 = coverage(demand, Facilities.empty(), StraightLine())
    assert np.isinf(r0.cost).all() and r0.covered_weight[30.0] == 0 and len(r0.catchment) == 0


def test_scenario_differences_equal_the_figures_differences():
    demand, fac = _line()
    m = StraightLine()
    stops = mobile_unit("bus-2", [("s1", [9000, 0], [0])])
    d = scenario(
        demand,
        fac,
        m,
        close=["q"],
        open=new_place("r", [4000, 0]).plus(stops),
        thresholds=(1.0, 5.0),
    )
    before = coverage(demand, fac, m, (1.0, 5.0))
    after = coverage(
        demand, fac.without(["q"]).plus(new_place("r", [4000, 0])).plus(stops), m, (1.0, 5.0)
    )
    for t in (1.0, 5.0):
        assert d.covered_weight[t] == after.covered_weight[t] - before.covered_weight[t]
        assert d.point_share[t] == pytest.approx(after.point_share[t] - before.point_share[t])
    assert list(d.gained[1.0]) == [1]  # b: 4 km -> 0 km
    assert np.allclose(d.cost_delta, after.cost - before.cost)
    assert d.catchment["q"] == (50.0, 0.0) and d.catchment["r"] == (0.0, 10.0)
    assert d.catchment["s1"] == (0.0, 50.0)
    # on a Tuesday the bus-2 stop (Mondays) does not count
    tue = scenario(
        demand, fac, m, close=["q"], open=stops, thresholds=(5.0,), on=dt.date(2026, 12, 1)
    )
    assert list(tue.lost[5.0]) == []  # q was closed on that winter Tuesday anyway
    mon = scenario(demand, fac, m, open=stops, thresholds=(5.0,), on=dt.date(2026, 11, 30))
    assert list(mon.gained[5.0]) == [2]
    with pytest.raises(ValueError):
        compare(before, coverage(DemandPoints(["z"], [[0, 0]], [1]), fac, m))
    assert d.summary()["changed_points"] == len(d.changed)


@settings(max_examples=40, deadline=None)
@given(d=points, f=sites.filter(len), data=st.data())
def test_coverage_with_per_point_travel_times(d, f, data):
    from maillage.mesh import PRESETS, EstimatedTime

    demand = DemandPoints(
        [f"d{i}" for i in range(len(d))],
        np.array([(x, y) for x, y, _ in d], float) * 1000,
        [w for *_, w in d],
    )
    fac = Facilities([f"f{j}" for j in range(len(f))], np.array(f, float) * 1000)
    kinds = data.draw(st.lists(st.sampled_from(sorted(PRESETS)), min_size=len(d), max_size=len(d)))
    m = EstimatedTime.by_territory(kinds)
    factor = np.array([PRESETS[k][0] / PRESETS[k][1] * 60 for k in kinds])
    cost = brute_cost(demand.xy, fac.xy, factor)
    r = coverage(demand, fac, m, (5.0, 15.0))  # most points are beyond 15 minutes
    assert np.allclose(r.cost, cost.min(axis=1))
    clear = np.abs(cost - 15.0) > 1e-9
    assert r.counts is not None
    assert np.array_equal(
        r.counts[15.0][clear.all(axis=1)], (cost <= 15.0).sum(axis=1)[clear.all(axis=1)]
    )


def test_places_at_one_spot_or_one_distance_share_the_people_equally():
    """Two places at one commune's centre share its people half and half; a commune
    half-way between two places too; a third place farther away gets none of them."""
    demand = DemandPoints(
        ["centre", "between", "alone"],
        [[0, 0], [10_000, 0], [50_000, 0]],
        [900, 100, 40],
    )
    fac = Facilities(
        ["town-hall", "france-services", "east", "far"],
        [[0, 0], [0, 0], [20_000, 0], [50_000, 3_000]],
        functions=[{"mediation"}, {"mediation"}, {"mediation"}, {"other"}],
    )
    r = coverage(demand, fac, StraightLine(), (5.0, 10.0), target=5.0)
    # centre: 900 split in two; between (10 km from both 0,0 places and from east): 3 ways
    assert r.catchments() == pytest.approx(
        {"town-hall": 450 + 100 / 3, "france-services": 450 + 100 / 3, "east": 100 / 3, "far": 40}
    )
    assert r.catchment_within_target.tolist() == pytest.approx([450, 450, 0, 40])
    assert r.catchment_points.tolist() == [2, 2, 1, 1]
    assert r.shared_points.tolist() == [2, 2, 1, 0]
    assert r.catchment.sum() == pytest.approx(demand.total)
    # by function: "far" does not offer mediation, so "alone" goes to "east" for it
    by = catchments_by_function(demand, fac, StraightLine(), target=10.0)
    assert by.functions == ("mediation", "other")
    assert by.of("east") == pytest.approx({"mediation": 100 / 3 + 40})
    assert by.of("far") == {"other": 1040.0}
    assert by.of("town-hall") == pytest.approx({"mediation": 450 + 100 / 3})
    # a tie that is not exact: 0.5 mm apart is the same distance, 5 m is not
    near = Facilities(["a", "b"], [[0, 0], [0.0005, 0]])
    assert coverage(demand.take([0]), near, StraightLine()).catchment.tolist() == [450, 450]
    apart = Facilities(["a", "b"], [[0, 0], [5, 0]])
    assert coverage(demand.take([0]), apart, StraightLine()).catchment.tolist() == [900, 0]


def test_a_mobile_stop_counts_for_its_functions_on_its_days_only():
    demand = DemandPoints(["v"], [[0, 0]], [300])
    fixed = Facilities(["fs"], [[8_000, 0]], functions=[{"mediation"}])
    truck = mobile_unit("truck", [("truck@v", [100, 0], [5])], functions=["mediation"])
    fac = fixed.plus(truck)
    saturday = dt.date(2026, 11, 28)
    assert by_day(fac, demand, saturday) == {"fs": 0.0, "truck@v": 300.0}
    assert by_day(fac, demand, saturday + dt.timedelta(days=1)) == {"fs": 300.0}


def by_day(fac, demand, day):
    r = catchments_by_function(demand, fac, StraightLine(), ["mediation"], on=day)
    return {
        str(i): float(p)
        for i, p in zip(r.facility_ids, r.population[:, 0], strict=True)
        if not np.isnan(p)
    }
