"""Search by SQL: for what the read model cannot answer alone (a caller's own
queryset, a text query). SQL narrows the candidates (bounding box on the indexed
latitude, filters a database can answer), numpy computes exact distances, and
"open at" is :func:`maillage.places.network.state_at`, the one rule.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
from django.db.models import Exists, OuterRef, Q, QuerySet

from maillage.core.geo import bounding_box, haversine_km, point_or_centroid

from . import network
from .filters import PlaceFilter
from .models import Fee, MobileStop, PlaceFunction, Wheelchair
from .vocabulary import parse_query


def bbox_q(box, lat: str = "latitude", lon: str = "longitude") -> Q:
    min_lat, max_lat, lon_ranges = box
    q_lon = Q()
    for lo, hi in lon_ranges:
        q_lon |= Q(**{f"{lon}__gte": lo, f"{lon}__lte": hi})
    return Q(**{f"{lat}__gte": min_lat, f"{lat}__lte": max_lat}) & q_lon


def _matching_functions(f: PlaceFilter) -> QuerySet | None:
    """The PlaceFunction rows the function/family filters ask for (None: no such filter)."""
    if not f.functions and not f.family:
        return None
    pfs = PlaceFunction.objects.all()
    if f.functions:
        pfs = pfs.filter(function__slug__in=f.functions)
    if f.family:
        pfs = pfs.filter(function__family__slug=f.family)
    return pfs


def sql_filtered(f: PlaceFilter, qs: QuerySet) -> QuerySet:
    if f.types:
        qs = qs.filter(type__in=f.types)
    if f.mobile is not None:
        qs = qs.filter(is_mobile=f.mobile)
    if f.accessible:
        qs = qs.filter(wheelchair=Wheelchair.YES)
    matching = _matching_functions(f)
    if matching is not None:
        qs = qs.filter(Exists(matching.filter(place=OuterRef("pk"))))
    if f.free:
        free_functions = (matching if matching is not None else PlaceFunction.objects.all()).filter(
            fee=Fee.FREE, place=OuterRef("pk")
        )
        qs = qs.filter(Q(fee__in=[Fee.FREE, Fee.MIXED]) | Exists(free_functions))
    if f.commune:
        stops_there = MobileStop.objects.filter(place=OuterRef("pk"), commune_id=f.commune)
        qs = qs.filter(Q(commune_id=f.commune) | Exists(stops_there))
    return qs


def text_ids(f: PlaceFilter, ids: list[int]) -> set[int]:
    """Which of these places match the text query ``f.q`` (the vocabulary's rule, as
    the read model applies it: :class:`maillage.places.vocabulary.TextQuery`)."""
    query = parse_query(f.q)
    if not query or not ids:
        return set(ids)
    net = network.current()
    records = {i: net.get(i) for i in ids}
    missing = [i for i, rec in records.items() if rec is None]
    if missing:
        records.update(network.load_records(missing, published_only=False))
    return {
        i
        for i, rec in records.items()
        if rec is not None and query.matches(rec.text, rec.functions)
    }


def _stop_points(place_ids=None, box=None) -> dict[int, list[tuple[float, float]]]:
    """Mobile stops' coordinates per place (the centroid fallback of core.geo)."""
    stops = MobileStop.objects.filter(place__is_mobile=True)
    if place_ids is not None:
        stops = stops.filter(place_id__in=place_ids)
    if box is not None:
        stops = stops.filter(
            bbox_q(box)
            | (
                Q(latitude__isnull=True)
                & bbox_q(box, "commune__centroid_lat", "commune__centroid_lon")
            )
        )
    out: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for place_id, lat, lon, clat, clon in stops.order_by().values_list(
        "place_id", "latitude", "longitude", "commune__centroid_lat", "commune__centroid_lon"
    ):
        lat, lon, _approximate = point_or_centroid(lat, lon, clat, clon)
        if lat is not None:
            out[place_id].append((lat, lon))
    return out


def open_ids(f: PlaceFilter, ids: list[int], moment: dt.datetime) -> set[int]:
    """Which of these places are known open at ``moment`` (by the one rule)."""
    net = network.current()
    records = {i: net.get(i) for i in ids}
    missing = [i for i, rec in records.items() if rec is None]
    if missing:
        records.update(network.load_records(missing, published_only=False))
    return {
        i
        for i, rec in records.items()
        if rec is not None
        and network.state_at(rec, moment, f.functions or None, f.family) == network.OPEN
    }


def sql_find(
    f: PlaceFilter, queryset: QuerySet, now: dt.datetime | None
) -> tuple[list[int], list[float | None]]:
    """Ordered ids and distances, by SQL (bounding box) then numpy (exact distance)."""
    base = sql_filtered(f, queryset).order_by()
    columns = ("id", "name", "latitude", "longitude", "is_mobile")

    stop_points: dict[int, list[tuple[float, float]]] = {}
    if f.near is not None and f.radius_km is not None:
        box = bounding_box(f.near[0], f.near[1], f.radius_km)
        stop_points = _stop_points(box=box)
        near_q = bbox_q(box)
        if stop_points:
            near_q |= Q(pk__in=list(stop_points))
        rows = list(base.filter(near_q).values_list(*columns))
    else:
        rows = list(base.values_list(*columns))
        if f.near is not None:
            stop_points = _stop_points(place_ids=[r[0] for r in rows if r[4]])

    distances: dict[int, float | None] = {}
    if f.near is not None:
        lat0, lon0 = f.near
        located = [r for r in rows if r[2] is not None and r[3] is not None]
        computed = haversine_km(lat0, lon0, [r[2] for r in located], [r[3] for r in located])
        for r, d in zip(located, computed.tolist(), strict=True):
            distances[r[0]] = d
        candidate_ids = {r[0] for r in rows}
        for place_id, points in stop_points.items():
            if place_id not in candidate_ids:
                continue
            arr = np.array(points)
            d = float(haversine_km(lat0, lon0, arr[:, 0], arr[:, 1]).min())
            current = distances.get(place_id)
            distances[place_id] = d if current is None else min(current, d)
        if f.radius_km is not None:
            rows = [
                r
                for r in rows
                if distances.get(r[0]) is not None and distances[r[0]] <= f.radius_km
            ]

    if f.q and rows:
        keep = text_ids(f, [r[0] for r in rows])
        rows = [r for r in rows if r[0] in keep]

    for moment in f.moments(now):
        if rows:
            keep = open_ids(f, [r[0] for r in rows], moment)
            rows = [r for r in rows if r[0] in keep]

    if f.near is not None:
        rows.sort(
            key=lambda r: (
                distances.get(r[0]) is None,
                distances.get(r[0]) or 0.0,
                network.sort_key(r[1]),
                r[0],
            )
        )
    else:
        rows.sort(key=lambda r: (network.sort_key(r[1]), r[0]))

    ids = [r[0] for r in rows]
    dists = [distances.get(i) for i in ids] if f.near is not None else [None] * len(ids)
    return ids, dists
