"""Rules of the open-data endpoints: same filters as /api/places/, valid schemas."""

from __future__ import annotations

import csv
import io
import json

import pytest
from official_schemas import di_service_errors, di_structure_errors, mednum_csv_errors

from maillage.places import opendata_schemas as S

pytestmark = pytest.mark.django_db


def test_places_geojson_takes_the_search_filters(client, places):
    response = client.get(
        "/api/places.geojson", {"function": "digital-mediation", "near": "44.5215,3.4965"}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    names = [f["properties"]["name"] for f in collection["features"]]
    assert names == ["Bus numérique", "France Services de Mende", "Tiers-lieu de Florac"]
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [3.5006, 44.5181]}
    assert first["properties"]["distance_km"] > 0


def test_places_csv_is_a_download_with_a_header(client, places):
    response = client.get("/api/places.csv", {"type": "coworking"})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["name"] for r in rows] == ["Coworking de Millau"]
    assert rows[0]["functions"] == "workspaces|meeting-rooms"


def test_a_bad_filter_on_a_csv_export_answers_in_json(client, places):
    response = client.get("/api/places.csv", {"near": "x"}, HTTP_ACCEPT="text/csv")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["parameter"] == "near"


def test_data_inclusion_endpoints_give_valid_structures_and_services(client, places):
    structures = client.get("/api/exports/data-inclusion/structures.json").json()
    services = client.get("/api/exports/data-inclusion/services.json").json()
    assert {s["nom"] for s in structures} == {
        "France Services de Mende",
        "Tiers-lieu de Florac",
        "Bus numérique",
    }
    assert [e for s in structures for e in di_structure_errors(s)] == []
    assert [e for s in services for e in di_service_errors(s)] == []
    assert {s["structure_id"] for s in services} == {s["id"] for s in structures}
    only_12 = client.get("/api/exports/data-inclusion/structures.json", {"dept": "12"}).json()
    assert only_12 == []


def test_mednum_endpoints_give_valid_lieux(client, places):
    rows = client.get("/api/exports/mednum.json").json()
    assert {r["nom"] for r in rows} == {
        "France Services de Mende",
        "Tiers-lieu de Florac",
        "Bus numérique",
    }
    response = client.get("/api/exports/mednum.csv")
    assert mednum_csv_errors(response.content.decode()) == []
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    parsed = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert tuple(parsed[0]) == S.MEDNUM_FIELDS and len(parsed) == 3


def test_open_data_csv_exports_write_no_formula(client, places):
    from .conftest import make_place

    hostile = '=HYPERLINK("http://127.0.0.1:9/","clic")'
    mende = places["mende"]
    make_place(
        hostile,
        (44.5181, 3.5006),
        ["digital-mediation"],
        slug="hostile",
        phone="+33 4 66 00 00 00",
        type="france-services",
        commune=mende.commune,
        address="1 rue du Test",
        postal_code="48000",
        opening_hours="Mo-Fr 08:30-12:00",
    )
    for url in ("/api/places.csv", "/api/exports/mednum.csv"):
        rows = list(csv.reader(io.StringIO(client.get(url).content.decode())))
        cells = [c for row in rows for c in row]
        assert "'" + hostile in cells, url
        assert not any(c.startswith(("=", "@")) for c in cells), url
    rows = list(csv.DictReader(io.StringIO(client.get("/api/places.csv").content.decode())))
    assert any(r["phone"] == "+33 4 66 00 00 00" for r in rows)  # a phone number stays one
