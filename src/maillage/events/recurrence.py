"""Expanding an event's RFC 5545 rule into its occurrences, in local time.

Rules are expanded on the *wall clock* of Europe/Paris (naive local times),
then each instance is given the zone: "every first Thursday at 18:00" stays at
18:00 on both sides of a daylight-saving change, as a calendar application
does with ``DTSTART;TZID=Europe/Paris``. Exceptions (EXDATE) are local
datetimes of instances that do not take place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

PARIS = ZoneInfo("Europe/Paris")
# Never expand more than this many instances of one rule (a bounded amount of work).
MAX_INSTANCES = 1000


class RuleError(ValueError):
    """A recurrence rule that dateutil cannot read, or that the platform refuses."""


def local_naive(moment: dt.datetime, tz: dt.tzinfo = PARIS) -> dt.datetime:
    """``moment`` as a naive wall-clock time in ``tz`` (aware input is converted)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(tz)
    return moment.replace(tzinfo=None, microsecond=0)


def aware(naive: dt.datetime, tz: dt.tzinfo = PARIS) -> dt.datetime:
    """A wall-clock time in ``tz`` made aware; a time skipped by the spring change
    is moved forward as a clock would be (02:30 → 03:30)."""
    moment = naive.replace(tzinfo=tz)
    roundtrip = moment.astimezone(dt.UTC).astimezone(tz)
    if roundtrip.replace(tzinfo=None) != naive:  # in the gap: normalise through UTC
        return roundtrip
    return moment


def clean_rule(rule: str) -> str:
    """The rule without an optional ``RRULE:`` prefix, checked; '' stays ''."""
    rule = (rule or "").strip()
    if rule.upper().startswith("RRULE:"):
        rule = rule[6:]
    if not rule:
        return ""
    if "\n" in rule or "DTSTART" in rule.upper():
        raise RuleError("only one RRULE, without DTSTART")
    try:
        rrulestr(rule, dtstart=dt.datetime(2026, 1, 1))
    except (ValueError, TypeError) as error:
        raise RuleError(str(error)) from error
    upper = rule.upper()
    if "FREQ=SECONDLY" in upper or "FREQ=MINUTELY" in upper or "FREQ=HOURLY" in upper:
        raise RuleError("events repeat at most daily")
    return rule


def expand(
    start: dt.datetime,
    rule: str,
    window_start: dt.datetime,
    window_end: dt.datetime,
    exdates: Iterable[dt.datetime] = (),
    tz: dt.tzinfo = PARIS,
) -> list[dt.datetime]:
    """The aware starts of the instances in [window_start, window_end).

    ``start`` is the first instance (DTSTART); without a rule it is the only one.
    ``exdates`` are the starts of instances that do not take place (aware or
    local naive).
    """
    first = local_naive(start, tz)
    low, high = local_naive(window_start, tz), local_naive(window_end, tz)
    excluded = {local_naive(e, tz) for e in exdates}
    rule = clean_rule(rule)
    if not rule:
        naives = [first] if low <= first < high else []
    else:
        recurrence = rrulestr(rule, dtstart=first)
        naives = []
        for instance in recurrence.xafter(max(low, first), count=MAX_INSTANCES, inc=True):
            if instance >= high:
                break
            naives.append(instance)
    return [aware(n, tz) for n in naives if n not in excluded]
