"""``maillage load-demo-events``: example events at the demo places, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.events.demo import _first_start, load_demo_events
from maillage.events.models import Event, Occurrence
from maillage.events.recurrence import PARIS

pytestmark = pytest.mark.django_db


def test_demo_events_at_the_places_that_exist(atelier, truck):
    events = load_demo_events(today=dt.date(2026, 11, 25))
    assert {e.slug for e in events} == {"apero-des-independants", "permanence-tiers-truck-florac"}
    apero = Event.objects.get(slug="apero-des-independants")
    assert apero.start.date() == dt.date(2026, 12, 3)  # the first Thursday from today
    assert apero.occurrences.count() > 10
    truck_event = Event.objects.get(slug="permanence-tiers-truck-florac")
    assert truck_event.stop.commune_id == "48061" and truck_event.registration_required
    assert truck_event.capacity is None


def test_running_it_again_changes_nothing(atelier, truck):
    call_command("load_demo_events", stdout=StringIO())
    counts = (Event.objects.count(), Occurrence.objects.count())
    out = StringIO()
    call_command("load_demo_events", stdout=out)
    assert (Event.objects.count(), Occurrence.objects.count()) == counts
    assert out.getvalue().startswith("2 événement(s) d'exemple")


def test_demo_events_avoid_public_holidays(atelier, truck, mende):
    """« Accueil des nouveaux arrivants » falls on the last Friday of the month: 25 December
    2026. No demo date is ever a public holiday (France's, as ``PH`` in opening hours)."""
    from maillage.places.hours import is_public_holiday
    from maillage.places.models import Place

    Place.objects.create(
        name="Télécentre de Saint-Chély",
        slug="telecentre-saint-chely-d-apcher",
        type="telecentre",
        commune=mende,
    )
    assert is_public_holiday(dt.date(2026, 12, 25))
    assert is_public_holiday(dt.date(2027, 5, 6))  # Ascension Thursday
    assert not is_public_holiday(dt.date(2026, 12, 24))

    load_demo_events(today=dt.date(2026, 11, 25))  # the frozen clock's today
    welcome = Event.objects.get(slug="accueil-nouveaux-arrivants")
    starts = [o.start.astimezone(PARIS).date() for o in welcome.occurrences.order_by("start")]
    assert starts[:2] == [dt.date(2026, 11, 27), dt.date(2027, 1, 29)]  # not 25 December
    assert "2026-12-25T17:30" in welcome.exdates
    days = [o.start.astimezone(PARIS).date() for o in Occurrence.objects.all()]
    assert len(days) > 20
    assert [d for d in days if is_public_holiday(d)] == []

    # Run again: still none, and nothing doubled.
    count = Occurrence.objects.count()
    load_demo_events(today=dt.date(2026, 11, 25))
    assert Occurrence.objects.count() == count

    # A one-off event a week from a 18 December would fall on Christmas: it moves a day;
    # a rule's first date is its next instance that is not a holiday.
    assert _first_start(7, "09:00", dt.date(2026, 12, 18)).date() == dt.date(2026, 12, 26)
    first = _first_start("FREQ=MONTHLY;BYDAY=-1FR", "17:30", dt.date(2026, 12, 1))
    assert first == dt.datetime(2027, 1, 29, 17, 30, tzinfo=PARIS)
