"""Issue 12: registering and cancelling an event answer the person without
touching the SMTP server (no connection in the request), whether it is stopped,
slow or refusing; every message arrives once it is back, once, to its one
recipient."""

from __future__ import annotations

import pytest

from maillage.events import services

from .conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("mood", ["stopped", "slow", "451"])
def test_registering_opens_no_smtp_connection(workshop, client, mailbox, frozen_clock, mood):
    occurrence = workshop.occurrences.get()
    mailbox.misbehave(mood)
    before = mailbox.connections
    response = client.post(
        f"/agenda/dates/{occurrence.pk}/inscription/",
        {"name": "Lou Martin", "email": "lou@example.org"},
    )
    assert response.status_code == 302
    assert mailbox.connections == before
    mailbox.ride_out(mood, frozen_clock, ["lou@example.org"])


@pytest.mark.parametrize("mood", ["stopped", "slow", "451"])
def test_cancelling_an_event_with_30_registrants_opens_no_smtp_connection(
    workshop, host, client, mailbox, frozen_clock, mood
):
    occurrence = workshop.occurrences.get()
    people = [make_user(f"p{n:02d}") for n in range(30)]
    for person in people:
        services.register(occurrence, user=person)
    mailbox.deliver()
    mailbox.clear()
    client.force_login(host)
    mailbox.misbehave(mood)
    before = mailbox.connections
    response = client.post(f"/agenda/evenements/{workshop.slug}/annuler/")
    assert response.status_code == 302
    assert mailbox.connections == before
    mailbox.ride_out(mood, frozen_clock, [p.email for p in people])
    assert all("annul" in m["Subject"].lower() for m in mailbox.messages)
