"""Events as the journeys engine sees them (its ``MAILLAGE_JOURNEY_EVENT_PROVIDERS``).

The orientation engine imports no other app: it asks the providers named in the
setting for the events between two moments, as plain ``EventData``. This is the
events capability's provider: every scheduled date, where it happens (the place,
or the mobile unit's stop), with its functions.
"""

from __future__ import annotations

import datetime as dt

from maillage.journeys.engine import EventData

from .models import Occurrence


def _where(event) -> tuple[float, float, int | None, str] | None:
    if event.stop_id:
        stop = event.stop
        lat, lon = event.latitude, event.longitude
        place = stop.place
        name = f"{place.name} ({stop.commune.name})"
    else:
        place = event.place
        lat, lon, name = place.latitude, place.longitude, place.name
    if lat is None or lon is None:
        return None
    return lat, lon, place.pk, name


def events_between(start: dt.datetime, end: dt.datetime) -> list[EventData]:
    occurrences = (
        Occurrence.objects.active()
        .filter(start__lt=end, end__gt=start)
        .select_related("event__place", "event__stop__place", "event__stop__commune")
        .prefetch_related("event__functions")
        .order_by("start", "pk")
    )
    found = []
    for occurrence in occurrences:
        event = occurrence.event
        where = _where(event)
        if where is None:
            continue
        lat, lon, place_id, place_name = where
        found.append(
            EventData(
                id=str(occurrence.pk),
                title=event.title,
                start=occurrence.start,
                end=occurrence.end,
                lat=lat,
                lon=lon,
                functions=tuple(f.slug for f in event.functions.all()),
                place_id=place_id,
                place_name=place_name,
                url=occurrence.get_absolute_url(),
            )
        )
    return found
