"""The base map's tiles: PMTiles archives served by this site, read by ranges."""

from __future__ import annotations

from django.http import Http404
from django.views.decorators.http import require_safe

from maillage.core.ranges import file_range_response
from maillage.territory.tiles import archive_path

PMTILES_TYPE = "application/vnd.pmtiles"


@require_safe
def tiles(request, name: str):
    path = archive_path(name)
    if path is None:
        raise Http404("Pas de fond de carte : lancez « maillage build-tiles ».")
    return file_range_response(request, path, PMTILES_TYPE)
