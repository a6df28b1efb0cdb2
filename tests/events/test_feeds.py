"""iCalendar feeds parsed back with icalendar; RSS and Atom."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from icalendar import Calendar

from maillage.events import services
from maillage.events.recurrence import PARIS

from .conftest import paris

pytestmark = pytest.mark.django_db


def parse(response) -> Calendar:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    return Calendar.from_ical(response.content)


def vevents(cal):
    return [c for c in cal.walk("VEVENT")]


def test_network_feed_is_valid_with_rrule_exdate_and_tzid(client, monthly, workshop):
    november = monthly.occurrences.get(original_start=paris(2026, 11, 5, 18, 0))
    services.exclude_date(november)
    cal = parse(client.get("/agenda/events.ics"))
    assert cal["VERSION"] == "2.0" and cal["PRODID"]
    (vtimezone,) = cal.walk("VTIMEZONE")
    assert vtimezone["TZID"] == "Europe/Paris"
    zone = vtimezone.to_tz()  # the feed's own zone gives Paris's offsets, even after 2038
    for moment in (
        dt.datetime(2026, 7, 1, 12),
        dt.datetime(2027, 1, 1, 12),
        dt.datetime(2040, 7, 1, 12),
    ):
        assert zone.utcoffset(moment) == moment.replace(tzinfo=PARIS).utcoffset()
    events = vevents(cal)
    assert len(events) == 2
    uids = {str(e["UID"]) for e in events}
    assert len(uids) == 2 and all(u.endswith("@testserver") for u in uids)
    for event in events:
        assert isinstance(event["DTSTAMP"].dt, dt.datetime) and event["DTSTAMP"].dt.tzinfo
        assert event["DTSTART"].params["TZID"] == "Europe/Paris"
        assert event["DTEND"].params["TZID"] == "Europe/Paris"
    apero = next(e for e in events if str(e["SUMMARY"]) == "Apéro des indépendants")
    assert apero["RRULE"]["FREQ"] == ["MONTHLY"] and apero["RRULE"]["BYDAY"] == ["1TH"]
    assert apero["DTSTART"].dt == paris(2026, 10, 1, 18, 0)
    assert apero["DTSTART"].dt.utcoffset() == dt.timedelta(hours=2)
    assert apero["STATUS"] == "CONFIRMED"
    exdates = [d.dt for d in apero["EXDATE"].dts]
    assert exdates == [paris(2026, 11, 5, 18, 0)]
    assert apero["EXDATE"].params["TZID"] == "Europe/Paris"


def test_feed_expands_back_like_the_site(client, monthly):
    """What a calendar application computes from the feed equals our dates."""
    from dateutil.rrule import rrulestr

    cal = parse(client.get("/agenda/events.ics"))
    (apero,) = vevents(cal)
    rule = rrulestr(
        apero["RRULE"].to_ical().decode(), dtstart=apero["DTSTART"].dt.replace(tzinfo=None)
    )
    theirs = [d for d in rule.between(dt.datetime(2026, 10, 1), dt.datetime(2027, 4, 1), inc=True)]
    ours = [
        o.start.astimezone(apero["DTSTART"].dt.tzinfo).replace(tzinfo=None)
        for o in monthly.occurrences.filter(start__lt=paris(2027, 4, 1)).order_by("start")
    ]
    assert theirs == ours


def test_moved_and_cancelled_dates_carry_recurrence_id(client, monthly):
    december = monthly.occurrences.get(original_start=paris(2026, 12, 3, 18, 0))
    january = monthly.occurrences.get(original_start=paris(2027, 1, 7, 18, 0))
    services.move_occurrence(december, paris(2026, 12, 10, 19, 0), paris(2026, 12, 10, 21, 0))
    services.cancel_occurrence(january)
    events = vevents(parse(client.get("/agenda/lieux/l-atelier.ics")))
    assert len(events) == 3
    master = next(e for e in events if "RRULE" in e)
    overrides = {e["RECURRENCE-ID"].dt: e for e in events if "RECURRENCE-ID" in e}
    assert set(overrides) == {paris(2026, 12, 3, 18, 0), paris(2027, 1, 7, 18, 0)}
    moved = overrides[paris(2026, 12, 3, 18, 0)]
    assert moved["DTSTART"].dt == paris(2026, 12, 10, 19, 0)
    assert moved["STATUS"] == "CONFIRMED"
    assert overrides[paris(2027, 1, 7, 18, 0)]["STATUS"] == "CANCELLED"
    assert all(str(e["UID"]) == str(master["UID"]) for e in events)
    assert all(e["RECURRENCE-ID"].params["TZID"] == "Europe/Paris" for e in overrides.values())


def test_a_cancelled_event_stays_in_the_feed_as_cancelled(client, workshop, monthly):
    services.cancel_event(workshop)
    events = vevents(parse(client.get("/agenda/events.ics")))
    cancelled = next(e for e in events if str(e["SUMMARY"]) == "Atelier réparation")
    assert cancelled["STATUS"] == "CANCELLED"
    assert int(cancelled["SEQUENCE"]) >= 1


def test_per_function_and_per_event_feeds(client, workshop, monthly):
    events = vevents(parse(client.get("/agenda/fonctions/events-training.ics")))
    assert [str(e["SUMMARY"]) for e in events] == ["Atelier réparation"]
    assert client.get("/agenda/fonctions/nope.ics").status_code == 404
    events = vevents(parse(client.get(f"/agenda/evenements/{monthly.slug}.ics")))
    assert [str(e["SUMMARY"]) for e in events] == ["Apéro des indépendants"]


@pytest.mark.parametrize("path", ["/agenda/rss/", "/agenda/atom/"])
def test_rss_and_atom(client, workshop, path):
    response = client.get(path)
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    text = ET.tostring(root, encoding="unicode")
    assert "Atelier réparation" in text
    assert "/agenda/evenements/atelier-reparation/" in text


def test_the_network_feed_answers_at_the_short_address_too(client, workshop):
    short = client.get("/events.ics")
    assert short.status_code == 200
    assert short["Content-Type"].startswith("text/calendar")
    uids = [str(e["UID"]) for e in vevents(parse(short))]
    assert uids and uids == [
        str(e["UID"]) for e in vevents(parse(client.get("/agenda/events.ics")))
    ]


def test_a_subscription_keeps_the_agenda_s_filters(client, workshop, telecentre):
    from maillage.places.models import Function

    help_desk = services.create_event(
        place=telecentre,
        title="Permanence numérique",
        start=paris(2026, 12, 10, 9, 0),
        end=paris(2026, 12, 10, 12, 0),
        functions=Function.objects.filter(slug="digital-mediation"),
    )

    def titles(query: str) -> set[str]:
        return {str(e["SUMMARY"]) for e in vevents(parse(client.get(f"/agenda/events.ics{query}")))}

    everything = titles("")
    assert {workshop.title, help_desk.title} <= everything
    assert titles("?commune=48061") == {help_desk.title}
    assert titles("?around=48095&radius_km=5") == {workshop.title}
    assert titles("?function=digital-mediation") == {help_desk.title}
    assert titles("?function=events-training&commune=48061") == set()
    # dates do not narrow a subscription: it follows the events as they come
    assert titles("?commune=48061&from=2027-01-01") == {help_desk.title}
    bad = client.get("/agenda/events.ics?radius_km=loin")
    assert bad.status_code == 400 and "radius_km" in bad.content.decode()
    # the agenda links to the subscription of what it shows
    page = client.get("/agenda/", {"commune": "48061", "from": "2026-12-01"}).content.decode()
    assert 'href="/agenda/events.ics?commune=48061" data-feed="selection"' in page
