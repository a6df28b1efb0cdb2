"""A map of communes coloured by distance (or time) to the nearest place, as SVG.

Drawn from the communes' own boundaries (no tile server): polygons projected to
Lambert-93 (the official UTM zone overseas), simplified to what the page can
show, scaled to the page. Colour classes are shared with the web page's map
(:func:`colour_classes`): ColorBrewer's RdYlBu, blue near, red far — readable
by colour-blind people and in grey.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from html import escape

import numpy as np
import shapely
from shapely.geometry import shape

from maillage.mesh import ZONES
from maillage.mesh.model import zone_of

# ColorBrewer RdYlBu (Cynthia Brewer, Apache licence), near (blue) to far (red)
PALETTES = {
    2: ["#4575b4", "#d73027"],
    3: ["#91bfdb", "#ffffbf", "#fc8d59"],
    4: ["#2c7bb6", "#abd9e9", "#fdae61", "#d7191c"],
    5: ["#2c7bb6", "#abd9e9", "#ffffbf", "#fdae61", "#d7191c"],
    6: ["#4575b4", "#91bfdb", "#e0f3f8", "#fee090", "#fc8d59", "#d73027"],
    7: ["#4575b4", "#91bfdb", "#e0f3f8", "#ffffbf", "#fee090", "#fc8d59", "#d73027"],
}
NO_PLACE = "#9e9e9e"
STROKE = "#ffffff"


@dataclass(frozen=True)
class ColourClass:
    low: float | None  # exclusive
    high: float | None  # inclusive (None: no upper bound)
    colour: str
    label: str

    def as_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "colour": self.colour, "label": self.label}


def _fr(x: float) -> str:
    return f"{x:g}".replace(".", ",")


def colour_classes(breaks: Sequence[float], unit: str) -> list[ColourClass]:
    """Classes ``≤ b0``, ``b0–b1``, …, ``> bn`` (at most 6 breaks)."""
    bs = sorted(set(float(b) for b in breaks))[:6]
    colours = PALETTES[len(bs) + 1] if bs else ["#2c7bb6"]
    out: list[ColourClass] = []
    low = None
    for i, b in enumerate(bs):
        label = f"≤ {_fr(b)} {unit}" if low is None else f"{_fr(low)} à {_fr(b)} {unit}"
        out.append(ColourClass(low, b, colours[i], label))
        low = b
    out.append(
        ColourClass(low, None, colours[len(bs)], f"plus de {_fr(low)} {unit}" if low else "")
    )
    return out


def colour_of(cost: float | None, classes: Sequence[ColourClass]) -> str:
    if cost is None or not math.isfinite(cost):
        return NO_PLACE
    for c in classes:
        if c.high is None or cost <= c.high:
            return c.colour
    return classes[-1].colour


@lru_cache(maxsize=8)
def _transformer(epsg: int):
    from pyproj import Transformer

    return Transformer.from_crs(4326, epsg, always_xy=True)


def _project(geoms: np.ndarray, zone: int) -> np.ndarray:
    tr = _transformer(ZONES[zone][1])

    def fn(c: np.ndarray) -> np.ndarray:
        x, y = tr.transform(c[:, 0], c[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, fn)


def _halo_text(
    x: float, y: float, text: str, size: int, italic: bool = False, width: float | None = None
) -> str:
    """A label with a white halo (two texts: renderers without paint-order too), kept
    inside the drawing when ``width`` is given. ``text`` is plain text: escaped here."""
    if width is not None:
        half = 0.32 * size * len(text) + 2
        x = min(max(x, half), width - half)
    style = ' font-style="italic"' if italic else ""
    common = (
        f'x="{x:.1f}" y="{y:.1f}" text-anchor="middle" font-size="{size}" '
        f'font-weight="700" font-family="DejaVu Sans, sans-serif"{style}'
    )
    return (
        f'<text {common} fill="#ffffff" stroke="#ffffff" stroke-width="3.5" '
        f'stroke-linejoin="round" aria-hidden="true">{escape(text)}</text>'
        f'<text {common} fill="#1c2430">{escape(text)}</text>'
    )


def _path(geom, sx, sy) -> str:
    parts = []
    polys = getattr(geom, "geoms", [geom])
    for poly in polys:
        if poly.is_empty or poly.geom_type != "Polygon":
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            if len(xy) < 3:
                continue
            px = sx(xy[:, 0])
            py = sy(xy[:, 1])
            pts = " ".join(f"{a:.1f} {b:.1f}" for a, b in zip(px, py, strict=True))
            parts.append(f"M{pts}Z")
    return "".join(parts)


@dataclass
class MapPoint:
    lon: float
    lat: float
    label: str = ""
    kind: str = "place"  # "place", "stop", "new"


def commune_map(
    geometries: dict[str, dict],
    costs: dict[str, float | None],
    classes: Sequence[ColourClass],
    *,
    names: dict[str, str] | None = None,
    labels: Iterable[str] = (),
    points: Sequence[MapPoint] = (),
    width: float = 1000.0,
    max_height: float = 1000.0,
    title: str = "",
) -> str:
    """The SVG (a string) of the communes ``geometries`` (code -> GeoJSON, WGS84)
    filled by the class of ``costs[code]``; ``labels``: codes whose name is written;
    ``points``: places and new sites drawn on top."""
    codes = [c for c, g in geometries.items() if g]
    if not codes:
        return ""
    geoms = np.array([shape(geometries[c]) for c in codes], dtype=object)
    b = shapely.bounds(geoms)
    zones = zone_of((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
    # one projection: the zone most communes are in (overseas départements apart)
    zone = int(np.bincount(zones).argmax())
    keep = zones == zone
    codes = [c for c, k in zip(codes, keep, strict=True) if k]
    proj = _project(geoms[keep], zone)
    minx, miny, maxx, maxy = shapely.total_bounds(proj)
    span_x, span_y = max(maxx - minx, 1.0), max(maxy - miny, 1.0)
    scale = min(width / span_x, max_height / span_y)
    w, h = span_x * scale, span_y * scale
    # simplify to a fifth of a drawing unit: invisible, and the file stays light
    proj = shapely.simplify(proj, 0.2 / scale, preserve_topology=True)

    def sx(x):
        return (np.asarray(x) - minx) * scale

    def sy(y):
        return (maxy - np.asarray(y)) * scale

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0f} {h:.0f}" '
        f'width="{w:.0f}" height="{h:.0f}" role="img" aria-label="{escape(title)}">'
    ]
    if title:
        out.append(f"<title>{escape(title)}</title>")
    out.append(f'<g stroke="{STROKE}" stroke-width="0.6" stroke-linejoin="round">')
    for code, g in zip(codes, proj, strict=True):
        d = _path(g, sx, sy)
        if not d:
            continue
        fill = colour_of(costs.get(code), classes)
        name = escape((names or {}).get(code, code))
        out.append(f'<path d="{d}" fill="{fill}" fill-rule="evenodd"><title>{name}</title></path>')
    out.append("</g>")
    # the territory's outline, for a clean edge
    try:
        outline = shapely.union_all(shapely.buffer(proj, 0))
        d = _path(outline, sx, sy)
        if d:
            out.append(f'<path d="{d}" fill="none" stroke="#3b3b3b" stroke-width="1.4"/>')
    except shapely.errors.GEOSException:  # pragma: no cover - a broken geometry
        pass
    new_labels: list[tuple[MapPoint, float, float]] = []
    if points:
        pts = np.array([[p.lon, p.lat] for p in points], dtype=float)
        tr = _transformer(ZONES[zone][1])
        px, py = tr.transform(pts[:, 0], pts[:, 1])
        px, py = sx(px), sy(py)
        for p, x, y in zip(points, px, py, strict=True):
            if not (0 <= x <= w and 0 <= y <= h):
                continue
            t = f"<title>{escape(p.label)}</title>" if p.label else ""
            if p.kind == "new":
                new_labels.append((p, float(x), float(y)))
                r = 12
                star = " ".join(
                    f"{x + (r if i % 2 == 0 else r * 0.45) * math.sin(i * math.pi / 5):.1f},"
                    f"{y - (r if i % 2 == 0 else r * 0.45) * math.cos(i * math.pi / 5):.1f}"
                    for i in range(10)
                )
                out.append(
                    f'<polygon points="{star}" fill="#111111" stroke="#ffffff" '
                    f'stroke-width="1.5">{t}</polygon>'
                )
            elif p.kind == "stop":
                out.append(
                    f'<rect x="{x - 3.5:.1f}" y="{y - 3.5:.1f}" width="7" height="7" '
                    f'fill="#ffffff" stroke="#111111" stroke-width="1.6">{t}</rect>'
                )
            else:
                out.append(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="#111111" '
                    f'stroke="#ffffff" stroke-width="1.4">{t}</circle>'
                )
    # names of a few communes (the largest), with a halo
    label_codes = [c for c in labels if c in codes]
    if label_codes:
        idx = {c: i for i, c in enumerate(codes)}
        for c in label_codes:
            g = proj[idx[c]]
            pt = g.representative_point() if not g.is_empty else None
            if pt is None:
                continue
            x, y = float(sx(pt.x)), float(sy(pt.y))
            out.append(_halo_text(x, y - 7, (names or {}).get(c, c), 13, width=w))
    for p, x, y in new_labels:
        out.append(_halo_text(x, y + 22, p.label, 12, italic=True, width=w))
    out.append("</svg>")
    return "".join(out)


__all__ = ["NO_PLACE", "ColourClass", "MapPoint", "colour_classes", "colour_of", "commune_map"]
