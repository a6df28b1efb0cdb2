"""The history of a place's page, read from django-simple-history.

One list, newest first, merging the place's own records with those of its
functions, closures and mobile stops: when, who (the person's display name,
else "contribution": a username is never shown), and what changed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from maillage.core import french
from maillage.places.models import Closure, MobileStop, Notice, Place, PlaceFunction

DEFAULT_LIMIT = 30
# Bookkeeping columns nobody reading the page cares about.
_IGNORED = {"id", "created_at", "updated_at", "source", "source_id", "slug"}


@dataclass(frozen=True)
class HistoryEntry:
    when: dt.datetime
    who: str
    what: str
    reason: str = ""


def _who(record) -> str:
    user = getattr(record, "history_user", None)
    name = getattr(user, "display_name", "") if user is not None else ""
    return name or _("contribution")


def _field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # a field removed since: show its name
        return name


def _changed_fields(record, model) -> list[str]:
    previous = record.prev_record
    if previous is None:
        return []
    delta = record.diff_against(previous)
    return [_field_label(model, name) for name in delta.changed_fields if name not in _IGNORED]


def _place_entry(record) -> HistoryEntry | None:
    return _entry(
        record,
        _describe(
            record,
            Place,
            _("Création de la fiche"),
            _("Suppression de la fiche"),
            _("Fiche modifiée"),
        ),
    )


def _describe(record, model, added: str, removed: str, changed: str) -> str | None:
    """``changed`` is said before the list of changed fields; None if nothing shown changed."""
    if record.history_type == "+":
        return added
    if record.history_type == "-":
        return removed
    fields = _changed_fields(record, model)
    if not fields:
        return None
    return _("%(what)s : %(fields)s") % {"what": changed, "fields": ", ".join(fields)}


def _entry(record, what: str | None) -> HistoryEntry | None:
    if what is None:
        return None
    return HistoryEntry(record.history_date, _who(record), what, record.history_change_reason or "")


def _function_entry(record) -> HistoryEntry | None:
    names = {"name": str(record.function) if record.function_id else "?"}
    return _entry(
        record,
        _describe(
            record,
            PlaceFunction,
            _("Fonction ajoutée : %(name)s") % names,
            _("Fonction retirée : %(name)s") % names,
            _("Fonction « %(name)s » modifiée") % names,
        ),
    )


def _closure_entry(record) -> HistoryEntry | None:
    dates = {
        "dates": _("du %(start)s au %(end)s")
        % {
            "start": french.date_label(record.start_date),
            "end": french.date_label(record.end_date),
        }
    }
    return _entry(
        record,
        _describe(
            record,
            Closure,
            _("Fermeture annoncée %(dates)s") % dates,
            _("Fermeture retirée %(dates)s") % dates,
            _("Fermeture %(dates)s modifiée") % dates,
        ),
    )


def _stop_entry(record) -> HistoryEntry | None:
    where = {"where": record.commune.name if record.commune_id else "?"}
    return _entry(
        record,
        _describe(
            record,
            MobileStop,
            _("Arrêt ajouté : %(where)s") % where,
            _("Arrêt retiré : %(where)s") % where,
            _("Arrêt à %(where)s modifié") % where,
        ),
    )


def _notice_entry(record) -> HistoryEntry | None:
    message = {"message": record.message}
    return _entry(
        record,
        _describe(
            record,
            Notice,
            _("Annonce publiée : « %(message)s »") % message,
            _("Annonce retirée : « %(message)s »") % message,
            _("Annonce modifiée : « %(message)s »") % message,
        ),
    )


def place_history(place: Place, limit: int = DEFAULT_LIMIT) -> list[HistoryEntry]:
    sources = [
        (place.history.select_related("history_user"), _place_entry),
        (
            PlaceFunction.history.filter(place_id=place.pk).select_related(
                "history_user", "function"
            ),
            _function_entry,
        ),
        (Closure.history.filter(place_id=place.pk).select_related("history_user"), _closure_entry),
        (
            MobileStop.history.filter(place_id=place.pk).select_related("history_user", "commune"),
            _stop_entry,
        ),
        (Notice.history.filter(place_id=place.pk).select_related("history_user"), _notice_entry),
    ]
    entries = []
    for queryset, describe in sources:
        for record in queryset.order_by("-history_date")[:limit]:
            entry = describe(record)
            if entry is not None:
                entries.append(entry)
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit]
