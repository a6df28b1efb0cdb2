"""Issue 12: registering and cancelling an event answer the person without
touching the SMTP server (no connection in the request), whether it is stopped,
slow or refusing; every message arrives once it is back, once, to its one
recipient."""

from __future__ import annotations

import os

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


def test_periodic_jobs_stay_commands_that_only_queue(workshop, mailbox, frozen_clock):
    """Decision: the periodic jobs stay cron lines; they open no SMTP connection,
    and the worker sends what they queued."""
    import datetime as dt

    from django.core.management import call_command

    from maillage.events.models import Subscriber

    from .conftest import paris

    occurrence = workshop.occurrences.get()
    services.register(occurrence, user=make_user("ana"))
    Subscriber.objects.create(
        email="lou@example.org", frequency="monthly", confirmed_at=paris(2026, 11, 1)
    )
    mailbox.deliver()
    mailbox.clear()
    frozen_clock.move_to(occurrence.start - dt.timedelta(hours=20))  # the day before
    before = mailbox.connections
    call_command("send_event_reminders", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("send_newsletter", "--frequency", "monthly", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert mailbox.connections == before and mailbox.messages == []
    mailbox.deliver()
    assert sorted(mailbox.recipients()) == ["ana@example.org", "lou@example.org"]
