"""How a proposal's changes read for a coordinator: label, current value, proposed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from maillage.core.geo import point_or_centroid
from maillage.places.models import Function, Place
from maillage.territory.models import Commune

from .models import Proposal
from .services import FUNCTIONS, PROPOSABLE_FIELDS, place_values


@dataclass(frozen=True)
class ChangeRow:
    label: str
    current: str
    proposed: str

    @property
    def changed(self) -> bool:
        return self.current != self.proposed


def _readable(field: str, value: Any) -> str:
    if value in (None, "", []):
        return ""
    if field == FUNCTIONS:
        names = dict(Function.objects.filter(slug__in=value).values_list("slug", "name"))
        return ", ".join(str(names.get(slug, slug)) for slug in value)
    if field == "commune":
        commune = Commune.objects.filter(pk=value).first()
        return str(commune) if commune else str(value)
    model_field = Place._meta.get_field(field)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    return str(value)


def _label(field: str) -> str:
    if field == FUNCTIONS:
        return _("fonctions")
    return str(Place._meta.get_field(field).verbose_name)


def change_rows(proposal: Proposal) -> list[ChangeRow]:
    """One row per proposed value; for a correction, beside the place's value now."""
    is_correction = proposal.kind == Proposal.Kind.CORRECTION and proposal.place_id
    current = place_values(proposal.place) if is_correction else {}
    order = {name: i for i, name in enumerate((*PROPOSABLE_FIELDS, FUNCTIONS))}
    rows = []
    for field in sorted(proposal.changes, key=lambda f: order.get(f, len(order))):
        if field not in order or (not is_correction and proposal.changes[field] in ("", None, [])):
            continue
        rows.append(
            ChangeRow(
                label=_label(field),
                current=_readable(field, current.get(field)),
                proposed=_readable(field, proposal.changes[field]),
            )
        )
    return rows


@dataclass(frozen=True)
class ProposedPosition:
    """Where a proposal would put its place: its point, else its commune's centre
    (``approximate``); None coordinates when neither is known."""

    latitude: float | None
    longitude: float | None
    approximate: bool
    commune: Commune | None

    @property
    def centroid(self) -> str:
        """The commune's centre as "lat,lon" for the map, or ""."""
        c = self.commune
        if c is None or c.centroid_lat is None:
            return ""
        return f"{c.centroid_lat},{c.centroid_lon}"


def proposal_position(proposal: Proposal) -> ProposedPosition:
    """The position rule (:func:`maillage.core.geo.point_or_centroid`) applied to a
    proposal: the values it proposes, else those of the place it corrects."""
    current = place_values(proposal.place) if proposal.place_id else {}
    values = {**current, **proposal.changes}
    commune = Commune.objects.filter(pk=values.get("commune")).first()
    lat, lon, approximate = point_or_centroid(
        values.get("latitude"),
        values.get("longitude"),
        commune.centroid_lat if commune else None,
        commune.centroid_lon if commune else None,
    )
    return ProposedPosition(lat, lon, approximate, commune)


def position_communes() -> list[list]:
    """[code, name, centroid lat, lon, min_lat, min_lon, max_lat, max_lon] of the
    territory's communes: the proposal map frames the commune chosen."""
    rows = Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS).order_by("name")
    return [
        list(r)
        for r in rows.values_list(
            "code",
            "name",
            "centroid_lat",
            "centroid_lon",
            "min_lat",
            "min_lon",
            "max_lat",
            "max_lon",
        )
    ]
