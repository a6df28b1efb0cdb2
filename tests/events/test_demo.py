"""``maillage load-demo-events``: example events at the demo places, idempotent."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.events.demo import load_demo_events
from maillage.events.models import Event, Occurrence

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
