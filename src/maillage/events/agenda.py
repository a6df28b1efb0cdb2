"""Filtering the agenda's dates (web pages, feeds and API alike).

Parameters: ``commune`` (INSEE code), ``near`` (``lat,lon``) or ``around`` (the
INSEE code of a commune: its centre) with ``radius_km`` (default 20), ``function`` (slug), ``audience`` (slug), ``from``/``to`` (dates,
ISO 8601). A bad value raises ``places.search.FilterError`` naming it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from maillage.core import clock, params
from maillage.core.params import UnknownReference
from maillage.places.filters import INSEE_CODE
from maillage.places.models import Audience
from maillage.places.search import FilterError, haversine_km, parse_near
from maillage.territory.models import Commune

from .models import Occurrence
from .recurrence import PARIS

MAX_RADIUS_KM = 200.0
DEFAULT_RADIUS_KM = 20.0


@dataclass
class AgendaFilter:
    commune: str = ""
    near: tuple[float, float] | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    function: str = ""
    audience: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    place_id: int | None = None


def _text(params: Mapping[str, Any], name: str) -> str:
    value = params.get(name, "")
    if isinstance(value, list):
        value = value[0] if value else ""
    return str(value or "").strip()


def _date(name: str, text: str) -> dt.date | None:
    if not text:
        return None
    try:
        day = dt.date.fromisoformat(text[:10])
    except ValueError:
        raise FilterError(
            name, f"{name} doit être une date AAAA-MM-JJ, par exemple 2026-12-03."
        ) from None
    try:
        return params.check_bounds(day, name)
    except params.ParameterError as error:
        raise FilterError(name, error.message) from None


def parse_agenda_filter(params: Mapping[str, Any]) -> AgendaFilter:
    f = AgendaFilter()
    f.commune = _text(params, "commune")
    if f.commune and not (len(f.commune) == 5 and f.commune.isalnum()):
        raise FilterError("commune", "commune doit être un code INSEE à 5 caractères (48095).")
    near = _text(params, "near")
    around = _text(params, "around")
    if near:
        f.near = parse_near(near)
    elif around:
        if not INSEE_CODE.match(around.upper()):
            raise FilterError("around", "around doit être un code INSEE (48095).")
        around = around.upper()
        commune = Commune.objects.filter(code=around).only("centroid_lat", "centroid_lon").first()
        if commune is None or commune.centroid_lat is None:
            raise UnknownReference("around", f"aucune commune connue n'a le code INSEE {around}.")
        f.near = (commune.centroid_lat, commune.centroid_lon)
    radius = _text(params, "radius_km")
    if radius:
        try:
            f.radius_km = float(radius)
        except ValueError:
            raise FilterError("radius_km", "radius_km doit être un nombre de kilomètres.") from None
        if not 0 < f.radius_km <= MAX_RADIUS_KM:
            raise FilterError(
                "radius_km", f"radius_km doit être compris entre 0 et {MAX_RADIUS_KM:g} km."
            )
    f.function = _text(params, "function")
    if f.function and not re.fullmatch(r"[-a-zA-Z0-9_]{1,50}", f.function):
        raise FilterError("function", "function doit être l'identifiant d'une fonction (fablab).")
    f.audience = _text(params, "audience")
    if f.audience and f.audience not in Audience.values:
        raise FilterError("audience", f"audience doit être l'un de : {', '.join(Audience.values)}.")
    f.date_from = _date("from", _text(params, "from"))
    f.date_to = _date("to", _text(params, "to"))
    if f.date_from and f.date_to and f.date_to < f.date_from:
        raise FilterError("to", "to doit être après from.")
    return f


@dataclass
class AgendaHit:
    occurrence: Occurrence
    distance_km: float | None = None


def find_occurrences(
    f: AgendaFilter, *, limit: int = 200, per_event: int | None = None, now=None
) -> list[AgendaHit]:
    """The matching dates, soonest first (cancelled ones included and marked);
    ``per_event`` keeps only the first dates of each event (a weekly event does
    not fill the page)."""
    hits = _find(f, limit=limit if per_event is None else limit * 10, now=now)
    if per_event is None:
        return hits
    seen: dict[int, int] = {}
    kept = []
    for hit in hits:
        n = seen.get(hit.occurrence.event_id, 0)
        if n < per_event:
            kept.append(hit)
            seen[hit.occurrence.event_id] = n + 1
        if len(kept) >= limit:
            break
    return kept


def _find(f: AgendaFilter, *, limit: int, now=None) -> list[AgendaHit]:
    now = now or clock.now()
    qs = Occurrence.objects.visible().select_related(
        "event__place__commune", "event__stop__commune"
    )
    if f.date_from:
        qs = qs.filter(end__gte=dt.datetime.combine(f.date_from, dt.time(), tzinfo=PARIS))
    else:
        qs = qs.filter(end__gte=now)
    if f.date_to:
        qs = qs.filter(
            start__lt=dt.datetime.combine(f.date_to, dt.time(), tzinfo=PARIS) + dt.timedelta(days=1)
        )
    conditions = event_conditions(f, prefix="event__")
    if conditions:
        qs = qs.filter(conditions)
    qs = qs.order_by("start", "pk").distinct()
    if f.near is None:
        return [AgendaHit(o) for o in qs[:limit]]
    hits = []
    for occurrence in qs[: limit * 20]:
        distance = distance_km(f, occurrence.event)
        if distance is not None:
            hits.append(AgendaHit(occurrence, distance))
        if len(hits) >= limit:
            break
    return hits


def event_conditions(f: AgendaFilter, prefix: str = "") -> Q:
    """What an event must be to match ``f`` (place, commune, theme, audience), as a
    query on events (``prefix=""``) or on their dates (``prefix="event__"``): the
    agenda and its feeds ask the same thing."""
    p = prefix
    q = Q()
    if f.place_id:
        q &= Q(**{f"{p}place_id": f.place_id})
    if f.commune:
        q &= Q(**{f"{p}stop__commune_id": f.commune}) | Q(
            **{f"{p}stop__isnull": True, f"{p}place__commune_id": f.commune}
        )
    if f.function:
        q &= Q(**{f"{p}functions__slug": f.function})
    if f.audience:
        q &= Q(**{f"{p}audiences__icontains": f'"{f.audience}"'})
    return q


def distance_km(f: AgendaFilter, event) -> float | None:
    """How far ``event`` is from ``f``'s point, if it is within the radius (None: too
    far, or no position)."""
    if f.near is None or event.latitude is None or event.longitude is None:
        return None
    d = float(haversine_km(f.near[0], f.near[1], [event.latitude], [event.longitude])[0])
    return round(d, 1) if d <= f.radius_km else None


def is_empty(f: AgendaFilter) -> bool:
    return f == AgendaFilter()
