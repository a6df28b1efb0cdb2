"""Import communes: names, populations, postal codes and boundaries.

Three formats are read, recognised by their content:

- geo.api.gouv.fr's GeoJSON (``/departements/48/communes?...&format=geojson&geometry=contour``):
  features with properties ``code``, ``nom``, ``population``, ``codesPostaux``;
- the france-geojson files (IGN Admin Express): features with properties ``code``
  and ``nom`` only (boundaries);
- geo.api.gouv.fr's JSON list of ``/communes`` (as ``communes-population-cog.json``):
  entries with ``code``, ``nom``, ``type``, ``departement``, ``population``,
  ``codesPostaux``; only ``type == "commune-actuelle"`` entries give populations
  (the others only explain mismatches: "commune déléguée de ...").

Sources are merged by INSEE code. A code with a boundary and no population, or
the reverse, is imported with what is known and reported (boundaries and
populations are not of the same year: communes merge). Centroids are computed
in Lambert-93 (EPSG:2154), as the mesh analysis does, then given in WGS84.
Everything is written in one transaction; a re-import updates in place.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import shapely
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pyproj import Transformer
from tqdm import tqdm

from maillage.core import clock
from maillage.core.progress import SILENT, Progress
from maillage.opendata import DataError, Problem, communes_sources, open_binary
from maillage.opendata.download import bar_disabled

from .models import Commune

CODE_RE = re.compile(r"^(\d\d|2[AB])\d{3}$")
CURRENT = "commune-actuelle"
_TO_L93 = Transformer.from_crs(4326, 2154, always_xy=True)
_FROM_L93 = Transformer.from_crs(2154, 4326, always_xy=True)
FORMER_KINDS = {
    "commune-deleguee": gettext_lazy("commune déléguée"),
    "commune-associee": gettext_lazy("commune associée"),
    "arrondissement-municipal": gettext_lazy("arrondissement municipal"),
}
COMPARED_FIELDS = [
    "name",
    "departement",
    "population",
    "postal_codes",
    "geometry",
    "centroid_lat",
    "centroid_lon",
    "min_lat",
    "max_lat",
    "min_lon",
    "max_lon",
]


def departement_of(code: str) -> str:
    """The département of an INSEE commune code (``97`` codes have three characters)."""
    return code[:3] if code.startswith("97") else code[:2]


@dataclass
class Boundary:
    name: str
    departement: str
    geometry: dict


@dataclass
class Attributes:
    name: str
    departement: str
    population: int | None
    postal_codes: list[str]


@dataclass
class Reading:
    """What the sources say, code by code."""

    boundaries: dict[str, Boundary] = field(default_factory=dict)
    attributes: dict[str, Attributes] = field(default_factory=dict)
    #: entries of a COG list that are not current communes: code -> (type, chef-lieu code)
    former: dict[str, tuple[str, str]] = field(default_factory=dict)
    names: list[str] = field(default_factory=list)


@dataclass
class CommuneImport:
    """The report of an import."""

    departements: list[str]
    sources: list[str]
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    #: (code, name, note) of communes with a boundary and no current population
    without_population: list[tuple[str, str, str]] = field(default_factory=list)
    #: (code, name) of current communes with no boundary in the sources
    without_boundary: list[tuple[str, str]] = field(default_factory=list)
    population: int = 0

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)

    def summary(self) -> list[str]:
        lines = [
            _(
                "Communes des départements %(deps)s : %(total)s (%(created)s créées, "
                "%(updated)s mises à jour, %(unchanged)s inchangées), population %(population)s."
            )
            % {
                "deps": ", ".join(self.departements),
                "total": self.total,
                "created": len(self.created),
                "updated": len(self.updated),
                "unchanged": len(self.unchanged),
                "population": f"{self.population:,}".replace(",", " "),
            },
            _("Sources : %(sources)s") % {"sources": " ; ".join(self.sources)},
        ]
        if self.without_population:
            lines.append(
                _(
                    "%(count)s communes ont un contour mais pas de population actuelle "
                    "(importées sans population) :"
                )
                % {"count": len(self.without_population)}
            )
            lines += [
                f"  {code} {name}{f' — {note}' if note else ''}"
                for code, name, note in self.without_population
            ]
        if self.without_boundary:
            lines.append(
                _(
                    "%(count)s communes ont une population mais pas de contour "
                    "(importées sans contour) :"
                )
                % {"count": len(self.without_boundary)}
            )
            lines += [f"  {code} {name}" for code, name in self.without_boundary]
        return lines


# Reading -------------------------------------------------------------------


def _load_json(source) -> tuple[object, str]:
    handle, name = open_binary(source)
    with handle:
        raw = handle.read()
    try:
        return json.loads(raw.decode("utf-8-sig")), name
    except UnicodeDecodeError as exc:
        raise DataError.single(name, None, None, _("le fichier n'est pas en UTF-8.")) from exc
    except json.JSONDecodeError as exc:
        raise DataError.single(
            name, exc.lineno, None, _("JSON invalide : %(error)s") % {"error": exc.msg}
        ) from exc


def _population(value, where: str, name: str, problems: list[Problem]) -> int | None:
    if value is None or value == "":
        return None
    if (
        isinstance(value, bool)
        or not isinstance(value, int | float)
        or value < 0
        or value != int(value)
    ):
        problems.append(
            Problem(
                name,
                None,
                "population",
                _("%(where)s : « %(value)s » n'est pas une population.")
                % {"where": where, "value": value},
            )
        )
        return None
    return int(value)


def _postal_codes(value, where: str, name: str, problems: list[Problem]) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, list) or not all(
        isinstance(v, str) and re.fullmatch(r"\d{5}", v) for v in value
    ):
        problems.append(
            Problem(
                name,
                None,
                "codesPostaux",
                _("%(where)s : « %(value)s » n'est pas une liste de codes postaux.")
                % {"where": where, "value": value},
            )
        )
        return []
    return list(value)


def _polygon(geometry, where: str, name: str, problems: list[Problem]) -> dict | None:
    """The geometry if it is a (Multi)Polygon; None for no geometry or a point (a centre)."""
    if not geometry or geometry.get("type") == "Point":
        return None
    if geometry.get("type") not in {"Polygon", "MultiPolygon"}:
        problems.append(
            Problem(
                name,
                None,
                "geometry",
                _("%(where)s : géométrie %(type)s, un polygone est attendu.")
                % {"where": where, "type": geometry.get("type")},
            )
        )
        return None
    try:
        shape = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, AttributeError, IndexError) as exc:
        problems.append(
            Problem(
                name,
                None,
                "geometry",
                _("%(where)s : géométrie illisible (%(error)s).") % {"where": where, "error": exc},
            )
        )
        return None
    minx, miny, maxx, maxy = shape.bounds
    if shape.is_empty or not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        problems.append(
            Problem(
                name,
                None,
                "geometry",
                _("%(where)s : coordonnées hors de WGS84 (longitude, latitude).")
                % {"where": where},
            )
        )
        return None
    return geometry


def _read_one(data, name: str, wanted: set[str] | None, reading: Reading, problems: list[Problem]):
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        entries = [
            (f.get("properties") or {}, f.get("geometry"), True) for f in data.get("features") or []
        ]
    elif isinstance(data, list):
        entries = [(e, e.get("contour") if isinstance(e, dict) else None, False) for e in data]
    else:
        raise DataError.single(
            name,
            None,
            None,
            _(
                "format non reconnu : ni GeoJSON (FeatureCollection) ni liste de communes de geo.api.gouv.fr."
            ),
        )
    for index, (props, geometry, is_feature) in enumerate(entries, start=1):
        if not isinstance(props, dict):
            problems.append(
                Problem(
                    name, None, None, _("entrée n° %(n)s : un objet est attendu.") % {"n": index}
                )
            )
            continue
        code = str(props.get("code") or "")
        where = _("entrée n° %(n)s (code %(code)s)") % {"n": index, "code": code or "?"}
        if not CODE_RE.match(code):
            problems.append(
                Problem(
                    name, None, "code", _("%(where)s : code INSEE invalide.") % {"where": where}
                )
            )
            continue
        departement = str(
            props.get("departement") or props.get("codeDepartement") or departement_of(code)
        )
        if wanted is not None and departement not in wanted:
            continue
        kind = props.get("type")
        if kind not in (None, CURRENT):
            reading.former[code] = (
                str(kind),
                str(props.get("chefLieu") or props.get("commune") or ""),
            )
            continue
        label = str(props.get("nom") or "").strip()
        if not label:
            problems.append(
                Problem(name, None, "nom", _("%(where)s : nom manquant.") % {"where": where})
            )
            continue
        polygon = _polygon(geometry, where, name, problems)
        if polygon is not None:
            reading.boundaries.setdefault(code, Boundary(label, departement, polygon))
        # A list entry always describes a current commune; a feature only when it
        # carries a population (geo.api), not when it is a bare boundary (france-geojson).
        if not is_feature or "population" in props:
            reading.attributes[code] = Attributes(
                name=label,
                departement=departement,
                population=_population(props.get("population"), where, name, problems),
                postal_codes=_postal_codes(props.get("codesPostaux"), where, name, problems),
            )


def read_sources(sources: Iterable, departements: Iterable[str] | None = None) -> Reading:
    """Read and merge ``sources`` (paths, URLs or files), keeping ``departements``.
    Raises :class:`DataError` listing every problem found; nothing is returned half-read."""
    wanted = {str(d) for d in departements} if departements is not None else None
    reading = Reading()
    problems: list[Problem] = []
    for source in sources:
        data, name = _load_json(source)
        reading.names.append(name)
        _read_one(data, name, wanted, reading, problems)
    if problems:
        raise DataError(problems)
    return reading


# Geometry --------------------------------------------------------------------


def geometry_facts(geometry: dict) -> dict:
    """Centroid (computed in Lambert-93, given in WGS84) and bounding box of a GeoJSON polygon."""
    shape = shapely.geometry.shape(geometry)
    if not shape.is_valid:
        shape = shapely.make_valid(shape)
    projected = shapely.transform(
        shape, lambda xy: np.column_stack(_TO_L93.transform(xy[:, 0], xy[:, 1]))
    )
    point = projected.centroid
    lon, lat = _FROM_L93.transform(point.x, point.y)
    min_lon, min_lat, max_lon, max_lat = shape.bounds
    return {
        "centroid_lat": round(lat, 7),
        "centroid_lon": round(lon, 7),
        "min_lat": min_lat,
        "max_lat": max_lat,
        "min_lon": min_lon,
        "max_lon": max_lon,
    }


# Import ----------------------------------------------------------------------


def _wanted_values(code: str, reading: Reading) -> dict:
    """The field values the sources give for ``code`` (absent keys: the sources are silent)."""
    boundary = reading.boundaries.get(code)
    attributes = reading.attributes.get(code)
    values: dict = {}
    if boundary:
        values.update(
            name=boundary.name,
            departement=boundary.departement,
            geometry=boundary.geometry,
            **geometry_facts(boundary.geometry),
        )
    if attributes:
        values.update(
            name=attributes.name,
            departement=attributes.departement,
            population=attributes.population,
            postal_codes=attributes.postal_codes,
        )
    return values


def _mismatches(reading: Reading, report: CommuneImport) -> None:
    names = {c: b.name for c, b in reading.boundaries.items()}
    names.update({c: a.name for c, a in reading.attributes.items()})
    for code in sorted(set(reading.boundaries) - set(reading.attributes)):
        note = ""
        if code in reading.former:
            kind, parent = reading.former[code]
            note = str(FORMER_KINDS.get(kind, kind))
            if parent:
                parent_name = names.get(parent, "")
                note += _(" de %(code)s %(name)s") % {"code": parent, "name": parent_name}
                note = note.rstrip()
        report.without_population.append((code, names[code], note))
    for code in sorted(set(reading.attributes) - set(reading.boundaries)):
        report.without_boundary.append((code, names[code]))


def import_communes(
    departements: Iterable[str] | None = None,
    sources: Iterable | None = None,
    *,
    progress: bool | None = False,
    refresh: bool = False,
    steps: Progress = SILENT,
) -> CommuneImport:
    """Import the communes of ``departements`` (default: settings.MAILLAGE_DEPARTEMENTS)
    from ``sources`` (default: the open-data sources of each département).
    ``progress``: tqdm bars (None: on a terminal); ``steps``: reading, then writing."""
    from django.conf import settings

    departements = [str(d) for d in (departements or settings.MAILLAGE_DEPARTEMENTS)]
    steps.step(_("Lecture des sources…"))
    if sources is None:
        sources = [
            s for d in departements for s in communes_sources(d, refresh=refresh, progress=progress)
        ]
        # the COG list is national: read it once
        sources = list(dict.fromkeys(sources))
    reading = read_sources(list(sources), departements)
    report = CommuneImport(departements=departements, sources=reading.names)
    _mismatches(reading, report)
    codes = sorted(set(reading.boundaries) | set(reading.attributes))
    if not codes:
        raise DataError.single(
            " ; ".join(reading.names),
            None,
            None,
            _("aucune commune des départements %(deps)s dans ces sources.")
            % {"deps": ", ".join(departements)},
        )
    steps.detail(_("%(count)s communes lues") % {"count": len(codes)})
    steps.step(_("Écriture dans la base…"))
    now = clock.now()
    with transaction.atomic():
        existing = Commune.objects.in_bulk(codes)
        to_create, to_update = [], []
        for code in tqdm(
            codes, desc=_("Communes"), unit=" communes", disable=bar_disabled(progress), leave=False
        ):
            values = _wanted_values(code, reading)
            commune = existing.get(code)
            if commune is None:
                to_create.append(Commune(code=code, **values))
                report.created.append(code)
                continue
            changed = [f for f, v in values.items() if getattr(commune, f) != v]
            if changed:
                for f in changed:
                    setattr(commune, f, values[f])
                commune.updated_at = now
                to_update.append(commune)
                report.updated.append(code)
            else:
                report.unchanged.append(code)
        Commune.objects.bulk_create(to_create, batch_size=500)
        Commune.objects.bulk_update(to_update, [*COMPARED_FIELDS, "updated_at"], batch_size=500)
    report.population = sum(a.population or 0 for a in reading.attributes.values())
    return report
