"""No request built from the OpenAPI schema makes the agenda API fail, and valid
requests get answers that follow the schema (schemathesis)."""

from __future__ import annotations

import pytest

ENDPOINTS = {
    "/api/events/",
    "/api/events/{slug}/",
    "/api/events/occurrences/{id}/registrations/",
}

pytestmark = pytest.mark.django_db


def test_no_request_built_from_the_schema_gets_a_server_error(
    workshop, monthly, mailbox, check_api_operations
):
    check_api_operations(ENDPOINTS, max_examples=20)
