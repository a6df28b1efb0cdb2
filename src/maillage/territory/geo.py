"""Which commune a point is in, and finding a commune by name or postal code.

``commune_at(lat, lon)`` prefilters by bounding box in SQL, then tests the
boundary with shapely (prepared shapes are cached per commune and refreshed
when the commune is re-imported). ``find_communes(text)`` is the geocoding the
search needs ("near Saint-Chély", "48140"): accents, case, hyphens and the
"St"/"Ste" abbreviations do not matter.
"""

from __future__ import annotations

import re
import unicodedata

import shapely
from shapely.geometry import Point, shape

from .models import Commune

_shapes: dict[str, tuple[object, object]] = {}


def _prepared(commune: Commune):
    cached = _shapes.get(commune.code)
    if cached and cached[0] == commune.updated_at:
        return cached[1]
    geom = shape(commune.geometry)
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    shapely.prepare(geom)
    _shapes[commune.code] = (commune.updated_at, geom)
    return geom


def commune_at(lat: float, lon: float) -> Commune | None:
    """The commune whose boundary contains (lat, lon) (WGS84), or None."""
    point = Point(lon, lat)
    candidates = Commune.objects.containing_bbox(lat, lon).exclude(geometry=None).order_by("code")
    for commune in candidates:
        if _prepared(commune).covers(point):
            return commune
    return None


def normalize(text: str) -> str:
    """Lower case, no accents, hyphens and apostrophes as spaces, "st"/"ste" spelled out."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[-'’`´.,/()]+", " ", text)
    words = [{"st": "saint", "ste": "sainte"}.get(w, w) for w in text.split()]
    return " ".join(words)


_ARTICLE = re.compile(r"^(?:le|la|les|l) ")


def _rank(query: str, name: str) -> int | None:
    if name == query:
        return 0
    if name.startswith(query):
        return 1
    if f" {query}" in f" {name}":
        return 2
    if query in name:
        return 3
    # « Le Pont… » for « Pont de Montvert - Sud Mont Lozère »: people add or drop
    # the article; a match without it comes after every match with it.
    bare_query, bare_name = _ARTICLE.sub("", query), _ARTICLE.sub("", name)
    if (bare_query, bare_name) != (query, name) and bare_query:
        rank = _rank(bare_query, bare_name)
        if rank is not None:
            return 4 + rank
    return None


def find_communes(text: str, limit: int = 10, departements=None) -> list[Commune]:
    """Communes matching ``text``: a postal code (or its start), an INSEE code, or a name.

    Best matches first: exact name, then names starting with the text, then
    containing it; more populous first among equals.
    """
    text = (text or "").strip()
    if not text:
        return []
    rows = Commune.objects.all()
    if departements:
        rows = rows.in_departements(departements)
    rows = rows.values_list("code", "name", "postal_codes", "population")
    compact = text.replace(" ", "")
    ranked: list[tuple[int, int, str, str]] = []
    if compact.isdigit() or re.fullmatch(r"(2[AaBb]|\d\d)\d{0,3}", compact):
        compact = compact.upper()
        for code, name, postal_codes, population in rows:
            if compact in (postal_codes or []) or compact == code:
                ranked.append((0, -(population or 0), name, code))
            elif any(pc.startswith(compact) for pc in postal_codes or []):
                ranked.append((1, -(population or 0), name, code))
    else:
        query = normalize(text)
        for code, name, _postal_codes, population in rows:
            rank = _rank(query, normalize(name))
            if rank is not None:
                ranked.append((rank, -(population or 0), name, code))
    ranked.sort()
    codes = [code for *_rest, code in ranked[:limit]]
    found = Commune.objects.in_bulk(codes)
    return [found[c] for c in codes]


def resolve_commune(
    text: str, departements=None, *, limit: int = 8, located: bool = False
) -> tuple[Commune | None, list[Commune]]:
    """The commune a person means by ``text``: ``(commune, [])``, or ``(None, candidates)``.

    The one rule every form follows: an INSEE code (that is not also a postal
    code) designates its commune; otherwise :func:`find_communes`, and the commune
    is found when there is one candidate or one whose name is the text (without
    accents, hyphens, case). ``located``: only communes with a centroid (those a
    distance can be measured from).
    """
    text = (text or "").strip()[:100]
    if not text:
        return None, []
    if len(text) == 5 and text[:2].isalnum() and text[2:].isdigit():
        rows = Commune.objects.filter(code=text.upper())
        if departements:
            rows = rows.in_departements(departements)
        by_code = rows.first()
        if by_code and text not in (by_code.postal_codes or []):
            if not located or by_code.centroid_lat is not None:
                return by_code, []
    candidates = find_communes(text, limit=limit, departements=departements)
    if located:
        candidates = [c for c in candidates if c.centroid_lat is not None]
    if len(candidates) == 1:
        return candidates[0], []
    wanted = normalize(text)
    exact = [c for c in candidates if normalize(c.name) == wanted]
    if len(exact) == 1:
        return exact[0], []
    return None, exact or candidates


def geocode(text: str, departements=None) -> Commune | None:
    """The best commune for ``text`` (name or postal code), or None."""
    found = find_communes(text, limit=1, departements=departements)
    return found[0] if found else None


def point_problem(lat: float, lon: float, commune: Commune | None, departements) -> str:
    """Why (lat, lon) cannot be the position of a place in ``commune``, in French, or "".

    The point must lie in the territory (its ``departements``) and in the commune
    given. Where boundaries are not known (communes imported without them), only
    the ranges of latitude and longitude are checked."""
    from django.utils.translation import gettext as _

    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return _(
            "Cette position n'existe pas : la latitude va de -90 à 90, la longitude de -180 à 180."
        )
    at = commune_at(lat, lon)
    if at is None or at.departement not in departements:
        known = Commune.objects.in_departements(departements).exclude(geometry=None).exists()
        if at is None and not known:
            return ""
        return _("Ce point est hors du territoire : cliquez dans le territoire, près du lieu.")
    if commune is not None and at.code != commune.code:
        return _(
            "Ce point est à %(there)s, pas à %(commune)s : déplacez le point ou changez la commune."
        ) % {"there": at.name, "commune": commune.name}
    return ""
