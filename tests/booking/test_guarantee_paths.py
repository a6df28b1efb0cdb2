"""No double booking on every write path, on SQLite and on PostgreSQL.

The database's guards (migration 0003) read the resource itself, so neither a
stale copy of "is this a unit" (a pool turned into a room) nor a write that
skips ``Booking.save()`` (``bulk_create``) nor the admin gets around them.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from maillage.accounts.models import User
from maillage.booking.forms import ResourceForm
from maillage.booking.models import Booking, Resource, Status

from .conftest import make_resource, paris

pytestmark = pytest.mark.django_db

TEN = paris(2027, 11, 29, 10)


def holding(resource) -> list[Booking]:
    return list(Booking.objects.holding().filter(resource=resource))


def raw(resource, start=TEN, hours=2, seats=1, **fields) -> Booking:
    """A booking as a bulk write builds it: no save(), so no derived fields."""
    end = start + dt.timedelta(hours=hours)
    return Booking(
        resource=resource,
        start=start,
        end=end,
        blocked_until=end,
        seats=seats,
        **{"status": Status.CONFIRMED, **fields},
    )


def refused(write) -> bool:
    try:
        with transaction.atomic():
            write()
    except IntegrityError:
        return True
    return False


def peak_seats(resource) -> int:
    return Resource.objects.get(pk=resource.pk).peak_seats()


# ------------------------------------------------------------------ bulk writes


def test_bulk_create_cannot_overfill_a_pool(pool):
    """15 seats on a 10-seat pool in one bulk write: refused, whatever is_unit says."""
    assert refused(lambda: Booking.objects.bulk_create([raw(pool, seats=15)]))
    assert refused(lambda: Booking.objects.bulk_create([raw(pool) for _ in range(15)]))
    assert refused(
        lambda: Booking.objects.bulk_create([raw(pool, seats=5, is_unit=True) for _ in range(3)])
    )
    assert holding(pool) == []
    Booking.objects.bulk_create([raw(pool) for _ in range(10)])  # exactly full is fine
    assert peak_seats(pool) == 10
    assert refused(lambda: Booking.objects.bulk_create([raw(pool)]))


def test_bulk_create_cannot_double_book_a_room(room):
    assert refused(lambda: Booking.objects.bulk_create([raw(room), raw(room, is_unit=False)]))
    Booking.objects.bulk_create([raw(room, is_unit=False)])
    assert [b.is_unit for b in holding(room)] == [True]  # the database corrected the copy
    assert refused(
        lambda: Booking.objects.bulk_create(
            [raw(room, start=TEN + dt.timedelta(hours=1), is_unit=False)]
        )
    )


def test_queryset_update_cannot_overfill_or_overlap(pool, room):
    Booking.objects.bulk_create([raw(pool, seats=6), raw(pool, seats=6, status=Status.CANCELLED)])
    assert refused(lambda: Booking.objects.filter(resource=pool).update(status=Status.CONFIRMED))
    Booking.objects.bulk_create([raw(room), raw(room, status=Status.CANCELLED)])
    assert refused(lambda: Booking.objects.filter(resource=room).update(status=Status.PENDING))
    Booking.objects.filter(resource=room).update(is_unit=False)  # a lie about the room
    assert refused(lambda: Booking.objects.bulk_create([raw(room, is_unit=False)]))
    assert len(holding(room)) == 1 and peak_seats(pool) == 6


# ------------------------------------------------------------------ kind changes


def test_a_pool_turned_into_a_room_is_guarded_as_a_room(pool, person):
    """The reported attack: a pool becomes a meeting room, then an overlapping
    booking is added (as the admin would: a model save)."""
    Booking.objects.create(resource=pool, user=person, start=TEN, end=TEN + dt.timedelta(hours=2))
    pool.kind = "meeting-room"
    pool.save()
    later = Booking(
        resource=pool, start=TEN + dt.timedelta(hours=1), end=TEN + dt.timedelta(hours=3)
    )
    assert refused(later.save)
    assert refused(lambda: Booking.objects.bulk_create([raw(pool, is_unit=False)]))
    assert len(holding(pool)) == 1


def test_a_kind_change_that_would_overlap_is_refused(pool, person):
    for _ in range(2):
        Booking.objects.create(
            resource=pool, user=person, start=TEN, end=TEN + dt.timedelta(hours=2)
        )
    pool.kind = "meeting-room"
    assert refused(pool.save)
    assert Resource.objects.get(pk=pool.pk).kind == "desk-pool"


def test_a_room_turned_into_a_pool_counts_seats(room, person):
    Booking.objects.create(resource=room, user=person, start=TEN, end=TEN + dt.timedelta(hours=2))
    room.kind, room.capacity = "desk-pool", 3
    room.save()
    assert [b.is_unit for b in holding(room)] == [False]
    Booking.objects.bulk_create([raw(room, seats=2)])
    assert refused(lambda: Booking.objects.bulk_create([raw(room)]))


def test_a_cancelled_overlap_does_not_block_a_kind_change(pool, person):
    Booking.objects.bulk_create([raw(pool), raw(pool, status=Status.CANCELLED)])
    pool.kind = "office"
    pool.save()
    assert Booking.objects.filter(resource=pool, is_unit=False).count() == 0


# ------------------------------------------------------------------ capacity changes


def test_shrinking_a_pool_below_the_seats_it_holds_is_refused(pool):
    Booking.objects.bulk_create([raw(pool, seats=4), raw(pool, seats=4)])
    pool.capacity = 7
    assert refused(pool.save)
    pool.capacity = 8
    pool.save()
    assert refused(lambda: Booking.objects.bulk_create([raw(pool)]))


# ------------------------------------------------------------------ forms and admin


def test_the_hosts_form_says_why_a_kind_change_is_refused(pool, person):
    for _ in range(2):
        Booking.objects.create(
            resource=pool, user=person, start=TEN, end=TEN + dt.timedelta(hours=2)
        )
    data = {
        "name": pool.name,
        "kind": "meeting-room",
        "capacity": 10,
        "slot_minutes": 30,
        "min_minutes": 30,
        "max_minutes": 600,
        "buffer_minutes": 0,
        "horizon_days": 90,
        "checkin_grace_minutes": 15,
        "is_active": "on",
    }
    form = ResourceForm(data, instance=pool)
    assert not form.is_valid()
    assert "se chevauchent" in form.errors["kind"][0]
    form = ResourceForm({**data, "kind": "desk-pool", "capacity": 1}, instance=pool)
    assert not form.is_valid() and "capacity" in form.errors


def test_the_admin_cannot_add_an_overlapping_booking(pool, person):
    """A coordinator in the admin, after the pool became a room."""
    Booking.objects.create(resource=pool, user=person, start=TEN, end=TEN + dt.timedelta(hours=2))
    Resource.objects.filter(pk=pool.pk).update(kind="meeting-room")  # not even through save()
    admin = User.objects.create_superuser("admin", "admin@example.org", "x")
    client = Client(raise_request_exception=False)
    client.force_login(admin)
    response = client.post(
        "/admin/booking/booking/add/",
        {
            "resource": pool.pk,
            "user": person.pk,
            "start_0": "29/11/2027",
            "start_1": "11:00",
            "end_0": "29/11/2027",
            "end_1": "13:00",
            "seats": 1,
            "status": "confirmed",
        },
    )
    assert response.status_code in (200, 500)  # a form error, or the refused write
    assert len(holding(pool)) == 1


# ------------------------------------------------------------------ concurrency (PostgreSQL)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_kind_change_racing_bulk_bookings_leaves_no_overlap(atelier):
    """One thread turns the pool into a room while ten write overlapping
    bookings straight to the table: whichever order the database picks, the
    room never holds two overlapping bookings, the pool never more than 10."""
    pool = make_resource(atelier, name="Open space", kind="desk-pool", capacity=10)
    barrier = threading.Barrier(11)
    outcomes: list = [None] * 11

    def run(i: int) -> None:
        barrier.wait()
        try:
            if i == 10:
                Resource.objects.filter(pk=pool.pk).update(kind="meeting-room")
            else:
                Booking.objects.bulk_create([raw(pool)])
            outcomes[i] = "ok"
        except IntegrityError as error:
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(11)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    kind = Resource.objects.get(pk=pool.pk).kind
    rows = holding(pool)
    assert all(o == "ok" or isinstance(o, IntegrityError) for o in outcomes), outcomes
    assert all(b.is_unit == (kind != "desk-pool") for b in rows)
    assert len(rows) == (1 if kind == "meeting-room" else 10), (kind, outcomes)
