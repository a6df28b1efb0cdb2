"""Events come from optional providers named in MAILLAGE_JOURNEY_EVENT_PROVIDERS
(the events capability registers its own; journeys imports no other app)."""

from __future__ import annotations

import datetime as dt

from maillage.journeys import services
from maillage.journeys.engine import EventData
from maillage.journeys.personas import PERSONAS

CALLS = []


def tablet_workshop(start, end):
    """A provider: one digital workshop near Saint-Chély two days after ``start``."""
    CALLS.append((start, end))
    day = start + dt.timedelta(days=2)
    return [
        EventData(
            "atelier-tablette",
            "Atelier tablette pour les aînés",
            day,
            day + dt.timedelta(hours=2),
            44.7995,
            3.2770,
            needs=("learn-digital-tools",),
            place_name="Télécentre de Saint-Chély-d'Apcher",
        )
    ]


def test_events_of_a_configured_provider_join_the_journey(demo, settings):
    settings.MAILLAGE_JOURNEY_EVENT_PROVIDERS = [f"{__name__}.tablet_workshop"]
    query = PERSONAS["Marie-Louise"].query
    journey = services.orientation(query)
    (event,) = [s for s in journey.steps if s.kind == "event"]
    assert event.event_id == "atelier-tablette" and "Atelier tablette" in event.reason
    assert CALLS[-1][0] == query.free_at


def test_no_provider_no_events(demo, settings):
    settings.MAILLAGE_JOURNEY_EVENT_PROVIDERS = []
    journey = services.orientation(PERSONAS["Marie-Louise"].query)
    assert not [s for s in journey.steps if s.kind == "event"]
