"""The OpenAPI schema, and no request built from it makes the API fail (schemathesis)."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

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


def test_no_request_built_from_the_schema_gets_a_server_error(places):
    from django.core import signals
    from django.db import close_old_connections

    # Requests go through the real WSGI handler, which closes "old" connections when
    # each request starts and finishes; inside the test's transaction that would close
    # the test's own PostgreSQL connection (Django's test client disconnects them too).
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        _check_every_operation()
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _check_every_operation():
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    # This API's operations (other apps mount theirs under /api/ too: their own tests).
    operations = [
        op for op in (result.ok() for result in schema.get_all_operations()) if op.path in ENDPOINTS
    ]
    assert {op.path for op in operations} == ENDPOINTS
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
        # Valid requests (positive) must get answers that follow the schema; invalid
        # ones (negative: wrong types, out-of-range values) at least no 5xx.
        conform = mode is schemathesis.GenerationMode.POSITIVE and not operation.path.endswith(
            ".csv"
        )

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=30,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            checks = [not_a_server_error] + ([response_schema_conformance] if conform else [])
            case.validate_response(response, checks=checks)

        try:
            check()
        except Unsatisfiable:  # nothing can be made invalid (no parameter)
            assert mode is schemathesis.GenerationMode.NEGATIVE
