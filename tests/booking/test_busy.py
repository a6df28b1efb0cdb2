"""Busy times of outside calendars: a hotel room follows its booking system's feed
(served on loopback by ``serve_feeds``) and is never offered when it is taken."""

from __future__ import annotations

import threading

import pytest

from maillage.booking import busy, search, services
from maillage.booking.models import Block, Booking, BusyCalendar

from .conftest import make_resource, make_user, paris

pytestmark = pytest.mark.django_db

# A hotel's channel-manager export (the Airbnb / Booking.com style): all-day
# stays, check-out day exclusive, no TRANSP, guests' names in SUMMARY.
STAYS = """BEGIN:VCALENDAR\r
PRODID:-//Channel manager//Hotel//FR\r
VERSION:2.0\r
CALSCALE:GREGORIAN\r
BEGIN:VEVENT\r
DTSTAMP:20261125T080000Z\r
DTSTART;VALUE=DATE:20261203\r
DTEND;VALUE=DATE:20261205\r
UID:stay-1001@hotel.example\r
SUMMARY:Réservé - M. Dupont\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTAMP:20261125T080000Z\r
DTSTART;TZID=Europe/Paris:20261210T140000\r
DTEND;TZID=Europe/Paris:20261210T180000\r
RRULE:FREQ=WEEKLY;COUNT=3\r
EXDATE;TZID=Europe/Paris:20261217T140000\r
UID:seminar@hotel.example\r
SUMMARY:Séminaire\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTAMP:20261125T080000Z\r
DTSTART;TZID=Europe/Paris:20261211T090000\r
DTEND;TZID=Europe/Paris:20261211T120000\r
TRANSP:TRANSPARENT\r
UID:free-reminder@hotel.example\r
SUMMARY:Rappel (disponible)\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTAMP:20261125T080000Z\r
DTSTART;TZID=Europe/Paris:20261212T090000\r
DTEND;TZID=Europe/Paris:20261212T120000\r
STATUS:CANCELLED\r
UID:cancelled@hotel.example\r
SUMMARY:Annulé\r
END:VEVENT\r
END:VCALENDAR\r
"""
FREEBUSY = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Host//Agenda//FR\r
BEGIN:VFREEBUSY\r
DTSTART:20261201T000000Z\r
DTEND:20261231T000000Z\r
FREEBUSY;FBTYPE=BUSY:20261214T090000Z/20261214T110000Z\r
FREEBUSY;FBTYPE=FREE:20261215T090000Z/PT2H\r
FREEBUSY:20261216T130000Z/PT1H\r
END:VFREEBUSY\r
END:VCALENDAR\r
"""


@pytest.fixture
def room(hotel):
    return make_resource(hotel, name="Chambre 12", kind="office", capacity=2, max_minutes=7200)


@pytest.fixture
def feed(serve_feeds):
    server = serve_feeds()
    server.put("/ical/room-12.ics", STAYS)
    return server


@pytest.fixture
def follows(room, feed):
    return BusyCalendar.objects.create(resource=room, url=feed.url("/ical/room-12.ics"))


def test_busy_times_are_read_as_the_calendars_mean_them():
    low, high = paris(2026, 11, 24), paris(2027, 3, 1)
    found = [(a, b) for _k, a, b in busy.busy_intervals(STAYS.encode(), low, high)]
    assert found == [
        (paris(2026, 12, 3), paris(2026, 12, 5)),  # two nights, check-out day free
        (paris(2026, 12, 10, 14), paris(2026, 12, 10, 18)),
        # 17 December excluded; transparent and cancelled events are not busy
        (paris(2026, 12, 24, 14), paris(2026, 12, 24, 18)),
    ]
    periods = [(a, b) for _k, a, b in busy.busy_intervals(FREEBUSY.encode(), low, high)]
    assert periods == [
        (paris(2026, 12, 14, 10), paris(2026, 12, 14, 12)),
        (paris(2026, 12, 16, 14), paris(2026, 12, 16, 15)),
    ]


def test_a_busy_time_makes_the_room_unavailable_everywhere(follows, room, person, client):
    report = busy.refresh(follows)
    assert (report.added, report.error) == (3, "")
    # Only times are kept: not the guest's name.
    assert set(Block.objects.filter(source=follows).values_list("reason", flat=True)) == {
        busy.BUSY_REASON
    }
    # The service refuses, saying why.
    with pytest.raises(services.BookingRefused) as refused:
        services.book(person, room, paris(2026, 12, 4, 10), paris(2026, 12, 4, 12))
    assert refused.value.reasons[0].code == "busy"
    # Search does not offer it on those days, and does on a free one.
    hits = search.find(search.Query(start=paris(2026, 12, 4, 8), end=paris(2026, 12, 4, 20)))
    assert room not in [h.resource for h in hits]
    hits = search.find(search.Query(start=paris(2026, 12, 7, 8), end=paris(2026, 12, 7, 20)))
    assert room in [h.resource for h in hits]
    # The booking form says it too.
    client.force_login(person)
    page = client.post(
        f"/reserver/ressource/{room.pk}/",
        {"date": "2026-12-10", "start": "15:00", "end": "16:00", "seats": 1},
    )
    assert "déjà occupée sur ce créneau" in page.content.decode()
    assert not Booking.objects.exists()
    # Outside the busy times, it books.
    services.book(person, room, paris(2026, 12, 17, 15), paris(2026, 12, 17, 16))


def test_a_second_refresh_changes_nothing_and_a_removal_frees(follows, room, feed, person):
    busy.refresh(follows)
    blocks = sorted(Block.objects.filter(source=follows).values_list("pk", "start", "end"))
    again = busy.refresh(follows)
    assert again.not_modified
    forced = busy.refresh(follows, force=True)
    assert (forced.added, forced.removed, forced.kept) == (0, 0, 3)
    assert sorted(Block.objects.filter(source=follows).values_list("pk", "start", "end")) == blocks
    feed.put(
        "/ical/room-12.ics",
        STAYS.replace("DTSTART;VALUE=DATE:20261203", "DTSTART;VALUE=DATE:20261204"),
    )
    report = busy.refresh(follows)
    assert (report.added, report.removed, report.kept) == (1, 1, 2)
    services.book(person, room, paris(2026, 12, 3, 10), paris(2026, 12, 3, 12))  # freed


def test_a_conflict_after_acceptance_is_shown_never_cancelled(
    follows, room, feed, person, hotel, client
):
    hotel.hosts.add(host := make_user("hotelier"))
    booking = services.book(person, room, paris(2026, 12, 8, 10), paris(2026, 12, 8, 12))
    assert booking.status == "confirmed"
    feed.put(
        "/ical/room-12.ics",
        STAYS.replace("DTSTART;VALUE=DATE:20261203", "DTSTART;VALUE=DATE:20261207").replace(
            "DTEND;VALUE=DATE:20261205", "DTEND;VALUE=DATE:20261209"
        ),
    )
    report = busy.refresh(follows)
    assert report.conflicts == 1 and "à vous de décider" in report.summary()
    booking.refresh_from_db()
    assert booking.status == "confirmed"  # nothing cancelled silently
    client.force_login(host)
    page = client.get(f"/reserver/lieu/{hotel.slug}/").content.decode()
    assert "Réservations touchées par un changement" in page
    assert "déjà occupée sur ce créneau (calendrier suivi)" in page
    assert "à vous de décider" in page  # the followed calendar's report, on the host's page


def test_a_feed_error_is_told_and_keeps_the_busy_times(follows, feed):
    busy.refresh(follows)
    feed.delete("/ical/room-12.ics")
    report = busy.refresh(follows, force=True)
    assert "HTTP 404" in report.error
    follows.refresh_from_db()
    assert "HTTP 404" in follows.last_error and follows.last_success_at
    assert Block.objects.filter(source=follows).count() == 3


def test_a_private_address_is_refused(room, connections):
    follows = BusyCalendar.objects.create(resource=room, url="http://10.0.0.1/room.ics")
    assert "Adresse refusée" in busy.refresh(follows).error
    assert connections == []


def test_the_host_follows_a_calendar_from_the_resource_page(room, hotel, feed, client):
    hotel.hosts.add(host := make_user("hotelier"))
    client.force_login(host)
    url = feed.url("/ical/room-12.ics")
    page = client.post(
        f"/reserver/lieu/{hotel.slug}/ressource/{room.pk}/occupation/",
        {"url": url, "name": "Channel manager"},
        follow=True,
    ).content.decode()
    assert "3 occupation(s) ajoutée(s)" in page
    assert "Channel manager" in page
    follows = BusyCalendar.objects.get()
    assert Block.objects.filter(source=follows).count() == 3
    bad = client.post(
        f"/reserver/lieu/{hotel.slug}/ressource/{room.pk}/occupation/",
        {"url": "http://10.0.0.1/x.ics"},
        follow=True,
    ).content.decode()
    assert "Adresse refusée" in bad and 'value="http://10.0.0.1/x.ics"' in bad
    assert BusyCalendar.objects.count() == 1


# --------------------------------------------------------------------------- PostgreSQL races


def race(n: int, act) -> list:
    from django.db import connection

    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = act(i)
        except Exception as error:  # the outcome is what we look at
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_racing_requests_over_a_busy_time_are_all_refused(follows, room):
    busy.refresh(follows)
    users = [make_user(f"racer{i:02d}") for i in range(20)]
    outcomes = race(
        20,
        lambda i: services.book(
            users[i], room, paris(2026, 12, 10, 15), paris(2026, 12, 10, 16 + i % 2)
        ),
    )
    assert all(isinstance(o, services.BookingRefused) for o in outcomes), outcomes
    assert {o.reasons[0].code for o in outcomes} == {"busy"}
    assert not Booking.objects.exists()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_refresh_racing_twenty_requests_never_lets_one_pass_unseen(follows, room, feed):
    """The busy time arrives while twenty people ask for it: whoever gets the
    resource's lock first wins; a booking that got in before is a conflict shown
    to the host, never a silent double booking."""
    users = [make_user(f"racer{i:02d}") for i in range(20)]
    start, end = paris(2026, 12, 10, 15), paris(2026, 12, 10, 16)

    def act(i: int):
        if i == 20:
            return busy.refresh(follows)
        return services.book(users[i], room, start, end)

    outcomes = race(21, act)
    report = outcomes[20]
    assert report.error == "" and report.added == 3, report
    booked = [o for o in outcomes[:20] if isinstance(o, Booking)]
    refused = [o for o in outcomes[:20] if isinstance(o, services.BookingRefused)]
    assert len(booked) + len(refused) == 20, outcomes
    assert len(booked) <= 1  # the database guarantee between bookings
    assert {r.reasons[0].code for r in refused} <= {"busy", "taken"}
    conflicts = services.conflicts(room)
    assert [b.pk for b, _r in conflicts] == [b.pk for b in booked]
    assert Block.objects.filter(source=follows).count() == 3


def test_the_command_refreshes_every_followed_calendar(follows):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("sync_busy_calendars", stdout=out)
    assert "3 occupation(s) ajoutée(s)" in out.getvalue()
    assert "1 calendrier(s) actualisé(s), 0 en erreur" in out.getvalue()
