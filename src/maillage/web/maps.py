"""What the maps need: their settings, and markers as plain data (no HTML).

Markers travel to the browser in a ``json_script`` element (the CSP allows no
inline script); the browser draws each one as the pictogram of the place's
main function, from an inline SVG sprite of the same Lucide icons.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse

from maillage.core.geo import point_or_centroid
from maillage.core.maps import map_config  # noqa: F401 (the web's views import it from here)
from maillage.core.pictograms import icon_name
from maillage.places import display
from maillage.territory.models import Commune

MOBILE_ICON = "truck"
DEFAULT_ICON = "map-pin"
NEAR_ICON = "crosshair"


def territory_bounds() -> str:
    """``min_lat,min_lon,max_lat,max_lon`` of the territory's communes ("" when none)."""
    box = Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS).aggregate(
        Min("min_lat"), Min("min_lon"), Max("max_lat"), Max("max_lon")
    )
    values = [box["min_lat__min"], box["min_lon__min"], box["max_lat__max"], box["max_lon__max"]]
    return ",".join(f"{v:.5f}" for v in values) if None not in values else ""


def commune_view(commune) -> dict | None:
    """What a map needs to outline a commune and frame it (no geometry: the tiles have it)."""
    if commune is None or commune.min_lat is None:
        return None
    return {
        "code": commune.code,
        "name": commune.name,
        "url": reverse("web:commune", kwargs={"code": commune.code}),
        "bounds": [[commune.min_lat, commune.min_lon], [commune.max_lat, commune.max_lon]],
    }


def _function_fields(place, place_filter=None) -> dict:
    function = display.main_function(
        place,
        place_filter.functions if place_filter else (),
        place_filter.family if place_filter else None,
    )
    if function is None:
        return {"icon": MOBILE_ICON if place.is_mobile else DEFAULT_ICON, "family": ""}
    return {"icon": icon_name(function.icon), "family": function.family.slug}


def place_marker(place, distance_km=None, place_filter=None) -> dict | None:
    if place.latitude is None or place.longitude is None:
        return None
    return {
        "name": place.name,
        "url": place.get_absolute_url(),
        "lat": round(place.latitude, 6),
        "lon": round(place.longitude, 6),
        "type": str(place.get_type_display()),
        "where": place.commune.name if place.commune_id else "",
        "distance_km": round(distance_km, 1) if distance_km is not None else None,
        **_function_fields(place, place_filter),
    }


def stop_marker(stop, fields: dict | None = None) -> dict | None:
    """A mobile unit's stop (at its commune's centroid when it has no coordinates)."""
    c = stop.commune
    lat, lon, _approximate = point_or_centroid(
        stop.latitude, stop.longitude, c.centroid_lat, c.centroid_lon
    )
    if lat is None:
        return None
    place = stop.place
    return {
        "name": place.name,
        "url": place.get_absolute_url(),
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "type": str(place.get_type_display()),
        "where": ", ".join(p for p in (stop.commune.name, stop.spot) if p),
        "mobile": True,
        **(fields or _function_fields(place)),
    }


def stop_markers(place, stops=None, place_filter=None) -> list[dict]:
    fields = _function_fields(place, place_filter)
    markers = (
        stop_marker(stop, fields) for stop in (place.stops.all() if stops is None else stops)
    )
    return [m for m in markers if m]


def marker_data(hits, place_filter=None) -> dict:
    """Markers of search hits: places where they stand, mobile units at their stops."""
    places, stops = [], []
    for hit in hits:
        marker = place_marker(hit.place, hit.distance_km, place_filter)
        if marker:
            places.append(marker)
        if hit.place.is_mobile:
            stops += stop_markers(hit.place, place_filter=place_filter)
    return {"places": places, "stops": stops}


def sprite_icons(families) -> list[str]:
    icons = {MOBILE_ICON, DEFAULT_ICON, NEAR_ICON}
    for family in families:
        icons.update(icon_name(f.icon) for f in family.functions.all())
    return sorted(icons)
