"""Read the reference open data into demand points and facilities (pure file reading).

- communes: IGN Admin Express boundaries as GeoJSON (``communes-NN-*.geojson``,
  properties ``code``, ``nom``), each commune's demand point being the centroid of its
  polygon computed in the projected CRS (Lambert-93 in metropolitan France, the
  official UTM zone overseas: see :data:`~maillage.mesh.model.ZONES`);
- populations: the ``commune-actuelle`` entries of the COG list
  (``communes-population-cog.json``, as geo.api.gouv.fr returns); a boundary code with
  no such entry weighs 0 and is reported in :attr:`Communes.missing_population`;
- France Services: the ANCT CSV (``latitude``/``longitude``, opening hours per weekday).

No Django here: the Django importers may reuse these readers.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from .model import (
    ZONE_OFFSET_M,
    ZONES,
    Availability,
    DemandPoints,
    Facilities,
    _transformer,
    zone_of,
)

#: France Services offer orientation towards public services and digital mediation.
FRANCE_SERVICES_FUNCTIONS = frozenset({"public-service-orientation", "digital-mediation"})
_WEEKDAY_COLUMNS = ("h_lundi", "h_mardi", "h_mercredi", "h_jeudi", "h_vendredi", "h_samedi")


def default_data_dir() -> Path:
    """``$MAILLAGE_OPEN_DATA``, else the first ``shared/data`` beside a parent of the
    current directory or of this file (the project's checkout layout)."""
    env = os.environ.get("MAILLAGE_OPEN_DATA")
    if env:
        return Path(env)
    for base in (Path.cwd(), Path(__file__).resolve()):
        for p in (base, *base.parents):
            cand = p.parent / "shared" / "data"
            if (cand / "communes-population-cog.json").exists():
                return cand
    raise FileNotFoundError("open data not found: set MAILLAGE_OPEN_DATA")


def read_populations(
    path: str | Path, types: Iterable[str] = ("commune-actuelle",)
) -> dict[str, int]:
    """INSEE code -> municipal population of the COG entries of the given ``types``."""
    keep = set(types)
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {str(c["code"]): int(c.get("population") or 0) for c in data if c.get("type") in keep}


@dataclass(eq=False)
class Communes:
    """Commune demand points plus what the reading found."""

    points: DemandPoints
    #: boundary codes without a population entry (they weigh 0)
    missing_population: list[str]


def _feature_files(data_dir: Path, departements: Iterable[str] | None) -> list[Path]:
    files = sorted((data_dir / "communes-geojson").glob("communes-*.geojson"))
    if departements is None:
        return files
    deps = {str(d) for d in departements}
    return [f for f in files if f.name.split("-")[1] in deps]


def project_geometries(geoms: np.ndarray) -> np.ndarray:
    """WGS84 geometries -> projected geometries (zone by the centre of each bounding box)."""
    b = shapely.bounds(geoms)
    zones = zone_of((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
    out = np.empty(len(geoms), dtype=object)
    for z in np.unique(zones):
        m = zones == z
        tr = _transformer(ZONES[z][1])
        off = z * ZONE_OFFSET_M

        def fn(c: np.ndarray, tr=tr, off=off) -> np.ndarray:
            x, y = tr.transform(c[:, 0], c[:, 1])
            return np.column_stack([np.asarray(x) + off, y])

        out[m] = shapely.transform(geoms[m], fn)
    return out


def read_communes_geojson(paths: Iterable[str | Path]) -> tuple[list[str], list[str], np.ndarray]:
    """Codes, names and WGS84 geometries of the features of GeoJSON files."""
    codes: list[str] = []
    names: list[str] = []
    geoms: list[np.ndarray] = []
    for p in paths:
        text = Path(p).read_text(encoding="utf-8")
        feats = json.loads(text)["features"]
        codes += [str(f["properties"]["code"]) for f in feats]
        names += [str(f["properties"].get("nom", "")) for f in feats]
        g = shapely.get_parts(shapely.from_geojson(text))
        if len(g) != len(feats):  # a null geometry: fall back to one by one
            g = np.array([shapely.geometry.shape(f["geometry"]) for f in feats], dtype=object)
        geoms.append(np.asarray(g, dtype=object))
    return codes, names, (np.concatenate(geoms) if geoms else np.zeros(0, dtype=object))


def load_communes(
    data_dir: str | Path | None = None,
    departements: Iterable[str] | None = None,
    populations: dict[str, int] | None = None,
) -> Communes:
    """The communes of ``departements`` (all by default) as demand points: centroid of
    the projected polygon, weight = population of the ``commune-actuelle`` entry (0 if none)."""
    d = Path(data_dir) if data_dir is not None else default_data_dir()
    if populations is None:
        populations = read_populations(d / "communes-population-cog.json")
    codes, names, geoms = read_communes_geojson(_feature_files(d, departements))
    xy = (
        shapely.get_coordinates(shapely.centroid(project_geometries(geoms)))
        if len(geoms)
        else np.zeros((0, 2))
    )
    missing = [c for c in codes if c not in populations]
    w = np.array([populations.get(c, 0) for c in codes], dtype=float)
    return Communes(DemandPoints(np.array(codes), xy, w, np.array(names)), missing)


def _weekdays(row: dict[str, str]) -> Availability | None:
    days = frozenset(i for i, col in enumerate(_WEEKDAY_COLUMNS) if (row.get(col) or "").strip())
    return Availability(weekdays=days) if days else None


def load_france_services(
    path: str | Path | None = None, departements: Iterable[str] | None = None
) -> Facilities:
    """The France Services of the ANCT CSV (``departements``: keep those ``insee_dep``).

    Availability: the weekdays with opening hours (none listed: always counts);
    kind ``france-services``; group: the ``format_fs`` column (Fixe, Itinérante...)."""
    p = Path(path) if path is not None else default_data_dir() / "france-services-2024-08-01.csv"
    deps = None if departements is None else {str(x) for x in departements}
    with open(p, encoding="utf-8-sig", newline="") as fh:
        rows = [
            r
            for r in csv.DictReader(fh)
            if (deps is None or r["insee_dep"] in deps) and r["latitude"] and r["longitude"]
        ]
    lon = np.array([float(r["longitude"]) for r in rows])
    lat = np.array([float(r["latitude"]) for r in rows])
    return Facilities.from_lonlat(
        [f"fs-{r['id_fs']}" for r in rows],
        lon,
        lat,
        functions=tuple(FRANCE_SERVICES_FUNCTIONS for _ in rows),
        kinds=np.full(len(rows), "france-services"),
        availability=tuple(_weekdays(r) for r in rows),
        names=np.array([r["lib_fs"] for r in rows], dtype=str),
        groups=np.array([r.get("format_fs", "") for r in rows], dtype=str),
    )


__all__ = [
    "FRANCE_SERVICES_FUNCTIONS",
    "Communes",
    "default_data_dir",
    "load_communes",
    "load_france_services",
    "project_geometries",
    "read_communes_geojson",
    "read_populations",
]
