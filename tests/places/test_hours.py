"""Rules of opening hours (places.hours) and of Place.is_open_at / PlaceFunction.is_available_at.

Today is Wednesday 25 November 2026. Hours are OpenStreetMap ``opening_hours``
in Europe/Paris; ``PH`` is France's public holidays.
"""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.places import hours
from maillage.places.hours import PARIS, DateRange
from maillage.places.models import Closure, Function, Place, PlaceFunction

FS_HOURS = "Mo-Fr 08:30-12:00,13:30-17:30; Sa 09:00-12:00; PH off"
THURSDAY = dt.date(2026, 11, 26)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), PARIS)


def test_open_on_a_weekday_morning():
    assert hours.is_open_at(FS_HOURS, at(THURSDAY, 9))


def test_closed_during_the_lunch_break():
    assert not hours.is_open_at(FS_HOURS, at(THURSDAY, 12, 30))
    assert hours.is_open_at(FS_HOURS, at(THURSDAY, 13, 30))


def test_closed_at_the_closing_minute_and_before_opening():
    assert not hours.is_open_at(FS_HOURS, at(THURSDAY, 17, 30))
    assert not hours.is_open_at(FS_HOURS, at(THURSDAY, 8, 29))


def test_saturday_morning_only():
    saturday = dt.date(2026, 11, 28)
    assert hours.is_open_at(FS_HOURS, at(saturday, 10))
    assert not hours.is_open_at(FS_HOURS, at(saturday, 15))
    assert not hours.is_open_at(FS_HOURS, at(dt.date(2026, 11, 29), 10))  # Sunday


def test_closed_on_a_public_holiday():
    bastille_day = dt.date(2026, 7, 14)  # a Tuesday
    assert not hours.is_open_at(FS_HOURS, at(bastille_day, 10))
    assert hours.is_open_at(FS_HOURS, at(dt.date(2026, 7, 15), 10))
    assert not hours.is_open_at(FS_HOURS, at(dt.date(2026, 12, 25), 10))  # Christmas, a Friday


def test_without_ph_off_a_holiday_is_an_ordinary_day():
    assert hours.is_open_at("Mo-Fr 09:00-17:00", at(dt.date(2026, 7, 14), 10))


def test_seasonal_rules_apply_in_their_season_only():
    summer = "Jun-Sep Mo-Sa 09:00-19:00; Oct-May Tu,Th 09:00-17:00; PH off"
    assert hours.is_open_at(summer, at(dt.date(2026, 8, 5), 18))  # Wednesday in August
    assert not hours.is_open_at(summer, at(dt.date(2026, 11, 25), 10))  # Wednesday in November
    assert hours.is_open_at(summer, at(THURSDAY, 10))


def test_a_hotel_empty_in_winter_is_closed_in_winter():
    hotel = "Apr-Oct Mo-Su 08:00-20:00"
    assert not hours.is_open_at(hotel, at(dt.date(2027, 1, 15), 10))
    assert hours.is_open_at(hotel, at(dt.date(2027, 4, 1), 10))


def test_a_closure_announced_ahead_closes_whole_days():
    closure = [DateRange(dt.date(2026, 12, 21), dt.date(2027, 1, 3))]
    assert hours.is_open_at(FS_HOURS, at(dt.date(2026, 12, 18), 10), closure)
    assert not hours.is_open_at(FS_HOURS, at(dt.date(2026, 12, 21), 10), closure)
    assert not hours.is_open_at(FS_HOURS, at(dt.date(2027, 1, 3), 10), closure)  # inclusive
    assert hours.is_open_at(FS_HOURS, at(dt.date(2027, 1, 4), 10), closure)


def test_next_opening_skips_holidays_and_closures():
    closure = [DateRange(dt.date(2026, 12, 28), dt.date(2027, 1, 1))]
    after = hours.next_opening("Mo-Fr 09:00-12:00; PH off", at(dt.date(2026, 12, 24), 13), closure)
    assert after == at(dt.date(2027, 1, 4), 9)


def test_open_this_weekend():
    start, end = hours.weekend_of(dt.date(2026, 11, 25))
    assert (start, end) == (at(dt.date(2026, 11, 28), 0), at(dt.date(2026, 11, 30), 0))
    assert hours.is_open_during(FS_HOURS, start, end)
    assert not hours.is_open_during("Mo-Fr 09:00-17:00", start, end)
    assert not hours.is_open_during(FS_HOURS, start, end, [DateRange(start.date(), start.date())])


def test_this_weekend_on_a_sunday_is_the_current_one():
    assert hours.weekend_of(dt.date(2026, 11, 29))[0] == at(dt.date(2026, 11, 28), 0)
    assert hours.weekend_of(dt.date(2026, 11, 28))[0] == at(dt.date(2026, 11, 28), 0)
    assert hours.weekend_of(dt.date(2026, 11, 30))[0] == at(dt.date(2026, 12, 5), 0)


