"""Reading a host's iCalendar export into events, as the calendar applications mean it.

The icalendar package parses (and builds time zones from the file's own
VTIMEZONE blocks); this module decides what each VEVENT means for the agenda:

- one *master* VEVENT per UID (no RECURRENCE-ID) gives the event: DTSTART,
  DTEND or DURATION, RRULE (expanded later by :mod:`maillage.events.recurrence`
  on the Paris wall clock, as calendar applications do), EXDATE;
- VEVENTs with the same UID and a RECURRENCE-ID are *overrides* of one date:
  moved (their own DTSTART/DTEND) or, with ``STATUS:CANCELLED``, cancelled
  (Google's way; Nextcloud and Thunderbird write an EXDATE instead);
- an override without its master (an invitation to one date of someone else's
  series) is an event of its own;
- ``STATUS:CANCELLED`` on a master, and ``CLASS:PRIVATE`` / ``CONFIDENTIAL``
  events, are left out (they disappear if they were here);
- times: UTC (``Z``), ``TZID`` (IANA names, Windows names written by Outlook
  such as ``Romance Standard Time``, or any zone the file defines in a
  VTIMEZONE), floating times (read in ``X-WR-TIMEZONE`` when the file names
  one, else in the territory's time); all-day events (``VALUE=DATE``, and
  Outlook's ``X-MICROSOFT-CDO-ALLDAYEVENT``) run from midnight to midnight.

Everything a file can send is bounded: number of events, years (1970–2200),
lengths of texts, rules the platform accepts (no more often than daily).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import html
import re

import icalendar
from django.utils.html import strip_tags
from django.utils.translation import gettext as _

from maillage.core import ical_time

from . import recurrence
from .recurrence import RuleError, local_naive

MAX_EVENTS = 2000
TITLE_MAX = 200
DESCRIPTION_MAX = 5000
UID_MAX = 500
DEFAULT_DURATION = dt.timedelta(hours=1)  # an event with a start and no end
# Outlook's display names of its zones, seen as TZID in some exports.


class CalendarError(ValueError):
    """The file is not an iCalendar file we can read; the message says why, in French."""


@dataclasses.dataclass
class ImportedEvent:
    uid: str
    title: str
    description: str
    start: dt.datetime  # aware
    end: dt.datetime
    all_day: bool = False
    rule: str = ""
    exdates: list[str] = dataclasses.field(default_factory=list)  # local "YYYY-MM-DDTHH:MM"
    # original start (aware) -> (start, end) of a moved date
    moved: dict[dt.datetime, tuple[dt.datetime, dt.datetime]] = dataclasses.field(
        default_factory=dict
    )

    def digest(self) -> str:
        parts = [
            self.uid,
            self.title,
            self.description,
            self.start.isoformat(),
            self.end.isoformat(),
            str(self.all_day),
            self.rule,
            ",".join(sorted(self.exdates)),
            ",".join(
                f"{k.isoformat()}>{s.isoformat()}/{e.isoformat()}"
                for k, (s, e) in sorted(self.moved.items())
            ),
        ]
        return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclasses.dataclass
class Parsed:
    events: list[ImportedEvent]
    warnings: list[str]


class _Reader:
    def __init__(self, calendar: icalendar.Calendar):
        self.warnings: list[str] = []
        self.floating = ical_time.calendar_zone(calendar)

    def at(self, value, tzid: str | None, *, what: str) -> tuple[dt.datetime, bool]:
        """(aware datetime in Paris, is_date) of a date or date-time value."""
        unknown: list = []
        try:
            result = ical_time.moment(value, tzid, floating=self.floating, unknown=unknown)
        except ical_time.TimeError as exc:
            raise ValueError(what) from exc
        for name in unknown:
            self.warnings.append(
                _("Fuseau horaire inconnu « %(tz)s » : heure lue à l'heure de Paris.")
                % {"tz": name}
            )
        return result

    def moment(self, prop, *, what: str) -> tuple[dt.datetime, bool]:
        """A DTSTART/DTEND/RECURRENCE-ID property as (aware datetime, is_date)."""
        return self.at(prop.dt, prop.params.get("TZID"), what=what)

    def moments(self, prop) -> list[dt.datetime]:
        """Every value of a (possibly repeated, possibly comma-separated) EXDATE."""
        props = prop if isinstance(prop, list) else [prop]
        return [
            self.at(value.dt, p.params.get("TZID"), what="EXDATE")[0]
            for p in props
            for value in p.dts
        ]


HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")
HTML_BREAK = re.compile(r"<\s*(br|/p|/div|/li)\s*/?\s*>", re.IGNORECASE)


def _text(component, name: str, limit: int) -> str:
    value = str(component.get(name, "") or "")
    value = value.replace("\r\n", "\n").replace("\x00", "")
    if HTML_TAG.search(value):  # Google writes its descriptions in HTML: keep the text
        value = html.unescape(strip_tags(HTML_BREAK.sub("\n", value)))
    value = value.strip()
    return value[:limit]


def _rule(component, start: dt.datetime) -> str:
    rrule = component.get("RRULE")
    if rrule is None:
        return ""
    rrule = rrule[0] if isinstance(rrule, list) else rrule
    parts = []
    for key, values in rrule.items():
        if key == "UNTIL":
            until = values[0]
            if isinstance(until, dt.datetime):
                if until.tzinfo is None:
                    until = until.replace(tzinfo=start.tzinfo)
                until_text = local_naive(until).strftime("%Y%m%dT%H%M%S")
            else:  # a date: the whole day counts
                until_text = until.strftime("%Y%m%dT235959")
            parts.append(f"UNTIL={until_text}")
            continue
        rendered = icalendar.vRecur({key: values}).to_ical().decode()
        parts.append(rendered)
    return recurrence.clean_rule(";".join(parts))


def _all_day(component, is_date: bool) -> bool:
    flag = str(component.get("X-MICROSOFT-CDO-ALLDAYEVENT", "")).upper() == "TRUE"
    return is_date or flag


def _span(reader: _Reader, component) -> tuple[dt.datetime, dt.datetime, bool]:
    start, is_date = reader.moment(component["DTSTART"], what="DTSTART")
    if component.get("DTEND") is not None:
        end, _end_is_date = reader.moment(component["DTEND"], what="DTEND")
    elif component.get("DURATION") is not None:
        end = start + component["DURATION"].dt
    else:
        end = start + (dt.timedelta(days=1) if is_date else DEFAULT_DURATION)
    if end <= start:  # zero-length or broken: the platform's events last
        end = start + (dt.timedelta(days=1) if is_date else DEFAULT_DURATION)
    return start, end, _all_day(component, is_date)


def _hidden(component) -> bool:
    return str(component.get("CLASS", "PUBLIC")).upper() in ("PRIVATE", "CONFIDENTIAL")


def _cancelled(component) -> bool:
    return str(component.get("STATUS", "")).upper() == "CANCELLED"


def parse(data: bytes) -> Parsed:
    """The events of an iCalendar file, and what was left out (with the reason)."""
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise CalendarError(_("Ce fichier n'est pas un calendrier iCalendar (.ics)."))
    try:
        calendars = icalendar.Calendar.from_ical(data, multiple=True)
    except ValueError as exc:
        raise CalendarError(
            _("Calendrier illisible : %(error)s") % {"error": str(exc)[:200]}
        ) from exc
    events: dict[str, ImportedEvent] = {}
    overrides: list[tuple[str, object]] = []
    warnings: list[str] = []
    count = 0
    for calendar in calendars:
        reader = _Reader(calendar)
        for component in calendar.walk("VEVENT"):
            count += 1
            if count > MAX_EVENTS:
                warnings.append(
                    _("Plus de %(n)s événements : les suivants sont ignorés.") % {"n": MAX_EVENTS}
                )
                break
            uid = _text(component, "UID", UID_MAX)
            title = _text(component, "SUMMARY", TITLE_MAX) or _("(sans titre)")
            if not uid or component.get("DTSTART") is None:
                warnings.append(_("« %(t)s » : sans UID ni début, ignoré.") % {"t": title})
                continue
            if component.get("RECURRENCE-ID") is not None:
                overrides.append((uid, component, reader))
                continue
            if _cancelled(component) or _hidden(component):
                continue
            try:
                start, end, all_day = _span(reader, component)
                rule = _rule(component, start)
                exdates = []
                if component.get("EXDATE") is not None:
                    exdates = [
                        local_naive(m).isoformat(timespec="minutes")
                        for m in reader.moments(component["EXDATE"])
                    ]
            except (ValueError, RuleError, KeyError, TypeError) as exc:
                warnings.append(
                    _("« %(t)s » : date ou règle de répétition illisible (%(e)s), ignoré.")
                    % {"t": title, "e": str(exc)[:100]}
                )
                continue
            events[uid] = ImportedEvent(
                uid=uid,
                title=title,
                description=_text(component, "DESCRIPTION", DESCRIPTION_MAX),
                start=start,
                end=end,
                all_day=all_day,
                rule=rule,
                exdates=sorted(set(exdates)),
            )
        warnings += reader.warnings
    for uid, component, reader in overrides:
        title = _text(component, "SUMMARY", TITLE_MAX) or _("(sans titre)")
        try:
            original, _is_date = reader.moment(component["RECURRENCE-ID"], what="RECURRENCE-ID")
            start, end, all_day = _span(reader, component)
        except (ValueError, KeyError, TypeError):
            warnings.append(_("« %(t)s » : date modifiée illisible, ignorée.") % {"t": title})
            continue
        master = events.get(uid)
        if master is None:  # one date of a series we do not have: an event of its own
            if _cancelled(component) or _hidden(component):
                continue
            key = f"{uid}#{local_naive(original).isoformat(timespec='minutes')}"[:UID_MAX]
            events[key] = ImportedEvent(
                uid=key,
                title=title,
                description=_text(component, "DESCRIPTION", DESCRIPTION_MAX),
                start=start,
                end=end,
                all_day=all_day,
            )
            continue
        if _cancelled(component):
            label = local_naive(original).isoformat(timespec="minutes")
            if label not in master.exdates:
                master.exdates = sorted({*master.exdates, label})
            master.moved.pop(original, None)
        elif (start, end) != (original, original + (master.end - master.start)):
            master.moved[original] = (start, end)
    for item in events.values():
        item.exdates = [e for e in item.exdates if e]
    return Parsed(list(events.values()), warnings)


def normalise_url(url: str) -> str:
    """``webcal://`` (the scheme calendar links use) is HTTPS; others stay as they are."""
    url = (url or "").strip()
    return re.sub(r"^webcals?://", "https://", url, flags=re.IGNORECASE)
