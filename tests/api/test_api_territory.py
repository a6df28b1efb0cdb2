"""Rules of /api/communes/, /api/communes.geojson and /api/functions/."""

from __future__ import annotations

import json

import pytest

from maillage.api import serializers as s
from maillage.places.taxonomy import FAMILIES
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def test_communes_list_with_their_fields_without_geometry_by_default(client, communes):
    body = client.get("/api/communes/", {"dept": "48"}).json()
    assert [c["name"] for c in body["results"]] == ["Florac Trois Rivières", "Langogne", "Mende"]
    mende = body["results"][2]
    assert set(mende) == set(s.CommuneSerializer().fields) - {"geometry"}
    assert mende == {
        "code": "48095",
        "name": "Mende",
        "departement": "48",
        "population": 12200,
        "postal_codes": ["48000"],
        "centroid": {"latitude": 44.5287, "longitude": 3.4873},
    }


def test_communes_are_found_by_name_or_postal_code(client, communes):
    def names(**params):
        return [c["name"] for c in client.get("/api/communes/", params).json()["results"]]

    assert names(q="mend") == ["Mende"]
    assert names(q="48300") == ["Langogne"]
    assert names(q="12145") == ["Millau"]
    found = names(dept="12,48", q="l")
    assert found[0] == "Langogne"  # a name that starts so comes before one that contains it
    assert sorted(found) == ["Florac Trois Rivières", "Langogne", "Millau"]
    # the one rule of the platform: accents, hyphens and case do not matter
    assert names(q="FLORAC-TROIS-RIVIERES") == ["Florac Trois Rivières"]
    assert names(q="lang", page_size=1) == ["Langogne"]


def test_communes_with_geometry_on_request(client, communes):
    body = client.get("/api/communes/", {"q": "Mende", "geometry": "1"}).json()
    assert body["results"][0]["geometry"]["type"] == "Polygon"
    assert client.get("/api/communes/", {"geometry": "maybe"}).status_code == 400
    assert client.get("/api/communes/", {"dept": "Lozère"}).json()["parameter"] == "dept"


def test_the_communes_geojson_is_a_light_cached_feature_collection(client, communes):
    response = client.get("/api/communes.geojson", {"dept": "48"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/geo+json"
    assert "max-age" in response["Cache-Control"]
    collection = json.loads(response.content)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection
    assert [f["properties"]["code"] for f in collection["features"]] == ["48061", "48080", "48095"]
    mende = collection["features"][2]
    ring = mende["geometry"]["coordinates"][0]
    assert ring[0] == [3.45123, 44.50123]  # [lon, lat], 5 decimals
    assert ring[0] == ring[-1] and len(ring) >= 4
    assert collection["features"][0]["geometry"] is None  # no boundary imported
    # Conditional request: nothing changed, nothing sent.
    again = client.get("/api/communes.geojson", {"dept": "48"}, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_communes_geojson_follows_changes(client, communes):
    first = json.loads(client.get("/api/communes.geojson").content)  # the instance's départements
    assert len(first["features"]) == 3
    Commune.objects.create(code="48001", name="Albaret-le-Comtal", departement="48")
    assert len(json.loads(client.get("/api/communes.geojson").content)["features"]) == 4


def test_functions_come_by_family_with_their_icons(client, db):
    body = client.get("/api/functions/").json()
    assert [f["slug"] for f in body] == [fam[0] for fam in FAMILIES]
    assert set(body[0]) == set(s.FamilySerializer().fields)
    assert [f["slug"] for f in body[1]["functions"]] == [
        "workspaces",
        "meeting-rooms",
        "digital-access",
    ]
    assert body[1]["functions"][2]["icon"] == "wifi"
