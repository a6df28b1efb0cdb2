"""The network's view: how much each resource is used (for coordinators).

Occupancy = booked time / bookable time over a period. Bookable time is the
resource's open windows (hours, seasons, closures, blocks: ``availability``)
times its capacity for a pool; booked time counts confirmed bookings (a
released or cancelled one is not use), seats times minutes for a pool.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Prefetch

from maillage.core import clock
from maillage.places.hours import month_range
from maillage.places.models import Closure

from . import availability
from .models import Booking, Resource, Status


@dataclass
class Row:
    resource: Resource
    month: str  # YYYY-MM
    open_minutes: float
    booked_minutes: float

    @property
    def rate(self) -> float | None:
        return self.booked_minutes / self.open_minutes if self.open_minutes else None


def months(first: dt.date, last: dt.date) -> list[tuple[int, int]]:
    out, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month) and len(out) < 36:
        out.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def rows(first: dt.date, last: dt.date, resources=None) -> list[Row]:
    resources = list(
        (resources if resources is not None else Resource.objects.all())
        .select_related("place")
        .prefetch_related(
            "seasons", "blocks", Prefetch("place__closures", queryset=Closure.objects.all())
        )
    )
    periods = [(f"{y}-{m:02d}", *month_range(y, m)) for y, m in months(first, last)]
    if not periods:
        return []
    lo, hi = periods[0][1], periods[-1][2]
    booked = defaultdict(list)
    for b in Booking.objects.filter(status=Status.CONFIRMED, start__lt=hi, end__gt=lo).values_list(
        "resource_id", "start", "end", "seats"
    ):
        booked[b[0]].append(b[1:])
    out = []
    for r in resources:
        weight = r.capacity if r.is_pool else 1
        for label, a, b in periods:
            a_utc, b_utc = availability.utc(a), availability.utc(b)
            open_minutes = (
                sum((y - x).total_seconds() / 60 for x, y in availability.open_windows(r, a, b))
                * weight
            )
            used = 0.0
            for s, e, seats in booked[r.pk]:
                x, y = max(s, a_utc), min(e, b_utc)
                if y > x:
                    used += (y - x).total_seconds() / 60 * (seats if r.is_pool else 1)
            out.append(Row(r, label, open_minutes, used))
    return out


def summarise(data: list[Row], key) -> list[dict]:
    groups: dict = defaultdict(lambda: [0.0, 0.0])
    for row in data:
        g = groups[key(row)]
        g[0] += row.open_minutes
        g[1] += row.booked_minutes
    return sorted(
        (
            {"key": k, "open_hours": o / 60, "booked_hours": u / 60, "rate": (u / o if o else None)}
            for k, (o, u) in groups.items()
        ),
        key=lambda d: (d["rate"] is None, d["rate"] or 0),
    )


SEASONS = {
    12: "hiver",
    1: "hiver",
    2: "hiver",
    3: "printemps",
    4: "printemps",
    5: "printemps",
    6: "été",
    7: "été",
    8: "été",
    9: "automne",
    10: "automne",
    11: "automne",
}


def season_of(month: str) -> str:
    """'2026-12' → 'hiver 2026-2027' (a winter spans two years)."""
    year, m = int(month[:4]), int(month[5:])
    name = SEASONS[m]
    if name == "hiver":
        first = year if m == 12 else year - 1
        return f"{name} {first}-{first + 1}"
    return f"{name} {year}"


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or clock.today()
    first = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1)
    return first, today
