"""How times, hours and stops are worded (maillage.places.display), at fixed moments."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from maillage.places import display, network
from maillage.places.hours import PARIS, DateRange
from maillage.web.templatetags.maillage_web import km

NBSP = "\u00a0"
# Wednesday 25 November 2026
WEDNESDAY_EVENING = dt.datetime(2026, 11, 25, 19, 30, tzinfo=PARIS)
WEDNESDAY_MORNING = dt.datetime(2026, 11, 25, 10, 0, tzinfo=PARIS)
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def plain(text: str) -> str:
    return text.replace(NBSP, " ")


def open_status(expression: str, closures=(), *, now):
    """The status of a place with these hours (a record of the read model)."""
    rec = network.PlaceRec(
        id=1,
        slug="x",
        name="x",
        type="tiers-lieu",
        lat=None,
        lon=None,
        is_mobile=False,
        hours=expression,
        commune="",
        commune_name="",
        closures=tuple(network.ClosureRec(c.start, c.end) for c in closures),
    )
    return display.status_at(rec, now, now)


def test_times_are_said_the_french_way():
    assert plain(display.time_label(dt.time(9, 0))) == "9 h"
    assert plain(display.time_label(dt.time(14, 30))) == "14 h 30"
    assert display.time_label(dt.datetime(2026, 11, 26, 0, 0, tzinfo=PARIS), end=True) == "minuit"


def test_the_first_of_the_month_is_1er():
    assert display.day_label(dt.date(2026, 12, 1)) == "mardi 1er décembre"
    assert display.day_label(dt.date(2026, 12, 2)) == "mercredi 2 décembre"


def test_a_closed_place_says_when_it_opens_next():
    status = open_status(WEEKDAYS, now=WEDNESDAY_EVENING)
    assert (status.state, status.label, plain(status.detail)) == (
        "closed",
        "Fermé",
        "ouvre demain à 9 h",
    )
    friday_evening = WEDNESDAY_EVENING + dt.timedelta(days=2)
    assert plain(open_status(WEEKDAYS, now=friday_evening).detail) == "ouvre lundi à 9 h"


def test_an_open_place_says_when_it_closes():
    status = open_status(WEEKDAYS, now=WEDNESDAY_MORNING)
    assert (status.state, status.label, plain(status.detail)) == (
        "open",
        "Ouvert maintenant",
        "ferme à 12 h",
    )
    late = open_status("Mo-Su 18:00-24:00", now=WEDNESDAY_EVENING)
    assert late.detail == "ferme à minuit"
    assert open_status("24/7", now=WEDNESDAY_EVENING).detail == ""


def test_a_closure_is_named_in_the_status():
    closure = DateRange(dt.date(2026, 11, 20), dt.date(2026, 11, 30))
    status = open_status(WEEKDAYS, [closure], now=WEDNESDAY_MORNING)
    assert status.state == "closed"
    assert status.label == "Fermeture exceptionnelle jusqu'au lundi 30 novembre"
    assert plain(status.detail) == "ouvre mardi à 9 h"


def test_unknown_hours_are_not_guessed():
    assert open_status("", now=WEDNESDAY_MORNING).state == "unknown"


def test_the_week_table_covers_seven_days_from_today():
    week = display.week_hours(WEEKDAYS, today=dt.date(2026, 11, 25))
    assert [d.day.isoformat() for d in (week[0], week[-1])] == ["2026-11-25", "2026-12-01"]
    assert week[0].is_today and not week[1].is_today
    assert [plain(i) for i in week[0].intervals] == ["9 h – 12 h", "14 h – 17 h"]
    assert week[3].intervals == []  # Saturday
    assert display.week_hours("24/7", today=dt.date(2026, 11, 25))[0].intervals == [
        "toute la journée"
    ]


def test_public_holidays_are_closed_in_the_week_table():
    # Friday 25 December 2026 is Christmas
    week = display.week_hours(WEEKDAYS, today=dt.date(2026, 12, 21))
    assert week[4].day == dt.date(2026, 12, 25) and week[4].intervals == []
    assert week[3].intervals  # Thursday 24 is a working day


def test_km_are_rounded_for_people():
    assert km(0.42) == "400 m"
    assert km(0.01) == "100 m"
    assert km(3.456) == "3,5 km"
    assert km(42.4) == "42 km"
    assert km(None) == ""
    assert km(0.9996) == "1,0 km"
    assert km(0.94) == "900 m"
    assert km(9.97) == "10 km"


@pytest.mark.django_db
def test_stop_visits_are_listed_soonest_first_over_two_weeks(demo):
    truck = demo.places["truck"]
    visits = display.stop_visits([network.record_for(truck.pk)], now=WEDNESDAY_EVENING)
    assert len(visits) == 4  # Thursdays 26 Nov and 3 Dec, Tuesdays 1 and 8 Dec
    assert [v.start.date().isoformat() for v in visits] == [
        "2026-11-26",
        "2026-12-01",
        "2026-12-03",
        "2026-12-08",
    ]
    assert visits[0].commune_name == "Langogne"
    assert plain(visits[0].times) == "14 h – 17 h"


@pytest.mark.django_db
def test_a_function_with_no_slot_this_week_says_when_its_next_one_is(demo):
    from maillage.places.models import PlaceFunction

    demo.places["fablab"].closures.all().delete()  # announced relative to the real today
    pf = PlaceFunction.objects.get(place=demo.places["fablab"], function__slug="digital-mediation")
    pf.opening_hours = "Dec 10 14:00-17:00"
    pf.save()
    offers = display.function_offers(
        demo.places["fablab"], dt.date(2026, 11, 25), WEDNESDAY_EVENING
    )
    offer = next(o for o in offers if o.function.slug == "digital-mediation")
    assert offer.own_hours == []
    assert plain(offer.next_slot) == "le jeudi 10 décembre à 14 h"
