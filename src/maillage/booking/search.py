"""Finding a resource: when, where, for how many, with which equipment.

Distances are ``places.search``'s (haversine on the place's coordinates, a
bounding box first). Two rankings: *functional* (distance, then price) and
*charm* (charm first, within a radius twice as wide).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch

from maillage.core.params import UnknownReference
from maillage.places.filters import INSEE_CODE
from maillage.places.models import Closure
from maillage.places.search import FilterError, _bbox_q, bounding_box, haversine_km
from maillage.territory.models import Commune

from . import availability
from .models import EQUIPMENT, Kind, Resource, kinds_for_search

DEFAULT_RADIUS_KM = 30.0
CHARM_RADIUS_FACTOR = 2.0


@dataclass
class Query:
    near: tuple[float, float] | None = None
    commune: str | None = None
    radius_km: float | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None
    duration: int = 0  # minutes; 0: the resource's minimum
    seats: int = 1
    equipment: list[str] = field(default_factory=list)
    kind: str | None = None
    rank: str = "functional"


@dataclass
class Hit:
    resource: Resource
    distance_km: float | None
    free: list


def validate(q: Query) -> None:
    if q.rank not in {"functional", "charm"}:
        raise FilterError("rank", "rank vaut functional (distance puis prix) ou charm.")
    if q.kind and q.kind not in Kind.values:
        raise FilterError("kind", f"kind vaut l'une de : {', '.join(Kind.values)}.")
    unknown = [e for e in q.equipment if e not in EQUIPMENT]
    if unknown:
        raise FilterError(
            "equipment", f"Équipement inconnu : {unknown[0]} ({', '.join(EQUIPMENT)})."
        )
    if (q.start is None) != (q.end is None):
        raise FilterError("to" if q.end is None else "from", "from et to vont ensemble.")
    if q.start and q.end:
        if q.end <= q.start:
            raise FilterError("to", "to doit être après from.")
        if q.end - q.start > dt.timedelta(days=31):
            raise FilterError("to", "Au plus 31 jours entre from et to.")
    if q.radius_km is not None and not 0 < q.radius_km <= 300:
        raise FilterError("radius_km", "radius_km doit être compris entre 0 et 300.")
    if q.commune and not INSEE_CODE.match(q.commune.upper()):
        raise FilterError("commune", "commune doit être un code INSEE (48095).")
    if q.commune and q.near is None:
        commune = Commune.objects.filter(code=q.commune).first()
        if commune is None or commune.centroid_lat is None:
            raise UnknownReference("commune", f"Commune inconnue : {q.commune} (code INSEE).")
        q.near = (commune.centroid_lat, commune.centroid_lon)


def find(q: Query) -> list[Hit]:
    qs = Resource.objects.filter(is_active=True, capacity__gte=q.seats, place__status="published")
    if q.kind:
        qs = qs.filter(kind__in=kinds_for_search(q.kind))
    radius = None
    if q.near:
        radius = (q.radius_km or DEFAULT_RADIUS_KM) * (
            CHARM_RADIUS_FACTOR if q.rank == "charm" else 1
        )
        qs = qs.filter(
            _bbox_q(
                bounding_box(q.near[0], q.near[1], radius), "place__latitude", "place__longitude"
            )
        )
    qs = qs.select_related("place__commune").prefetch_related(
        "seasons", "blocks", Prefetch("place__closures", queryset=Closure.objects.all())
    )
    resources = [r for r in qs if all(e in (r.equipment or []) for e in q.equipment)]
    distances: list[float | None] = [None] * len(resources)
    if q.near and resources:
        lats = [
            r.place.latitude if r.place.latitude is not None else float("nan") for r in resources
        ]
        lons = [
            r.place.longitude if r.place.longitude is not None else float("nan") for r in resources
        ]
        km = haversine_km(q.near[0], q.near[1], lats, lons)
        distances = [float(d) for d in km]
    hits = []
    for r, d in zip(resources, distances, strict=True):
        if radius is not None and not (d is not None and d <= radius):
            continue
        free = []
        if q.start and q.end:
            need = max(q.duration, r.min_minutes)
            free = [
                (a, b)
                for a, b in availability.free_intervals(
                    r, q.start, q.end, q.seats if r.is_pool else 1
                )
                if (b - a).total_seconds() / 60 >= need
            ]
            if not free:
                continue
        hits.append(Hit(r, d, free))
    far = 1e9
    if q.rank == "charm":
        hits.sort(key=lambda h: (-h.resource.charm_score(), h.distance_km or far, h.resource.name))
    else:
        hits.sort(
            key=lambda h: (
                h.distance_km if h.distance_km is not None else far,
                h.resource.cheapest_hour_price(),
                h.resource.name,
            )
        )
    return hits
