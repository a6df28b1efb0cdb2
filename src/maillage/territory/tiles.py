"""The territory's own base map: vector tiles of its communes in one PMTiles file.

Built from the open data the platform already holds (the communes' boundaries,
names and populations), so the map works offline and sends nothing to any
other host. Three layers, in the Mapbox Vector Tile format:

- ``communes``: each commune's outline (``code``, ``name``);
- ``commune_labels``: one point per commune (``code``, ``name``, ``population``),
  the small villages only from the zoom levels where their names fit;
- ``departement``: the outline of the territory.

Written with the ``mapbox-vector-tile`` encoder and the ``pmtiles`` writer
(both PyPI packages, maintained by Mapbox's and Protomaps' communities); shapely
clips and simplifies. A full OpenStreetMap extract in the same format can be
served beside it (``MAILLAGE_TILES_PATH``, see docs/deploy.md).
"""

from __future__ import annotations

import gzip
import math
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import mapbox_vector_tile
import numpy as np
import shapely
from pmtiles.tile import Compression, TileType, zxy_to_tileid
from pmtiles.writer import Writer
from shapely import affinity, geometry, ops
from shapely.validation import make_valid

from maillage.core.maps import archive_path, archive_url  # noqa: F401 (where archives are: core.maps)

EXTENT = 4096
BUFFER = 64  # tile units drawn beyond the edge, so outlines join across tiles
MIN_ZOOM = 5
MAX_ZOOM = 12  # the browser enlarges the last level beyond it
# The smallest population whose name is drawn at each zoom level (all from 10).
LABEL_MIN_POPULATION = {5: 10_000, 6: 10_000, 7: 5_000, 8: 1_500, 9: 500}


@dataclass(frozen=True)
class CommuneShape:
    code: str
    name: str
    population: int
    shape: geometry.base.BaseGeometry  # longitude/latitude
    label_at: tuple[float, float]  # (lon, lat)


