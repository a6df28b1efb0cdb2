"""Travel models: each agrees with a brute-force cost matrix."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from maillage.mesh import PRESETS, DemandPoints, EstimatedTime, Facilities, ODMatrix, StraightLine


def brute_cost(dxy: np.ndarray, fxy: np.ndarray, factor: np.ndarray | float) -> np.ndarray:
    """km (factor 1) or minutes: straight metres / 1000 x factor, computed independently."""
    dx = dxy[:, 0][:, None] - fxy[:, 0][None, :]
    dy = dxy[:, 1][:, None] - fxy[:, 1][None, :]
    km = np.sqrt(dx * dx + dy * dy) / 1000.0
    f = np.asarray(factor, dtype=float)
    return km * (f[:, None] if f.ndim else f)


coords = st.lists(st.tuples(st.integers(0, 40), st.integers(0, 40)), min_size=1, max_size=25)


def instance(d, f):
    # integer kilometres: exact ties at the thresholds are common, "within" is inclusive
    demand = DemandPoints(
        [f"d{i}" for i in range(len(d))], np.array(d, float) * 1000, np.ones(len(d))
    )
    fac = Facilities([f"f{j}" for j in range(len(f))], np.array(f, float) * 1000)
    return demand, fac


@settings(max_examples=60, deadline=None)
@given(d=coords, f=coords, t=st.integers(0, 30))
def test_straight_line_matches_brute_force(d, f, t):
    demand, fac = instance(d, f)
    m = StraightLine()
    cost = brute_cost(demand.xy, fac.xy, 1.0)
    idx, c = m.nearest(demand, fac)
    assert np.allclose(c, cost.min(axis=1), rtol=0, atol=1e-9)
    assert np.allclose(cost[np.arange(len(d)), idx], c, atol=1e-9)
    rows, cols, pc = m.pairs_within(demand, fac, float(t))
    expect = set(zip(*np.nonzero(cost <= t), strict=True))
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == expect
    assert np.allclose(pc, cost[rows, cols])
    idx2, c2, (r2, c2s, _) = m.nearest_and_pairs(demand, fac, float(t))
    assert np.allclose(c2, c) and set(zip(r2.tolist(), c2s.tolist(), strict=True)) == expect


@settings(max_examples=40, deadline=None)
@given(d=coords, f=coords, t=st.integers(0, 40), data=st.data())
def test_estimated_time_per_point_matches_brute_force(d, f, t, data):
    demand, fac = instance(d, f)
    kinds = data.draw(st.lists(st.sampled_from(sorted(PRESETS)), min_size=len(d), max_size=len(d)))
    m = EstimatedTime.by_territory(kinds)
    factor = np.array([PRESETS[k][0] / PRESETS[k][1] * 60 for k in kinds])
    cost = brute_cost(demand.xy, fac.xy, factor)
    _, c = m.nearest(demand, fac)
    assert np.allclose(c, cost.min(axis=1))
    rows, cols, _ = m.pairs_within(demand, fac, float(t))
    # compare away from floating-point ties of the time factor
    clear = np.abs(cost - t) > 1e-9
    got = np.zeros_like(cost, dtype=bool)
    got[rows, cols] = True
    assert (got == (cost <= t))[clear].all()


def test_estimated_time_defaults_and_presets():
    m = EstimatedTime()  # mountain: 1.4 and 50 km/h
    d = DemandPoints(["a"], [[0, 0]], [1])
    f = Facilities(["x"], [[50_000, 0]])
    _, c = m.nearest(d, f)
    assert c[0] == pytest.approx(50 * 1.4 / 50 * 60)  # 84 minutes
    assert EstimatedTime.preset("urban") == EstimatedTime(*PRESETS["urban"])
    assert m.unit == "min" and m.default_thresholds == (10.0, 20.0, 30.0)
    with pytest.raises(ValueError):
        EstimatedTime((1.3, 1.4), (50.0, 60.0)).nearest(d, f)


def test_od_matrix_from_csv_variants(tmp_path: Path):
    d = DemandPoints(["o1", "o2", "o3"], [[0, 0]] * 3, [1, 1, 1])
    f = Facilities(["p1", "p2"], [[0, 0]] * 2)
    a = tmp_path / "a.csv"
    a.write_text("origin,destination,minutes\no1,p1,12.5\no1,p2,7\no2,p2,31\no2,p1,\no1,p2,9\n")
    m = ODMatrix.from_csv(a)
    idx, c = m.nearest(d, f)
    assert list(idx) == [1, 1, -1] and c[0] == 7 and c[1] == 31 and np.isinf(c[2])
    rows, cols, mins = m.pairs_within(d, f, 30)
    assert list(zip(rows.tolist(), cols.tolist(), mins.tolist(), strict=True)) == [
        (0, 0, 12.5),
        (0, 1, 7.0),
    ]
    b = tmp_path / "b.csv"
    b.write_text("o1;p1;3\no3;p2;4\n")  # no header, semicolons
    assert ODMatrix.from_csv(b).nearest(d, f)[1][2] == 4
    s = tmp_path / "s.csv"
    s.write_text("Origin,Destination,Seconds\no2,p1,600\n")
    assert ODMatrix.from_csv(s).cost_matrix(d, f)[1, 0] == 10


def test_od_matrix_from_routing_engines():
    osrm = {"code": "Ok", "durations": [[0, 600.0], [None, 120.0]]}
    m = ODMatrix.from_osrm(json.dumps(osrm), ["a", "b"], ["x", "y"])
    d = DemandPoints(["a", "b"], [[0, 0]] * 2, [1, 1])
    f = Facilities(["x", "y"], [[0, 0]] * 2)
    assert np.array_equal(m.cost_matrix(d, f), [[0, 10], [np.inf, 2]])
    valhalla = {
        "sources_to_targets": [[{"time": 60}, {"time": None}], [{"time": 30}, {"time": 90}]]
    }
    v = ODMatrix.from_valhalla(valhalla, ["a", "b"], ["x", "y"])
    assert np.array_equal(v.cost_matrix(d, f), [[1, np.inf], [0.5, 1.5]])


@settings(max_examples=40, deadline=None)
@given(
    mat=st.lists(
        st.lists(st.one_of(st.none(), st.integers(0, 60)), min_size=4, max_size=4),
        min_size=1,
        max_size=8,
    ),
    t=st.integers(0, 60),
)
def test_od_matrix_matches_brute_force(mat, t):
    n = len(mat)
    origins = [f"o{i}" for i in range(n)]
    dests = ["p0", "p1", "p2", "p3"]
    m = ODMatrix.from_table(origins, dests, mat, seconds=False)
    cost = np.array([[np.inf if v is None else v for v in row] for row in mat], float)
    # facilities in another order, and one unknown to the matrix
    f = Facilities(["p2", "zz", "p0", "p3", "p1"], [[0, 0]] * 5)
    perm = [2, None, 0, 3, 1]
    full = np.column_stack([cost[:, p] if p is not None else np.full(n, np.inf) for p in perm])
    d = DemandPoints(origins, [[0, 0]] * n, np.ones(n))
    assert np.array_equal(m.cost_matrix(d, f), full)
    _, c = m.nearest(d, f)
    assert np.array_equal(c, full.min(axis=1))
    rows, cols, _ = m.pairs_within(d, f, t)
    assert set(zip(rows.tolist(), cols.tolist(), strict=True)) == set(
        zip(*np.nonzero(full <= t), strict=True)
    )