def test_open_in_august():
    august = hours.month_range(2026, 8)
    assert hours.is_open_during("Jun-Sep Mo-Fr 09:00-18:00", *august)
    assert not hours.is_open_during("Oct-May Mo-Fr 09:00-18:00", *august)
    closed_all_august = [DateRange(dt.date(2026, 8, 1), dt.date(2026, 8, 31))]
    assert not hours.is_open_during(FS_HOURS, *august, closed_all_august)


def test_december_ends_on_new_year():
    assert hours.month_range(2026, 12) == (at(dt.date(2026, 12, 1), 0), at(dt.date(2027, 1, 1), 0))


def test_a_closure_cuts_an_evening_that_crosses_midnight_at_midnight():
    bar = "Fr-Sa 20:00-02:00"
    saturday = DateRange(dt.date(2026, 11, 28), dt.date(2026, 11, 28))
    intervals = list(
        hours.open_intervals(
            bar, at(dt.date(2026, 11, 27), 0), at(dt.date(2026, 11, 30), 0), [saturday]
        )
    )
    assert intervals == [
        (at(dt.date(2026, 11, 27), 20), at(dt.date(2026, 11, 28), 0)),
        (at(dt.date(2026, 11, 29), 0), at(dt.date(2026, 11, 29), 2)),
    ]


def test_moments_in_utc_or_naive_are_read_in_paris_time():
    utc = dt.datetime(2026, 11, 26, 8, 0, tzinfo=dt.UTC)  # 09:00 in Paris
    assert hours.is_open_at("Mo-Fr 09:00-10:00", utc)
    assert hours.is_open_at("Mo-Fr 09:00-10:00", dt.datetime(2026, 11, 26, 9, 30))
    assert not hours.is_open_at("Mo-Fr 09:00-10:00", dt.datetime(2026, 11, 26, 8, 30))


def test_empty_hours_are_unknown_hence_never_open():
    assert not hours.is_open_at("", at(THURSDAY, 10))
    assert not hours.is_open_during("", *hours.month_range(2026, 8))
    assert hours.next_opening("", at(THURSDAY, 10)) is None


def test_invalid_hours_raise_the_module_error():
    with pytest.raises(hours.InvalidOpeningHours):
        hours.validate("lundi matin")
    with pytest.raises(hours.InvalidOpeningHours):
        hours.is_open_at("lundi matin", at(THURSDAY, 10))
    hours.validate("")
    hours.validate("week 1-53/2 Th 14:00-17:00")


# The models ---------------------------------------------------------------------------


@pytest.fixture
def telecentre(db):
    return Place.objects.create(
        name="Télécentre", slug="telecentre", type="telecentre", opening_hours=FS_HOURS
    )


@pytest.mark.django_db
def test_a_place_is_open_by_its_hours(telecentre):
    assert telecentre.is_open_at(at(THURSDAY, 9))
    assert not telecentre.is_open_at(at(THURSDAY, 12, 30))
    assert not telecentre.is_open_at(at(dt.date(2026, 7, 14), 10))


@pytest.mark.django_db
def test_a_place_is_closed_during_a_closure_announced_ahead(telecentre):
    Closure.objects.create(
        place=telecentre,
        start_date=dt.date(2026, 12, 21),
        end_date=dt.date(2027, 1, 3),
        reason="Congés",
    )
    assert telecentre.is_open_at(at(dt.date(2026, 12, 18), 10))
    assert not telecentre.is_open_at(at(dt.date(2026, 12, 22), 10))
    assert list(telecentre.upcoming_closures(today=dt.date(2026, 11, 25))) == list(
        telecentre.closures.all()
    )
    assert not telecentre.is_open_during(at(dt.date(2026, 12, 21), 0), at(dt.date(2027, 1, 4), 0))


@pytest.mark.django_db
def test_a_place_open_this_weekend_and_in_august(telecentre):
    assert telecentre.is_open_during(*hours.weekend_of(dt.date(2026, 11, 25)))
    assert telecentre.is_open_during(*hours.month_range(2026, 8))


@pytest.mark.django_db
def test_a_function_uses_its_own_hours_when_it_has_some(telecentre):
    mediation = PlaceFunction.objects.create(
        place=telecentre,
        function=Function.objects.get(slug="digital-mediation"),
        opening_hours="Tu 14:00-17:00; PH off",
    )
    access = PlaceFunction.objects.create(
        place=telecentre, function=Function.objects.get(slug="digital-access")
    )
    tuesday = dt.date(2026, 12, 1)
    assert mediation.is_available_at(at(tuesday, 15))
    assert not mediation.is_available_at(at(tuesday, 10))  # the place is open, the desk is not
    assert access.is_available_at(at(tuesday, 10))  # no hours of its own: the place's
    assert access.effective_hours == FS_HOURS


@pytest.mark.django_db
def test_a_closure_of_the_place_closes_its_functions(telecentre):
    mediation = PlaceFunction.objects.create(
        place=telecentre,
        function=Function.objects.get(slug="digital-mediation"),
        opening_hours="Tu 14:00-17:00",
    )
    tuesday = dt.date(2026, 12, 1)
    Closure.objects.create(place=telecentre, start_date=tuesday, end_date=tuesday)
    assert not mediation.is_available_at(at(tuesday, 15))
