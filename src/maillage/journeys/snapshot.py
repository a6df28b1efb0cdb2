"""The engine's input from the database: published places as :class:`PlaceData`,
and events from optional providers.

A provider is a callable ``(start, end) -> Iterable[EventData]`` named by its
dotted path in the ``MAILLAGE_JOURNEY_EVENT_PROVIDERS`` setting (the events
capability registers its own there); journeys imports no other app for it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.module_loading import import_string

from maillage.places import network

from .engine import EventData, Offer, PlaceData, Stop


def _stops(rec: network.PlaceRec) -> tuple[Stop, ...]:
    """A mobile unit's spots (:func:`maillage.places.network.spots`) as the engine's
    stops, with the dated visits held at each."""
    return tuple(
        Stop(
            where.commune,
            where.commune_name,
            where.spot,
            where.lat,
            where.lon,
            stop.hours if stop is not None else "",
            tuple((v.start, v.end) for v in held),
        )
        for stop, where, held in network.spots(rec)
        if where.lat is not None
    )


def load_places() -> list[PlaceData]:
    """Every published place, from the read model of the network."""
    return [
        PlaceData(
            id=rec.id,
            name=rec.name,
            type=rec.type,
            lat=rec.lat,
            lon=rec.lon,
            hours=rec.hours,
            offers=tuple(Offer(o.slug, o.hours, o.audiences) for o in rec.offers),
            commune=rec.commune,
            commune_name=rec.commune_name,
            wheelchair=rec.wheelchair,
            closures=tuple(c.range for c in rec.closures),
            is_mobile=rec.is_mobile,
            stops=_stops(rec),
            url=rec.url,
            rec=rec,
        )
        for rec in sorted(network.current(), key=lambda r: r.id)
    ]


def load_events(start: dt.datetime, end: dt.datetime) -> list[EventData]:
    """Events from the providers of ``MAILLAGE_JOURNEY_EVENT_PROVIDERS`` (none by default)."""
    found: list[EventData] = []
    for path in getattr(settings, "MAILLAGE_JOURNEY_EVENT_PROVIDERS", ()):
        found.extend(import_string(path)(start, end))
    return found
