"""Agenda import: a place's events kept in the host's own calendar.

A :class:`~maillage.events.models.CalendarSubscription` is refreshed (on a
schedule by ``maillage sync-calendars``, or when the host asks): the URL is
fetched through :mod:`maillage.core.fetch` (conditional request: an unchanged
feed costs a 304), read by :mod:`maillage.events.ical_import`, and each event
is matched by its UID with the one imported before:

- a new UID becomes an event of the place, a draft unless the subscription
  publishes new events itself (the host chooses what is published);
- a known UID whose content changed is updated (the host's choice to publish
  it is kept), an unchanged one is not written at all;
- its dates are the platform's own (``services.sync_occurrences``), with the
  source's moved dates applied and its cancelled dates excluded;
- a UID gone from the source (deleted there, or cancelled) is removed here
  (cancelled instead when people registered to one of its dates).

Errors never lose what was imported: the subscription keeps its events and
records the error beside the time of its last successful refresh.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from maillage.core import clock, fetch

from . import ical_import, services
from .models import CalendarSubscription, Event, Registration


@dataclasses.dataclass
class SyncReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    not_modified: bool = False
    error: str = ""
    warnings: list[str] = dataclasses.field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.removed)

    def summary(self) -> str:
        if self.error:
            return self.error
        if self.not_modified:
            return _("Calendrier inchangé depuis la dernière mise à jour.")
        parts = [
            ngettext("%(n)s événement ajouté", "%(n)s événements ajoutés", self.created)
            % {"n": self.created},
            ngettext("%(n)s modifié", "%(n)s modifiés", self.updated) % {"n": self.updated},
            ngettext("%(n)s retiré", "%(n)s retirés", self.removed) % {"n": self.removed},
            ngettext("%(n)s inchangé", "%(n)s inchangés", self.unchanged) % {"n": self.unchanged},
        ]
        if self.warnings:
            parts.append(
                ngettext("%(n)s ignoré", "%(n)s ignorés", len(self.warnings))
                % {"n": len(self.warnings)}
            )
        return ", ".join(parts) + "."


def _apply_moves(event: Event, item: ical_import.ImportedEvent) -> bool:
    """The source's moved dates on the event's occurrences; a date no longer moved
    there goes back to its place in the rule. True when something was written."""
    duration = event.duration
    changed = False
    for occurrence in event.occurrences.all():
        start, end = item.moved.get(
            occurrence.original_start,
            (occurrence.original_start, occurrence.original_start + duration),
        )
        moved = occurrence.original_start in item.moved
        if (occurrence.start, occurrence.end, occurrence.is_modified) != (start, end, moved):
            occurrence.start, occurrence.end, occurrence.is_modified = start, end, moved
            occurrence.sequence += 1
            occurrence.save(update_fields=["start", "end", "is_modified", "sequence"])
            changed = True
    return changed


def _remove(event: Event) -> None:
    """An event gone from its source: deleted, or cancelled when people registered."""
    registered = Registration.objects.filter(
        occurrence__event=event,
        status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
    ).exists()
    if registered:
        if event.status != Event.Status.CANCELLED:
            services.cancel_event(event)
    else:
        event.delete()


def import_events(
    subscription: CalendarSubscription, parsed: ical_import.Parsed, now=None
) -> SyncReport:
    """Make the subscription's events match ``parsed`` (see the module's docstring)."""
    now = now or clock.now()
    report = SyncReport(warnings=list(parsed.warnings))
    with transaction.atomic():
        existing = {e.source_uid: e for e in subscription.events.all()}
        for item in parsed.events:
            event = existing.pop(item.uid, None)
            digest = item.digest()
            fields = {
                "title": item.title,
                "description": item.description,
                "start": item.start,
                "end": item.end,
                "all_day": item.all_day,
                "recurrence_rule": item.rule,
                "exdates": item.exdates,
            }
            if event is None:
                event = Event(
                    place=subscription.place,
                    source=subscription,
                    source_uid=item.uid,
                    slug=services.unique_slug(item.title),
                    status=Event.Status.SCHEDULED
                    if subscription.publish_new
                    else Event.Status.DRAFT,
                    created_by=subscription.created_by,
                    **fields,
                )
                event.source_digest = digest
                event.save()
                report.created += 1
            elif event.source_digest != digest:
                for name, value in fields.items():
                    setattr(event, name, value)
                event.source_digest = digest
                event.sequence += 1
                event.save()
                report.updated += 1
            else:
                report.unchanged += 1
            services.sync_occurrences(event, now=now)
            _apply_moves(event, item)
        for event in existing.values():
            _remove(event)
            report.removed += 1
    return report


def _record(subscription: CalendarSubscription, report: SyncReport, now: dt.datetime) -> None:
    subscription.last_attempt_at = now
    if report.error:
        subscription.last_error = report.error
    else:
        subscription.last_error = ""
        subscription.last_success_at = now
    subscription.last_report = report.summary()[:500]
    subscription.save(
        update_fields=[
            "last_attempt_at",
            "last_error",
            "last_success_at",
            "last_report",
            "etag",
            "last_modified",
        ]
    )


def import_file(subscription: CalendarSubscription, data: bytes, now=None) -> SyncReport:
    """Import an uploaded ``.ics`` (or a fetched one) into the subscription."""
    now = now or clock.now()
    try:
        parsed = ical_import.parse(data)
    except ical_import.CalendarError as exc:
        report = SyncReport(error=str(exc))
    else:
        report = import_events(subscription, parsed, now=now)
    _record(subscription, report, now)
    return report


def refresh(subscription: CalendarSubscription, now=None, *, force: bool = False) -> SyncReport:
    """Fetch the subscription's URL and import what changed (``force``: ignore ETag)."""
    now = now or clock.now()
    if not subscription.url:
        return SyncReport(error=_("Cet agenda a été envoyé en fichier : rien à actualiser."))
    try:
        fetched = fetch.fetch(
            ical_import.normalise_url(subscription.url),
            etag="" if force else subscription.etag,
            last_modified="" if force else subscription.last_modified,
            accept="text/calendar, application/ics;q=0.9, */*;q=0.1",
        )
    except fetch.FetchError as exc:
        report = SyncReport(error=str(exc))
        _record(subscription, report, now)
        return report
    if fetched.not_modified:
        report = SyncReport(not_modified=True)
        # The horizon moves with time: dates entering it are materialised anyway.
        with transaction.atomic():
            for event in subscription.events.all():
                if event.recurrence_rule:
                    services.sync_occurrences(event, now=now)
        _record(subscription, report, now)
        return report
    subscription.etag, subscription.last_modified = fetched.etag, fetched.last_modified
    report = import_file(subscription, fetched.content, now=now)
    if report.error:  # an unreadable answer: ask for the whole file next time
        subscription.etag = subscription.last_modified = ""
        subscription.save(update_fields=["etag", "last_modified"])
    return report


def refresh_all(*, older_than: dt.timedelta | None = None, now=None) -> list[tuple]:
    """Refresh every URL subscription (not tried for ``older_than``): [(subscription, report)]."""
    now = now or clock.now()
    subscriptions = CalendarSubscription.objects.exclude(url="").select_related("place")
    if older_than is not None:
        from django.db.models import Q

        subscriptions = subscriptions.filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - older_than)
        )
    return [(s, refresh(s, now=now)) for s in subscriptions]


def set_published(event: Event, published: bool) -> None:
    """The host's choice for one imported event: published (scheduled) or kept as a draft."""
    status = Event.Status.SCHEDULED if published else Event.Status.DRAFT
    if event.status != status and event.status != Event.Status.CANCELLED:
        event.status = status
        event.sequence += 1
        event.save(update_fields=["status", "sequence", "updated_at"])
