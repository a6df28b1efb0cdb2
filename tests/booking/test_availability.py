"""Availability: hours, seasons, closures, blocks, buffers, the DST Sundays."""

from __future__ import annotations

import datetime as dt

from maillage.booking import availability as av
from maillage.booking.models import Block, Booking, Season
from maillage.places.models import Closure

from .conftest import NOW, make_resource, paris


def codes(reasons):
    return [r.code for r in reasons]


def test_place_hours_by_default(room):
    windows = av.open_windows(room, paris(2026, 11, 30), paris(2026, 12, 1))  # a Monday
    assert windows == [(paris(2026, 11, 30, 8), paris(2026, 11, 30, 19))]
    assert av.open_windows(room, paris(2026, 11, 28), paris(2026, 11, 29)) == []  # Saturday


def test_own_hours_override(room):
    room.opening_hours = "Tu 14:00-18:00"
    assert av.open_windows(room, paris(2026, 11, 30), paris(2026, 12, 2)) == [
        (paris(2026, 12, 1, 14), paris(2026, 12, 1, 18))
    ]


def test_seasonal_window_wraps_the_new_year(hotel):
    seminar = make_resource(hotel, name="Salle de séminaire", kind="meeting-room")
    Season.objects.create(resource=seminar, start_month=11, start_day=1, end_month=3, end_day=31)
    assert av.open_windows(seminar, paris(2027, 1, 10, 9), paris(2027, 1, 10, 12))
    assert av.open_windows(seminar, paris(2027, 3, 31, 9), paris(2027, 3, 31, 12))
    assert av.open_windows(seminar, paris(2027, 4, 1, 9), paris(2027, 4, 1, 12)) == []
    assert codes(av.check(seminar, paris(2027, 6, 1, 9), paris(2027, 6, 1, 11), now=NOW)) == [
        "closed"
    ]


def test_school_in_summer_only(mende):
    from maillage.places.models import Place

    school = Place.objects.create(
        name="Collège",
        slug="college",
        type="school",
        commune=mende,
        opening_hours="Mo-Fr 08:00-18:00",
    )
    classroom = make_resource(school, name="Salle 12", kind="meeting-room")
    Season.objects.create(resource=classroom, start_month=7, end_month=8, end_day=31)
    assert av.open_windows(classroom, paris(2027, 7, 5), paris(2027, 7, 6))
    assert av.open_windows(classroom, paris(2027, 9, 6), paris(2027, 9, 7)) == []


def test_place_closure_and_resource_block(room, atelier):
    Closure.objects.create(
        place=atelier, start_date=dt.date(2026, 12, 1), end_date=dt.date(2026, 12, 1)
    )
    Block.objects.create(resource=room, start=paris(2026, 12, 2, 10), end=paris(2026, 12, 2, 12))
    assert av.open_windows(room, paris(2026, 12, 1), paris(2026, 12, 2)) == []
    assert av.open_windows(room, paris(2026, 12, 2), paris(2026, 12, 3)) == [
        (paris(2026, 12, 2, 8), paris(2026, 12, 2, 10)),
        (paris(2026, 12, 2, 12), paris(2026, 12, 2, 19)),
    ]


def test_rules(room):
    monday = (2026, 11, 30)
    assert av.check(room, paris(*monday, 9), paris(*monday, 10), now=NOW) == []
    assert "past" in codes(av.check(room, paris(2026, 11, 24, 9), paris(2026, 11, 24, 10), now=NOW))
    assert "not_aligned" in codes(
        av.check(room, paris(*monday, 9, 10), paris(*monday, 10), now=NOW)
    )
    assert "too_short" in codes(av.check(room, paris(*monday, 9), paris(*monday, 9, 15), now=NOW))
    assert "too_long" in codes(av.check(room, paris(*monday, 8), paris(*monday, 19), now=NOW))
    assert "seats" in codes(av.check(room, paris(*monday, 9), paris(*monday, 10), 9, now=NOW))
    assert "closed" in codes(av.check(room, paris(*monday, 18), paris(*monday, 20), now=NOW))
    room.horizon_days = 3
    assert "too_far" in codes(av.check(room, paris(*monday, 9), paris(*monday, 10), now=NOW))


