"""A place's page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from maillage.core import clock
from maillage.places import display, network
from maillage.places.models import CharterItem, MobileStop, Place, PlaceFunction
from maillage.web.history import place_history
from maillage.web.maps import commune_view, map_config, place_markers


def _place_queryset():
    return (
        Place.objects.published()
        .select_related("commune")
        .prefetch_related(
            Prefetch(
                "place_functions",
                queryset=PlaceFunction.objects.select_related("function__family").order_by(
                    "function__family__position", "function__position", "function__slug"
                ),
            ),
            "closures",
            "networks",
            "photos",
            Prefetch("charter_items", queryset=CharterItem.objects.order_by("kind", "position")),
            Prefetch("stops", queryset=MobileStop.objects.select_related("commune", "place")),
        )
    )


def place(request, slug):
    place = get_object_or_404(_place_queryset(), slug=slug)
    now = clock.now()
    today = timezone.localdate(now)
    charter = list(place.charter_items.all())
    rec = network.record_for(place.pk)
    offers = display.function_offers(place, today, now)
    stale_after = dt.timedelta(days=settings.MAILLAGE_STALE_AFTER_DAYS)
    markers = place_markers(place)
    context = {
        "place": place,
        "status": display.status_at(rec, now, now),
        "week": display.place_week(rec, today),
        "offers": offers,
        "notices": place.current_notices(today),
        "closures": [c for c in place.closures.all() if c.end_date >= today],
        "charter_common": [c for c in charter if c.kind == CharterItem.Kind.COMMON],
        "charter_special": [c for c in charter if c.kind == CharterItem.Kind.SPECIALISATION],
        "visits": display.stop_visits([rec], now) if place.is_mobile else [],
        "is_stale": place.last_checked_at is None or now - place.last_checked_at > stale_after,
        "history": place_history(place),
        "map": map_config(),
        "map_data": {"places": markers["places"], "stops": markers["stops"], "fit": True},
        "map_commune": commune_view(place.commune) if place.commune_id else None,
        "sprite_icons": sorted({m["icon"] for m in markers["places"] + markers["stops"]}),
    }
    return render(request, "web/place.html", context)
