"""What a clumsy person or an attacker can send to booking is refused with a
message naming what is wrong: never a 500, never a silent cut or rounding."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.test import Client

from maillage.booking.models import Booking

from .conftest import make_resource, paris

SLOT = {"start": "2027-11-29T10:00", "end": "2027-11-29T11:00"}


@pytest.fixture
def api(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.cookies["csrftoken"] = "a" * 32
    return client


def post_raw(client, url, body: str):
    return client.post(url, body, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32)


def assert_bad(response, parameter: str):
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert body["error"] in {"bad_parameter", "bad_request"}
    assert body["parameter"] == parameter and body["message"]


@pytest.mark.parametrize("body", ["null", "[]", '"x"', "1", "true"])
def test_a_booking_body_that_is_not_an_object_is_a_400(api, room, body):
    assert_bad(post_raw(api, "/api/bookings/", body), "body")


def test_json_nested_too_deep_is_a_400(api, room):
    assert_bad(post_raw(api, "/api/bookings/", "[" * 100_000 + "]" * 100_000), "body")


def test_a_nul_byte_in_the_purpose_is_a_400(api, room):
    body = {"resource": room.pk, **SLOT, "purpose": "a\x00b"}
    assert_bad(post_raw(api, "/api/bookings/", json.dumps(body)), "purpose")
    assert not Booking.objects.exists()


def test_a_purpose_too_long_is_refused_not_cut(api, room):
    body = {"resource": room.pk, **SLOT, "purpose": "x" * 100_000}
    response = post_raw(api, "/api/bookings/", json.dumps(body))
    assert_bad(response, "purpose")
    assert "200" in response.json()["message"]
    assert not Booking.objects.exists()
    body["purpose"] = "x" * 200
    assert post_raw(api, "/api/bookings/", json.dumps(body)).status_code == 201


@pytest.mark.parametrize("seats", [1.5, True, "1.5", "deux"])
def test_seats_that_are_not_a_whole_number_are_refused_not_rounded(api, pool, seats):
    body = {"resource": pool.pk, **SLOT, "seats": seats}
    assert_bad(post_raw(api, "/api/bookings/", json.dumps(body)), "seats")
    assert not Booking.objects.exists()


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_years_out_of_bounds_are_a_400_naming_the_parameter(api, client, room, year):
    moment = f"{year}-06-01T10:00"
    assert_bad(client.get("/api/resources/", {"from": moment, "to": SLOT["end"]}), "from")
    assert_bad(
        client.get(
            "/api/availability/", {"resource": room.pk, "from": SLOT["start"], "to": moment}
        ),
        "to",
    )
    body = {"resource": room.pk, "start": moment, "end": SLOT["end"]}
    assert_bad(post_raw(api, "/api/bookings/", json.dumps(body)), "start")


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_the_booking_form_refuses_a_year_out_of_bounds(client, person, room, year):
    client.force_login(person)
    page = client.post(
        f"/reserver/ressource/{room.pk}/",
        {"date": f"{year}-06-01", "start": "10:00", "end": "11:00", "seats": "1"},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "entre 1970 et 2200" in html and f"{year}-06-01" in html  # re-shown as typed
    assert not Booking.objects.exists()


def test_the_host_calendar_refuses_a_week_out_of_bounds(client, host, room, atelier):
    client.force_login(host)
    page = client.get(f"/reserver/lieu/{atelier.slug}/", {"semaine": "9999-12-31"})
    assert page.status_code == 200 and "semaine doit tomber entre 1970 et 2200" in (
        page.content.decode()
    )


def test_the_network_view_refuses_months_out_of_bounds(client, coordinator, room):
    client.force_login(coordinator)
    page = client.get("/reserver/reseau/", {"from": "0001-01", "to": "9999-12"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "from doit tomber entre 1970 et 2200" in html
    assert "to doit tomber entre 1970 et 2200" in html


def test_the_occupancy_export_writes_no_formula(client, coordinator, atelier):
    make_resource(atelier, name='=HYPERLINK("http://127.0.0.1:9/","clic")', kind="workshop")
    client.force_login(coordinator)
    exported = client.get(
        "/reserver/reseau/", {"from": "2026-11", "to": "2026-11", "format": "csv"}
    )
    rows = list(csv.DictReader(io.StringIO(exported.content.decode())))
    names = {r["ressource"] for r in rows}
    assert '\'=HYPERLINK("http://127.0.0.1:9/","clic")' in names
    assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_an_admin_booking_over_a_taken_slot_is_a_form_error(admin_client, room, person, other):
    Booking.objects.create(
        resource=room, user=other, start=paris(2027, 11, 29, 10), end=paris(2027, 11, 29, 11)
    )
    page = admin_client.post(
        "/admin/booking/booking/add/",
        {
            "resource": room.pk,
            "user": person.pk,
            "start_0": "2027-11-29",
            "start_1": "10:30",
            "end_0": "2027-11-29",
            "end_1": "11:30",
            "seats": "1",
            "status": "confirmed",
        },
    )
    assert page.status_code == 200
    assert "Ce créneau est déjà réservé." in page.content.decode()
    assert Booking.objects.count() == 1
