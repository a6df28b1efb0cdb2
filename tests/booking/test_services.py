"""The booking life cycle, and the database's own refusal of double bookings."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from maillage.booking import services
from maillage.booking.models import Booking, Status
from maillage.places.models import Closure

from .conftest import NOW, paris

MON = (2026, 11, 30)


def test_instant_booking_then_refusal_with_alternatives(room, person, other):
    booking = services.book(person, room, paris(*MON, 10), paris(*MON, 11), now=NOW)
    assert booking.status == Status.CONFIRMED
    with pytest.raises(services.BookingRefused) as refused:
        services.book(other, room, paris(*MON, 10, 30), paris(*MON, 11, 30), now=NOW)
    assert [r.code for r in refused.value.reasons] == ["taken"]
    alternatives = refused.value.alternatives
    assert alternatives and all(b - a == dt.timedelta(hours=1) for a, b in alternatives)
    for a, b in alternatives:  # each proposal can really be booked
        assert services.availability.check(room, a, b, now=NOW) == []


def test_approval_flow(room, person, host, other):
    room.approval_required = True
    room.save()
    booking = services.book(person, room, paris(*MON, 14), paris(*MON, 16), now=NOW)
    assert booking.status == Status.PENDING
    # a pending request holds the slot
    with pytest.raises(services.BookingRefused):
        services.book(other, room, paris(*MON, 15), paris(*MON, 16), now=NOW)
    with pytest.raises(PermissionDenied):
        services.approve(other, booking)
    assert services.approve(host, booking).status == Status.CONFIRMED
    with pytest.raises(services.InvalidAction):
        services.decline(host, booking, "trop tard")


def test_decline_frees_the_slot(room, person, host, other):
    room.approval_required = True
    room.save()
    booking = services.book(person, room, paris(*MON, 14), paris(*MON, 16), now=NOW)
    declined = services.decline(host, booking, "Salle réservée pour le conseil")
    assert declined.status == Status.DECLINED and declined.reason
    services.book(other, room, paris(*MON, 14), paris(*MON, 16), now=NOW)


def test_cancellation_frees_the_slot(room, person, other, host):
    booking = services.book(person, room, paris(*MON, 10), paris(*MON, 11), now=NOW)
    services.cancel(person, booking, "Réunion reportée")
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED
    second = services.book(other, room, paris(*MON, 10), paris(*MON, 11), now=NOW)
    with pytest.raises(PermissionDenied):
        services.cancel(person, second, "pas à moi")
    [cancelled] = services.cancel(host, second, "Fuite d'eau")
    assert cancelled.cancelled_by_host


def test_weekly_series_one_row_each_and_cancel_the_rest(room, person, other):
    bookings = services.book_series(
        person,
        room,
        paris(2027, 3, 16, 18),
        paris(2027, 3, 16, 19),
        freq="weekly",
        count=4,
        now=NOW,
    )
    assert len(bookings) == 4 and len({b.series for b in bookings}) == 1
    # same wall-clock time across the change to summer time (28 March 2027)
    assert [b.start.astimezone(paris(2027, 1, 1).tzinfo).hour for b in bookings] == [18] * 4
    services.cancel(person, bookings[2], "fin du projet", rest_of_series=True)
    assert [b.status for b in Booking.objects.order_by("start")] == ["confirmed"] * 2 + [
        "cancelled"
    ] * 2
    # a series that hits a taken date is refused whole, naming the dates
    with pytest.raises(services.BookingRefused) as refused:
        services.book_series(
            other,
            room,
            paris(2027, 3, 9, 18),
            paris(2027, 3, 9, 19),
            freq="weekly",
            count=3,
            now=NOW,
        )
    assert len(refused.value.occurrences) == 2
    assert Booking.objects.filter(user=other).count() == 0


def test_monthly_series(room, person):
    bookings = services.book_series(
        person,
        room,
        paris(2026, 12, 15, 18),
        paris(2026, 12, 15, 19),
        freq="monthly",
        count=3,
        now=NOW,
    )
    assert [b.start.astimezone(paris(2027, 1, 1).tzinfo).date().day for b in bookings] == [
        15,
        15,
        15,
    ]


def test_unchecked_booking_is_released(room, person, other):
    room.checkin_required = True
    room.checkin_grace_minutes = 15
    room.save()
    booking = services.book(person, room, paris(*MON, 10), paris(*MON, 12), now=NOW)
    assert services.release_unchecked(now=paris(*MON, 10, 10)) == []
    released = services.release_unchecked(now=paris(*MON, 10, 20))
    assert [b.pk for b in released] == [booking.pk]
    assert Booking.objects.get(pk=booking.pk).status == Status.RELEASED
    # the slot is offered again
    services.book(other, room, paris(*MON, 10, 30), paris(*MON, 12), now=paris(*MON, 10, 20))


def test_checked_in_booking_stays(room, person):
    room.checkin_required = True
    room.save()
    booking = services.book(person, room, paris(*MON, 10), paris(*MON, 12), now=NOW)
    services.check_in(person, booking, now=paris(*MON, 10, 5))
    assert services.release_unchecked(now=paris(*MON, 11)) == []


def test_new_closure_shows_conflicts_and_cancels_nothing(room, atelier, person, host):
    booking = services.book(person, room, paris(*MON, 10), paris(*MON, 11), now=NOW)
    assert services.conflicts(room, now=NOW) == []
    Closure.objects.create(place=atelier, start_date=dt.date(*MON), end_date=dt.date(*MON))
    [(hit, reasons)] = services.conflicts(room, now=NOW)
    assert hit.pk == booking.pk and reasons[0].code == "closed"
    assert Booking.objects.get(pk=booking.pk).status == Status.CONFIRMED
    services.cancel_conflicts(host, [hit], "Fermeture exceptionnelle")
    assert Booking.objects.get(pk=booking.pk).status == Status.CANCELLED


def test_withdrawn_resource_shows_conflicts(room, person):
    services.book(person, room, paris(*MON, 10), paris(*MON, 11), now=NOW)
    room.is_active = False
    room.save()
    assert [r.code for _b, rs in services.conflicts(room, now=NOW) for r in rs] == ["withdrawn"]


# --------------------------------------------------------------------------- database guards


def test_database_refuses_overlap_of_a_unit_whatever_the_path(room, person):
    Booking.objects.create(resource=room, user=person, start=paris(*MON, 10), end=paris(*MON, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=room, user=person, start=paris(*MON, 10, 30), end=paris(*MON, 12)
        )
    # cancelled bookings do not hold
    Booking.objects.filter(resource=room).update(status=Status.CANCELLED)
    Booking.objects.create(
        resource=room, user=person, start=paris(*MON, 10, 30), end=paris(*MON, 12)
    )


def test_database_counts_the_buffer(room, person):
    room.buffer_minutes = 15
    room.save()
    Booking.objects.create(resource=room, user=person, start=paris(*MON, 10), end=paris(*MON, 11))
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=room, user=person, start=paris(*MON, 11), end=paris(*MON, 12)
        )
    Booking.objects.create(
        resource=room, user=person, start=paris(*MON, 11, 15), end=paris(*MON, 12)
    )


def test_database_refuses_an_update_into_overlap(room, person):
    Booking.objects.create(resource=room, user=person, start=paris(*MON, 10), end=paris(*MON, 11))
    later = Booking.objects.create(
        resource=room, user=person, start=paris(*MON, 12), end=paris(*MON, 13)
    )
    later.start = paris(*MON, 10, 30)
    with pytest.raises(IntegrityError), transaction.atomic():
        later.save()


def test_database_caps_a_pool(pool, person):
    for _ in range(10):
        Booking.objects.create(
            resource=pool, user=person, start=paris(*MON, 9), end=paris(*MON, 12)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=pool, user=person, start=paris(*MON, 11), end=paris(*MON, 13)
        )
    Booking.objects.create(
        resource=pool, user=person, start=paris(*MON, 12), end=paris(*MON, 13), seats=10
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(
            resource=pool, user=person, start=paris(*MON, 8), end=paris(*MON, 13)
        )


def test_a_no_show_slot_is_offered_again_without_waiting_for_the_cron(room, person, other):
    room.checkin_required = True
    room.save()
    first = services.book(person, room, paris(*MON, 10), paris(*MON, 12), now=NOW)
    second = services.book(
        other, room, paris(*MON, 10, 30), paris(*MON, 12), now=paris(*MON, 10, 20)
    )
    assert Booking.objects.get(pk=first.pk).status == Status.RELEASED
    assert second.status == Status.CONFIRMED
