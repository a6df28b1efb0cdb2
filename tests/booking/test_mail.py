"""E-mails at each step, received by a real SMTP server, with a valid .ics."""

from __future__ import annotations

import icalendar
import pytest

from maillage.booking import services

from .conftest import NOW, paris

MON = (2026, 11, 30)


@pytest.fixture(autouse=True)
def smtp(mailbox):
    return mailbox


def ics_of(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_request_approval_cancellation_mails(
    mailbox, django_capture_on_commit_callbacks, room, person, host
):
    room.approval_required = True
    room.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(
            person, room, paris(*MON, 14), paris(*MON, 16), purpose="Visio", now=NOW
        )
    mailbox.deliver()
    to_person = mailbox.only(to="ana@example.org")
    assert "Demande de réservation" in to_person["Subject"]
    assert mailbox.to("hote@example.org")
    cal = ics_of(to_person)
    assert cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event["STATUS"] == "TENTATIVE"
    assert event.decoded("DTSTART") == paris(*MON, 14)
    assert event.decoded("DTEND") == paris(*MON, 16)
    assert str(event["UID"]).startswith(str(booking.uid))

    mailbox.deliver()
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(host, booking)
    mailbox.deliver()
    approved = mailbox.only(to="ana@example.org")
    [event] = ics_of(approved).walk("VEVENT")
    assert event["STATUS"] == "CONFIRMED" and int(event["SEQUENCE"]) == 1

    mailbox.deliver()
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(host, booking, "Panne de chauffage")
    mailbox.deliver()
    cancelled = mailbox.only(to="ana@example.org")
    assert "Panne de chauffage" in mailbox.body(cancelled)
    cal = ics_of(cancelled)
    assert cal["METHOD"] == "CANCEL"
    [event] = cal.walk("VEVENT")
    assert event["STATUS"] == "CANCELLED" and int(event["SEQUENCE"]) == 2


def test_decline_mail(mailbox, django_capture_on_commit_callbacks, room, person, host):
    room.approval_required = True
    room.save()
    booking = services.book(person, room, paris(*MON, 14), paris(*MON, 16), now=NOW)
    mailbox.deliver()
    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decline(host, booking, "Salle prise par le conseil")
    mailbox.deliver()
    message = mailbox.only(to="ana@example.org")
    assert "Salle prise par le conseil" in mailbox.body(message)
    assert ics_of(message)["METHOD"] == "CANCEL"


def test_feeds(client, room, person, other):
    from maillage.booking.models import FeedToken

    kept = services.book(
        person, room, paris(*MON, 10), paris(*MON, 11), purpose="Entretien", now=NOW
    )
    gone = services.book(person, room, paris(*MON, 14), paris(*MON, 15), now=NOW)
    services.cancel(person, gone, "")
    token = FeedToken.objects.create(user=person).token
    private = icalendar.Calendar.from_ical(client.get(f"/reserver/agenda/{token}.ics").content)
    events = {str(e["UID"]): e for e in private.walk("VEVENT")}
    assert events[f"{gone.uid}@maillage"]["STATUS"] == "CANCELLED"
    assert "Salle visio" in str(events[f"{kept.uid}@maillage"]["SUMMARY"])
    public = client.get(f"/reserver/ressource/{room.pk}.ics").content.decode()
    assert (
        "Entretien" not in public
        and "ana" not in public
        and "Occupé" in icalendar.Calendar.from_ical(public).walk("VEVENT")[0]["SUMMARY"]
    )
    assert client.get(f"/reserver/ressource/{room.pk}/wrong.ics").status_code == 404
    hosts = client.get(f"/reserver/ressource/{room.pk}/{room.feed_token}.ics").content.decode()
    assert "ana@example.org" in hosts
    # revoking: the old address stops working
    client.force_login(person)
    client.post("/reserver/mes-reservations/nouvelle-adresse/")
    assert client.get(f"/reserver/agenda/{token}.ics").status_code == 404


def test_hosts_revoke_a_resource_feed(client, room, host, person):
    old = room.feed_token
    client.force_login(person)
    url = f"/reserver/lieu/{room.place.slug}/ressource/{room.pk}/nouvelle-adresse/"
    assert client.post(url).status_code == 403
    client.force_login(host)
    client.post(url)
    assert client.get(f"/reserver/ressource/{room.pk}/{old}.ics").status_code == 404


def test_one_message_per_recipient_in_plain_unescaped_text(mailbox, room, person, host):
    """Issue 9 item 10: the booker and each host get their own message (nobody
    learns another's address), and the text says l'Atelier, not l&#x27;Atelier."""
    from maillage.accounts.models import User

    second = User.objects.create_user("hote2", "hote2@example.org", "x")
    room.place.hosts.add(second)
    room.name = "Salle de l'Atelier <b>"
    room.save()
    services.book(person, room, paris(*MON, 14), paris(*MON, 16), purpose="Réunion", now=NOW)
    mailbox.deliver()
    assert sorted(r for _sender, rcpts in mailbox.envelopes for r in rcpts) == [
        "ana@example.org",
        "hote2@example.org",
        "hote@example.org",
    ]
    for message, (_sender, rcpts) in zip(mailbox.messages, mailbox.envelopes, strict=True):
        assert len(rcpts) == 1
        assert message["To"] == rcpts[0] and message["Cc"] is None
        others = {"ana@example.org", "hote@example.org", "hote2@example.org"} - set(rcpts)
        raw = message.as_string()
        assert not any(address in raw for address in others)
        assert "Salle de l'Atelier <b>" in message["Subject"]
        assert "l&#x27;Atelier" not in message["Subject"]
        text = message.get_body(preferencelist=("plain",)).get_content()
        assert "Salle de l'Atelier <b>" in text and "&#x27;" not in text and "&lt;" not in text
        html = message.get_body(preferencelist=("html",)).get_content()
        assert "Salle de l&#x27;Atelier &lt;b&gt;" in html and "<b>" not in html


@pytest.mark.parametrize("mood", ["stopped", "slow", "451"])
def test_booking_opens_no_smtp_connection(room, person, mailbox, frozen_clock, mood):
    """Issue 12: the booker is answered without the SMTP server; the booker and
    the host each get their message once the server is back."""
    from django.test import Client

    api = Client(enforce_csrf_checks=True)
    api.force_login(person)
    api.cookies["csrftoken"] = "a" * 32
    mailbox.misbehave(mood)
    before = mailbox.connections
    response = api.post(
        "/api/bookings/",
        {"resource": room.pk, "start": "2026-11-30T10:00", "end": "2026-11-30T11:00"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="a" * 32,
    )
    assert response.status_code == 201, response.content
    assert mailbox.connections == before
    mailbox.ride_out(mood, frozen_clock, ["ana@example.org", "hote@example.org"])


def test_the_host_and_the_booker_each_get_a_message_written_for_them(
    mailbox, django_capture_on_commit_callbacks, room, person, host
):
    room.approval_required = True
    room.save()
    person.display_name = "Ana Martin"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.book(person, room, paris(*MON, 14), paris(*MON, 16), now=NOW)
    mailbox.deliver()
    to_person, to_host = mailbox.only(to="ana@example.org"), mailbox.only(to="hote@example.org")
    assert to_person["To"] == "ana@example.org" and to_host["To"] == "hote@example.org"
    person_text, host_text = mailbox.body(to_person), mailbox.body(to_host)
    assert "Votre demande est bien arrivée" in person_text
    assert "Acceptez" not in person_text and "/compte/" not in person_text
    assert "Ana Martin demande à réserver" in host_text and "/compte/" in host_text
    assert "Votre demande" not in host_text and "Mes réservations" not in host_text
    assert "à accepter" in to_host["Subject"] and "à accepter" not in to_person["Subject"]

    mailbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel(person, booking, "Empêchement")
    mailbox.deliver()
    assert "Ana Martin a annulé" in mailbox.body(mailbox.only(to="hote@example.org"))
    assert "Cette réservation est annulée" in mailbox.body(mailbox.only(to="ana@example.org"))
