"""iCalendar feeds (RFC 5545) and RSS/Atom of the agenda.

A recurring event is one VEVENT with ``RRULE``/``EXDATE`` (what a calendar
application subscribes to), plus one VEVENT per date moved or cancelled alone,
carrying the same UID and a ``RECURRENCE-ID``. Times are written with
``TZID=Europe/Paris`` and a VTIMEZONE, so that a rule keeps its wall-clock time
across daylight saving. A cancelled event or date stays with
``STATUS:CANCELLED``, so that subscribed calendars remove it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Prefetch
from django.utils.feedgenerator import Atom1Feed
from icalendar import Calendar, Timezone, vRecur
from icalendar import Event as VEvent

from maillage.core import clock, french
from maillage.core.mail import absolute, site_url

from .models import Event, Occurrence
from .recurrence import PARIS


def uid(event: Event) -> str:
    host = site_url().split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    return f"event-{event.pk}@{host}"


def _local(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


def _base_vevent(event: Event, stamp: dt.datetime) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", uid(event))
    vevent.add("dtstamp", stamp.astimezone(dt.UTC))
    vevent.add("summary", event.title)
    if event.description:
        vevent.add("description", event.description)
    vevent.add("location", event.location_label)
    if event.latitude is not None and event.longitude is not None:
        vevent.add("geo", (event.latitude, event.longitude))
    vevent.add("url", absolute(event.get_absolute_url()))
    categories = [f.name for f in event.functions.all()]
    if categories:
        vevent.add("categories", categories)
    return vevent


def event_components(event: Event, occurrences: Iterable[Occurrence]) -> list[VEvent]:
    stamp = event.updated_at or clock.now()
    occurrences = list(occurrences)
    cancelled = event.status == Event.Status.CANCELLED
    master = _base_vevent(event, stamp)
    start, end, status_cancelled = event.start, event.end, cancelled
    if not event.recurrence_rule:
        # A single date: its own move or cancellation is the master's.
        for occurrence in occurrences:
            if occurrence.is_modified:
                start, end = occurrence.start, occurrence.end
                status_cancelled = occurrence.is_cancelled
    master.add("dtstart", _local(start))
    master.add("dtend", _local(end))
    master.add("sequence", event.sequence + sum(o.sequence for o in occurrences))
    master.add("status", "CANCELLED" if status_cancelled else "CONFIRMED")
    if event.recurrence_rule:
        master.add("rrule", vRecur.from_ical(event.recurrence_rule))
        excluded = [s.replace(tzinfo=PARIS) for s in event.excluded_starts()]
        if excluded:
            master.add("exdate", excluded)
    components = [master]
    if not event.recurrence_rule:
        return components
    excluded_keys = {s.replace(tzinfo=PARIS) for s in event.excluded_starts()}
    for occurrence in occurrences:
        if not occurrence.is_modified or _local(occurrence.original_start) in excluded_keys:
            continue
        override = _base_vevent(event, stamp)
        override.add("recurrence-id", _local(occurrence.original_start))
        override.add("dtstart", _local(occurrence.start))
        override.add("dtend", _local(occurrence.end))
        override.add("sequence", event.sequence + occurrence.sequence)
        override.add("status", "CANCELLED" if cancelled or occurrence.is_cancelled else "CONFIRMED")
        components.append(override)
    return components


PARIS_VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/Paris
BEGIN:DAYLIGHT
TZNAME:CEST
TZOFFSETFROM:+0100
TZOFFSETTO:+0200
DTSTART:19700329T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
END:DAYLIGHT
BEGIN:STANDARD
TZNAME:CET
TZOFFSETFROM:+0200
TZOFFSETTO:+0100
DTSTART:19701025T030000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
END:STANDARD
END:VTIMEZONE
"""


def paris_vtimezone() -> Timezone:
    """Europe/Paris as the EU rule (last Sunday of March and of October), valid
    for any year (icalendar's own lists each change and stops in 2038)."""
    return Timezone.from_ical(PARIS_VTIMEZONE.replace("\n", "\r\n"))


def calendar(events: Iterable[Event], name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Maillage//Agenda//FR")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Europe/Paris")
    cal.add_component(paris_vtimezone())
    for event in events:
        for component in event_components(event, event.occurrences.all()):
            cal.add_component(component)
    return cal


def feed_events(**filters):
    """Published events (cancelled ones included) for a feed, with what it shows."""
    return (
        Event.objects.published()
        .filter(**filters)
        .select_related("place__commune", "stop__commune")
        .prefetch_related(
            "functions",
            Prefetch("occurrences", queryset=Occurrence.objects.within_bounds().order_by("start")),
        )
        .distinct()
    )


# --- RSS / Atom --------------------------------------------------------------------


class UpcomingFeed(Feed):
    """The next dates of the network's agenda."""

    description_template = "events/feed_item.html"

    def title(self):
        return f"{settings.MAILLAGE_NETWORK_NAME} · Agenda"

    def link(self):
        return "/agenda/"

    def description(self):
        return "Les prochains événements des lieux partagés."

    def items(self):
        return (
            Occurrence.objects.visible()
            .upcoming()
            .select_related("event__place__commune", "event__stop__commune")
            .order_by("start")[:50]
        )

    def item_title(self, item):
        prefix = "[Annulé] " if item.is_cancelled else ""
        when = french.datetime_label(item.start, year=True)
        return f"{prefix}{item.event.title} · {when}"

    def item_link(self, item):
        return item.get_absolute_url()

    def item_guid(self, item):
        return f"occurrence-{item.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, item):
        return item.event.created_at

    def item_updateddate(self, item):
        return item.event.updated_at


class UpcomingAtomFeed(UpcomingFeed):
    feed_type = Atom1Feed
    subtitle = UpcomingFeed.description
