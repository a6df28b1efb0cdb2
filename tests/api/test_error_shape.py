"""Every API answers its errors in one shape, the one its schema documents."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

CASES = [
    ("get", "/api/places/999999/", 404, "/api/places/{id}/"),  # directory
    ("get", "/api/places/?page_size=1.5", 400, "/api/places/"),
    ("get", "/api/coverage/?dept=Lozère", 400, "/api/coverage/"),  # analysis
    ("get", "/api/bookings/", 403, "/api/bookings/"),  # booking
    ("post", "/api/bookings/", 403, "/api/bookings/"),
    ("get", "/api/events/?from=0001-01-01", 400, "/api/events/"),  # events
    ("get", "/api/orientation/", 400, "/api/orientation/"),  # journeys
    ("get", "/api/places.csv?format=xlsx", 404, "/api/places.csv"),
    ("get", "/api/nulle-part/", 404, None),
    ("get", "/api/places/1.5/", 404, None),
]


@pytest.fixture(scope="module")
def schema_paths(django_db_setup, django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        return Client().get("/api/schema/", HTTP_ACCEPT="application/json").json()["paths"]


@pytest.mark.parametrize(("method", "url", "status", "path"), CASES)
def test_one_error_shape_documented_for_every_api(client, schema_paths, method, url, status, path):
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["error"], str) and isinstance(body["message"], str) and body["message"]
    assert set(body) <= {"error", "message", "parameter"}
    if status == 400:
        assert body["error"] == "bad_parameter" and body["parameter"]
    if path is not None:
        documented = schema_paths[path][method]["responses"][str(status)]
        assert documented["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
