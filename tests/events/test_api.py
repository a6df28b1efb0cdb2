"""The agenda API: dates, one event, registering, the host's list, the OpenAPI schema."""

from __future__ import annotations

import pytest
import yaml

from maillage.events import services
from maillage.events.models import Registration

from .conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_dates_filtered_like_the_page(client, workshop, monthly):
    data = client.get("/api/events/", {"audience": "seniors"}).json()
    assert [d["title"] for d in data] == ["Atelier réparation"]
    first = data[0]
    assert first["start"] == "2026-12-09T14:00:00+01:00"
    assert first["registration_required"] and first["seats_left"] == 2
    assert first["place"]["slug"] == "l-atelier" and first["commune"] == "48095"
    near = client.get("/api/events/", {"near": "44.518,3.5", "radius_km": "2"}).json()
    assert {d["title"] for d in near} == {"Atelier réparation", "Apéro des indépendants"}
    assert all(d["distance_km"] is not None for d in near)


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({"near": "abc"}, "near"),
        ({"radius_km": "0"}, "radius_km"),
        ({"audience": "aliens"}, "audience"),
        ({"from": "demain"}, "from"),
        ({"commune": "x"}, "commune"),
        ({"function": "a b"}, "function"),
    ],
)
def test_bad_parameters_are_400s_naming_them(client, params, parameter):
    response = client.get("/api/events/", params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_parameter" and body["parameter"] == parameter


def test_one_event(client, monthly):
    data = client.get(f"/api/events/{monthly.slug}/").json()
    assert data["recurrence_rule"] == "FREQ=MONTHLY;BYDAY=1TH"
    assert data["ics"].endswith(f"/agenda/evenements/{monthly.slug}.ics")
    assert client.get("/api/events/nope/").status_code == 404


def test_register_through_the_api_and_the_hosts_list(client, workshop, host, mailbox):
    occ = workshop.occurrences.get()
    url = f"/api/events/occurrences/{occ.pk}/registrations/"
    response = client.post(
        url, {"name": "Lou", "email": "lou@example.org"}, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["status"] == "pending"
    mailbox.deliver()
    assert "Confirmez" in mailbox.only(to="lou@example.org")["Subject"]
    services.confirm_registration(Registration.objects.get().token)
    again = client.post(
        url, {"name": "Lou", "email": "lou@example.org"}, content_type="application/json"
    )
    assert again.status_code == 409
    missing = client.post(url, {"name": "Lou"}, content_type="application/json")
    assert missing.status_code == 400 and missing.json()["parameter"] == "email"

    assert client.get(url).status_code == 403
    client.login(username="murielle", password=PASSWORD)
    listed = client.get(url).json()
    assert [(r["email"], r["status"]) for r in listed] == [("lou@example.org", "registered")]


def test_registration_with_a_session(client, workshop, mailbox):
    occ = workshop.occurrences.get()
    make_user("ana")
    client.login(username="ana", password=PASSWORD)
    response = client.post(
        f"/api/events/occurrences/{occ.pk}/registrations/", {}, content_type="application/json"
    )
    assert response.status_code == 201
    assert Registration.objects.get().status == "registered"
    mailbox.deliver()
    assert "Inscription confirmée" in mailbox.only(to="ana@example.org")["Subject"]


def test_the_schema_documents_the_agenda(client):
    schema = yaml.safe_load(client.get("/api/schema/").content)
    paths = schema["paths"]
    assert {
        "/api/events/",
        "/api/events/{slug}/",
        "/api/events/occurrences/{id}/registrations/",
    } <= set(paths)
    params = {p["name"] for p in paths["/api/events/"]["get"]["parameters"]}
    assert {"commune", "near", "radius_km", "function", "audience", "from", "to"} <= params
    assert "post" in paths["/api/events/occurrences/{id}/registrations/"]
