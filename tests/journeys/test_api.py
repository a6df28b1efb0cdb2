"""GET /api/orientation/ on the demo data: the ordered steps, 400s naming the
parameter, the OpenAPI schema."""

from __future__ import annotations

import pytest

from maillage.journeys.demo import load_demo_journeys


def get(client, **params):
    return client.get("/api/orientation/", params)


def test_marie_louise_by_point(client, demo):
    response = get(
        client,
        needs="learn-digital-tools,get-involved",
        near="44.79,3.285",
        mobility="reduced",
        free_at="2026-12-01T14:30",
        age_group="senior",
    )
    assert response.status_code == 200
    data = response.json()
    # without a car, the mobile unit passing near her within the week comes first
    truck = data["steps"][0]
    assert truck["kind"] == "mobile" and truck["name"] == "Le tiers-truck"
    assert truck["start"].startswith("2026-12-07T09:00") and truck["end"]
    first = data["steps"][1]
    assert first["name"] == "Télécentre de Saint-Chély-d'Apcher"
    assert first["position"] == 2 and first["kind"] == "first"
    assert first["open_when_free"] is True and first["distance_km"] < 2
    assert "Ouvert quand vous êtes libre" in first["reason"]
    assert first["url"].startswith("/lieux/")
    assert client.get(first["url"]).status_code == 200
    assert data["reach_km"] == 4.0 and data["free_at"].startswith("2026-12-01T14:30")


def test_by_commune(client, demo):
    response = get(client, needs="admin-help", commune="48198", free_at="2026-12-03T10:00")
    assert response.status_code == 200
    data = response.json()
    assert data["home"]["name"] == "Villefort"
    assert data["steps"][0]["name"] == "France services Villefort"


@pytest.mark.parametrize(
    "params, parameter",
    [
        ({}, "needs"),
        ({"needs": "admin-help"}, "commune"),
        ({"needs": "nope", "commune": "48095"}, "needs"),
        ({"needs": ",".join(["admin-help"] * 9), "commune": "48095"}, "needs"),
        ({"needs": "admin-help", "commune": "ABCDE"}, "commune"),
        ({"needs": "admin-help", "commune": "99999"}, "commune"),
        ({"needs": "admin-help", "near": "44.5"}, "near"),
        ({"needs": "admin-help", "near": "91,3"}, "near"),
        ({"needs": "admin-help", "near": "nan,3"}, "near"),
        ({"needs": "admin-help", "near": "44.5,3.5", "commune": "48095"}, "near"),
        ({"needs": "admin-help", "commune": "48095", "mobility": "bike"}, "mobility"),
        ({"needs": "admin-help", "commune": "48095", "free_at": "mardi"}, "free_at"),
        ({"needs": "admin-help", "commune": "48095", "free_at": "0001-01-01T00:00"}, "free_at"),
        ({"needs": "admin-help", "commune": "48095", "age_group": "baby"}, "age_group"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, demo, params, parameter):
    response = get(client, **params)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_parameter" and body["parameter"] == parameter
    assert body["message"]


def test_in_the_openapi_schema(client, demo):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    operation = response.json()["paths"]["/api/orientation/"]["get"]
    names = {p["name"] for p in operation["parameters"]}
    assert {"needs", "words", "commune", "near", "mobility", "free_at", "age_group"} <= names
    assert "400" in operation["responses"]


def test_load_demo_journeys_is_idempotent(demo):
    again = load_demo_journeys()
    assert again["unchanged"] and not again["created"] and not again["updated"]