def _mercator(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    """World coordinates in tile units at ``zoom`` (x to the east, y to the south)."""
    n = 2**zoom
    x = (lon + 180.0) / 360.0 * n
    lat_rad = math.radians(max(min(lat, 85.05112878), -85.05112878))
    y = (1.0 - math.log(math.tan(lat_rad) + 1.0 / math.cos(lat_rad)) / math.pi) / 2.0 * n
    return x, y


def _project(shape, zoom: int):
    """``shape`` (lon/lat) in world tile units at ``zoom``."""
    n = 2**zoom

    def mercator(coords):
        lon, lat = coords[:, 0], np.clip(coords[:, 1], -85.05112878, 85.05112878)
        x = (lon + 180.0) / 360.0 * n
        y = (1.0 - np.arcsinh(np.tan(np.radians(lat))) / np.pi) / 2.0 * n
        return np.column_stack([x, y])

    return shapely.transform(shape, mercator)


def commune_shapes(communes: Iterable) -> list[CommuneShape]:
    """Communes (model rows) with a boundary, as shapely shapes."""
    shapes = []
    for commune in communes:
        if not commune.geometry:
            continue
        shape = make_valid(geometry.shape(commune.geometry))
        if shape.is_empty:
            continue
        point = shape.representative_point()
        shapes.append(
            CommuneShape(
                code=commune.code,
                name=commune.name,
                population=commune.population or 0,
                shape=shape,
                label_at=(point.x, point.y),
            )
        )
    return shapes


def _label_shown(population: int, zoom: int) -> bool:
    return population >= LABEL_MIN_POPULATION.get(zoom, 0)


def _tile_geometry(world_shape, x: int, y: int):
    """A shape in world tile units cut to tile (x, y) and scaled to its EXTENT."""
    local = affinity.affine_transform(world_shape, [EXTENT, 0, 0, EXTENT, -x * EXTENT, -y * EXTENT])
    return local.intersection(geometry.box(-BUFFER, -BUFFER, EXTENT + BUFFER, EXTENT + BUFFER))


def build_tiles(
    shapes: list[CommuneShape], min_zoom: int = MIN_ZOOM, max_zoom: int = MAX_ZOOM
) -> dict[tuple[int, int, int], bytes]:
    """Every non-empty tile (z, x, y) of the communes, as uncompressed MVT bytes."""
    if not shapes:
        raise ValueError("no commune has a boundary: import the communes first")
    territory = make_valid(ops.unary_union([s.shape for s in shapes]))
    outline = territory.boundary
    tiles: dict[tuple[int, int, int], bytes] = {}
    for zoom in range(min_zoom, max_zoom + 1):
        # half a screen pixel, in world tile units: what the eye cannot see is dropped
        tolerance = 0.5 / 256
        world = [
            (s, _project(s.shape, zoom).simplify(tolerance, preserve_topology=True)) for s in shapes
        ]
        world_outline = _project(outline, zoom).simplify(tolerance)
        min_x, min_y, max_x, max_y = world_outline.bounds
        for x in range(int(min_x), int(max_x) + 1):
            for y in range(int(min_y), int(max_y) + 1):
                cell = geometry.box(x, y, x + 1, y + 1)
                polygons, labels = [], []
                for commune, projected in world:
                    if not projected.intersects(cell):
                        continue
                    clipped = _tile_geometry(projected, x, y)
                    if not clipped.is_empty:
                        polygons.append(
                            {
                                "geometry": clipped,
                                "properties": {"code": commune.code, "name": commune.name},
                            }
                        )
                    px, py = _mercator(*commune.label_at, zoom)
                    if (
                        x <= px < x + 1
                        and y <= py < y + 1
                        and _label_shown(commune.population, zoom)
                    ):
                        labels.append(
                            {
                                "geometry": geometry.Point((px - x) * EXTENT, (py - y) * EXTENT),
                                "properties": {
                                    "code": commune.code,
                                    "name": commune.name,
                                    "population": commune.population,
                                },
                            }
                        )
                if not polygons:
                    continue
                layers = [{"name": "communes", "features": polygons}]
                if labels:
                    labels.sort(key=lambda f: -f["properties"]["population"])
                    layers.append({"name": "commune_labels", "features": labels})
                border = _tile_geometry(world_outline, x, y)
                if not border.is_empty:
                    layers.append(
                        {
                            "name": "departement",
                            "features": [{"geometry": border, "properties": {}}],
                        }
                    )
                tiles[(zoom, x, y)] = mapbox_vector_tile.encode(
                    layers,
                    default_options={"y_coord_down": True, "extents": EXTENT},
                )
    return tiles


def write_pmtiles(path: Path, tiles: dict[tuple[int, int, int], bytes], shapes, name: str) -> None:
    """Write ``tiles`` (gzip-compressed inside) to a PMTiles v3 archive, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    min_lon, min_lat, max_lon, max_lat = ops.unary_union([s.shape for s in shapes]).bounds
    zooms = [z for z, _, _ in tiles]
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "wb") as out:
        writer = Writer(out)
        for tile_id, data in sorted(
            (zxy_to_tileid(z, x, y), data) for (z, x, y), data in tiles.items()
        ):
            writer.write_tile(tile_id, gzip.compress(data, mtime=0))
        writer.finalize(
            {
                "tile_type": TileType.MVT,
                "tile_compression": Compression.GZIP,
                "min_zoom": min(zooms),
                "max_zoom": max(zooms),
                "min_lon_e7": int(min_lon * 1e7),
                "min_lat_e7": int(min_lat * 1e7),
                "max_lon_e7": int(max_lon * 1e7),
                "max_lat_e7": int(max_lat * 1e7),
                "center_zoom": min(zooms) + 2,
            },
            {
                "name": name,
                "attribution": "Contours des communes : IGN Admin Express (Licence Ouverte)",
                "vector_layers": [
                    {"id": "communes", "fields": {"code": "String", "name": "String"}},
                    {
                        "id": "commune_labels",
                        "fields": {"code": "String", "name": "String", "population": "Number"},
                    },
                    {"id": "departement", "fields": {}},
                ],
            },
        )
    os.replace(tmp, path)


def build_territory_archive(
    path: Path,
    communes: Iterable,
    min_zoom: int = MIN_ZOOM,
    max_zoom: int = MAX_ZOOM,
    name: str = "",
) -> int:
    """Build the communes' PMTiles archive at ``path``; return the number of tiles."""
    shapes = commune_shapes(communes)
    tiles = build_tiles(shapes, min_zoom, max_zoom)
    write_pmtiles(Path(path), tiles, shapes, name or "Communes")
    return len(tiles)
