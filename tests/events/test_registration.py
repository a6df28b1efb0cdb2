"""Registration: capacity, waiting list, promotion on cancellation, e-mails through SMTP."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.events import services
from maillage.events.models import Event, Occurrence, Registration

from .conftest import make_user, paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 11, 25, 10, 0)


def occurrence_of(event) -> Occurrence:
    return event.occurrences.get()


def test_capacity_then_waiting_list_then_promotion(workshop, mailbox):
    occ = occurrence_of(workshop)
    ana, ben, cam = (make_user(n) for n in ("ana", "ben", "cam"))
    assert services.register(occ, user=ana, now=NOW).status == "registered"
    assert services.register(occ, user=ben, now=NOW).status == "registered"
    waiting = services.register(occ, user=cam, now=NOW)
    assert waiting.status == "waiting"
    assert occ.seats_left() == 0 and occ.waiting_count() == 1
    mailbox.deliver()
    assert "Liste d'attente" in mailbox.only(to="cam@example.org")["Subject"]

    mailbox.deliver()
    mailbox.clear()
    first = Registration.objects.get(email="ana@example.org")
    promoted = services.cancel_registration(first, now=NOW)
    assert promoted.pk == waiting.pk
    waiting.refresh_from_db()
    assert waiting.status == "registered" and waiting.promoted_at is not None
    mailbox.deliver()
    message = mailbox.only(to="cam@example.org")
    assert "Une place s'est libérée" in message["Subject"]
    assert "Atelier réparation" in mailbox.body(message)
    assert any("/annuler/" in link for link in mailbox.links(message))
    assert occ.seats_taken() == 2


def test_cancelling_a_waiting_place_promotes_nobody(workshop, mailbox):
    occ = occurrence_of(workshop)
    people = [make_user(n) for n in ("ana", "ben", "cam")]
    regs = [services.register(occ, user=p, now=NOW) for p in people]
    assert services.cancel_registration(regs[2], now=NOW) is None
    assert occ.seats_taken() == 2 and occ.waiting_count() == 0
    assert services.cancel_registration(regs[2], now=NOW) is None  # twice: nothing more


def test_waiting_list_order_is_first_confirmed_first_served(workshop, mailbox):
    occ = occurrence_of(workshop)
    regs = [services.register(occ, user=make_user(n), now=NOW) for n in "abcde"]
    assert [r.status for r in regs] == ["registered"] * 2 + ["waiting"] * 3
    services.cancel_registration(regs[0], now=NOW)
    services.cancel_registration(regs[1], now=NOW)
    statuses = {r.name: r.status for r in Registration.objects.all()}
    assert statuses == {
        "A": "cancelled",
        "B": "cancelled",
        "C": "registered",
        "D": "registered",
        "E": "waiting",
    }


def test_without_an_account_the_seat_waits_for_the_emailed_link(workshop, client, mailbox):
    occ = occurrence_of(workshop)
    response = client.post(
        f"/agenda/dates/{occ.pk}/inscription/", {"name": "Lou Martin", "email": "Lou@Example.org"}
    )
    assert response.status_code == 302
    registration = Registration.objects.get()
    assert registration.status == "pending" and registration.email == "lou@example.org"
    assert occ.seats_taken() == 0
    mailbox.deliver()
    message = mailbox.only(to="lou@example.org")
    assert "Confirmez votre inscription" in message["Subject"]
    link = next(link for link in mailbox.links(message) if "/confirmer/" in link)
    path = link.removeprefix("http://testserver")

    page = client.get(path)  # a link scanner's GET confirms nothing
    assert page.status_code == 200 and "Je confirme" in page.content.decode()
    registration.refresh_from_db()
    assert registration.status == "pending"

    mailbox.deliver()
    mailbox.clear()
    assert client.post(path).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "registered" and registration.confirmed_at
    mailbox.deliver()
    assert "Inscription confirmée" in mailbox.only(to="lou@example.org")["Subject"]
    client.post(path)  # twice: still one seat
    assert occ.seats_taken() == 1


def test_cancel_without_login_from_the_link(workshop, client, mailbox):
    occ = occurrence_of(workshop)
    registration = services.register(occ, user=make_user("ana"), now=NOW)
    path = f"/agenda/inscriptions/{registration.token}/annuler/"
    assert client.get(path).status_code == 200
    assert client.post(path).status_code == 302
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_refused_registrations(workshop, monthly, mailbox):
    occ = occurrence_of(workshop)
    first = services.register(occ, name="Lou", email="lou@example.org", now=NOW)
    # Not confirmed yet: registering again sends the confirmation link again.
    again = services.register(occ, name="Lou", email="LOU@example.org", now=NOW)
    mailbox.deliver()
    assert again.pk == first.pk and len(mailbox.to("lou@example.org")) == 2
    services.confirm_registration(first.token, now=NOW)
    with pytest.raises(services.RegistrationError):
        services.register(occ, name="Lou", email="LOU@example.org", now=NOW)  # same person
    with pytest.raises(services.RegistrationError):  # not on registration
        services.register(monthly.occurrences.first(), name="Lou", email="l@example.org", now=NOW)
    services.cancel_occurrence(occ)
    with pytest.raises(services.RegistrationError):
        services.register(occ, name="Max", email="max@example.org", now=NOW)
    with pytest.raises(services.RegistrationError):  # after the end
        services.register(occ, name="Max", email="max@example.org", now=paris(2027, 1, 1))


def test_cancelling_a_date_tells_the_registered(workshop, mailbox):
    occ = occurrence_of(workshop)
    services.register(occ, user=make_user("ana"), now=NOW)
    mailbox.deliver()
    mailbox.clear()
    services.cancel_occurrence(occ, note="Salle inondée")
    mailbox.deliver()
    message = mailbox.only(to="ana@example.org")
    assert message["Subject"].startswith("Annulé")
    assert "Salle inondée" in mailbox.body(message)


def test_reminders_the_day_before_once(workshop, mailbox):
    occ = occurrence_of(workshop)  # 9 December 14:00
    services.register(occ, user=make_user("ana"), now=NOW)
    services.register(occ, name="Lou", email="lou@example.org", now=NOW)  # never confirmed
    mailbox.deliver()
    mailbox.clear()
    assert services.send_reminders(now=paris(2026, 12, 7, 18, 0)) == 0  # two days before
    assert services.send_reminders(now=paris(2026, 12, 8, 18, 0)) == 1
    mailbox.deliver()
    assert "Rappel" in mailbox.only(to="ana@example.org")["Subject"]
    assert services.send_reminders(now=paris(2026, 12, 8, 19, 0)) == 0


def test_move_one_date_alone(monthly, mailbox):
    occurrences = list(monthly.occurrences.order_by("original_start"))
    december = next(o for o in occurrences if o.original_start == paris(2026, 12, 3, 18, 0))
    services.move_occurrence(december, paris(2026, 12, 10, 18, 0), paris(2026, 12, 10, 20, 0))
    services.sync_occurrences(monthly, now=paris(2026, 9, 1))  # the change survives a re-sync
    december.refresh_from_db()
    assert december.start == paris(2026, 12, 10, 18, 0) and december.is_moved
    others = monthly.occurrences.exclude(pk=december.pk)
    assert all(not o.is_moved for o in others)


def test_rule_change_deletes_empty_dates_and_cancels_ones_with_people(monthly, mailbox):
    monthly.registration_required = True
    monthly.save()
    now = paris(2026, 9, 1)
    january = monthly.occurrences.get(original_start=paris(2027, 1, 7, 18, 0))
    services.register(january, name="Lou", email="lou@example.org", now=now)
    monthly.recurrence_rule = "FREQ=MONTHLY;BYDAY=1TH;UNTIL=20261231T235959"
    monthly.save()
    services.sync_occurrences(monthly, now=now)
    assert monthly.occurrences.filter(status="scheduled").count() == 3  # Oct, Nov, Dec
    january.refresh_from_db()
    assert january.status == "cancelled"
    assert not monthly.occurrences.filter(original_start=paris(2027, 2, 4, 18, 0)).exists()


def test_event_at_a_mobile_stop(truck):
    place, stop = truck
    start = paris(2026, 12, 3, 14, 0)
    event = services.create_event(
        place=place,
        stop=stop,
        title="Permanence numérique",
        start=start,
        end=start + dt.timedelta(hours=3),
    )
    assert event.commune.name == "Florac Trois Rivières"
    assert event.latitude == pytest.approx(44.3251)
    assert "Place de la mairie" in event.location_label
    assert Event.objects.published().count() == 1


def test_the_mails_say_the_date_the_french_way(atelier, mailbox):
    """« mardi 1er décembre 2026 à 10 h 30 », and no hour for an all-day event."""
    start = paris(2026, 12, 1, 10, 30)
    timed = services.create_event(
        place=atelier,
        title="Café numérique",
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_required=True,
    )
    all_day = services.create_event(
        place=atelier,
        title="Journée portes ouvertes",
        start=paris(2026, 12, 1, 0, 0),
        end=paris(2026, 12, 2, 0, 0),
        all_day=True,
        registration_required=True,
    )
    services.register(occurrence_of(timed), user=make_user("ana"), now=NOW)
    services.register(occurrence_of(all_day), user=make_user("ben"), now=NOW)
    mailbox.deliver()
    assert "mardi 1er décembre 2026 à 10\u00a0h\u00a030" in mailbox.body(
        mailbox.only(to="ana@example.org")
    )
    assert (
        str(occurrence_of(timed)) == "Café numérique · mardi 1er décembre 2026 à 10\u00a0h\u00a030"
    )
    body = mailbox.body(mailbox.only(to="ben@example.org"))
    assert " : mardi 1er décembre 2026." in body and "0\u00a0h" not in body
