"""The newsletter: double opt-in, matching, idempotent sending, one-click unsubscribe."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from maillage.events import newsletter, services
from maillage.events.models import NewsletterDelivery, Subscriber

from .conftest import paris

pytestmark = pytest.mark.django_db

MONDAY = paris(2026, 12, 7, 8, 0)  # the workshop is on Wednesday 9 December


def confirmed(email="lou@example.org", **wishes) -> Subscriber:
    subscriber = newsletter.subscribe(email, **wishes)
    return newsletter.confirm(subscriber.token)


def test_double_opt_in_through_the_page(client, mende, mailbox):
    response = client.post(
        "/agenda/lettre/",
        {
            "email": "Lou@Example.org",
            "communes": ["48095"],
            "frequency": "weekly",
            "radius_km": "20",
        },
    )
    assert response.status_code == 302
    subscriber = Subscriber.objects.get()
    assert subscriber.email == "lou@example.org" and subscriber.communes == ["48095"]
    assert not subscriber.is_active
    mailbox.deliver()
    message = mailbox.only(to="lou@example.org")
    link = next(link for link in mailbox.links(message) if "/confirmer/" in link)
    path = link.removeprefix("http://testserver")
    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_active  # a GET (link scanner) confirms nothing
    client.post(path)
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_nothing_is_sent_before_confirmation(workshop, mailbox):
    newsletter.subscribe("lou@example.org")
    mailbox.deliver()
    mailbox.clear()
    assert newsletter.send_newsletter("weekly", now=MONDAY) == (0, 0)
    mailbox.deliver()
    assert mailbox.messages == []


def test_sent_twice_sends_nothing_the_second_time(workshop, mailbox, client):
    confirmed("lou@example.org")
    confirmed("max@example.org", frequency="monthly")
    mailbox.deliver()
    mailbox.clear()
    assert newsletter.send_newsletter("weekly", now=MONDAY) == (1, 0)
    mailbox.deliver()
    message = mailbox.only(to="lou@example.org")
    assert "Cette semaine" in message["Subject"]
    body = mailbox.body(message)
    assert "Atelier réparation" in body and "mercredi 9 décembre à 14\u00a0h" in body
    unsubscribe = message["List-Unsubscribe"].strip().strip("<>")
    assert unsubscribe.startswith("http://testserver/agenda/lettre/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in body

    mailbox.deliver()
    mailbox.clear()
    assert newsletter.send_newsletter("weekly", now=MONDAY + dt.timedelta(hours=3)) == (0, 0)
    mailbox.deliver()
    assert mailbox.messages == []
    assert NewsletterDelivery.objects.count() == 1
    # The next week is another issue.
    mailbox.deliver()
    mailbox.clear()
    services.create_event(
        place=workshop.place,
        title="Café numérique",
        start=paris(2026, 12, 16, 10, 0),
        end=paris(2026, 12, 16, 12, 0),
    )
    assert newsletter.send_newsletter("weekly", now=MONDAY + dt.timedelta(days=7)) == (1, 0)
    mailbox.deliver()
    assert "Café numérique" in mailbox.body(mailbox.only(to="lou@example.org"))


def test_matching_by_commune_distance_and_theme(workshop, monthly, truck, mailbox):
    place, stop = truck
    services.create_event(
        place=place,
        stop=stop,
        title="Permanence à Florac",
        start=paris(2026, 12, 10, 14, 0),
        end=paris(2026, 12, 10, 17, 0),
    )
    by_commune = confirmed("a@example.org", communes=["48061"])
    near_mende = confirmed("b@example.org", near=(44.5176, 3.5019), radius_km=5)
    themed = confirmed("c@example.org", themes=["events-training"])
    titles = lambda s: [o.event.title for o in newsletter.occurrences_for(s, MONDAY)]  # noqa: E731
    assert titles(by_commune) == ["Permanence à Florac"]
    assert titles(near_mende) == ["Atelier réparation"]
    assert titles(themed) == ["Atelier réparation"]


def test_unsubscribe_works_without_login_and_one_click(client, workshop, mailbox):
    subscriber = confirmed()
    path = f"/agenda/lettre/{subscriber.token}/desinscription/"
    assert client.get(path).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_active
    # RFC 8058: the mail client POSTs without a session nor a CSRF token.
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscriber.refresh_from_db()
    assert not subscriber.is_active
    mailbox.deliver()
    mailbox.clear()
    assert newsletter.send_newsletter("weekly", now=MONDAY) == (0, 0)
    mailbox.deliver()
    assert mailbox.messages == []


def test_the_command_runs_and_is_idempotent(workshop, mailbox):
    confirmed(frequency="monthly")
    mailbox.deliver()
    mailbox.clear()
    outputs = []
    for _ in range(2):
        buffer = StringIO()
        call_command(
            "send_newsletter", "--frequency", "monthly", "--now", "2026-11-25T09:00", stdout=buffer
        )
        outputs.append(buffer.getvalue())
    assert outputs[0].startswith("1 lettre(s) mise(s) en file d'envoi")
    assert outputs[1].startswith("0 lettre(s) mise(s) en file d'envoi")
    mailbox.deliver()
    assert "Ce mois-ci" in mailbox.only(to="lou@example.org")["Subject"]
