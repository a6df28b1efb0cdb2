"""A simple week of opening hours, to and from OpenStreetMap ``opening_hours``.

People describe hours day by day ("closed", or one or two time ranges); the
platform stores the OpenStreetMap syntax that :mod:`maillage.places.hours`
answers every question from. :func:`to_expression` writes a week as that syntax
(consecutive days with the same hours grouped: ``Mo-Fr 09:00-12:00,14:00-17:00;
Sa 09:00-12:00; PH off``); :func:`from_expression` reads back an expression
when it is simple enough to be a week (weekdays, at most two ranges a day, an
optional ``PH off``), else returns None and the raw text is shown instead.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from . import hours

DAYS: tuple[str, ...] = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
MAX_RANGES = 2

Range = tuple[dt.time, dt.time]


@dataclass(frozen=True)
class Week:
    """Seven days (Monday first), each a tuple of 0 to 2 (start, end) ranges; no
    range means closed. ``holidays_off``: closed on French public holidays."""

    days: tuple[tuple[Range, ...], ...] = field(default_factory=lambda: ((),) * 7)
    holidays_off: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(self.days)


class WeekError(ValueError):
    """A day's hours make no sense; ``day`` is its index (0 = Monday) and
    ``position`` the range (0 or 1), or None for the whole day."""

    def __init__(self, message: str, day: int, position: int | None = None):
        super().__init__(message)
        self.message, self.day, self.position = message, day, position


def _hhmm(moment: dt.time) -> str:
    return f"{moment.hour:02d}:{moment.minute:02d}"


def validate(week: Week) -> None:
    """Raise :class:`WeekError` (in French) unless every range ends after it starts
    and a day's second range comes after its first."""
    if len(week.days) != len(DAYS):
        raise ValueError("a week has seven days")
    for index, ranges in enumerate(week.days):
        if len(ranges) > MAX_RANGES:
            raise WeekError(_("Deux plages horaires au plus par jour."), index)
        for position, (start, end) in enumerate(ranges):
            if end <= start:
                raise WeekError(
                    _(
                        "La fin (%(end)s) doit venir après le début (%(start)s). Pour des "
                        "horaires qui passent minuit, écrivez-les dans la syntaxe OpenStreetMap."
                    )
                    % {"start": _hhmm(start), "end": _hhmm(end)},
                    index,
                    position,
                )
        if len(ranges) == MAX_RANGES and ranges[1][0] < ranges[0][1]:
            raise WeekError(
                _("La seconde plage doit commencer après la fin de la première (%(end)s).")
                % {"end": _hhmm(ranges[0][1])},
                index,
                1,
            )


def _day_list(indexes: list[int]) -> str:
    """``[0, 1, 2, 4]`` → ``Mo-We,Fr`` (runs of three or more days as a span)."""
    parts, run = [], [indexes[0]]
    for index in indexes[1:]:
        if index == run[-1] + 1:
            run.append(index)
            continue
        parts.append(run)
        run = [index]
    parts.append(run)
    out = []
    for run in parts:
        if len(run) >= 3:
            out.append(f"{DAYS[run[0]]}-{DAYS[run[-1]]}")
        else:
            out.extend(DAYS[i] for i in run)
    return ",".join(out)


def to_expression(week: Week) -> str:
    """The OpenStreetMap ``opening_hours`` of ``week`` ("" when no day has hours and
    holidays are not said to be closed). Days with the same ranges share one rule."""
    validate(week)
    rules: dict[str, list[int]] = {}
    for index, ranges in enumerate(week.days):
        if ranges:
            times = ",".join(f"{_hhmm(a)}-{_hhmm(b)}" for a, b in ranges)
            rules.setdefault(times, []).append(index)
    parts = [f"{_day_list(days)} {times}" for times, days in rules.items()]
    if week.holidays_off and parts:
        parts.append("PH off")
    expression = "; ".join(parts)
    hours.validate(expression)  # never store what the hours rule would refuse
    return expression


_TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
_RANGE = re.compile(rf"^({_TIME})-({_TIME})$")
_DAY_SPAN = re.compile(r"^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$")


def _days(text: str) -> list[int] | None:
    found: list[int] = []
    for part in text.split(","):
        match = _DAY_SPAN.match(part)
        if not match:
            return None
        first = DAYS.index(match.group(1))
        last = DAYS.index(match.group(2)) if match.group(2) else first
        if last < first:  # Sa-Mo wraps round the week: leave it to the raw text
            return None
        found.extend(range(first, last + 1))
    return found


def _ranges(text: str) -> tuple[Range, ...] | None:
    out = []
    for part in text.split(","):
        match = _RANGE.match(part)
        if not match:
            return None
        start, end = (dt.time.fromisoformat(t) for t in match.groups())
        out.append((start, end))
    return tuple(out)


def from_expression(expression: str) -> Week | None:
    """The week ``expression`` describes when it is that simple, else None.

    Understood: rules ``DAYS TIMES`` or ``DAYS off`` separated by ``;`` (a later
    rule replaces an earlier one for its days, as in OpenStreetMap), and ``PH
    off``. Anything else (months, weeks, ``24/7``, comments, three ranges a
    day, a range past midnight) returns None."""
    expression = (expression or "").strip()
    if not expression:
        return Week()
    try:
        hours.validate(expression)
    except hours.InvalidOpeningHours:
        return None
    days: list[tuple[Range, ...]] = [()] * 7
    holidays_off = False
    for rule in (r.strip() for r in expression.split(";")):
        if not rule:
            continue
        if rule == "PH off":
            holidays_off = True
            continue
        selector, _space, times = rule.partition(" ")
        indexes = _days(selector)
        if indexes is None:
            return None
        ranges = () if times.strip() in ("off", "closed") else _ranges(times.strip())
        if ranges is None:
            return None
        for index in indexes:
            days[index] = ranges
    week = Week(tuple(days), holidays_off)
    try:
        validate(week)
    except WeekError:
        return None
    return week
