"""Finding places: the ONE place where place filtering lives.

The API (``/api/places/``, the GeoJSON/CSV exports) and the web front (map,
list, commune pages) all go through :func:`parse_filter`
(:mod:`maillage.places.filters`) and :func:`search_places`, so a filter means
the same thing everywhere. The module is split along its seams:

- :mod:`.filters`: parameters → :class:`PlaceFilter` (checked, bounded);
- :mod:`maillage.core.geo`: distances and bounding boxes;
- :mod:`.network`: the read model of the published network and the one rule
  for "open at" (this module filters its arrays: no SQL per search);
- :mod:`.sql_search`: a caller's own queryset or a text query, by SQL.

How a search on the read model runs:

1. numpy masks over every published place narrow by type, function, family,
   commune (a mobile unit matches the communes it stops at, by a stop or a
   stop event), free, accessible, mobile, and a bounding box for ``near``;
2. a mobile unit is as near as the nearest of its position and its stops;
3. exact great-circle distances and the radius;
4. ``open_at``/``open_now``: :func:`maillage.places.network.state_at` (with
   the function/family filter: the matching functions' hours); only places
   KNOWN open are kept (unknown hours are unknown, not open);
5. sorted by distance (then name) when ``near`` is given, else by name.

The result is a :class:`SearchResult`: a read-only sequence of
:class:`PlaceHit` that only loads full ``Place`` rows (with their functions,
closures, networks, stops and commune prefetched, long texts deferred) for the
items actually read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import overload

import numpy as np
from django.db.models import Prefetch, QuerySet

from maillage.core.geo import EARTH_RADIUS_KM, bounding_box, haversine_km

from . import hours, network
from .filters import (
    FAMILY_OF,
    FAMILY_SLUGS,
    FUNCTION_SLUGS,
    MAX_Q_LENGTH,
    MAX_RADIUS_KM,
    MAX_YEAR,
    MIN_YEAR,
    TYPE_SLUGS,
    FilterError,
    PlaceFilter,
    parse_bool,
    parse_datetime,
    parse_filter,
    parse_near,
)
from .models import MobileStop, Place, PlaceFunction
from .network import ALL_BITS, FAMILY_BITS, FUNCTION_BIT, TYPE_CODE, sort_key
from .sql_search import bbox_q as _bbox_q  # noqa: F401 (booking's radius search)
from .sql_search import sql_find
from .vocabulary import TextQuery, parse_query

__all__ = [
    "EARTH_RADIUS_KM",
    "FAMILY_OF",
    "FAMILY_SLUGS",
    "FUNCTION_SLUGS",
    "MAX_Q_LENGTH",
    "MAX_RADIUS_KM",
    "MAX_YEAR",
    "MIN_YEAR",
    "TYPE_SLUGS",
    "FilterError",
    "PlaceFilter",
    "PlaceHit",
    "SearchResult",
    "bounding_box",
    "haversine_km",
    "list_prefetches",
    "parse_bool",
    "parse_datetime",
    "parse_filter",
    "parse_near",
    "search_places",
    "sort_key",
]

# Long texts never shown in lists: not read by searches (deferred).
DEFERRED_FIELDS = ("description", "people", "communities")  # and the commune's boundary


@dataclass
class PlaceHit:
    place: Place
    distance_km: float | None
    #: why a text query found it through the vocabulary: ["imprimante → Accès numérique"]
    matched_by: tuple[str, ...] = ()


def list_prefetches() -> list:
    """What a place in a list needs, in a fixed number of queries."""
    return [
        Prefetch(
            "place_functions",
            queryset=PlaceFunction.objects.select_related("function__family").order_by(
                "function__family__position", "function__position", "function__slug"
            ),
        ),
        "closures",
        "networks",
        Prefetch("stops", queryset=MobileStop.objects.select_related("commune")),
    ]


class SearchResult(Sequence[PlaceHit]):
    """The ordered matches of a search. ``len()`` costs nothing; reading items loads
    their places (one batch of queries per slice, cached)."""

    def __init__(
        self,
        ids: list[int],
        distances: list[float | None],
        queryset: QuerySet | None,
        f: PlaceFilter,
    ):
        self.ids = ids
        self.distances = distances
        self.filter = f
        self._base = queryset
        self._queryset: QuerySet | None = None  # built when first needed
        self._cache: dict[int, Place] = {}
        self.text_query = parse_query(f.q) if f.q else None
        self._net: network.Network | None = None

    def matched_by(self, place: Place | int) -> tuple[str, ...]:
        """Why the text query found ``place`` (or the place of that id) through the
        vocabulary: ("imprimante → Accès numérique",); empty otherwise."""
        if not self.text_query or not self.text_query.functions:
            return ()
        pk = place if isinstance(place, int) else place.pk
        if self._net is None:
            self._net = network.current()  # once per result, not once per place
        rec = self._net.get(pk)
        if rec is None:
            rec = network.load_records([pk], published_only=False).get(pk)
        if rec is None:
            return ()
        return tuple(self.text_query.reasons(rec.text, rec.functions))

    def _hit(self, i: int) -> PlaceHit:
        place = self._cache[self.ids[i]]
        return PlaceHit(place, self.distances[i], self.matched_by(place))

    def __len__(self) -> int:
        return len(self.ids)

    def count(self) -> int:  # what Django's Paginator asks first
        return len(self.ids)

    def _load(self, ids: list[int]) -> None:
        missing = [i for i in ids if i not in self._cache]
        if missing:
            if self._queryset is None:
                base = self._base if self._base is not None else Place.objects.published()
                self._queryset = (
                    base.select_related("commune")
                    .defer(*DEFERRED_FIELDS, "commune__geometry")
                    .prefetch_related(*list_prefetches())
                )
            for place in self._queryset.filter(pk__in=missing):
                self._cache[place.pk] = place

    @overload
    def __getitem__(self, index: int) -> PlaceHit: ...
    @overload
    def __getitem__(self, index: slice) -> list[PlaceHit]: ...
    def __getitem__(self, index):
        if isinstance(index, slice):
            positions = range(len(self.ids))[index]
            self._load([self.ids[i] for i in positions])
            return [self._hit(i) for i in positions if self.ids[i] in self._cache]
        i = range(len(self.ids))[index]
        self._load([self.ids[i]])
        return self._hit(i)

    def __iter__(self) -> Iterator[PlaceHit]:
        batch = 500
        for start in range(0, len(self.ids), batch):
            yield from self[start : start + batch]

    def __repr__(self) -> str:
        return f"<SearchResult {len(self.ids)} places>"


def search_places(
    f: PlaceFilter,
    queryset: QuerySet | None = None,
    now: dt.datetime | None = None,
    *,
    use_index: bool | None = None,
) -> SearchResult:
    """The places matching ``f``, nearest first when ``f.near`` is given, else by name.

    ``queryset`` restricts the search (default: published places); the places
    returned come from it with their list data prefetched. ``now`` pins
    ``open_now`` (tests). The read model answers unless a ``queryset`` is given or
    ``use_index`` is False (SQL, the same rules)."""
    if queryset is None and use_index is not False:
        ids, dists = model_find(network.current(), f, now)
    else:
        ids, dists = sql_find(
            f, queryset if queryset is not None else Place.objects.published(), now
        )
    return SearchResult(ids, dists, queryset, f)


def filter_bits(f: PlaceFilter) -> int | None:
    bits = None
    if f.functions:
        bits = sum(FUNCTION_BIT[s] for s in f.functions if s in FUNCTION_BIT)
    if f.family:
        family_bits = FAMILY_BITS.get(f.family, 0)
        bits = family_bits if bits is None else bits & family_bits
    return bits


def text_rows(net: network.Network, query: TextQuery, rows: np.ndarray) -> np.ndarray:
    """The ``rows`` whose place matches every term of ``query`` (its words in the
    place's text, or a function its vocabulary names)."""
    texts = net.texts
    for term in query.terms:
        if not len(rows):
            break
        needle = term.needle
        if len(rows) * 2 > len(texts):  # most rows: one pass over the list, no indexing
            found = np.array([needle in t for t in texts], dtype=bool)[rows]
        else:
            found = np.array([needle in texts[i] for i in rows.tolist()], dtype=bool)
        bits = sum(FUNCTION_BIT.get(slug, 0) for slug in term.functions)
        if bits:
            found |= (net.fmask[rows] & bits) != 0
        rows = rows[found]
    return rows


def model_find(
    net: network.Network, f: PlaceFilter, now: dt.datetime | None = None
) -> tuple[list[int], list[float | None]]:
    """Ordered ids and distances of the places of the read model matching ``f``."""
    rows = np.flatnonzero(net.alive)
    if f.near is not None and f.radius_km is not None:
        min_lat, max_lat, lon_ranges = box = bounding_box(f.near[0], f.near[1], f.radius_km)
        lat, lon = net.lat[rows], net.lon[rows]
        keep = np.zeros(len(rows), dtype=bool)
        for a, b in lon_ranges:
            keep |= (lon >= a) & (lon <= b)
        keep &= (lat >= min_lat) & (lat <= max_lat)
        near_rows = rows[keep]
        if len(net.s_row):
            s_keep = (net.s_lat >= box[0]) & (net.s_lat <= box[1])
            lon_keep = np.zeros(len(net.s_row), dtype=bool)
            for a, b in lon_ranges:
                lon_keep |= (net.s_lon >= a) & (net.s_lon <= b)
            near_rows = np.union1d(near_rows, net.s_row[s_keep & lon_keep])
        rows = near_rows[net.alive[near_rows]]

    if f.types:
        codes = [TYPE_CODE[t] for t in f.types if t in TYPE_CODE]
        rows = rows[np.isin(net.type_code[rows], codes)]
    if f.mobile is not None:
        rows = rows[net.is_mobile[rows] == f.mobile]
    if f.accessible:
        rows = rows[net.wheelchair_yes[rows]]
    bits = filter_bits(f)
    if bits is not None:
        rows = rows[(net.fmask[rows] & bits) != 0]
    if f.free:
        free_bits = ALL_BITS if bits is None else bits
        rows = rows[net.place_free[rows] | ((net.free_fmask[rows] & free_bits) != 0)]
    if f.commune:
        there = np.fromiter(net.commune_rows.get(f.commune, ()), dtype=np.int64)
        rows = rows[np.isin(rows, there)]
    if f.q:
        rows = text_rows(net, parse_query(f.q), rows)

    dist = None
    if f.near is not None:
        dist = haversine_km(f.near[0], f.near[1], net.lat[rows], net.lon[rows])
        if net.stop_points:
            for k in np.flatnonzero(net.is_mobile[rows]):
                points = net.stop_points.get(int(rows[k]))
                if points is not None:
                    d = float(haversine_km(f.near[0], f.near[1], points[:, 0], points[:, 1]).min())
                    dist[k] = d if np.isnan(dist[k]) else min(dist[k], d)
        if f.radius_km is not None:
            keep = dist <= f.radius_km  # NaN (no position) is never within
            rows, dist = rows[keep], dist[keep]

    for moment in f.moments(now):
        if not len(rows):
            break
        moment = hours._aware(moment)
        functions = f.functions or None
        records = net.records
        ids = net.ids
        keep = np.fromiter(
            (
                network.state_at(records[int(ids[i])], moment, functions, f.family) == network.OPEN
                for i in rows
            ),
            dtype=bool,
            count=len(rows),
        )
        rows = rows[keep]
        if dist is not None:
            dist = dist[keep]

    if dist is not None:
        missing = np.isnan(dist)
        order = np.lexsort((net.name_rank[rows], np.where(missing, 0.0, dist), missing))
        rows, dist = rows[order], dist[order]
        return net.ids[rows].tolist(), [None if np.isnan(d) else float(d) for d in dist]
    rows = rows[np.argsort(net.name_rank[rows], kind="stable")]
    return net.ids[rows].tolist(), [None] * len(rows)
