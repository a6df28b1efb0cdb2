"""Recurrence rules expand on Paris wall-clock time, across DST, with exceptions."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.events.recurrence import PARIS, RuleError, clean_rule, expand

from .conftest import paris


def test_first_thursday_keeps_its_local_time_across_the_autumn_change():
    starts = expand(
        paris(2026, 9, 3, 18, 0), "FREQ=MONTHLY;BYDAY=1TH", paris(2026, 9, 1), paris(2027, 1, 1)
    )
    assert [s.date() for s in starts] == [
        dt.date(2026, 9, 3),
        dt.date(2026, 10, 1),
        dt.date(2026, 11, 5),
        dt.date(2026, 12, 3),
    ]
    assert {(s.hour, s.minute) for s in starts} == {(18, 0)}
    # 18:00 in Paris is 16:00 UTC in summer time, 17:00 UTC in winter time.
    utc_hours = [s.astimezone(dt.UTC).hour for s in starts]
    assert utc_hours == [16, 16, 17, 17]


def test_weekly_across_the_spring_change_and_exceptions():
    start = paris(2027, 3, 16, 9, 30)  # Tuesdays
    starts = expand(
        start,
        "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4",
        paris(2027, 3, 1),
        paris(2027, 5, 1),
        exdates=[dt.datetime(2027, 3, 23, 9, 30)],  # local naive
    )
    assert [s.isoformat() for s in starts] == [
        "2027-03-16T09:30:00+01:00",
        "2027-03-30T09:30:00+02:00",
        "2027-04-06T09:30:00+02:00",
    ]


def test_aware_exceptions_and_a_window_inside_the_rule():
    start = paris(2026, 10, 1, 18, 0)
    excluded = paris(2026, 11, 5, 18, 0).astimezone(dt.UTC)  # aware, in UTC
    starts = expand(
        start, "FREQ=MONTHLY;BYDAY=1TH", paris(2026, 10, 15), paris(2027, 2, 1), [excluded]
    )
    assert [s.date() for s in starts] == [dt.date(2026, 12, 3), dt.date(2027, 1, 7)]


def test_a_time_skipped_by_the_spring_change_moves_forward():
    starts = expand(
        paris(2027, 3, 27, 2, 30), "FREQ=DAILY;COUNT=3", paris(2027, 3, 1), paris(2027, 4, 1)
    )
    assert [s.astimezone(PARIS).strftime("%d %H:%M %z") for s in starts] == [
        "27 02:30 +0100",
        "28 03:30 +0200",  # 02:30 does not exist that night
        "29 02:30 +0200",
    ]


def test_a_single_date_without_a_rule():
    start = paris(2026, 12, 9, 14, 0)
    assert expand(start, "", paris(2026, 12, 1), paris(2026, 12, 31)) == [start]
    assert expand(start, "", paris(2027, 1, 1), paris(2027, 2, 1)) == []


@pytest.mark.parametrize(
    "rule", ["FREQ=NEVER", "FREQ=HOURLY", "DTSTART:20260101T000000\nRRULE:FREQ=DAILY", "BYDAY=XX"]
)
def test_rules_refused(rule):
    with pytest.raises(RuleError):
        clean_rule(rule)


def test_expansion_is_bounded():
    starts = expand(paris(2026, 1, 1, 8, 0), "FREQ=DAILY", paris(2026, 1, 1), paris(2100, 1, 1))
    assert len(starts) == 1000
