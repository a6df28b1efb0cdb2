"""Hosts create and edit events at their places, move or cancel one date alone."""

from __future__ import annotations

import pytest

from maillage.events import services
from maillage.events.models import Event

from .conftest import PASSWORD, make_user, paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 11, 25, 10, 0)


def form(**extra):
    data = {
        "title": "Atelier couture",
        "description": "Réparer ses vêtements.",
        "start": "2026-12-03T18:00",
        "end": "2026-12-03T20:00",
        "repeat": "monthly",
        "until": "2027-06-30",
        "skipped": "2027-01-07",
        "audiences": ["all", "seniors"],
        "is_free": "on",
        "wheelchair": "yes",
        "registration_required": "on",
        "capacity": "10",
    }
    data.update(extra)
    return data


def test_only_hosts_and_coordinators_manage(client, atelier, host):
    make_user("stranger")
    client.login(username="stranger", password=PASSWORD)
    assert client.get("/agenda/lieux/l-atelier/nouveau/").status_code == 403
    assert client.post("/agenda/lieux/l-atelier/nouveau/", form()).status_code == 403
    assert not Event.objects.exists()


def test_a_host_creates_a_monthly_event_with_a_skipped_date(client, atelier, host):
    client.login(username="murielle", password=PASSWORD)
    assert client.get("/agenda/lieux/l-atelier/gerer/").status_code == 200
    response = client.post("/agenda/lieux/l-atelier/nouveau/", form())
    assert response.status_code == 302, response.content.decode()[:2000]
    event = Event.objects.get()
    assert event.recurrence_rule == "FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T235959"
    assert event.exdates == ["2027-01-07T18:00"]
    assert event.created_by == host and event.capacity == 10
    starts = [o.start for o in event.occurrences.order_by("start")]
    assert starts[0] == paris(2026, 12, 3, 18, 0)
    assert paris(2027, 1, 7, 18, 0) not in starts
    assert starts[-1] == paris(2027, 6, 3, 18, 0)
    assert len(starts) == 6  # December to June, January skipped
    page = client.get(event.get_absolute_url()).content.decode()
    assert f"/agenda/evenements/{event.slug}/modifier/" in page


def test_bad_rule_and_dates_are_refused(client, atelier, host):
    client.login(username="murielle", password=PASSWORD)
    response = client.post(
        "/agenda/lieux/l-atelier/nouveau/",
        form(repeat="custom", rule="FREQ=HOURLY", end="2026-12-03T17:00", skipped="demain"),
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Règle illisible" in html and "La fin doit être après le début" in html
    assert "n&#x27;est pas une date" in html
    assert not Event.objects.exists()


def test_editing_keeps_moved_dates_and_bumps_the_sequence(client, atelier, host, mailbox):
    client.login(username="murielle", password=PASSWORD)
    client.post("/agenda/lieux/l-atelier/nouveau/", form())
    event = Event.objects.get()
    february = event.occurrences.get(original_start=paris(2027, 2, 4, 18, 0))
    services.register(february, name="Lou", email="lou@example.org", now=NOW)
    registration = february.registrations.get()
    services.confirm_registration(registration.token, now=NOW)
    mailbox.deliver()
    mailbox.clear()

    url = f"/agenda/dates/{february.pk}/gerer/"
    assert client.get(url).status_code == 200
    client.post(url, {"action": "move", "start": "2027-02-11T18:00", "end": "2027-02-11T20:00"})
    february.refresh_from_db()
    assert february.start == paris(2027, 2, 11, 18, 0) and february.is_moved
    mailbox.deliver()
    assert "Changement de date" in mailbox.only(to="lou@example.org")["Subject"]

    edit = client.get(f"/agenda/evenements/{event.slug}/modifier/").content.decode()
    assert "FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T235959" in edit
    client.post(
        f"/agenda/evenements/{event.slug}/modifier/",
        form(
            title="Atelier couture et tricot",
            repeat="custom",
            rule="FREQ=MONTHLY;BYDAY=1TH;UNTIL=20270630T235959",
        ),
    )
    event.refresh_from_db()
    february.refresh_from_db()
    assert event.title == "Atelier couture et tricot" and event.sequence == 1
    assert february.start == paris(2027, 2, 11, 18, 0)  # the move survives

    mailbox.deliver()
    mailbox.clear()
    client.post(url, {"action": "cancel", "note": "Salle prise"})
    february.refresh_from_db()
    assert february.status == "cancelled"
    mailbox.deliver()
    assert "Salle prise" in mailbox.body(mailbox.only(to="lou@example.org"))

    client.post(f"/agenda/evenements/{event.slug}/annuler/")
    event.refresh_from_db()
    assert event.status == "cancelled"


def test_a_mobile_unit_chooses_its_stop(client, truck):
    place, stop = truck
    user = make_user("chauffeur")
    place.hosts.add(user)
    client.login(username="chauffeur", password=PASSWORD)
    response = client.post(
        "/agenda/lieux/tiers-truck/nouveau/",
        form(repeat="", stop=str(stop.pk), registration_required="", capacity=""),
    )
    assert response.status_code == 302
    event = Event.objects.get()
    assert event.stop == stop and event.occurrences.count() == 1
    assert event.capacity is None and not event.registration_required
