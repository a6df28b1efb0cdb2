"""Reading parameters (no database): thresholds, dates, candidates, weekdays."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.analysis import params
from maillage.analysis.params import ParameterError
from maillage.analysis.svgmap import colour_classes, colour_of
from maillage.mesh import EstimatedTime, StraightLine


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        ("10km", None, (10.0, "km")),
        ("10 km", None, (10.0, "km")),
        ("7,5km", None, (7.5, "km")),
        ("20min", None, (20.0, "min")),
        ("20 minutes", None, (20.0, "min")),
        ("15", "km", (15.0, "km")),
        ("15", None, (15.0, None)),
    ],
)
def test_thresholds_are_read_with_their_unit(value, unit, expected):
    assert params.threshold(value, unit=unit) == expected


@pytest.mark.parametrize("value", ["", "km", "-5km", "0", "10 lieues", "1e3", "999km", "nan"])
def test_bad_thresholds(value):
    with pytest.raises(ParameterError):
        params.threshold(value)


def test_mixed_units_are_refused():
    with pytest.raises(ParameterError, match="même unité|en km"):
        params.thresholds(["10km", "20min"])
    assert params.thresholds(["30km", "5km", "10km"]) == ((5.0, 10.0, 30.0), "km")


def test_travel_models():
    assert isinstance(params.travel_model(None)[0], StraightLine)
    m, name = params.travel_model("mountain", unit="min")
    assert isinstance(m, EstimatedTime) and name == "mountain" and m.unit == "min"
    with pytest.raises(ParameterError, match="minutes"):
        params.travel_model("straight", unit="min")
    with pytest.raises(ParameterError, match="km"):
        params.travel_model("rural", unit="km")


def test_dates_candidates_weekdays_shares():
    assert params.date("2026-11-25") == dt.date(2026, 11, 25) and params.date("") is None
    with pytest.raises(ParameterError):
        params.date("25/11/2026")
    assert params.candidates(None).communes
    spec = params.candidates("types:hotel,school")
    assert not spec.communes and spec.types == ("hotel", "school")
    assert params.weekdays("Mo,We,Fr") == (0, 2, 4)
    assert params.weekdays("lundi,samedi") == (0, 5)
    assert params.weekdays(None) == (0, 1, 2, 3, 4)
    assert params.share("95%") == pytest.approx(0.95) and params.share("0.8") == 0.8
    assert params.threshold("2.5e1") == (25.0, None)  # as a program writes a number
    assert params.threshold("1E-3km") == (0.001, "km")
    assert params.functions_of(None, "makers")[0] == ("fablab", "recyclery", "hackerspace")
    assert params.departements(["48,30", "2a"]) == ["48", "30", "2A"]


def test_colour_classes_near_blue_far_red():
    classes = colour_classes([5, 10, 20, 30], "km")
    assert [c.label for c in classes] == [
        "≤ 5 km", "5 à 10 km", "10 à 20 km", "20 à 30 km", "plus de 30 km",
    ]  # fmt: skip
    assert colour_of(5.0, classes) == classes[0].colour
    assert colour_of(5.01, classes) == classes[1].colour
    assert colour_of(99, classes) == classes[-1].colour
    assert colour_of(None, classes) == "#9e9e9e"
