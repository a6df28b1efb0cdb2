"""Demand points, facilities, availability and the projection."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from maillage.mesh import (
    ZONES,
    Availability,
    DemandPoints,
    Facilities,
    mobile_unit,
    new_place,
    project_lonlat,
)
from maillage.mesh.model import ZONE_OFFSET_M, zone_of


def test_lambert93_of_a_known_point():
    # Lambert-93's origin meridian 3°E at 46.5°N is (700,000 m, 6,600,000 m) by definition
    xy = project_lonlat([3.0], [46.5])
    assert xy[0] == pytest.approx([700_000.0, 6_600_000.0], abs=1e-3)


def test_overseas_points_use_their_own_zone_far_from_the_others():
    lon = [3.5, -61.55, -52.33, 55.45, 45.23]
    lat = [44.5, 16.25, 4.93, -20.88, -12.78]
    z = zone_of(lon, lat)
    assert [ZONES[i][0] for i in z] == ["metropole", "antilles", "guyane", "reunion", "mayotte"]
    xy = project_lonlat(lon, lat)
    # within a zone the coordinates are those of its CRS, shifted along x
    assert xy[1, 0] // ZONE_OFFSET_M == 1 and xy[4, 0] // ZONE_OFFSET_M == 4
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    assert (d[np.triu_indices(5, 1)] > 1e6).all()


def test_demand_points_validate_their_input():
    with pytest.raises(ValueError):
        DemandPoints(["a", "b"], [[0, 0]], [1, 2])
    with pytest.raises(ValueError):
        DemandPoints(["a"], [[0, 0]], [-1])
    d = DemandPoints.from_lonlat(["48095"], [3.5], [44.5], [12000], names=["Mende"])
    assert d.total == 12000 and d.names is not None and d.names[0] == "Mende"
    cand = d.as_candidates(prefix="c-")
    assert list(cand.ids) == ["c-48095"] and list(cand.kinds) == ["commune"]


def test_availability_weekdays_seasons_closures_and_dates():
    monday = dt.date(2026, 11, 30)
    a = Availability(weekdays=frozenset({0, 2}))
    assert a.is_open(monday) and not a.is_open(monday + dt.timedelta(days=1))
    summer = Availability(seasons=(((6, 15), (9, 15)),))
    assert summer.is_open(dt.date(2026, 7, 1)) and not summer.is_open(dt.date(2026, 10, 1))
    winter = Availability(seasons=(((12, 1), (2, 28)),))  # wraps the year end
    assert winter.is_open(dt.date(2026, 1, 10)) and winter.is_open(dt.date(2026, 12, 24))
    assert not winter.is_open(dt.date(2026, 6, 1))
    works = Availability(closures=((dt.date(2026, 11, 1), dt.date(2026, 11, 30)),))
    assert not works.is_open(monday) and works.is_open(dt.date(2026, 12, 1))
    event = Availability(dates=frozenset({monday}))
    assert event.is_open(monday) and not event.is_open(dt.date(2026, 12, 7))
    assert a.open_days(monday, monday + dt.timedelta(days=13)) == 4


def _three() -> Facilities:
    return Facilities(
        ["a", "b", "c"],
        [[0, 0], [1000, 0], [0, 1000]],
        functions=(frozenset({"fablab"}), frozenset({"digital-mediation"}), frozenset()),
        kinds=["tiers-lieu", "france-services", "school"],
        availability=(None, Availability(weekdays=frozenset({1})), None),
    )


def test_facility_selections():
    f = _three()
    assert list(f.offering("fablab").ids) == ["a"]
    assert list(f.offering(["fablab", "digital-mediation"]).ids) == ["a", "b"]
    assert list(f.offering(None).ids) == ["a", "b", "c"]
    assert list(f.of_kind("school").ids) == ["c"]
    monday = dt.date(2026, 11, 30)
    assert list(f.open_on(monday).ids) == ["a", "c"]
    assert list(f.open_on(monday + dt.timedelta(days=1)).ids) == ["a", "b", "c"]
    assert list(f.open_during(monday, monday + dt.timedelta(days=6)).ids) == ["a", "b", "c"]
    assert list(f.open_during(monday, monday + dt.timedelta(days=6), min_days=2).ids) == ["a", "c"]


def test_scenario_edits_of_facilities():
    f = _three()
    g = f.without(["b"]).plus(new_place("d", [5, 5], ["fablab"], kind="cafe"))
    assert list(g.ids) == ["a", "c", "d"] and list(g.kinds) == ["tiers-lieu", "school", "cafe"]
    assert g.functions is not None and g.functions[2] == frozenset({"fablab"})
    with pytest.raises(KeyError):
        f.without(["zz"])
    with pytest.raises(ValueError):
        f.plus(new_place("a", [0, 0]))
    bus = mobile_unit("bus", [("s1", [0, 0], [0]), ("s2", [10, 10], [1, 3])], functions=["welcome"])
    assert list(bus.groups) == ["bus", "bus"]
    assert bus.availability is not None and bus.availability[1] == Availability(
        weekdays=frozenset({1, 3})
    )
    assert len(Facilities.empty()) == 0
