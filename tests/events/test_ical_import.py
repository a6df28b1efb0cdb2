"""Reading real-world iCalendar exports (files in calendars/, written from the
documented quirks of Nextcloud, Google, Outlook and Thunderbird exports)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from maillage.events import ical_import
from maillage.events.recurrence import PARIS, expand

CALENDARS = Path(__file__).parent / "calendars"


def parse(name: str) -> dict[str, ical_import.ImportedEvent]:
    parsed = ical_import.parse((CALENDARS / name).read_bytes())
    assert parsed.warnings == []
    return {e.title: e for e in parsed.events}


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def dates(event: ical_import.ImportedEvent) -> list[dt.datetime]:
    """The event's dates as the agenda will materialise them (rule, exceptions, moves)."""
    excluded = [dt.datetime.fromisoformat(e) for e in event.exdates]
    starts = expand(event.start, event.rule, paris(2026, 1, 1), paris(2028, 1, 1), excluded)
    return sorted(event.moved.get(s, (s,))[0] for s in starts)


def test_nextcloud_weekly_workshop_with_a_moved_and_a_cancelled_date():
    events = parse("nextcloud.ics")
    workshop = events["Atelier numérique : premiers pas sur la tablette"]
    assert workshop.rule == "FREQ=WEEKLY;BYDAY=WE;COUNT=8"
    assert dates(workshop) == [
        paris(2026, 12, 2, 14),
        paris(2026, 12, 10, 16, 30),  # moved from Wednesday 9 to Thursday 10
        # 16 December: deleted in Nextcloud (EXDATE)
        paris(2026, 12, 23, 14),
        paris(2026, 12, 30, 14),
        paris(2027, 1, 6, 14),
        paris(2027, 1, 13, 14),
        paris(2027, 1, 20, 14),
    ]
    assert workshop.moved[paris(2026, 12, 9, 14)][1] == paris(2026, 12, 10, 18, 30)
    # Escaped commas and semicolons, folded lines, \n: the text a person wrote.
    assert workshop.description.startswith(
        "Venez avec votre tablette ou empruntez la nôtre. Gratuit, sans inscription; café offert.\n"
    )
    assert events["Café-réparation"].start == paris(2026, 12, 12, 10)


def test_google_cancelled_instance_all_day_utc_and_private_events():
    events = parse("google.ics")
    assert "Rendez-vous médecin" not in events  # CLASS:PRIVATE stays private
    evenings = events["Soirée jeux"]
    # UNTIL in UTC (16:59:59Z) is read in Paris; 17 December is cancelled (STATUS:CANCELLED).
    assert dates(evenings) == [paris(2026, 12, 3, 18), paris(2026, 12, 10, 18)]
    market = events["Marché de Noël"]
    assert market.all_day and (market.start, market.end) == (
        paris(2026, 12, 5),
        paris(2026, 12, 6),
    )
    assert market.description == "Marché de Noël des producteurs\ntoute la journée"  # HTML
    assert events["Permanence emploi"].start == paris(2026, 12, 8, 14)  # 13:00Z


def test_outlook_windows_zones_and_all_day_flag():
    events = parse("outlook.ics")
    weekly = events["Permanence France Services"]
    # Romance Standard Time, defined in the file: 18:00 on both sides of the
    # 28 March 2027 change; the UNTIL in UTC keeps the last Thursday.
    assert [d.strftime("%m-%d %H:%M %z") for d in dates(weekly)] == [
        "03-18 18:00 +0100",
        "03-25 18:00 +0100",
        "04-01 18:00 +0200",
        "04-08 18:00 +0200",
    ]
    assert weekly.uid.startswith("040000008200E00074C5B7101A82E008") and " " not in weekly.uid
    closed = events["Fermeture exceptionnelle (inventaire)"]
    assert closed.all_day and closed.end - closed.start == dt.timedelta(days=1)
    # A Windows zone name without a VTIMEZONE, and Outlook's display name of a zone.
    assert events["Réunion du réseau"].start == paris(2026, 12, 11, 9, 30)
    assert events["Formation des aidants"].start == paris(2026, 12, 15, 14)


def test_thunderbird_monthly_with_exdates_in_utc_and_local_and_floating_time():
    events = parse("thunderbird.ics")
    repair = events["Repair café"]
    assert dates(repair)[:4] == [
        paris(2026, 12, 5, 10),
        # 2 January 2027 excluded (EXDATE in UTC), 6 February excluded (EXDATE with TZID)
        paris(2027, 3, 6, 10),
        paris(2027, 4, 3, 10),
        paris(2027, 5, 1, 10),
    ]
    assert events["Conférence sur la fibre"].start == paris(2026, 12, 11, 18, 30)  # floating


def test_what_the_platform_cannot_take_is_named_not_fatal():
    data = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
BEGIN:VEVENT\r
UID:a\r
SUMMARY:Toutes les minutes\r
DTSTART:20261201T100000Z\r
RRULE:FREQ=MINUTELY\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:b\r
SUMMARY:En l'an 3000\r
DTSTART:30001201T100000Z\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:c\r
SUMMARY:Fuseau inconnu\r
DTSTART;TZID=Mars/Olympus:20261201T100000\r
END:VEVENT\r
BEGIN:VEVENT\r
SUMMARY:Sans UID\r
DTSTART:20261201T100000Z\r
END:VEVENT\r
END:VCALENDAR\r
"""
    parsed = ical_import.parse(data)
    assert [e.title for e in parsed.events] == ["Fuseau inconnu"]
    assert parsed.events[0].start == paris(2026, 12, 1, 10)
    assert parsed.events[0].end - parsed.events[0].start == dt.timedelta(hours=1)
    joined = " ".join(parsed.warnings)
    for expected in ["Toutes les minutes", "En l'an 3000", "Sans UID", "Mars/Olympus"]:
        assert expected in joined


@pytest.mark.parametrize("data", [b"", b"<html>not a calendar</html>", b"BEGIN:VCALENDAR\r\nX"])
def test_a_file_that_is_not_a_calendar_is_refused_with_a_message(data):
    with pytest.raises(ical_import.CalendarError):
        ical_import.parse(data)


def test_webcal_links_are_https():
    assert ical_import.normalise_url("webcal://cloud.example.org/a.ics") == (
        "https://cloud.example.org/a.ics"
    )