def test_buffer_between_bookings(room, person):
    room.buffer_minutes = 30
    room.save()
    Booking.objects.create(
        resource=room, user=person, start=paris(2026, 11, 30, 10), end=paris(2026, 11, 30, 11)
    )
    assert codes(av.check(room, paris(2026, 11, 30, 11), paris(2026, 11, 30, 12), now=NOW)) == [
        "taken"
    ]
    assert codes(av.check(room, paris(2026, 11, 30, 9), paris(2026, 11, 30, 10), now=NOW)) == [
        "taken"
    ]
    assert av.check(room, paris(2026, 11, 30, 11, 30), paris(2026, 11, 30, 12), now=NOW) == []
    assert av.check(room, paris(2026, 11, 30, 8), paris(2026, 11, 30, 9, 30), now=NOW) == []
    free = av.free_intervals(room, paris(2026, 11, 30), paris(2026, 12, 1))
    assert free == [
        (paris(2026, 11, 30, 8), paris(2026, 11, 30, 9, 30)),
        (paris(2026, 11, 30, 11, 30), paris(2026, 11, 30, 19)),
    ]


def test_spring_forward_last_sunday_of_march(hotel):
    desk = make_resource(hotel, name="Bureau", kind="office", max_minutes=600)
    day = (2027, 3, 28)  # 02:00 → 03:00: a 23-hour day
    windows = av.open_windows(desk, paris(*day), paris(2027, 3, 29))
    assert sum((b - a).total_seconds() for a, b in windows) == 23 * 3600
    # 01:00 → 04:00 on the wall clock is two real hours
    start, end = paris(*day, 1), paris(*day, 4)
    assert (av.utc(end) - av.utc(start)) == dt.timedelta(hours=2)
    assert av.check(desk, start, end, now=NOW) == []
    desk.max_minutes = 150
    assert av.check(desk, start, end, now=NOW) == []
    desk.max_minutes = 90
    assert "too_long" in codes(av.check(desk, start, end, now=NOW))


def test_fall_back_last_sunday_of_october(hotel, person):
    desk = make_resource(hotel, name="Bureau", kind="office")
    day = (2027, 10, 31)  # 03:00 → 02:00: a 25-hour day
    windows = av.open_windows(desk, paris(*day), paris(2027, 11, 1))
    assert sum((b - a).total_seconds() for a, b in windows) == 25 * 3600
    Booking.objects.create(resource=desk, user=person, start=paris(*day, 1), end=paris(*day, 4))
    booked = Booking.objects.get()
    assert booked.end - booked.start == dt.timedelta(hours=4)
    # the free time that day is the 25 hours minus the 4 held
    free = av.free_intervals(desk, paris(*day), paris(2027, 11, 1))
    assert sum((b - a).total_seconds() for a, b in free) == 21 * 3600
    assert "taken" in codes(av.check(desk, paris(*day, 3), paris(*day, 5), now=NOW))


def test_pool_counts_seats(pool, person):
    for _ in range(9):
        Booking.objects.create(
            resource=pool, user=person, start=paris(2026, 11, 30, 9), end=paris(2026, 11, 30, 12)
        )
    assert av.check(pool, paris(2026, 11, 30, 10), paris(2026, 11, 30, 11), now=NOW) == []
    assert codes(av.check(pool, paris(2026, 11, 30, 10), paris(2026, 11, 30, 11), 2, now=NOW)) == [
        "full"
    ]
    Booking.objects.create(
        resource=pool, user=person, start=paris(2026, 11, 30, 11), end=paris(2026, 11, 30, 14)
    )
    assert codes(av.check(pool, paris(2026, 11, 30, 11), paris(2026, 11, 30, 12), now=NOW)) == [
        "full"
    ]
    assert av.check(pool, paris(2026, 11, 30, 12), paris(2026, 11, 30, 13), now=NOW) == []


def test_nearest_free_slots(room, person):
    Booking.objects.create(
        resource=room, user=person, start=paris(2026, 11, 30, 10), end=paris(2026, 11, 30, 12)
    )
    near = av.nearest_free(room, paris(2026, 11, 30, 10), paris(2026, 11, 30, 11), now=NOW)
    assert near[0] in [
        (av.utc(paris(2026, 11, 30, 9)), av.utc(paris(2026, 11, 30, 10))),
        (av.utc(paris(2026, 11, 30, 12)), av.utc(paris(2026, 11, 30, 13))),
    ]
    assert len(near) == 3
