"""Turn the domain's answers into what a page shows, in plain French.

Nothing here decides a rule: when a place is open comes from ``places.hours``
and the models; this module only words it ("Fermé · ouvre mardi à 9 h") and
lays it out (a weekly table, the next stops of a mobile unit, a history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.core import clock
from maillage.places import hours
from maillage.places.models import Audience, Closure, MobileStop, Place, PlaceFunction

PARIS = hours.PARIS
WEEK_DAYS = 7
STOPS_HORIZON_DAYS = 14


# ---------------------------------------------------------------- words for times


def time_label(moment: dt.datetime | dt.time, *, end: bool = False) -> str:
    """``9 h``, ``9 h 30``; midnight at the end of an interval is ``minuit``."""
    if end and moment.hour == 0 and moment.minute == 0:
        return _("minuit")
    # Non-breaking spaces: "9 h 30" never splits across lines.
    if moment.minute == 0:
        return _("%(hour)d\u00a0h") % {"hour": moment.hour}
    return _("%(hour)d\u00a0h\u00a0%(minute)02d") % {"hour": moment.hour, "minute": moment.minute}


def interval_label(start: dt.datetime, end: dt.datetime) -> str:
    if start.time() == dt.time() and end - start >= dt.timedelta(days=1):
        return _("toute la journée")
    return _("%(start)s – %(end)s") % {
        "start": time_label(start),
        "end": time_label(end, end=True),
    }


def day_label(day: dt.date) -> str:
    """``mardi 1er décembre``, ``mercredi 2 décembre``."""
    if day.day == 1:
        return _("%(weekday)s 1er %(month)s") % {
            "weekday": date_format(day, "l"),
            "month": date_format(day, "F"),
        }
    return date_format(day, "l j F")


def weekday_label(day: dt.date) -> str:
    return date_format(day, "l")


def moment_phrase(moment: dt.datetime, now: dt.datetime) -> str:
    """When ``moment`` is, said from ``now``: "aujourd'hui à 14 h", "mardi à 9 h"."""
    moment = moment.astimezone(PARIS)
    days = (moment.date() - now.astimezone(PARIS).date()).days
    at = time_label(moment)
    if days == 0:
        return _("aujourd'hui à %(time)s") % {"time": at}
    if days == 1:
        return _("demain à %(time)s") % {"time": at}
    if 1 < days < 7:
        return _("%(weekday)s à %(time)s") % {"weekday": weekday_label(moment.date()), "time": at}
    return _("le %(day)s à %(time)s") % {"day": day_label(moment.date()), "time": at}


# ---------------------------------------------------------------- open or closed


@dataclass(frozen=True)
class OpenStatus:
    state: str  # "open", "closed" or "unknown"
    label: str  # "Ouvert maintenant"
    detail: str = ""  # "ferme à 17 h"

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def _merged(intervals: Iterable[tuple[dt.datetime, dt.datetime]]):
    """Join intervals that touch (``open_intervals`` cuts them at midnight)."""
    merged: list[list[dt.datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]


def open_status(
    expression: str, closures: Iterable[hours.DateRange] = (), now: dt.datetime | None = None
) -> OpenStatus:
    now = (now or clock.now()).astimezone(PARIS)
    if not expression:
        return OpenStatus("unknown", _("Horaires non renseignés"))
    closures = list(closures)
    # Lazily: only the current interval (or the next one) is read, not a year of them.
    ahead = hours.open_intervals(expression, now, now + dt.timedelta(days=366), closures)
    first = next(ahead, None)
    if first is not None and first[0] <= now:
        end = first[1]
        for start, stop in ahead:  # join the pieces cut at midnight
            if start > end or end - now > dt.timedelta(days=7):
                break
            end = max(end, stop)
        if end - now > dt.timedelta(days=6):
            return OpenStatus("open", _("Ouvert maintenant"))
        return OpenStatus(
            "open", _("Ouvert maintenant"), _("ferme %(when)s") % {"when": _closing(end, now)}
        )
    closure = next((c for c in closures if c.contains(now.date())), None)
    detail = _("ouvre %(when)s") % {"when": moment_phrase(first[0], now)} if first else ""
    if closure:
        label = _("Fermeture exceptionnelle jusqu'au %(day)s") % {"day": day_label(closure.end)}
        return OpenStatus("closed", label, detail)
    return OpenStatus("closed", _("Fermé"), detail)


def _closing(end: dt.datetime, now: dt.datetime) -> str:
    end = end.astimezone(PARIS)
    same_day = end.date() == now.date()
    at_midnight = end.time() == dt.time() and end.date() == now.date() + dt.timedelta(days=1)
    if same_day or at_midnight:
        return _("à %(time)s") % {"time": time_label(end, end=True)}
    return moment_phrase(end, now)


def place_status(place: Place, now: dt.datetime | None = None) -> OpenStatus:
    return open_status(place.opening_hours, place.closure_ranges(), now)


# ---------------------------------------------------------------- a week of hours


@dataclass
class DayHours:
    day: dt.date
    label: str
    is_today: bool
    intervals: list[str] = field(default_factory=list)
    closure: str = ""  # the reason of a dated closure covering that day

    @property
    def is_open(self) -> bool:
        return bool(self.intervals) and not self.closure


def week_hours(
    expression: str, closures: Iterable[Closure] = (), today: dt.date | None = None
) -> list[DayHours]:
    """The next seven days from ``today``, each with its opening intervals."""
    today = today or timezone.localdate()
    start = dt.datetime.combine(today, dt.time(), PARIS)
    end = start + dt.timedelta(days=WEEK_DAYS)
    days = [
        DayHours(day=d, label=day_label(d), is_today=d == today)
        for d in (today + dt.timedelta(days=i) for i in range(WEEK_DAYS))
    ]
    by_date = {d.day: d for d in days}
    if expression:
        for a, b in _merged(hours.open_intervals(expression, start, end)):
            row = by_date.get(a.date())
            if row is not None:
                row.intervals.append(interval_label(a, b))
    for closure in closures:
        for row in days:
            if closure.start_date <= row.day <= closure.end_date:
                row.closure = closure.reason or _("fermeture exceptionnelle")
    return days


def weekly_summary(expression: str, today: dt.date | None = None) -> list[tuple[str, str]]:
    """The days of the coming week that have hours: [("mardi", "14 h – 17 h"), ...]."""
    return [
        (weekday_label(row.day), ", ".join(row.intervals))
        for row in week_hours(expression, (), today)
        if row.intervals
    ]


# ---------------------------------------------------------------- mobile units


@dataclass(frozen=True)
class StopVisit:
    stop: MobileStop
    start: dt.datetime
    end: dt.datetime

    @property
    def day(self) -> str:
        return day_label(self.start.date())

    @property
    def times(self) -> str:
        return interval_label(self.start, self.end)


def stop_visits(
    stops: Iterable[MobileStop],
    now: dt.datetime | None = None,
    days: int = STOPS_HORIZON_DAYS,
) -> list[StopVisit]:
    """Every visit of these stops from ``now`` over ``days`` days, soonest first."""
    now = (now or clock.now()).astimezone(PARIS)
    horizon = dt.datetime.combine(now.date() + dt.timedelta(days=days), dt.time(), PARIS)
    visits = []
    for stop in stops:
        closures = stop.place.closure_ranges()
        for a, b in _merged(hours.open_intervals(stop.opening_hours, now, horizon, closures)):
            visits.append(StopVisit(stop, a, b))
    visits.sort(key=lambda v: (v.start, v.stop.commune.name))
    return visits


# ---------------------------------------------------------------- functions


@dataclass(frozen=True)
class FunctionOffer:
    """A function of a place as its page shows it."""

    place_function: PlaceFunction
    own_hours: list[tuple[str, str]]
    audiences: list[str]
    next_slot: str = ""  # "le jeudi 10 décembre à 18 h" when nothing this week

    @property
    def function(self):
        return self.place_function.function


def audience_labels(values: Iterable[str]) -> list[str]:
    labels = dict(Audience.choices)
    return [str(labels.get(v, v)) for v in values]


def function_offers(place: Place, today: dt.date | None = None, now=None) -> list[FunctionOffer]:
    now = (now or clock.now()).astimezone(PARIS)
    offers = []
    for pf in place.place_functions.all():
        own = weekly_summary(pf.opening_hours, today) if pf.opening_hours else []
        next_slot = ""
        if pf.opening_hours and not own:
            moment = hours.next_opening(pf.opening_hours, now, place.closure_ranges())
            next_slot = moment_phrase(moment, now) if moment else ""
        offers.append(
            FunctionOffer(
                place_function=pf,
                own_hours=own,
                audiences=audience_labels(pf.audiences or []),
                next_slot=next_slot,
            )
        )
    return offers


# The function that best stands for a place of each type, when it offers it
# (a France Services offers digital access too, but it is first a door to
# public services). Presentation only: with no match, taxonomy order decides.
TYPE_PICTOGRAM = {
    "france-services": "public-service-orientation",
    "public-service": "public-service-orientation",
    "town-hall": "public-service-orientation",
    "telecentre": "workspaces",
    "coworking": "workspaces",
    "co-home": "workspaces",
    "fablab": "fablab",
    "cultural-venue": "culture",
    "radio": "culture",
    "youth-service": "social-support",
    "association": "pooling",
}


def main_function(place: Place, functions: Iterable[str] = (), family: str | None = None):
    """The function shown as the place's pictogram: the one searched for if the
    place offers it, else the one standing for its type, else its first in
    taxonomy order."""
    offers = [pf.function for pf in place.place_functions.all()]
    wanted = set(functions)
    for function in offers:
        if function.slug in wanted or (not wanted and family and function.family.slug == family):
            return function
    typical = TYPE_PICTOGRAM.get(place.type)
    for function in offers:
        if function.slug == typical:
            return function
    return offers[0] if offers else None


# ---------------------------------------------------------------- a place in a list


@dataclass(frozen=True)
class PlaceRow:
    place: Place
    distance_km: float | None
    status: OpenStatus | None
    main_function: object
    next_visit: StopVisit | None = None


def place_row(
    place: Place, distance_km: float | None = None, now=None, place_filter=None
) -> PlaceRow:
    """What a card of a list shows about a place (its list data prefetched)."""
    now = now or clock.now()
    next_visit = None
    status = None
    if place.is_mobile:
        visits = stop_visits(place.stops.all(), now)
        next_visit = visits[0] if visits else None
    if place.opening_hours or not place.is_mobile:
        status = place_status(place, now)
    main = main_function(
        place,
        place_filter.functions if place_filter else (),
        place_filter.family if place_filter else None,
    )
    return PlaceRow(place, distance_km, status, main, next_visit)
