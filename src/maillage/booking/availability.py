"""When a resource can be booked, and why a request cannot.

All times are aware datetimes; reasoning about days, opening hours and the
slot grid happens in Europe/Paris wall-clock time (``places.hours``), lengths
in real elapsed time, so the daylight-saving Sundays (last of March: a 23-hour
day; last of October: 25 hours) come out right.

- :func:`open_windows`: the resource's hours (its own, else its place's), the
  place's dated closures cut out, only within its seasons (if it has any),
  its blocks (exceptions) cut out.
- :func:`capacity_free`: the intervals where ``seats`` more fit beside the
  holding bookings (each holds ``[start, end + buffer)``).
- A booking ``[s, e)`` fits when ``[s, e)`` lies in one open window and
  ``[s, e + buffer)`` in one capacity-free interval — the same rule the
  database enforces.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from maillage.core import clock
from maillage.places import hours

from .models import Booking, Resource

PARIS = hours.PARIS
Interval = tuple[dt.datetime, dt.datetime]


@dataclass(frozen=True)
class Reason:
    code: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"code": self.code, "message": self.message}


def paris(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(PARIS)


def utc(moment: dt.datetime) -> dt.datetime:
    """Arithmetic and comparisons happen in UTC: Python ignores the offsets when
    subtracting two datetimes that share a tzinfo, which is wrong across DST."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment.astimezone(dt.UTC)


def _minutes(delta: dt.timedelta) -> float:
    return delta.total_seconds() / 60


def _subtract(intervals: list[Interval], cuts: list[Interval]) -> list[Interval]:
    out = []
    for a, b in intervals:
        pieces = [(a, b)]
        for c, d in cuts:
            nxt = []
            for x, y in pieces:
                if d <= x or c >= y:
                    nxt.append((x, y))
                    continue
                if x < c:
                    nxt.append((x, c))
                if d < y:
                    nxt.append((d, y))
            pieces = nxt
        out.extend(pieces)
    return out


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[list[dt.datetime]] = []
    for a, b in sorted(intervals):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]


def _closures(resource: Resource) -> list[hours.DateRange]:
    return [hours.DateRange(c.start_date, c.end_date) for c in resource.place.closures.all()]


