"""Which ideas a list shows and in what order, for the pages, the API and the export alike.

Three orders only, each on something the list shows: newest first, most
supported first (the count is printed beside each idea), or by status along the
life cycle. No hidden score.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When

from maillage.places.filters import INSEE_CODE
from maillage.places.search import FilterError

from .models import Idea, Status

SORTS = ("recentes", "soutiens", "etat")
STATUS_ORDER = [s.value for s in Status]


@dataclass(frozen=True)
class Listing:
    sort: str = "recentes"
    status: str = ""
    place: str = ""  # a place's slug
    commune: str = ""  # an INSEE code
    scope: str = ""  # "place", "commune", "network" or "" (all)


def parse_listing(params) -> Listing:
    """Read ``tri``/``sort``, ``etat``/``status``, ``place``, ``commune``, ``scope``; a bad one
    raises FilterError naming it."""

    def value(*names: str) -> tuple[str, str]:
        for name in names:
            raw = params.get(name)
            if raw not in (None, ""):
                if len(raw) > 100:
                    raise FilterError(name, "valeur trop longue.")
                return name, raw.strip()
        return names[0], ""

    name, sort = value("sort", "tri")
    if sort and sort not in SORTS:
        raise FilterError(name, f"valeurs possibles : {', '.join(SORTS)}.")
    name, status = value("status", "etat")
    if status and status not in STATUS_ORDER:
        raise FilterError(name, f"valeurs possibles : {', '.join(STATUS_ORDER)}.")
    name, scope = value("scope")
    if scope and scope not in ("place", "commune", "network"):
        raise FilterError(name, "valeurs possibles : place, commune, network.")
    _, place = value("place")
    _, commune = value("commune")
    if commune and not INSEE_CODE.match(commune.upper()):
        raise FilterError(
            "commune",
            f"commune doit être un code INSEE, par exemple 48095 (reçu « {commune[:20]} »).",
        )
    commune = commune.upper()
    return Listing(
        sort=sort or "recentes", status=status, place=place, commune=commune, scope=scope
    )


def list_ideas(queryset, listing: Listing):
    """``queryset`` (visible ideas, with counts) filtered and ordered as ``listing`` says."""
    qs = queryset.visible().with_counts().select_related("place__commune", "commune", "theme")
    if listing.status:
        qs = qs.filter(status=listing.status)
    if listing.place:
        qs = qs.filter(place__slug=listing.place)
    if listing.commune:
        qs = qs.in_commune_code(listing.commune)
    if listing.scope == "place":
        qs = qs.filter(place__isnull=False)
    elif listing.scope == "commune":
        qs = qs.filter(place__isnull=True, commune__isnull=False)
    elif listing.scope == "network":
        qs = qs.filter(place__isnull=True, commune__isnull=True)
    if listing.sort == "soutiens":
        return qs.order_by("-support_count", "-created_at", "-pk")
    if listing.sort == "etat":
        rank = Case(
            *[When(status=s, then=Value(i)) for i, s in enumerate(STATUS_ORDER)],
            output_field=IntegerField(),
        )
        return qs.annotate(status_rank=rank).order_by("status_rank", "-created_at", "-pk")
    return qs.order_by("-created_at", "-pk")


__all__ = ["FilterError", "Idea", "Listing", "list_ideas", "parse_listing"]
