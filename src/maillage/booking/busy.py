"""Busy times of outside calendars: a resource follows its hotel's booking system
or its host's own agenda, and is not offered when that calendar says it is taken.

A :class:`~maillage.booking.models.BusyCalendar` is fetched through
:mod:`maillage.core.fetch`; its busy times (VEVENTs that are not transparent nor
cancelled, every recurrence expanded by ``recurring-ical-events``, and VFREEBUSY
periods) between yesterday and the resource's booking horizon become
:class:`~maillage.booking.models.Block` rows, matched by a key (UID and start)
so an unchanged feed writes nothing. They are written **under the resource's
lock** (``services._locked``, the lock every booking takes before it checks),
so a booking and a refresh never cross: either the booking came first, and the
new busy time shows it to the host as a conflict (``services.conflicts``,
never cancelled silently), or the busy time came first and the booking is
refused. Availability, search and the booking form read blocks already.

Only times are stored: not the title, not the guests' names.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

import icalendar
import recurring_ical_events
from django.db import transaction
from django.utils.translation import gettext as _

from maillage.core import clock, fetch, ical_time

from . import services
from .models import Block, BusyCalendar, Resource

MAX_BUSY = 5000  # busy intervals kept per calendar
BUSY_REASON = "Occupé (calendrier suivi)"


class BusyError(ValueError):
    pass


@dataclasses.dataclass
class BusyReport:
    added: int = 0
    removed: int = 0
    kept: int = 0
    conflicts: int = 0
    not_modified: bool = False
    error: str = ""

    def summary(self) -> str:
        if self.error:
            return self.error
        text = (
            _("Calendrier inchangé.")
            if self.not_modified
            else _("%(a)s occupation(s) ajoutée(s), %(r)s retirée(s), %(k)s inchangée(s).")
            % {"a": self.added, "r": self.removed, "k": self.kept}
        )
        if self.conflicts:
            text += " " + _(
                "%(n)s réservation(s) acceptée(s) chevauchent une occupation : à vous de décider."
            ) % {"n": self.conflicts}
        return text


def _key(uid: str, start: dt.datetime) -> str:
    return hashlib.sha256(f"{uid}|{start.isoformat()}".encode()).hexdigest()


def _span(component, floating) -> tuple[dt.datetime, dt.datetime]:
    start_prop = component["DTSTART"]
    start, is_date = ical_time.moment(
        start_prop.dt, start_prop.params.get("TZID"), floating=floating
    )
    end_prop = component.get("DTEND")
    if end_prop is not None:
        end, _d = ical_time.moment(end_prop.dt, end_prop.params.get("TZID"), floating=floating)
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    else:
        end = start + (dt.timedelta(days=1) if is_date else dt.timedelta(0))
    return start, end


def busy_intervals(
    data: bytes, low: dt.datetime, high: dt.datetime
) -> list[tuple[str, dt.datetime, dt.datetime]]:
    """(key, start, end) of every busy time of the file that touches ``[low, high)``."""
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise BusyError(_("Ce fichier n'est pas un calendrier iCalendar (.ics)."))
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        raise BusyError(_("Calendrier illisible : %(e)s") % {"e": str(exc)[:200]}) from exc
    out: dict[str, tuple[str, dt.datetime, dt.datetime]] = {}
    for calendar in calendars:
        floating = ical_time.calendar_zone(calendar)
        try:
            instances = recurring_ical_events.of(calendar).between(low, high)
        except Exception as exc:  # the library raises its own kinds for broken rules
            raise BusyError(_("Calendrier illisible : %(e)s") % {"e": str(exc)[:200]}) from exc
        for component in instances:
            if str(component.get("STATUS", "")).upper() == "CANCELLED":
                continue
            if str(component.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT":
                continue
            if component.get("DTSTART") is None:
                continue
            try:
                start, end = _span(component, floating)
            except ical_time.TimeError:
                continue
            if end <= start or end <= low or start >= high:
                continue
            key = _key(str(component.get("UID", "")), start)
            out[key] = (key, start, end)
            if len(out) >= MAX_BUSY:
                break
        for freebusy in calendar.walk("VFREEBUSY"):
            periods = freebusy.get("FREEBUSY", [])
            for period in periods if isinstance(periods, list) else [periods]:
                if str(period.params.get("FBTYPE", "BUSY")).upper() == "FREE":
                    continue
                try:
                    start = ical_time.moment(period.start)[0]
                    end = ical_time.moment(period.end)[0]
                except (ical_time.TimeError, AttributeError, TypeError):
                    continue
                if end > start and end > low and start < high:
                    key = _key("FREEBUSY", start)
                    out[key] = (key, start, end)
    return sorted(out.values(), key=lambda i: i[1])


def window(resource: Resource, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    return now - dt.timedelta(days=1), now + dt.timedelta(days=resource.horizon_days + 1)


def apply(calendar: BusyCalendar, intervals, now=None) -> BusyReport:
    """Make the calendar's blocks match ``intervals``, under the resource's lock."""
    now = now or clock.now()
    report = BusyReport()
    with transaction.atomic():
        resource = services._locked(calendar.resource)
        existing = {b.source_key: b for b in calendar.blocks.all()}
        for key, start, end in intervals:
            block = existing.pop(key, None)
            if block is not None and (block.start, block.end) == (start, end):
                report.kept += 1
                continue
            if block is not None:
                block.start, block.end = start, end
                block.save(update_fields=["start", "end"])
            else:
                Block.objects.create(
                    resource=resource,
                    start=start,
                    end=end,
                    reason=BUSY_REASON,
                    source=calendar,
                    source_key=key,
                )
            report.added += 1
        stale = [b.pk for b in existing.values()]
        report.removed = len(stale)
        Block.objects.filter(pk__in=stale).delete()
    report.conflicts = len(services.conflicts(calendar.resource, now=now))
    return report


def _record(calendar: BusyCalendar, report: BusyReport, now: dt.datetime) -> None:
    calendar.last_attempt_at = now
    if report.error:
        calendar.last_error = report.error
    else:
        calendar.last_error = ""
        calendar.last_success_at = now
    calendar.last_report = report.summary()[:500]
    calendar.save(
        update_fields=[
            "last_attempt_at",
            "last_error",
            "last_success_at",
            "last_report",
            "etag",
            "last_modified",
        ]
    )


def refresh(calendar: BusyCalendar, now=None, *, force: bool = False) -> BusyReport:
    """Fetch the calendar and bring the resource's busy blocks up to date."""
    now = now or clock.now()
    url = calendar.url
    if url.lower().startswith(("webcal://", "webcals://")):
        url = "https://" + url.split("://", 1)[1]
    try:
        fetched = fetch.fetch(
            url,
            etag="" if force else calendar.etag,
            last_modified="" if force else calendar.last_modified,
            accept="text/calendar, */*;q=0.1",
        )
    except fetch.FetchError as exc:
        report = BusyReport(error=str(exc))
    else:
        if fetched.not_modified:
            report = BusyReport(not_modified=True)
            report.conflicts = len(services.conflicts(calendar.resource, now=now))
        else:
            low, high = window(calendar.resource, now)
            try:
                intervals = busy_intervals(fetched.content, low, high)
            except BusyError as exc:
                report = BusyReport(error=str(exc))
                calendar.etag = calendar.last_modified = ""
            else:
                calendar.etag, calendar.last_modified = fetched.etag, fetched.last_modified
                report = apply(calendar, intervals, now=now)
    _record(calendar, report, now)
    return report


def refresh_all(*, older_than: dt.timedelta | None = None, now=None) -> list[tuple]:
    now = now or clock.now()
    calendars = BusyCalendar.objects.select_related("resource__place")
    if older_than is not None:
        from django.db.models import Q

        calendars = calendars.filter(
            Q(last_attempt_at__isnull=True) | Q(last_attempt_at__lte=now - older_than)
        )
    return [(c, refresh(c, now=now)) for c in calendars]
