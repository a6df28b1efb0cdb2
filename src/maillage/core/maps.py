"""The settings of every map (centre, zoom, the base map's tiles), for any page."""

from __future__ import annotations

from django.conf import settings


def map_config(boundaries_url: str = "", **extra) -> dict:
    """The data-* attributes of a map element."""
    lat, lon = settings.MAILLAGE_MAP_CENTER
    config = {
        "center": f"{lat},{lon}",
        "zoom": str(settings.MAILLAGE_MAP_ZOOM),
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION
        if settings.MAILLAGE_TILE_URL
        else "",
        "boundaries_url": boundaries_url,
    }
    config.update(extra)
    return config
