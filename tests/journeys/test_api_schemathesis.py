"""No request built from the OpenAPI schema makes /api/orientation/ or /api/referrals/flows/
fail, and valid requests get answers that follow the schema (schemathesis)."""

from __future__ import annotations

ENDPOINTS = {"/api/orientation/", "/api/referrals/flows/"}


def test_no_request_built_from_the_schema_gets_a_server_error(demo, check_api_operations):
    check_api_operations(ENDPOINTS, max_examples=25)
