"""The weekly form's conversion to and from OpenStreetMap ``opening_hours``."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.places import hours
from maillage.places.weekly import Week, WeekError, from_expression, to_expression


def t(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def week(**days) -> Week:
    """``week(Mo=["09:00-12:00", "14:00-17:00"], ph_off=True)``."""
    holidays_off = days.pop("ph_off", False)
    names = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
    out = []
    for name in names:
        ranges = []
        for text in days.get(name, []):
            a, b = text.split("-")
            ranges.append((t(a), t(b)))
        out.append(tuple(ranges))
    return Week(tuple(out), holidays_off)


SPLIT = ["09:00-12:00", "14:00-17:00"]


def test_consecutive_days_with_the_same_hours_share_one_rule():
    w = week(Mo=SPLIT, Tu=SPLIT, We=SPLIT, Th=SPLIT, Fr=SPLIT, Sa=["09:00-12:00"], ph_off=True)
    assert to_expression(w) == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def test_days_apart_are_listed_and_closed_days_left_out():
    w = week(Mo=["10:00-18:00"], We=["10:00-18:00"], Fr=["10:00-18:00"], Su=["09:30-12:00"])
    assert to_expression(w) == "Mo,We,Fr 10:00-18:00; Su 09:30-12:00"
    # Closed days are closed for the hours rule too.
    assert not hours.expression_is_open(to_expression(w), dt.datetime(2026, 11, 24, 11, 0))  # Tu
    assert hours.expression_is_open(to_expression(w), dt.datetime(2026, 11, 25, 11, 0))  # We


def test_an_empty_week_is_unknown_hours():
    assert to_expression(Week()) == ""
    assert to_expression(week(ph_off=True)) == ""
    assert from_expression("") == Week()


@pytest.mark.parametrize(
    "w",
    [
        week(Mo=SPLIT, Tu=SPLIT, Th=SPLIT, Sa=["08:00-19:00"], ph_off=True),
        week(We=["14:00-19:00"]),
        week(Mo=["09:00-12:00"], Tu=SPLIT, We=["09:00-12:00"], Su=["10:00-11:00"]),
        week(**{d: ["00:00-23:59"] for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")}),
    ],
)
def test_round_trip(w):
    expression = to_expression(w)
    hours.validate(expression)
    assert from_expression(expression) == w


def test_reads_simple_expressions_typed_by_people():
    assert from_expression("Mo-Sa 08:00-19:00") == week(
        **{d: ["08:00-19:00"] for d in ("Mo", "Tu", "We", "Th", "Fr", "Sa")}
    )
    # A later rule replaces an earlier one for its days, as in OpenStreetMap.
    assert from_expression("Mo-Fr 09:00-17:00; We off") == week(
        **{d: ["09:00-17:00"] for d in ("Mo", "Tu", "Th", "Fr")}
    )


@pytest.mark.parametrize(
    "expression",
    [
        "24/7",
        "Tu-Sa 17:00-01:00",  # past midnight
        "Mo 08:00-10:00,11:00-12:00,14:00-18:00",  # three ranges
        "Jan-Jun Mo-Fr 09:00-17:00",
        "week 1-53/2 Th 14:00-17:00",
        'Mo-Fr 09:00-17:00 "sur rendez-vous"',
        "Sa-Mo 10:00-12:00",
        "lundi 9h-12h",  # not even valid
    ],
)
def test_what_a_simple_week_cannot_say_stays_raw(expression):
    assert from_expression(expression) is None


def test_an_end_before_its_start_is_explained_in_french():
    with pytest.raises(WeekError) as error:
        to_expression(week(Tu=["14:00-09:00"]))
    assert error.value.day == 1 and error.value.position == 0
    assert "La fin (09:00) doit venir après le début (14:00)" in error.value.message


def test_a_second_range_must_follow_the_first():
    with pytest.raises(WeekError) as error:
        to_expression(week(Fr=["09:00-13:00", "12:00-17:00"]))
    assert error.value.day == 4 and error.value.position == 1
    assert "après la fin de la première (13:00)" in error.value.message


def test_three_ranges_are_refused():
    with pytest.raises(WeekError, match="Deux plages horaires au plus"):
        to_expression(week(Mo=["08:00-09:00", "10:00-11:00", "12:00-13:00"]))
