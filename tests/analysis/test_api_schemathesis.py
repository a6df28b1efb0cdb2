"""No request built from the OpenAPI schema makes /api/coverage/ or /api/recommendations/
fail, and valid requests get answers that follow the schema (schemathesis)."""

from __future__ import annotations

ENDPOINTS = {"/api/coverage/", "/api/recommendations/"}


def test_no_request_built_from_the_schema_gets_a_server_error(lozere, check_api_operations):
    check_api_operations(ENDPOINTS, max_examples=25)
