"""The OpenAPI schema, and no request built from it makes the API fail (schemathesis)."""

from __future__ import annotations

import pytest
import yaml

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/places/",
    "/api/places/{id}/",
    "/api/places.geojson",
    "/api/places.csv",
    "/api/communes/",
    "/api/communes.geojson",
    "/api/functions/",
    "/api/exports/data-inclusion/structures.json",
    "/api/exports/data-inclusion/services.json",
    "/api/exports/mednum.json",
    "/api/exports/mednum.csv",
}


def test_the_schema_documents_every_endpoint_and_filter(client, db):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert ENDPOINTS <= set(schema["paths"])
    params = {p["name"] for p in schema["paths"]["/api/places/"]["get"]["parameters"]}
    assert {
        "near",
        "radius_km",
        "function",
        "family",
        "type",
        "commune",
        "open_at",
        "open_now",
        "free",
        "accessible",
        "mobile",
        "q",
        "page",
        "page_size",
    } <= params
    assert "400" in schema["paths"]["/api/places/"]["get"]["responses"]


def test_no_request_built_from_the_schema_gets_a_server_error(places, check_api_operations):
    # CSV answers are not described field by field in the schema: no conformance check there.
    check_api_operations(
        ENDPOINTS, max_examples=30, conforms=lambda path: not path.endswith(".csv")
    )