def open_windows(resource: Resource, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """When the resource is open for booking between ``start`` and ``end`` (Paris time)."""
    if not resource.is_active or end <= start:
        return []
    start, end = utc(start), utc(end)
    seasons = list(resource.seasons.all())
    pieces = [
        (utc(a), utc(b))
        for a, b in hours.open_intervals(resource.hours, start, end, _closures(resource))
        if not seasons or any(s.contains(a.date()) for s in seasons)
    ]
    blocks = [(utc(b.start), utc(b.end)) for b in resource.blocks.all() if b.end > start]
    return _merge(_subtract(pieces, blocks)) if blocks else _merge(pieces)


def holding(resource: Resource, start: dt.datetime, end: dt.datetime, exclude=None):
    """(start, blocked_until, seats) of the holding bookings that touch ``[start, end)``."""
    qs = Booking.objects.holding().filter(resource=resource).overlapping(start, end)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return [(utc(a), utc(b), s) for a, b, s in qs.values_list("start", "blocked_until", "seats")]


def capacity_free(
    resource: Resource, start: dt.datetime, end: dt.datetime, seats: int = 1, *, busy=None
) -> list[Interval]:
    """Intervals of ``[start, end)`` where ``seats`` more fit."""
    start, end = utc(start), utc(end)
    busy = holding(resource, start, end) if busy is None else busy
    if not resource.is_pool:
        return _subtract([(start, end)], [(a, b) for a, b, _s in busy])
    capacity = resource.capacity
    points = sorted(
        {start, end, *(max(a, start) for a, _b, _s in busy), *(min(b, end) for _a, b, _s in busy)}
    )
    free = []
    for a, b in zip(points, points[1:], strict=False):
        if a >= b:
            continue
        used = sum(s for x, y, s in busy if x <= a < y)
        if used + seats <= capacity:
            free.append((a, b))
    return _merge(free)


def free_intervals(
    resource: Resource, start: dt.datetime, end: dt.datetime, seats: int = 1, *, busy=None
) -> list[Interval]:
    """Where a booking of ``seats`` can start and end: open, and room left
    (with the buffer after it). Only those at least ``min_minutes`` long."""
    windows = open_windows(resource, start, end)
    if not windows:
        return []
    start, end = utc(start), utc(end)
    buffer = dt.timedelta(minutes=resource.buffer_minutes)
    # bookings just after the range still constrain the buffer of the last slot
    free = capacity_free(resource, windows[0][0], windows[-1][1] + buffer, seats, busy=busy)
    out = []
    for a, b in windows:
        for c, d in free:
            x, y = max(a, c), min(b, d - buffer)
            if _minutes(y - x) >= resource.min_minutes:
                out.append((x, y))
    return out


def _aligned(moment: dt.datetime, slot: int) -> bool:
    local = paris(moment)
    return (
        local.second == 0
        and local.microsecond == 0
        and (local.hour * 60 + local.minute) % slot == 0
    )


def _align_up(moment: dt.datetime, slot: int) -> dt.datetime:
    local = paris(moment).replace(second=0, microsecond=0)
    if local < paris(moment):
        local += dt.timedelta(minutes=1)
    minutes = local.hour * 60 + local.minute
    rest = (-minutes) % slot
    return utc(local.replace(tzinfo=None) + dt.timedelta(minutes=rest))


def check(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    seats: int = 1,
    *,
    now: dt.datetime | None = None,
    exclude=None,
    rules: bool = True,
) -> list[Reason]:
    """Why ``[start, end)`` for ``seats`` cannot be booked; empty when it can.

    ``rules=False`` checks only what changes after booking (hours, seasons,
    closures, blocks, room): used to find the bookings a change hits.
    """
    now = now or clock.now()
    start, end = utc(start), utc(end)
    reasons: list[Reason] = []
    if not resource.is_active:
        return [Reason("withdrawn", "Cette ressource n'est plus proposée à la réservation.")]
    if end <= start:
        return [Reason("bad_range", "La fin doit être après le début.")]
    length = _minutes(end - start)
    if seats > resource.capacity:
        reasons.append(
            Reason("seats", f"Au plus {resource.capacity} personne(s) pour cette ressource.")
        )
    if rules:
        if start < now:
            reasons.append(Reason("past", "Ce créneau est déjà passé."))
        if start > now + dt.timedelta(days=resource.horizon_days):
            reasons.append(
                Reason("too_far", f"Réservable au plus {resource.horizon_days} jours à l'avance.")
            )
        if length < resource.min_minutes:
            reasons.append(Reason("too_short", f"Au moins {resource.min_minutes} minutes."))
        if length > resource.max_minutes:
            reasons.append(Reason("too_long", f"Au plus {resource.max_minutes} minutes."))
        if not (_aligned(start, resource.slot_minutes) and _aligned(end, resource.slot_minutes)):
            reasons.append(
                Reason(
                    "not_aligned",
                    f"Les créneaux commencent et finissent toutes les {resource.slot_minutes} minutes.",
                )
            )
    windows = open_windows(resource, start, end)
    if not any(a <= start and end <= b for a, b in windows):
        busy = any(
            b.source_id and utc(b.start) < end and utc(b.end) > start for b in resource.blocks.all()
        )
        reasons.append(
            Reason("busy", "La ressource est déjà occupée sur ce créneau (calendrier suivi).")
            if busy
            else Reason("closed", "La ressource n'est pas ouverte sur tout ce créneau.")
        )
    elif seats <= resource.capacity:
        buffer = dt.timedelta(minutes=resource.buffer_minutes)
        busy = holding(resource, start, end + buffer, exclude=exclude)
        need = 1 if not resource.is_pool else seats
        free = capacity_free(resource, start, end + buffer, need, busy=busy)
        if not any(a <= start and end + buffer <= b for a, b in free):
            reasons.append(
                Reason("taken", "Ce créneau est déjà réservé.")
                if not resource.is_pool
                else Reason("full", "Plus assez de places libres sur ce créneau.")
            )
    return reasons


def nearest_free(
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    seats: int = 1,
    *,
    count: int = 3,
    now: dt.datetime | None = None,
) -> list[Interval]:
    """The free slots of the same length nearest to ``start`` (a week either side)."""
    now = now or clock.now()
    start, end = utc(start), utc(end)
    length = end - start
    if length <= dt.timedelta(0) or not resource.is_active:
        return []
    lo = max(start - dt.timedelta(days=7), now)
    hi = min(start + dt.timedelta(days=7), now + dt.timedelta(days=resource.horizon_days)) + length
    if hi <= lo:
        return []
    slot = dt.timedelta(minutes=resource.slot_minutes)
    need = seats if resource.is_pool else 1
    candidates = []
    for a, b in free_intervals(resource, lo, hi, need):
        s = _align_up(a, resource.slot_minutes)
        while s + length <= b:
            if _aligned(s + length, resource.slot_minutes):
                candidates.append((s, s + length))
            s = s + slot
    candidates.sort(key=lambda c: (abs((c[0] - start).total_seconds()), c[0]))
    return candidates[:count]
