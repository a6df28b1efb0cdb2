"""When a place is open: OpenStreetMap ``opening_hours`` plus dated closures.

Every question ("open now", "open at", "open this weekend", "in August") comes
down to :func:`is_open_at` and :func:`open_intervals`. Times are in
Europe/Paris; public holidays (``PH``) are France's (``country="FR"``: without
it opening-hours-py silently ignores ``PH``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours as oh_lib

PARIS = ZoneInfo("Europe/Paris")


class InvalidOpeningHours(ValueError):
    pass


def validate(expression: str) -> None:
    """Raise InvalidOpeningHours unless ``expression`` is valid OSM syntax (empty is valid)."""
    if expression and not oh_lib.validate(expression):
        raise InvalidOpeningHours(
            f"« {expression} » n'est pas une expression opening_hours valide."
        )


@lru_cache(maxsize=4096)
def _parsed(expression: str) -> oh_lib.OpeningHours:
    try:
        return oh_lib.OpeningHours(expression, country="FR", timezone=PARIS)
    except oh_lib.ParserError as exc:
        # one exception for callers to catch, the same validate() raises
        raise InvalidOpeningHours(
            f"« {expression} » n'est pas une expression opening_hours valide."
        ) from exc


def _aware(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=PARIS)
    return moment.astimezone(PARIS)


@dataclass(frozen=True)
class DateRange:
    start: dt.date
    end: dt.date  # inclusive

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def is_public_holiday(day: dt.date) -> bool:
    """Whether ``day`` is a public holiday in France: the calendar of ``PH`` in opening
    hours (Christmas, 14 July, Easter Monday, Ascension...), so the two never differ."""
    return _parsed("PH").is_open(dt.datetime.combine(day, dt.time(12), PARIS))


def expression_is_open(expression: str, moment: dt.datetime) -> bool:
    """Open at ``moment`` by ``expression`` alone. An empty expression is unknown: not open."""
    if not expression:
        return False
    return _parsed(expression).is_open(_aware(moment))


def is_open_at(expression: str, moment: dt.datetime, closures: Iterable[DateRange] = ()) -> bool:
    moment = _aware(moment)
    if any(c.contains(moment.date()) for c in closures):
        return False
    return expression_is_open(expression, moment)


def open_intervals(
    expression: str,
    start: dt.datetime,
    end: dt.datetime,
    closures: Iterable[DateRange] = (),
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """The open intervals between ``start`` and ``end``, closures cut out."""
    if not expression:
        return
    closures = list(closures)
    start, end = _aware(start), _aware(end)
    for a, b, state, _comment in _parsed(expression).intervals(start, end):
        if state != oh_lib.State.OPEN:
            continue
        day = a.date()
        # Split at midnight so a closure removes whole days exactly.
        while a < b:
            midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(), PARIS)
            piece_end = min(b, midnight)
            if not any(c.contains(day) for c in closures):
                yield a, piece_end
            a, day = piece_end, day + dt.timedelta(days=1)


def is_open_during(
    expression: str, start: dt.datetime, end: dt.datetime, closures: Iterable[DateRange] = ()
) -> bool:
    """Open at some moment between ``start`` and ``end`` ("this weekend", "in August")."""
    return next(open_intervals(expression, start, end, closures), None) is not None


def next_opening(
    expression: str,
    moment: dt.datetime,
    closures: Iterable[DateRange] = (),
    horizon_days: int = 366,
) -> dt.datetime | None:
    moment = _aware(moment)
    first = next(
        open_intervals(expression, moment, moment + dt.timedelta(days=horizon_days), closures), None
    )
    return first[0] if first else None


# Monday to Friday, France's public holidays off: what "working days" means everywhere.
WORKING_DAYS = "Mo-Fr 00:00-24:00; PH off"


def is_working_day(day: dt.date) -> bool:
    """A weekday that is not a French public holiday."""
    return expression_is_open(WORKING_DAYS, dt.datetime.combine(day, dt.time(12), PARIS))


def working_days_from(day: dt.date, count: int) -> list[dt.date]:
    """The ``count`` working days from ``day`` on (``day`` itself when it is one)."""
    days: list[dt.date] = []
    while len(days) < count:
        if is_working_day(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def weekend_of(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Saturday 00:00 to Monday 00:00 of the weekend on or after ``day``."""
    saturday = day + dt.timedelta(days=(5 - day.weekday()) % 7)
    if day.weekday() == 6:  # Sunday: this weekend is the current one
        saturday = day - dt.timedelta(days=1)
    start = dt.datetime.combine(saturday, dt.time(), PARIS)
    return start, start + dt.timedelta(days=2)


def month_range(year: int, month: int) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime(year, month, 1, tzinfo=PARIS)
    end = dt.datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=PARIS)
    return start, end
