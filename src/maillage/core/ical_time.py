"""Times read from iCalendar files written by real calendar applications.

Used by every reader of outside calendars (a place's agenda import, a
resource's busy times): one answer to "what moment does this DTSTART mean".

- aware values (UTC ``Z``, or a ``TZID`` the icalendar package resolved, from
  the IANA database or the file's own VTIMEZONE) are kept;
- a naive value with a ``TZID`` icalendar could not resolve: the IANA name,
  a Windows name as Outlook writes them (``Romance Standard Time``, through
  icalendar's own table) or one of Outlook's display names;
- a floating value (no ``TZID``): the calendar's ``X-WR-TIMEZONE`` (Google),
  else the territory's time;
- a date (all-day): midnight, territory's time.
Years outside 1970–2200 (the platform's bound) are refused.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from .clock import PARIS

MIN_YEAR, MAX_YEAR = 1970, 2200
# Outlook's display names of its zones, seen as TZID in some exports.
OUTLOOK_DISPLAY_NAMES = {
    "(UTC+01:00) Brussels, Copenhagen, Madrid, Paris": "Europe/Paris",
    "(UTC+01:00) Amsterdam, Berlin, Bern, Rome, Stockholm, Vienna": "Europe/Berlin",
    "(UTC) Dublin, Edinburgh, Lisbon, London": "Europe/London",
    "(UTC+04:00) Port Louis": "Indian/Mauritius",
}


class TimeError(ValueError):
    """A date or time a calendar cannot mean (out of bounds, not a date)."""


def zone(name: str | None) -> dt.tzinfo | None:
    """The time zone a TZID names (IANA, Windows or Outlook display name), or None."""
    name = (name or "").strip().strip('"')
    for candidate in (name, WINDOWS_TO_OLSON.get(name, ""), OUTLOOK_DISPLAY_NAMES.get(name, "")):
        if not candidate:
            continue
        try:
            return ZoneInfo(candidate)
        except (ZoneInfoNotFoundError, ValueError):
            continue
    return None


def calendar_zone(calendar) -> dt.tzinfo:
    """Where a calendar's floating times are: its X-WR-TIMEZONE, else the territory's."""
    return zone(str(calendar.get("X-WR-TIMEZONE", ""))) or PARIS


def wall_clock(naive: dt.datetime, tz: dt.tzinfo) -> dt.datetime:
    """A wall-clock time in ``tz`` made aware; one skipped by the spring change moves
    forward as a clock does (02:30 → 03:30)."""
    moment = naive.replace(tzinfo=tz)
    roundtrip = moment.astimezone(dt.UTC).astimezone(tz)
    return roundtrip if roundtrip.replace(tzinfo=None) != naive else moment


def moment(
    value, tzid: str | None = None, *, floating: dt.tzinfo = PARIS, unknown: list | None = None
) -> tuple[dt.datetime, bool]:
    """(aware datetime in the territory's time, is_date) of a DTSTART-like value.

    A TZID no one knows is read in the territory's time and appended to ``unknown``."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            tz = zone(tzid) if tzid else floating
            if tz is None:
                if unknown is not None:
                    unknown.append(tzid)
                tz = PARIS
            value = wall_clock(value, tz)
        result, is_date = value, False
    elif isinstance(value, dt.date):
        result, is_date = dt.datetime.combine(value, dt.time(), tzinfo=PARIS), True
    else:
        raise TimeError(str(value)[:50])
    if not MIN_YEAR <= result.year <= MAX_YEAR:
        raise TimeError(str(value)[:50])
    return result.astimezone(PARIS), is_date
