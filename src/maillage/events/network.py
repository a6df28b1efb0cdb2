"""Stops entered as events: the events capability's ``MAILLAGE_NETWORK_VISIT_PROVIDERS``.

An event at a mobile unit is a dated stop of that unit (the tiers-truck on the
esplanade of Florac on Friday): the read model of the network
(:mod:`maillage.places.network`) asks this provider for them, so the unit's stop
table, the commune pages, the API, the orientation engine and the agenda all
show the same stops.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.urls import reverse

from maillage.core.geo import point_or_centroid
from maillage.places.network import Visit

from .models import Occurrence


def mobile_visits(place_ids: Iterable[int]) -> list[tuple[int, Visit]]:
    """(place id, visit) for every scheduled date of an event at one of these mobile
    units: at the event's stop (its commune's centroid when the stop has no
    coordinates), else at the unit's commune."""
    rows = (
        Occurrence.objects.active()
        .filter(event__place_id__in=list(place_ids))
        .order_by("start", "pk")
        .values_list(
            "event__place_id",
            "start",
            "end",
            "event__title",
            "event__slug",
            "event__stop_id",
            "event__stop__commune_id",
            "event__stop__commune__name",
            "event__stop__spot",
            "event__stop__latitude",
            "event__stop__longitude",
            "event__stop__commune__centroid_lat",
            "event__stop__commune__centroid_lon",
            "event__place__commune_id",
            "event__place__commune__name",
            "event__place__commune__centroid_lat",
            "event__place__commune__centroid_lon",
        )
    )
    found = []
    for (pid, start, end, title, slug, stop_id, code, cname, spot, lat, lon, clat, clon,
         pcode, pname, pclat, pclon) in rows:  # fmt: skip
        if stop_id is None:
            code, cname, spot, lat, lon, clat, clon = pcode, pname, "", None, None, pclat, pclon
        lat, lon, _approximate = point_or_centroid(lat, lon, clat, clon)
        found.append(
            (
                pid,
                Visit(
                    start,
                    end,
                    code or "",
                    cname or "",
                    spot or "",
                    lat,
                    lon,
                    stop_id=stop_id,
                    title=title,
                    url=reverse("events:event", kwargs={"slug": slug}),
                ),
            )
        )
    return found
