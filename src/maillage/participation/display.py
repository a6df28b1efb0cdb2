"""How a proposal's changes read for a coordinator: label, current value, proposed value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

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
