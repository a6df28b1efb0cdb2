"""The settings of every map (centre, zoom, the base map's archives), for any page.

The base map is drawn from PMTiles archives the platform serves itself
(``/tuiles/NAME.pmtiles``): ``territoire``, built by ``maillage build-tiles`` from
the communes, and ``osm``, an OpenStreetMap extract a territory points
``MAILLAGE_TILES_PATH`` at. No page asks another host for tiles unless
``MAILLAGE_TILE_URL`` says so.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.urls import NoReverseMatch, reverse

OSM_ATTRIBUTION = "© OpenStreetMap"
TERRITORY_ATTRIBUTION = "Communes : IGN Admin Express"


def archive_path(name: str) -> Path | None:
    """The archive served at /tuiles/NAME.pmtiles, when it exists: ``territoire`` (built by
    ``maillage build-tiles``) or ``osm`` (an OpenStreetMap extract, MAILLAGE_TILES_PATH)."""
    configured = {
        "territoire": settings.MAILLAGE_TERRITORY_TILES_PATH,
        "osm": settings.MAILLAGE_TILES_PATH,
    }.get(name)
    if not configured:
        return None
    path = Path(configured)
    return path if path.is_file() else None


def archive_url(name: str) -> str:
    """The address the browser reads archive ``name`` from, or "" when there is none."""
    if archive_path(name) is None:
        return ""
    try:
        return reverse("web:tiles", kwargs={"name": name})
    except NoReverseMatch:
        return ""


def map_config(**extra) -> dict:
    """The data-* attributes of a map element: where to start, and the base map's archives."""
    lat, lon = settings.MAILLAGE_MAP_CENTER
    territory, osm = archive_url("territoire"), archive_url("osm")
    config = {
        "center": f"{lat},{lon}",
        "zoom": str(settings.MAILLAGE_MAP_ZOOM),
        "territory_tiles": territory,
        "territory_attribution": TERRITORY_ATTRIBUTION if territory else "",
        "osm_tiles": osm,
        "osm_attribution": OSM_ATTRIBUTION if osm else "",
        "tile_url": settings.MAILLAGE_TILE_URL,
        "tile_attribution": settings.MAILLAGE_TILE_ATTRIBUTION
        if settings.MAILLAGE_TILE_URL
        else "",
    }
    config.update(extra)
    return config
