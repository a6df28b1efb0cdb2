"""Events reach the orientation engine through its provider setting."""

from __future__ import annotations

import datetime as dt

from maillage.events import services
from maillage.events.journeys import events_between
from maillage.journeys.engine import Query, orient
from maillage.journeys.snapshot import load_events
from maillage.places.models import Function

from .conftest import paris


def test_the_events_provider_is_wired_into_journeys(settings):
    assert "maillage.events.journeys.events_between" in settings.MAILLAGE_JOURNEY_EVENT_PROVIDERS


def test_a_stop_event_is_placed_at_the_stop_and_cancelled_dates_are_left_out(truck, florac):
    place, stop = truck
    event = services.create_event(
        place=place,
        stop=stop,
        title="Atelier numérique au camion",
        start=paris(2026, 12, 3, 14),
        end=paris(2026, 12, 3, 16),
        recurrence_rule="FREQ=WEEKLY;COUNT=3",
        functions=[Function.objects.get(slug="digital-mediation")],
        now=paris(2026, 11, 25, 9),
    )
    first, second, _third = event.occurrences.order_by("start")
    services.cancel_occurrence(second)

    found = events_between(paris(2026, 12, 1), paris(2026, 12, 31))

    assert [e.start for e in found] == [first.start, paris(2026, 12, 17, 14)]
    assert {(e.lat, e.lon) for e in found} == {(stop.latitude, stop.longitude)}
    assert found[0].functions == ("digital-mediation",)
    assert found[0].place_name == "Tiers-truck (Florac Trois Rivières)"
    assert load_events(paris(2026, 12, 1), paris(2026, 12, 31)) == found


def test_a_matching_event_near_home_becomes_a_step_of_the_journey(truck, florac):
    place, stop = truck
    services.create_event(
        place=place,
        stop=stop,
        title="Atelier numérique au camion",
        start=paris(2026, 12, 3, 14),
        end=paris(2026, 12, 3, 16),
        functions=[Function.objects.get(slug="digital-mediation")],
        now=paris(2026, 11, 25, 9),
    )
    query = Query(
        needs=("learn-digital-tools",),
        home=(florac.centroid_lat, florac.centroid_lon),
        mobility="no-car",
        free_at=paris(2026, 12, 3, 14, 30),
        age_group=None,
    )
    events = events_between(paris(2026, 12, 3), paris(2026, 12, 3) + dt.timedelta(days=30))
    journey = orient(query, places=[], events=events)
    titles = [step.name for step in journey.steps if step.kind == "event"]
    assert titles == ["Atelier numérique au camion"]
