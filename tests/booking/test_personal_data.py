"""A person's bookings, event registrations and newsletter subscription are in
their data export, and go with their account: what is to come is cancelled (hosts
told, seats freed), what is past keeps only its dates."""

from __future__ import annotations

import datetime as dt
import json

from django.urls import reverse

from maillage.accounts import services as accounts
from maillage.booking.models import Booking, Status
from maillage.events import newsletter
from maillage.events import services as events
from maillage.events.models import Registration, Subscriber

from .conftest import make_user, paris


def _life(person, room, atelier):
    """A past and a coming booking, a coming registration with someone waiting behind,
    a past registration, and a newsletter subscription."""
    past = Booking.objects.create(
        resource=room, user=person, start=paris(2026, 11, 2, 10), end=paris(2026, 11, 2, 11),
        status=Status.CONFIRMED, purpose="Entretien avec ma conseillère",
    )  # fmt: skip
    coming = Booking.objects.create(
        resource=room, user=person, start=paris(2026, 12, 7, 10), end=paris(2026, 12, 7, 12),
        status=Status.CONFIRMED, purpose="Visio avec un client",
    )  # fmt: skip
    workshop = events.create_event(
        place=atelier, title="Atelier réparation", start=paris(2026, 12, 9, 14),
        end=paris(2026, 12, 9, 16), registration_required=True, capacity=1,
    )  # fmt: skip
    talk = events.create_event(
        place=atelier, title="Causerie", start=paris(2026, 11, 4, 18),
        end=paris(2026, 11, 4, 19), registration_required=True,
    )  # fmt: skip
    seat = events.register(workshop.occurrences.get(), user=person)
    waiting = events.register(workshop.occurrences.get(), user=make_user("suivante"))
    Registration.objects.create(  # registered then; one cannot register for the past now
        occurrence=talk.occurrences.get(), user=person, name="Ana", email=person.email,
        status=Registration.Status.REGISTERED,
    )  # fmt: skip
    newsletter.subscribe(person.email, communes=["48095"])
    return past, coming, seat, waiting


def test_the_export_holds_bookings_registrations_and_the_newsletter(
    client, frozen_clock, person, room, atelier
):
    _life(person, room, atelier)
    client.force_login(person)
    data = json.loads(client.get(reverse("accounts:export")).content)
    assert [b["purpose"] for b in data["bookings"]] == [
        "Entretien avec ma conseillère",
        "Visio avec un client",
    ]
    assert [r["event"] for r in data["event_registrations"]] == ["Causerie", "Atelier réparation"]
    assert data["newsletter"][0]["email"] == person.email


def test_deleting_the_account_cancels_what_is_to_come_and_forgets_the_person(
    frozen_clock, mailbox, person, room, atelier, host
):
    past, coming, seat, waiting = _life(person, room, atelier)
    mailbox.deliver()
    mailbox.clear()
    address = person.email
    accounts.delete_account(person)

    coming.refresh_from_db()
    assert coming.status == Status.CANCELLED and coming.user is None and coming.purpose == ""
    past.refresh_from_db()
    assert past.status == Status.CONFIRMED and past.user is None and past.purpose == ""
    assert past.start == paris(2026, 11, 2, 10)  # the place's occupancy keeps its dates

    seat.refresh_from_db()
    assert seat.status == Registration.Status.CANCELLED
    assert address not in seat.email and seat.name == events.FORGOTTEN_NAME
    assert not Registration.objects.filter(email__iexact=address).exists()
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.REGISTERED  # the freed seat went on
    assert not Subscriber.objects.filter(email__iexact=address).exists()

    mailbox.deliver()
    assert not [m for m in mailbox.messages if address in m["To"]]
    told = mailbox.only(to=host.email)
    assert "annul" in told["Subject"].lower()
    assert mailbox.only(to=waiting.email)  # told they have a seat


def test_a_registration_made_before_the_account_is_the_person_s_too(frozen_clock, person, atelier):
    talk = events.create_event(
        place=atelier, title="Causerie", start=paris(2026, 12, 4, 18),
        end=paris(2026, 12, 4, 19), registration_required=True,
    )  # fmt: skip
    events.register(talk.occurrences.get(), name="Justine", email=person.email.upper())
    assert len(events.personal_data(person)["event_registrations"]) == 1
    events.forget_person(person, now=paris(2026, 11, 25, 9) + dt.timedelta(0))
    assert not Registration.objects.filter(name="Justine").exists()
