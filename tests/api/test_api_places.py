"""Rules of /api/places/ and /api/places/{id}/."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maillage.api import serializers as s

pytestmark = pytest.mark.django_db


def get(client, url, **params):
    response = client.get(url, params)
    return response, response.json()


def test_the_list_gives_every_documented_field_and_nothing_else(client, places):
    response, body = get(client, "/api/places/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert set(body) == {"count", "next", "previous", "results"}
    first = body["results"][0]
    assert set(first) == set(s.PlaceListSerializer().fields)
    assert set(first["functions"][0]) == {"slug", "name", "family", "icon"}


def test_the_list_holds_published_places_by_name(client, places):
    _, body = get(client, "/api/places/")
    assert [p["name"] for p in body["results"]] == [
        "Bus numérique",
        "Coworking de Millau",
        "France Services de Mende",
        "Tiers-lieu de Florac",
    ]
    assert body["count"] == 4
    assert all(p["distance_km"] is None for p in body["results"])


def test_near_sorts_by_distance_and_gives_each_distance(client, places):
    _, body = get(
        client, "/api/places/", near="44.5215,3.4965", radius_km="30", function="digital-mediation"
    )
    names = [p["name"] for p in body["results"]]
    assert names == ["Bus numérique", "France Services de Mende", "Tiers-lieu de Florac"]
    distances = [p["distance_km"] for p in body["results"]]
    assert distances == sorted(distances)
    assert distances[1] == pytest.approx(0.48, abs=0.05)


def test_a_place_shows_its_commune_functions_networks_and_page(client, places):
    _, body = get(client, "/api/places/", q="Mende", type="france-services")
    (place,) = body["results"]
    assert place["commune"] == {"code": "48095", "name": "Mende"}
    assert [f["slug"] for f in place["functions"]] == [
        "public-service-orientation",
        "digital-mediation",
    ]
    assert place["functions"][1] == {
        "slug": "digital-mediation",
        "name": "Médiation numérique",
        "family": "public-services",
        "icon": "monitor-smartphone",
    }
    assert {n["slug"] for n in place["networks"]} == {"france-services", "solozere"}
    assert place["url"] == "http://testserver/lieux/france-services-de-mende/"
    assert place["open_now"] in (True, False)


def test_filters_combine(client, places):
    def names(**params):
        return {p["name"] for p in get(client, "/api/places/", **params)[1]["results"]}

    assert names(function="fablab,workspaces") == {"Tiers-lieu de Florac", "Coworking de Millau"}
    assert names(family="makers") == {"Tiers-lieu de Florac"}
    assert names(commune="48080") == {"Bus numérique"}
    assert names(mobile="1") == {"Bus numérique"}
    assert names(free="1", accessible="1") == {"France Services de Mende"}
    assert names(dept="12") == {"Coworking de Millau"}
    # Thursday 26 November 2026, 10:00 in Paris; lunch break; Saturday.
    assert names(open_at="2026-11-26T10:00") == {
        "France Services de Mende",
        "Tiers-lieu de Florac",
        "Coworking de Millau",
        "Bus numérique",
    }
    assert names(open_at="2026-11-26T12:30") == {"Tiers-lieu de Florac", "Coworking de Millau"}
    assert names(open_at="2026-11-28T10:00") == {"Tiers-lieu de Florac"}
    # The digital help desk of Florac opens on Tuesday afternoons only.
    assert names(open_at="2026-11-26T10:00", function="digital-mediation") == {
        "France Services de Mende",
        "Bus numérique",
    }
    assert names(open_at="2026-12-01T15:00", function="digital-mediation") == {
        "France Services de Mende",
        "Tiers-lieu de Florac",
    }


def test_the_list_pages(client, places):
    _, body = get(client, "/api/places/", page_size="2")
    assert body["count"] == 4 and len(body["results"]) == 2
    assert "page=2" in body["next"]
    _, second = get(client, body["next"])
    assert len(second["results"]) == 2
    assert second["previous"]
    response = client.get("/api/places/", {"page": "9"})
    assert response.status_code == 404


def test_the_list_takes_a_fixed_number_of_queries(client, places):
    from .conftest import make_place

    for i in range(30):
        make_place(
            f"Lieu {i}",
            (44.5 + i / 500, 3.5),
            ["digital-mediation", "fablab"],
            opening_hours="24/7",
        )
    client.get("/api/places/")  # the read model is built once
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/api/places/", {"near": "44.5,3.5", "radius_km": "50"})
    assert response.json()["count"] == 33
    assert len(ctx.captured_queries) <= 9


@pytest.mark.parametrize(
    ("params", "parameter"),
    [
        ({"near": "91,3"}, "near"),
        ({"near": "abc"}, "near"),
        ({"radius_km": "5"}, "radius_km"),
        ({"near": "44,3", "radius_km": "-2"}, "radius_km"),
        ({"near": "44,3", "radius_km": "1001"}, "radius_km"),
        ({"function": "nope"}, "function"),
        ({"family": "nope"}, "family"),
        ({"type": "nope"}, "type"),
        ({"commune": "xx"}, "commune"),
        ({"open_at": "demain"}, "open_at"),
        ({"open_at": "0001-01-01T00:00"}, "open_at"),
        ({"open_now": "peut-être"}, "open_now"),
        ({"free": "2"}, "free"),
        ({"accessible": "x"}, "accessible"),
        ({"mobile": "x"}, "mobile"),
        ({"q": "\x00"}, "q"),
        ({"dept": "Lozère"}, "dept"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it_and_why(client, places, params, parameter):
    for url in [
        "/api/places/",
        "/api/places.geojson",
        "/api/places.csv",
        "/api/exports/mednum.json",
    ]:
        response = client.get(url, params)
        assert response.status_code == 400, url
        body = response.json()
        assert body["error"] == "bad_parameter"
        assert body["parameter"] == parameter
        assert len(body["message"]) > 10


def test_the_radius_message_is_in_french_for_people(client, places):
    body = client.get("/api/places/", {"near": "44,3", "radius_km": "-2"}).json()
    assert body["message"] == "radius_km doit être un nombre positif (km)."


def test_the_detail_gives_functions_hours_closures_notices_stops_and_charter(client, places):
    florac = places["florac"]
    response = client.get(f"/api/places/{florac.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == set(s.PlaceDetailSerializer().fields)
    mediation = next(f for f in body["functions"] if f["slug"] == "digital-mediation")
    assert mediation["opening_hours"] == "Tu 14:00-17:00"
    assert mediation["effective_hours"] == "Tu 14:00-17:00"
    assert mediation["conditions"] == "Sur inscription"
    fablab = next(f for f in body["functions"] if f["slug"] == "fablab")
    assert fablab["opening_hours"] == "" and fablab["effective_hours"] == "Mo-Sa 09:00-18:00"
    assert body["closures"] == [
        {"start_date": "2099-08-01", "end_date": "2099-08-15", "reason": "Congés"}
    ]
    assert [n["message"] for n in body["notices"]] == ["Atelier spécial"]
    assert [c["slug"] for c in body["charter_items"]] == ["conviviality"]
    bus = client.get(f"/api/places/{places['bus'].pk}/").json()
    assert bus["stops"] == [
        {
            "commune": {"code": "48080", "name": "Langogne"},
            "spot": "Place du Marché",
            "latitude": None,
            "longitude": None,
            "opening_hours": "Th 09:00-12:00",
            "note": "",
        }
    ]


def test_an_archived_or_unknown_place_is_a_404(client, places):
    assert client.get(f"/api/places/{places['archived'].pk}/").status_code == 404
    assert client.get("/api/places/999999/").status_code == 404
    assert client.get("/api/places/99999999999999999999999/").status_code == 404


def test_the_api_is_read_only(client, places):
    assert client.post("/api/places/", {}).status_code in (403, 405)
    assert client.delete(f"/api/places/{places['mende'].pk}/").status_code in (403, 405)
