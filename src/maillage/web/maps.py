"""What the maps need: their settings, and markers as plain data (no HTML).

Markers travel to the browser in a ``json_script`` element (the CSP allows no
inline script); the browser draws each one as the pictogram of the place's
main function, from an inline SVG sprite of the same Lucide icons.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Max, Min
from django.urls import reverse

from maillage.core import clock
from maillage.core.maps import map_config  # noqa: F401 (the web's views import it from here)
from maillage.core.pictograms import icon_name
from maillage.places import display, network
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


def round_markers(place, place_filter=None, commune: str | None = None) -> list[dict]:
    """A mobile unit on a map: one marker per spot of its round, from the network's read
    model (its weekly stops, and the spots of its coming dated stops), at the stop's
    point or its commune's centre; only those in ``commune`` if given."""
    rec = network.record_for(place.pk)
    if rec is None or not rec.is_mobile:
        return []
    fields = _function_fields(place, place_filter)
    now = clock.now()
    spots = [(s.commune, s.commune_name, s.spot, s.lat, s.lon) for s in rec.stops]
    spots += [(v.commune, v.commune_name, v.spot, v.lat, v.lon) for v in rec.events if v.end > now]
    seen: set[tuple[float, float]] = set()
    markers = []
    for code, commune_name, spot, lat, lon in spots:
        if lat is None or lon is None or (commune is not None and code != commune):
            continue
        key = (round(lat, 6), round(lon, 6))
        if key in seen:  # one marker per point, not one per stop and date
            continue
        seen.add(key)
        markers.append(
            {
                "name": place.name,
                "url": place.get_absolute_url(),
                "lat": key[0],
                "lon": key[1],
                "type": str(place.get_type_display()),
                "where": ", ".join(p for p in (commune_name, spot) if p),
                "mobile": True,
                **fields,
            }
        )
    return markers


def place_markers(place, distance_km=None, place_filter=None) -> dict:
    """A place on a map: where it stands; a mobile unit with a round at its spots only
    (where a person meets it), else where it stands."""
    stops = round_markers(place, place_filter) if place.is_mobile else []
    marker = None if stops else place_marker(place, distance_km, place_filter)
    return {"places": [marker] if marker else [], "stops": stops}


def marker_data(hits, place_filter=None) -> dict:
    """Markers of search hits (:func:`place_markers`)."""
    places, stops = [], []
    for hit in hits:
        markers = place_markers(hit.place, hit.distance_km, place_filter)
        places += markers["places"]
        stops += markers["stops"]
    return {"places": places, "stops": stops}


def sprite_icons(families) -> list[str]:
    icons = {MOBILE_ICON, DEFAULT_ICON, NEAR_ICON}
    for family in families:
        icons.update(icon_name(f.icon) for f in family.functions.all())
    return sorted(icons)
