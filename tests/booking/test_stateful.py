"""Random sequences of book / cancel / approve / decline keep the invariant:
a unit resource is never held twice at once (buffer included), a pool never
holds more seats than it has; and a refusal for lack of room is never a lie."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from maillage.booking import services
from maillage.booking.models import HOLDING, Booking
from maillage.places.models import Place

from .conftest import NOW, make_resource, make_user, paris

DAY = (2026, 11, 30)
counter = itertools.count()


def slot(index: int) -> dt.datetime:
    return paris(*DAY, 8) + dt.timedelta(minutes=30 * index)


class BookingMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        n = next(counter)
        place = Place.objects.create(
            name=f"Lieu {n}", slug=f"lieu-{n}", type="tiers-lieu", opening_hours="Mo-Fr 08:00-19:00"
        )
        self.host = make_user(f"host{n}")
        place.hosts.add(self.host)
        self.people = [make_user(f"p{n}-{i}") for i in range(3)]
        self.room = make_resource(place, buffer_minutes=30, approval_required=True)
        self.pool = make_resource(place, name="Postes", kind="desk-pool", capacity=3)
        self.bookings: list[int] = []

    @rule(
        which=st.sampled_from(["room", "pool"]),
        start=st.integers(0, 20),
        length=st.integers(1, 6),
        seats=st.integers(1, 3),
        who=st.integers(0, 2),
    )
    def book(self, which, start, length, seats, who):
        resource = getattr(self, which)
        a, b = slot(start), slot(min(start + length, 22))
        try:
            booking = services.book(self.people[who], resource, a, b, seats, now=NOW)
        except services.BookingRefused as refused:
            codes = {r.code for r in refused.reasons}
            if codes & {"taken", "full"}:
                assert self.conflicts(resource, a, b, seats), "refused without a conflict"
            return
        self.bookings.append(booking.pk)

    @precondition(lambda self: self.bookings)
    @rule(data=st.data())
    def cancel(self, data):
        pk = data.draw(st.sampled_from(self.bookings))
        booking = Booking.objects.get(pk=pk)
        try:
            services.cancel(booking.user, booking, "hypothesis")
        except services.InvalidAction:
            assert booking.status not in HOLDING

    @precondition(lambda self: self.bookings)
    @rule(data=st.data(), accept=st.booleans())
    def decide(self, data, accept):
        booking = Booking.objects.get(pk=data.draw(st.sampled_from(self.bookings)))
        try:
            if accept:
                services.approve(self.host, booking)
            else:
                services.decline(self.host, booking, "non")
        except services.InvalidAction:
            assert booking.status != "pending"

    def conflicts(self, resource, a, b, seats) -> bool:
        buffer = dt.timedelta(minutes=resource.buffer_minutes)
        held = Booking.objects.holding().filter(
            resource=resource, start__lt=b + buffer, blocked_until__gt=a
        )
        if not resource.is_pool:
            return held.exists()
        points = [a, *(h.start for h in held if a < h.start < b + buffer)]
        return any(
            seats + sum(h.seats for h in held if h.start <= t < h.blocked_until) > resource.capacity
            for t in points
        )

    @invariant()
    def never_double_booked(self):
        rows = list(Booking.objects.holding().filter(resource=self.room).order_by("start"))
        for first, second in itertools.pairwise(rows):
            assert first.blocked_until <= second.start
        pool = list(Booking.objects.holding().filter(resource=self.pool))
        for t in {h.start for h in pool}:
            assert (
                sum(h.seats for h in pool if h.start <= t < h.blocked_until) <= self.pool.capacity
            )


@pytest.mark.django_db
def test_invariant_under_random_sequences():
    run_state_machine_as_test(
        BookingMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
