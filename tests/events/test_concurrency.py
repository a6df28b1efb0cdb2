"""Never more registered than the capacity, even when people confirm at the same instant.

Runs on PostgreSQL (real concurrent transactions, each thread its own
connection): the date's row is locked (SELECT ... FOR UPDATE) while a seat is
given.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from maillage.events import services
from maillage.events.models import Registration
from maillage.places.models import Place

from .conftest import paris

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

NOW = paris(2026, 11, 25, 10, 0)
CAPACITY = 3
PEOPLE = 16


def _run_together(targets):
    barrier = threading.Barrier(len(targets))
    errors = []

    def wrapped(target):
        try:
            barrier.wait()
            target()
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=wrapped, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors


def _event():
    place = Place.objects.create(name="Polen", slug="polen", type="tiers-lieu")
    start = paris(2026, 12, 10, 18, 0)
    event = services.create_event(
        place=place,
        title="Soirée jeux",
        start=start,
        end=start + dt.timedelta(hours=3),
        registration_required=True,
        capacity=CAPACITY,
    )
    return event.occurrences.get()


def test_concurrent_confirmations_never_exceed_the_capacity(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    occ = _event()
    pending = [
        services.register(occ, name=f"P{i}", email=f"p{i}@example.org", now=NOW)
        for i in range(PEOPLE)
    ]
    _run_together(
        [lambda token=r.token: services.confirm_registration(token, now=NOW) for r in pending]
    )
    statuses = list(Registration.objects.values_list("status", flat=True))
    assert statuses.count("registered") == CAPACITY
    assert statuses.count("waiting") == PEOPLE - CAPACITY


def test_concurrent_cancellations_promote_exactly_as_many(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    occ = _event()
    regs = [
        services.register(occ, name=f"P{i}", email=f"p{i}@example.org", now=NOW) for i in range(10)
    ]
    for r in regs:
        services.confirm_registration(r.token, now=NOW)
    seated = list(Registration.objects.filter(status="registered"))
    newcomers = [
        services.register(occ, name=f"N{i}", email=f"n{i}@example.org", now=NOW) for i in range(6)
    ]
    _run_together(
        [lambda r=r: services.cancel_registration(r, now=NOW) for r in seated]
        + [lambda t=n.token: services.confirm_registration(t, now=NOW) for n in newcomers]
    )
    assert Registration.objects.filter(status="registered").count() == CAPACITY
    assert Registration.objects.filter(status="cancelled").count() == CAPACITY


def test_two_newsletter_runs_at_once_send_each_issue_once(settings):
    from maillage.core.models import OutboundMessage
    from maillage.events import newsletter
    from maillage.events.models import NewsletterDelivery

    _event()  # Thursday 10 December
    for i in range(8):
        subscriber = newsletter.subscribe(f"s{i}@example.org")
        newsletter.confirm(subscriber.token)
    monday = paris(2026, 12, 7, 8, 0)
    _run_together([lambda: newsletter.send_newsletter("weekly", now=monday) for _ in range(4)])
    assert NewsletterDelivery.objects.count() == 8
    # each issue queued once per subscriber, whatever the number of runs at once
    queued = OutboundMessage.objects.filter(template="events/email/newsletter")
    recipients = sorted(queued.values_list("to", flat=True))
    assert recipients == sorted(f"s{i}@example.org" for i in range(8))
