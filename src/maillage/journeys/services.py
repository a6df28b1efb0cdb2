"""Orientation as the API and the wizard ask for it: parameters in, journey out."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from maillage.places import hours
from maillage.territory.geo import commune_at
from maillage.territory.models import Commune

from . import engine, snapshot
from .engine import Journey, OrientationError, Query
from .needs import NEEDS_BY_SLUG

MAX_NEEDS = 8
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def _one(params: Mapping, name: str) -> str | None:
    values = params.getlist(name) if hasattr(params, "getlist") else [params.get(name)]
    values = [v for v in values if v is not None]
    if len(values) > 1:
        raise OrientationError(name, "une seule valeur est attendue.")
    value = values[0].strip() if values else None
    if value is not None and ("\x00" in value or len(value) > 200):
        raise OrientationError(name, "valeur trop longue ou invalide.")
    return value or None


def parse_query(params: Mapping) -> tuple[Query, Commune | None]:
    """A :class:`Query` from ``needs``, ``commune`` or ``near``, ``mobility``, ``free_at``
    and ``age_group``; raises :class:`OrientationError` naming the bad parameter."""
    raw_needs = _one(params, "needs")
    if not raw_needs:
        raise OrientationError("needs", "au moins un besoin est attendu (needs=admin-help,...).")
    needs = [n.strip() for n in raw_needs.split(",") if n.strip()]
    if len(needs) > MAX_NEEDS:
        raise OrientationError("needs", f"au plus {MAX_NEEDS} besoins.")
    for slug in needs:
        if slug not in NEEDS_BY_SLUG:
            raise OrientationError("needs", f"besoin inconnu : « {slug[:40]} ».")
    code, near = _one(params, "commune"), _one(params, "near")
    if code and near:
        raise OrientationError("near", "commune et near s'excluent.")
    commune = None
    if code:
        if not _INSEE.match(code.upper()):
            raise OrientationError("commune", f"un code INSEE est attendu, pas « {code[:20]} ».")
        commune = Commune.objects.filter(code=code.upper()).first()
        if commune is None or commune.centroid_lat is None:
            raise OrientationError("commune", f"commune inconnue : « {code[:20]} ».")
        home = (commune.centroid_lat, commune.centroid_lon)
    elif near:
        try:
            lat, lon = (float(x) for x in near.split(","))
        except ValueError:
            raise OrientationError("near", "near=LATITUDE,LONGITUDE est attendu.") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or lat != lat or lon != lon:
            raise OrientationError("near", "latitude et longitude hors limites.")
        home = (lat, lon)
    else:
        raise OrientationError("commune", "commune (code INSEE) ou near (lat,lon) est attendu.")
    mobility = _one(params, "mobility") or "car"
    if mobility not in engine.MOBILITIES:
        raise OrientationError("mobility", "car, no-car ou reduced est attendu.")
    age_group = _one(params, "age_group")
    if age_group is not None and age_group not in engine.AGE_GROUPS:
        raise OrientationError("age_group", "young, adult ou senior est attendu.")
    free_at = None
    raw = _one(params, "free_at")
    if raw:
        try:
            free_at = dt.datetime.fromisoformat(raw.replace(" ", "+") if "T" in raw else raw)
        except ValueError:
            raise OrientationError(
                "free_at", "une date et heure ISO est attendue (2026-12-01T14:30)."
            ) from None
        if not 1970 <= free_at.year <= 2200:
            raise OrientationError("free_at", "date hors limites.")
        free_at = hours._aware(free_at)
    query = Query(tuple(needs), home, mobility, free_at, age_group)
    return query, commune


def orientation(query: Query) -> Journey:
    """The journey through the published places (and the events providers give)."""
    events = []
    if query.free_at is not None:
        events = snapshot.load_events(
            query.free_at, query.free_at + dt.timedelta(days=engine.EVENT_HORIZON_DAYS)
        )
    return engine.orient(query, snapshot.load_places(), events)


def home_commune(query: Query) -> Commune | None:
    return commune_at(*query.home)
