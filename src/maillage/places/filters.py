"""Search parameters: what a query string asks of the directory, checked.

The API (``/api/places/``, exports) and the web front (map, list, commune pages)
turn their parameters into a :class:`PlaceFilter` with :func:`parse_filter`, so a
filter means the same thing everywhere; a bad value raises :class:`FilterError`
naming the parameter and why (in French).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from maillage.core import clock
from maillage.core.params import (  # noqa: F401 (re-exported: the directory's parameters)
    MAX_YEAR,
    MIN_YEAR,
    FilterError,
    number,
    parse_bool,
    parse_datetime,
    parse_near,
    single,
    values,
)

from . import hours
from .models import PlaceType
from .taxonomy import FAMILIES

MAX_RADIUS_KM = 1000.0
MAX_Q_LENGTH = 200

FUNCTION_SLUGS: frozenset[str] = frozenset(f[0] for fam in FAMILIES for f in fam[3])
FAMILY_SLUGS: frozenset[str] = frozenset(fam[0] for fam in FAMILIES)
FAMILY_OF: dict[str, str] = {f[0]: fam[0] for fam in FAMILIES for f in fam[3]}
TYPE_SLUGS: frozenset[str] = frozenset(PlaceType.values)

INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


@dataclass
class PlaceFilter:
    near: tuple[float, float] | None = None  # (latitude, longitude), WGS84
    radius_km: float | None = None
    functions: list[str] = field(default_factory=list)  # any of them
    family: str | None = None
    types: list[str] = field(default_factory=list)  # any of them
    commune: str | None = None  # INSEE code
    open_at: dt.datetime | None = None  # aware (parse_filter makes naive times Europe/Paris)
    open_now: bool = False
    free: bool = False
    accessible: bool = False
    mobile: bool | None = None
    q: str = ""

    def moment(self, now: dt.datetime | None = None) -> dt.datetime | None:
        """The moment a card's status speaks of, if any (``open_at`` before ``open_now``)."""
        moments = self.moments(now)
        return moments[0] if moments else None

    def moments(self, now: dt.datetime | None = None) -> tuple[dt.datetime, ...]:
        """Every moment places must be open at: ``open_at``, now (``open_now``), or
        both (filters combine: open now and at that moment)."""
        found = []
        if self.open_at is not None:
            found.append(hours._aware(self.open_at))
        if self.open_now:
            found.append(now or clock.now())
        return tuple(found)

    @property
    def is_empty(self) -> bool:
        return self == PlaceFilter()

    def to_params(self) -> list[tuple[str, str]]:
        """The query parameters that :func:`parse_filter` turns back into this filter
        (for links: next page, the same search as GeoJSON or CSV, the map and the list)."""
        params: list[tuple[str, str]] = []
        if self.near is not None:
            params.append(("near", f"{self.near[0]:.6f},{self.near[1]:.6f}"))
        if self.radius_km is not None:
            params.append(("radius_km", f"{self.radius_km:g}"))
        params += [("function", slug) for slug in self.functions]
        if self.family:
            params.append(("family", self.family))
        params += [("type", slug) for slug in self.types]
        if self.commune:
            params.append(("commune", self.commune))
        if self.open_at is not None:
            params.append(("open_at", self.open_at.isoformat()))
        for name in ("open_now", "free", "accessible"):
            if getattr(self, name):
                params.append((name, "1"))
        if self.mobile is not None:
            params.append(("mobile", "1" if self.mobile else "0"))
        if self.q:
            params.append(("q", self.q))
        return params


def parse_filter(params: Mapping[str, Any]) -> PlaceFilter:
    """A :class:`PlaceFilter` from query parameters (a QueryDict or a plain dict of
    strings or lists). Unknown parameters (``page``, ``format``...) are ignored;
    a bad value raises :class:`FilterError` naming the parameter and why."""
    f = PlaceFilter()

    near = single(params, "near")
    if near is not None:
        f.near = parse_near(near)

    radius = single(params, "radius_km")
    if radius is not None:
        value = number("radius_km", radius, "un nombre positif (km)")
        if value <= 0:
            raise FilterError("radius_km", "radius_km doit être un nombre positif (km).")
        if value > MAX_RADIUS_KM:
            raise FilterError(
                "radius_km", f"radius_km ne peut dépasser {MAX_RADIUS_KM:g} km (reçu {value:g})."
            )
        if f.near is None:
            raise FilterError(
                "radius_km",
                "radius_km demande un point de départ : donnez aussi near=latitude,longitude.",
            )
        f.radius_km = value

    functions = values(params, "function")
    unknown = [slug for slug in functions if slug not in FUNCTION_SLUGS]
    if unknown:
        raise FilterError(
            "function",
            f"fonction inconnue : « {unknown[0][:60]} ». Fonctions possibles : "
            + ", ".join(sorted(FUNCTION_SLUGS))
            + ".",
        )
    f.functions = list(dict.fromkeys(functions))

    family = single(params, "family")
    if family is not None:
        if family not in FAMILY_SLUGS:
            raise FilterError(
                "family",
                f"famille inconnue : « {family[:60]} ». Familles possibles : "
                + ", ".join(sorted(FAMILY_SLUGS))
                + ".",
            )
        f.family = family

    types = values(params, "type")
    unknown = [slug for slug in types if slug not in TYPE_SLUGS]
    if unknown:
        raise FilterError(
            "type",
            f"type de lieu inconnu : « {unknown[0][:60]} ». Types possibles : "
            + ", ".join(sorted(TYPE_SLUGS))
            + ".",
        )
    f.types = list(dict.fromkeys(types))

    commune = single(params, "commune")
    if commune is not None:
        if not INSEE_CODE.match(commune.upper()):
            raise FilterError(
                "commune",
                f"commune doit être un code INSEE à 5 caractères, par exemple 48095 (reçu « {commune[:40]} »).",
            )
        f.commune = commune.upper()

    open_at = single(params, "open_at")
    if open_at is not None:
        f.open_at = parse_datetime(open_at, "open_at")  # within the platform's years
    f.open_now = bool(parse_bool("open_now", single(params, "open_now")))

    f.free = bool(parse_bool("free", single(params, "free")))
    f.accessible = bool(parse_bool("accessible", single(params, "accessible")))
    f.mobile = parse_bool("mobile", single(params, "mobile"))

    q = single(params, "q") or ""
    if "\x00" in q:
        raise FilterError("q", "q ne peut contenir le caractère nul.")
    if len(q) > MAX_Q_LENGTH:
        raise FilterError("q", f"q ne peut dépasser {MAX_Q_LENGTH} caractères.")
    f.q = q
    return f
