"""The booking API: search, availability, bookings and decisions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from maillage.booking.models import Booking

from .conftest import paris

# a Monday far enough ahead to be in the future whenever the tests run
MON = (2027, 11, 29)


@pytest.fixture
def api(person):
    client = Client(enforce_csrf_checks=True)
    client.force_login(person)
    client.cookies["csrftoken"] = "a" * 32
    return client


def post(client, url, data):
    return client.post(url, data, content_type="application/json", HTTP_X_CSRFTOKEN="a" * 32)


def test_search_functional_and_charm(client, room, hotel, atelier):
    from .conftest import make_resource

    make_resource(
        hotel,
        name="Salon du château",
        kind="visio-room",
        charm="Vue sur le Lot, boiseries",
        charm_tags=["view", "chateau", "heritage"],
        price_half_day="80.00",
    )
    params = {
        "near": "44.5176,3.5019",
        "from": "2027-11-29T13:00",
        "to": "2027-11-29T18:00",
        "seats": 4,
        "equipment": "visio",
    }
    functional = client.get("/api/resources/", params).json()
    assert [r["name"] for r in functional["results"]][0] == "Salle visio"
    assert functional["results"][0]["free_slots"][0]["start"].startswith("2027-11-29T13:00")
    charm = client.get("/api/resources/", {**params, "rank": "charm"}).json()
    assert charm["results"][0]["name"] == "Salon du château"
    by_commune = client.get("/api/resources/", {"commune": "48095"}).json()
    assert by_commune["count"] == 2


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"rank": "cheap"}, "rank"),
        ({"equipment": "jacuzzi"}, "equipment"),
        ({"near": "north"}, "near"),
        ({"from": "2027-11-29T13:00"}, "to"),
        ({"commune": "4809"}, "commune"),
    ],
)
def test_search_bad_parameters(client, room, params, parameter):
    response = client.get("/api/resources/", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter


def test_a_well_formed_code_of_no_commune_is_not_found_and_named(client, room):
    # The request is valid; the commune is missing: 404, like an unknown id in a path.
    response = client.get("/api/resources/", {"commune": "99999"})
    assert response.status_code == 404
    assert response.json() == {
        "error": "not_found",
        "parameter": "commune",
        "message": "Commune inconnue : 99999 (code INSEE).",
    }
    events = client.get("/api/events/", {"around": "2A172"})
    assert events.status_code == 404 and events.json()["parameter"] == "around"
    assert client.get("/api/events/", {"around": "Mende"}).status_code == 400


def test_booking_an_unknown_resource_is_not_found(api):
    body = {"resource": 987654, "start": "2027-11-29T10:00", "end": "2027-11-29T11:00"}
    response = post(api, "/api/bookings/", body)
    assert response.status_code == 404 and response.json()["parameter"] == "resource"


def test_the_booking_api_reads_json_only(api):
    response = api.post(
        "/api/bookings/", {"resource": "1"}, HTTP_X_CSRFTOKEN="a" * 32
    )  # a form body
    assert response.status_code == 415
    assert response.json()["error"] == "unsupported_media_type"


def test_availability(client, room, person):
    Booking.objects.create(
        resource=room, user=person, start=paris(*MON, 10), end=paris(*MON, 11), purpose="secret"
    )
    data = client.get(
        "/api/availability/", {"resource": room.pk, "from": "2027-11-29", "to": "2027-11-30"}
    ).json()
    assert data["free"] == [
        {"start": "2027-11-29T08:00:00+01:00", "end": "2027-11-29T10:00:00+01:00"},
        {"start": "2027-11-29T11:00:00+01:00", "end": "2027-11-29T19:00:00+01:00"},
    ]
    assert "secret" not in str(data) and "ana" not in str(data)
    bad = client.get("/api/availability/", {"resource": room.pk, "from": "x", "to": "y"})
    assert bad.status_code == 400 and bad.json()["parameter"] == "from"


def test_book_refuse_cancel(api, room, other):
    body = {"resource": room.pk, "start": "2027-11-29T10:00", "end": "2027-11-29T11:00"}
    created = post(api, "/api/bookings/", body)
    assert created.status_code == 201, created.content
    assert created.json()["status"] == "confirmed"
    again = post(api, "/api/bookings/", body)
    assert again.status_code == 409
    refusal = again.json()
    assert refusal["reasons"][0]["code"] == "taken" and refusal["alternatives"]
    mine = api.get("/api/bookings/").json()["results"]
    assert [b["id"] for b in mine] == [created.json()["id"]]
    cancelled = post(api, f"/api/bookings/{created.json()['id']}/cancel/", {"reason": "reporté"})
    assert cancelled.json()["status"] == "cancelled"
    assert post(api, "/api/bookings/", body).status_code == 201


def test_writes_need_login_and_csrf(client, room, person):
    body = {"resource": room.pk, "start": "2027-11-29T10:00", "end": "2027-11-29T11:00"}
    assert client.post("/api/bookings/", body, content_type="application/json").status_code == 403
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post("/api/bookings/", body, content_type="application/json").status_code == 403


def test_bad_booking_parameters(api, room):
    response = post(api, "/api/bookings/", {"resource": room.pk, "start": "demain"})
    assert response.status_code == 400 and response.json()["parameter"] == "start"


def test_host_approves_through_the_api(api, room, host):
    room.approval_required = True
    room.save()
    made = post(
        api,
        "/api/bookings/",
        {"resource": room.pk, "start": "2027-11-29T14:00", "end": "2027-11-29T16:00", "seats": 3},
    ).json()
    assert made["status"] == "pending"
    assert post(api, f"/api/bookings/{made['id']}/approve/", {}).status_code == 403
    hosting = Client(enforce_csrf_checks=True)
    hosting.force_login(host)
    hosting.cookies["csrftoken"] = "a" * 32
    pending = hosting.get("/api/bookings/", {"as": "host", "status": "pending"}).json()
    assert [b["id"] for b in pending["results"]] == [made["id"]]
    approved = post(hosting, f"/api/bookings/{made['id']}/approve/", {})
    assert approved.json()["status"] == "confirmed"


def test_weekly_series_through_the_api(api, room):
    made = post(
        api,
        "/api/bookings/",
        {
            "resource": room.pk,
            "start": "2027-11-29T18:00",
            "end": "2027-11-29T19:00",
            "repeat": "weekly",
            "count": 4,
        },
    )
    assert made.status_code == 201 and len(made.json()["results"]) == 4


def test_half_a_day_next_week_and_radius(client, room, hotel):
    from .conftest import make_resource

    far = make_resource(hotel, name="Loin", charm="Calme", charm_tags=["nature"])
    near = {
        "near": "44.5176,3.5019",
        "from": "2027-11-29T00:00",
        "to": "2027-12-04T00:00",
        "duration": 240,
    }
    close = client.get("/api/resources/", {**near, "radius_km": 5}).json()
    assert [r["name"] for r in close["results"]] == ["Salle visio"]
    assert all(
        (
            dt.datetime.fromisoformat(s["end"]) - dt.datetime.fromisoformat(s["start"])
        ).total_seconds()
        >= 4 * 3600
        for s in close["results"][0]["free_slots"]
    )
    # charm looks twice as far
    wider = client.get("/api/resources/", {**near, "radius_km": 10, "rank": "charm"}).json()
    assert wider["results"][0]["id"] == far.pk


def test_half_a_day_next_week_page(client, room):
    page = client.get(
        "/reserver/", {"period": "half-day-next-week", "seats": 1, "rank": "functional"}
    )
    assert page.status_code == 200 and "Salle visio" in page.content.decode()
