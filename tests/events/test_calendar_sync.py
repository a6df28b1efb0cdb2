"""Agenda import end to end: a host's feed on a real HTTP server (loopback),
refreshed into the place's events, and shown in the agenda."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from maillage.events import calendar_sync
from maillage.events.models import CalendarSubscription, Event, Occurrence, Registration
from maillage.events.recurrence import PARIS

from .conftest import paris

pytestmark = pytest.mark.django_db
CALENDARS = Path(__file__).parent / "calendars"
NEXTCLOUD = (CALENDARS / "nextcloud.ics").read_text(encoding="utf-8")
WORKSHOP = "Atelier numérique : premiers pas sur la tablette"
SOURCE_DATES = [  # what Nextcloud shows for the workshop (written from the file by hand)
    paris(2026, 12, 2, 14),
    paris(2026, 12, 10, 16, 30),
    paris(2026, 12, 23, 14),
    paris(2026, 12, 30, 14),
    paris(2027, 1, 6, 14),
    paris(2027, 1, 13, 14),
    paris(2027, 1, 20, 14),
]


@pytest.fixture
def feed(serve_feeds):
    server = serve_feeds()
    server.put("/remote.php/dav/public-calendars/k3Y/?export", NEXTCLOUD)
    return server


@pytest.fixture
def subscription(atelier, host, feed):
    return CalendarSubscription.objects.create(
        place=atelier,
        url=feed.url("/remote.php/dav/public-calendars/k3Y/?export"),
        created_by=host,
    )


def workshop_dates(place) -> list[dt.datetime]:
    return [
        o.start.astimezone(PARIS)
        for o in Occurrence.objects.active().filter(event__place=place, event__title=WORKSHOP)
    ]


def snapshot(place):
    return sorted(
        (o.pk, o.start, o.end, o.status, o.sequence, o.event.sequence, o.event.updated_at)
        for o in Occurrence.objects.filter(event__place=place).select_related("event")
    )


def test_a_nextcloud_feed_shows_the_same_dates_and_a_second_refresh_changes_nothing(
    subscription, atelier, feed, client
):
    report = calendar_sync.refresh(subscription)
    assert (report.created, report.error) == (2, "")
    subscription.refresh_from_db()
    assert subscription.last_success_at and subscription.etag and not subscription.last_error
    # Imported events wait for the host: nothing is published yet.
    assert set(Event.objects.filter(place=atelier).values_list("status", flat=True)) == {"draft"}
    for event in Event.objects.filter(place=atelier):
        calendar_sync.set_published(event, True)
    assert workshop_dates(atelier) == SOURCE_DATES

    before = snapshot(atelier)
    again = calendar_sync.refresh(subscription)
    assert again.not_modified and not again.changed  # the server answered 304
    forced = calendar_sync.refresh(subscription, force=True)  # the whole file, read again
    assert (forced.created, forced.updated, forced.removed, forced.unchanged) == (0, 0, 0, 2)
    assert snapshot(atelier) == before

    # The agenda page shows the source's dates, the moved one marked.
    page = client.get("/agenda/lieux/l-atelier/").content.decode()
    assert "jeudi 10 décembre 2026 à 16\u00a0h\u00a030" in page
    assert "mercredi 9 décembre 2026" not in page
    assert "mercredi 16 décembre 2026" not in page
    assert "mercredi 23 décembre 2026 à 14\u00a0h" in page


def test_changes_at_the_source_are_followed_and_removals_remove(subscription, atelier, feed):
    calendar_sync.refresh(subscription)
    workshop = Event.objects.get(title=WORKSHOP)
    calendar_sync.set_published(workshop, True)
    # The host moves the 23 December date too, and cancels the repair café.
    changed = NEXTCLOUD.replace(
        "END:VCALENDAR",
        "BEGIN:VEVENT\r\nUID:8f3c2a1e-5b7d-4c6e-9a0b-1d2e3f4a5b6c\r\n"
        "RECURRENCE-ID;TZID=Europe/Paris:20261223T140000\r\n"
        "DTSTART;TZID=Europe/Paris:20261222T100000\r\n"
        "DTEND;TZID=Europe/Paris:20261222T120000\r\n"
        "SUMMARY:Atelier numérique\r\nEND:VEVENT\r\nEND:VCALENDAR",
    ).replace("SUMMARY:Café-réparation", "SUMMARY:Café-réparation\r\nSTATUS:CANCELLED")
    feed.put("/remote.php/dav/public-calendars/k3Y/?export", changed)
    report = calendar_sync.refresh(subscription)
    assert (report.updated, report.removed) == (1, 1)
    assert not Event.objects.filter(title="Café-réparation").exists()
    assert paris(2026, 12, 22, 10) in workshop_dates(atelier)
    assert paris(2026, 12, 23, 14) not in workshop_dates(atelier)
    workshop.refresh_from_db()
    assert workshop.status == Event.Status.SCHEDULED  # the host's choice is kept

    # The event is deleted at the source: it disappears here.
    without = (
        NEXTCLOUD.split("BEGIN:VEVENT")[0] + "BEGIN:VEVENT" + NEXTCLOUD.split("BEGIN:VEVENT")[3]
    )
    assert WORKSHOP not in without and "Café-réparation" in without
    feed.put("/remote.php/dav/public-calendars/k3Y/?export", without)
    report = calendar_sync.refresh(subscription)
    assert report.removed == 1 and report.created == 1
    assert not Event.objects.filter(title=WORKSHOP).exists()
    assert workshop_dates(atelier) == []


def test_an_event_with_registrations_is_cancelled_not_deleted(subscription, atelier, feed):
    calendar_sync.refresh(subscription)
    workshop = Event.objects.get(title=WORKSHOP)
    occurrence = workshop.occurrences.first()
    Registration.objects.create(
        occurrence=occurrence, name="Ana", email="ana@example.org", status="registered"
    )
    empty = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Sabre//EN\r\nEND:VCALENDAR\r\n"
    feed.put("/remote.php/dav/public-calendars/k3Y/?export", empty)
    calendar_sync.refresh(subscription)
    workshop.refresh_from_db()
    assert workshop.status == Event.Status.CANCELLED


def test_an_error_keeps_the_events_and_tells_the_last_success(subscription, atelier, feed):
    calendar_sync.refresh(subscription)
    subscription.refresh_from_db()
    success = subscription.last_success_at
    feed.delete("/remote.php/dav/public-calendars/k3Y/?export")
    report = calendar_sync.refresh(subscription, force=True)
    assert "HTTP 404" in report.error
    subscription.refresh_from_db()
    assert "HTTP 404" in subscription.last_error
    assert subscription.last_success_at == success
    assert Event.objects.filter(place=atelier).count() == 2


def test_a_subscription_to_a_private_address_is_refused(atelier, host, settings, connections):
    assert settings.MAILLAGE_FETCH_ALLOWED_NETWORKS == []
    sub = CalendarSubscription.objects.create(place=atelier, url="http://10.0.0.1/agenda.ics")
    report = calendar_sync.refresh(sub)
    assert "Adresse refusée" in report.error
    assert connections == []


def test_publish_new_publishes_and_an_upload_imports(atelier, host):
    sub = CalendarSubscription.objects.create(place=atelier, publish_new=True)
    report = calendar_sync.import_file(sub, (CALENDARS / "google.ics").read_bytes())
    assert report.created == 3  # the private appointment stays out
    assert set(sub.events.values_list("status", flat=True)) == {"scheduled"}
    market = sub.events.get(title="Marché de Noël")
    assert market.all_day


def test_the_command_refreshes_every_subscription(subscription, atelier):
    out = io.StringIO()
    call_command("sync_calendars", stdout=out)
    assert "2 événements ajoutés" in out.getvalue()
    assert Event.objects.filter(place=atelier).count() == 2
    out = io.StringIO()
    call_command("sync_calendars", "--older-than", "60", stdout=out)
    assert "0 agenda" in out.getvalue()  # just refreshed: not due


def test_events_the_host_typed_here_are_never_touched(subscription, atelier, workshop):
    calendar_sync.refresh(subscription)
    empty = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
    calendar_sync.import_file(subscription, empty.encode())
    assert list(Event.objects.filter(place=atelier)) == [workshop]


# --------------------------------------------------------------------------- the host's pages


def test_a_host_subscribes_chooses_what_is_published_and_sees_errors(client, host, atelier, feed):
    client.force_login(host)
    url = feed.url("/remote.php/dav/public-calendars/k3Y/?export")
    page = client.get("/agenda/lieux/l-atelier/gerer/").content.decode()
    assert "/agenda/lieux/l-atelier/agendas/" in page
    response = client.post(
        "/agenda/lieux/l-atelier/agendas/", {"name": "Nextcloud", "url": url}, follow=True
    )
    page = response.content.decode()
    assert "2 événements ajoutés" in page
    assert WORKSHOP in page and "Brouillon" in page
    assert workshop_dates(atelier) == []  # nothing published yet
    workshop = Event.objects.get(title=WORKSHOP)
    client.post("/agenda/lieux/l-atelier/agendas/publier/", {"published": [workshop.pk]})
    assert workshop_dates(atelier) == SOURCE_DATES
    assert Event.objects.get(title="Café-réparation").status == "draft"

    # The source breaks: the page says so, with the last success, and keeps the events.
    feed.delete("/remote.php/dav/public-calendars/k3Y/?export")
    sub = CalendarSubscription.objects.get()
    page = client.post(f"/agenda/agendas/{sub.pk}/actualiser/", follow=True).content.decode()
    assert "HTTP 404" in page and "Dernière mise à jour réussie" in page
    assert workshop_dates(atelier) == SOURCE_DATES


def test_the_form_refuses_a_private_address_and_shows_what_was_typed(client, host, atelier):
    client.force_login(host)
    page = client.post(
        "/agenda/lieux/l-atelier/agendas/", {"url": "http://192.168.1.10/agenda.ics"}
    ).content.decode()
    assert "Adresse refusée" in page
    assert 'value="http://192.168.1.10/agenda.ics"' in page
    assert not CalendarSubscription.objects.exists()


def test_a_host_uploads_an_ics_and_others_cannot(client, host, atelier):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(host)
    upload = SimpleUploadedFile(
        "agenda.ics", (CALENDARS / "thunderbird.ics").read_bytes(), "text/calendar"
    )
    page = client.post(
        "/agenda/lieux/l-atelier/agendas/", {"file": upload, "publish_new": "on"}, follow=True
    ).content.decode()
    assert "2 événements ajoutés" in page
    assert Event.objects.filter(place=atelier, status="scheduled").count() == 2
    from .conftest import make_user

    client.force_login(make_user("intrus"))
    assert client.get("/agenda/lieux/l-atelier/agendas/").status_code == 403
    sub = CalendarSubscription.objects.get()
    assert client.post(f"/agenda/agendas/{sub.pk}/retirer/").status_code == 403
