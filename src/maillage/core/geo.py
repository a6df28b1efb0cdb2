"""Geometry helpers every app may use: great-circle distances and bounding boxes.

Plain numpy and math, no Django: distances as the crow flies on the WGS84 mean
sphere (IUGG radius), enough for "which place is nearest" at a territory's scale.
"""

from __future__ import annotations

import math

import numpy as np

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG)


def haversine_km(lat: float, lon: float, lats, lons) -> np.ndarray:
    """Great-circle distances (km) from (lat, lon) to arrays of points."""
    lat1, lon1 = math.radians(lat), math.radians(lon)
    lat2 = np.radians(np.asarray(lats, dtype=float))
    lon2 = np.radians(np.asarray(lons, dtype=float))
    a = (
        np.sin((lat2 - lat1) / 2.0) ** 2
        + math.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2.0) ** 2
    )
    return 2.0 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (km) between two points."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(
    lat: float, lon: float, radius_km: float
) -> tuple[float, float, list[tuple[float, float]]]:
    """(min_lat, max_lat, [(min_lon, max_lon), ...]) enclosing the circle exactly
    (two longitude ranges when it crosses the antimeridian)."""
    angular = radius_km / EARTH_RADIUS_KM
    dlat = math.degrees(angular)
    min_lat, max_lat = lat - dlat, lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return max(min_lat, -90.0), min(max_lat, 90.0), [(-180.0, 180.0)]
    ratio = math.sin(angular) / math.cos(math.radians(lat))
    if ratio >= 1:
        return min_lat, max_lat, [(-180.0, 180.0)]
    dlon = math.degrees(math.asin(ratio))
    lo, hi = lon - dlon, lon + dlon
    if lo < -180:
        return min_lat, max_lat, [(lo + 360, 180.0), (-180.0, hi)]
    if hi > 180:
        return min_lat, max_lat, [(lo, 180.0), (-180.0, hi - 360)]
    return min_lat, max_lat, [(lo, hi)]


def point_or_centroid(
    lat: float | None, lon: float | None, centroid_lat: float | None, centroid_lon: float | None
) -> tuple[float | None, float | None, bool]:
    """THE centroid fallback: a point without its own coordinates stands at its
    commune's centroid. Returns (lat, lon, approximate); (None, None, True) when
    neither is known."""
    if lat is not None and lon is not None:
        return lat, lon, False
    if centroid_lat is not None and centroid_lon is not None:
        return centroid_lat, centroid_lon, True
    return None, None, True
