"""A freelancer books a desk several days in one request; the date fields keep
their value; a desk search finds desk pools; hosts decide from their account."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from maillage.accounts.models import User
from maillage.booking import search, services
from maillage.booking.models import Booking
from maillage.core.models import OutboundMessage

from .conftest import NOW, PASSWORD, make_resource, paris

# Tuesday 9 November 2027: Thursday the 11th is a public holiday (Armistice).
TUE = (2027, 11, 9)


@pytest.fixture
def desks(atelier):
    return make_resource(
        atelier,
        name="Open space",
        kind="desk-pool",
        capacity=1,
        equipment=["thd"],
        approval_required=True,
    )


def days_of(bookings) -> list[dt.date]:
    return [b.start.astimezone(paris(2027, 1, 1).tzinfo).date() for b in bookings]


def test_consecutive_working_days_skip_the_weekend_and_public_holidays(desks, person):
    made = services.book_series(
        person, desks, paris(*TUE, 9), paris(*TUE, 17), freq="days", count=3, now=NOW
    )
    assert days_of(made) == [dt.date(2027, 11, 9), dt.date(2027, 11, 10), dt.date(2027, 11, 12)]
    assert {b.status for b in made} == {"pending"} and len({b.series for b in made}) == 1
    assert all(b.start.astimezone(paris(2027, 1, 1).tzinfo).hour == 9 for b in made)


def test_one_e_mail_sums_up_the_days_for_the_person_and_each_host(
    mailbox, desks, person, host, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.book_series(
            person, desks, paris(*TUE, 9), paris(*TUE, 17), freq="days", count=3, now=NOW
        )
    assert OutboundMessage.objects.count() == 2  # one to the person, one to the host
    mailbox.deliver()
    to_host = mailbox.only(to="hote@example.org")
    to_person = mailbox.only(to="ana@example.org")
    assert "3 dates" in to_host["Subject"] and "Demande de réservation" in to_host["Subject"]
    body = to_host.get_body(("plain",)).get_content()
    for day in ("mardi 9 novembre 2027", "mercredi 10 novembre 2027", "vendredi 12 novembre 2027"):
        assert day in body
    assert "jeudi 11 novembre" not in body
    assert reverse("accounts:account") in body  # hosts decide from their account page
    invitations = [
        p for p in to_person.iter_attachments() if p.get_content_type() == "text/calendar"
    ]
    assert len(invitations) == 3


def test_one_day_taken_books_nothing_and_says_which_day_and_why(desks, person, other):
    services.book(other, desks, paris(2027, 11, 10, 10), paris(2027, 11, 10, 11), now=NOW)
    with pytest.raises(services.BookingRefused) as refused:
        services.book_series(
            person, desks, paris(*TUE, 9), paris(*TUE, 17), freq="days", count=3, now=NOW
        )
    assert Booking.objects.filter(user=person).count() == 0
    [(start, _end, reasons)] = refused.value.occurrences
    assert start == paris(2027, 11, 10, 9)
    assert "mercredi 10 novembre" in str(refused.value)
    assert reasons[0].code == "full" and reasons[0].message in str(refused.value)


def test_at_most_ten_days(desks, person):
    with pytest.raises(ValueError):
        services.book_series(
            person, desks, paris(*TUE, 9), paris(*TUE, 17), freq="days", count=11, now=NOW
        )


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def book_form(**changes) -> dict:
    return {
        "date": "2027-11-09",
        "start": "09:00",
        "end": "17:00",
        "seats": "1",
        "purpose": "",
        "repeat": "days",
        "count": "3",
        **changes,
    }


def test_the_form_books_three_days_or_says_why_not(desks, person, other):
    client = logged_in(person)
    url = reverse("booking:resource", args=[desks.pk])
    too_many = client.post(url, book_form(count="11"))
    assert too_many.status_code == 200
    assert "Au plus 10 jours ouvrés consécutifs par demande." in too_many.text
    assert 'value="2027-11-09"' in too_many.text  # the form shows what was typed
    assert not Booking.objects.exists()

    services.book(other, desks, paris(2027, 11, 12, 9), paris(2027, 11, 12, 10), now=NOW)
    refused = client.post(url, book_form())
    assert "rien n'est réservé" in refused.text and "vendredi 12 novembre" in refused.text
    assert Booking.objects.filter(user=person).count() == 0

    Booking.objects.filter(user=other).delete()
    done = client.post(url, book_form(), follow=True)
    assert "Demande envoyée à l&#x27;hôte pour 3 dates." in done.text
    assert Booking.objects.filter(user=person, status="pending").count() == 3


def test_the_api_books_several_days(desks, person):
    client = logged_in(person)
    body = {"resource": desks.pk, "start": "2027-11-09T09:00:00+01:00"}
    body |= {"end": "2027-11-09T17:00:00+01:00", "repeat": "days"}
    made = client.post("/api/bookings/", {**body, "count": 3}, content_type="application/json")
    assert made.status_code == 201, made.content
    assert len(made.json()["results"]) == 3
    too_many = client.post("/api/bookings/", {**body, "count": 11}, content_type="application/json")
    assert too_many.status_code == 400
    assert too_many.json()["parameter"] == "count"
    assert "10 jours" in too_many.json()["message"]


def test_date_and_time_fields_carry_iso_values(client, desks):
    """<input type=date> only takes 2026-11-26: a French "26/11/2026" left it empty."""
    page = client.get(reverse("booking:resource", args=[desks.pk]))
    assert 'type="date" name="date" value="2026-11-26"' in page.text
    assert 'type="time" name="start" value="14:00"' in page.text
    search_page = client.get(reverse("booking:search"), {"date": "2026-12-05", "seats": 1})
    assert 'type="date" name="date" value="2026-12-05"' in search_page.text
    typed = client.get(reverse("booking:resource", args=[desks.pk]), {"date": "2026-12-05"})
    assert 'value="2026-12-05"' in typed.text


def test_a_desk_search_finds_desk_pools(client, desks, room):
    query = search.Query(near=(44.5176, 3.5019), kind="desk")
    assert [h.resource for h in search.find(query)] == [desks]
    page = client.get(
        reverse("booking:search"),
        {"commune": "Mende", "kind": "desk", "period": "day", "date": "2026-11-30", "seats": 1}
        | {"rank": "functional"},
    )
    assert page.status_code == 200
    assert f'data-resource="{desks.pk}"' in page.text
    assert f'data-resource="{room.pk}"' not in page.text


# --------------------------------------------------------------------------- the way back


def test_an_anonymous_booking_goes_to_login_and_keeps_the_slot(client, desks):
    url = reverse("booking:resource", args=[desks.pk])
    response = client.post(url, book_form())
    login = urlsplit(response["Location"])
    assert login.path == reverse("accounts:login")
    back = parse_qs(login.query)["next"][0]
    assert back.startswith(url) and "date=2027-11-09" in back and "count=3" in back
    login_page = client.get(response["Location"])
    # the signup link carries the way back
    assert f"{reverse('accounts:signup')}?next=" in login_page.text
    again = client.get(back)
    assert 'value="2027-11-09"' in again.text and 'value="09:00"' in again.text
    assert '<option value="days" selected>' in again.text


def test_signing_up_comes_back_through_the_confirmation_link(client, mailbox, desks):
    back = reverse("booking:resource", args=[desks.pk]) + "?date=2027-11-09&start=09:00"
    signup = client.post(
        reverse("accounts:signup"),
        {
            "display_name": "Line",
            "email": "line@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": back,
        },
        REMOTE_ADDR="192.0.2.9",
    )
    assert signup.status_code == 302
    assert "next=" in signup["Location"]
    mailbox.deliver()
    link = urlsplit(mailbox.links(mailbox.only(to="line@example.org"))[0])
    assert parse_qs(link.query)["next"] == [back]
    confirm = client.get(f"{link.path}?{link.query}")
    assert confirm.status_code == 200
    done = client.post(f"{link.path}?{link.query}")
    assert done.status_code == 302 and done["Location"] == back
    assert User.objects.get(email="line@example.org").is_active


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_a_foreign_next_is_ignored(client, person, target):
    signup = client.get(reverse("accounts:signup"), {"next": target})
    assert "evil.example" not in signup.text and "javascript:x" not in signup.text
    login = client.post(
        reverse("accounts:login") + "?next=" + target,
        {"username": "ana", "password": PASSWORD, "next": target},
    )
    assert login.status_code == 302 and "evil" not in login["Location"]


# --------------------------------------------------------------------------- hosts


def test_hosts_decide_pending_requests_from_their_account_page(
    mailbox, desks, person, host, other, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first, second = services.book_series(
            person, desks, paris(*TUE, 9), paris(*TUE, 17), freq="days", count=2, now=NOW
        )
    mailbox.deliver()
    assert "Demande de réservation" in mailbox.only(to="hote@example.org")["Subject"]
    mailbox.clear()

    page = logged_in(host).get(reverse("accounts:account"))
    assert "2 demandes de réservation à décider" in page.text
    assert f'data-booking="{first.pk}"' in page.text and "Open space" in page.text
    assert reverse("booking:decide", args=[first.pk, "approve"]) in page.text
    assert reverse("booking:decide", args=[second.pk, "decline"]) in page.text
    # somebody else's account shows no request
    assert "à décider" not in logged_in(other).get(reverse("accounts:account")).text

    client = logged_in(host)
    with django_capture_on_commit_callbacks(execute=True):
        approved = client.post(
            reverse("booking:decide", args=[first.pk, "approve"]),
            {"next": reverse("accounts:account")},
        )
    assert approved["Location"] == reverse("accounts:account")
    first.refresh_from_db()
    assert first.status == "confirmed"
    mailbox.deliver()
    assert "acceptée" in mailbox.only(to="ana@example.org")["Subject"]
    assert "1 demande de réservation à décider" in client.get(reverse("accounts:account")).text
