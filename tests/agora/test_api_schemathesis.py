"""No request built from the OpenAPI schema makes the agora API fail, and valid
requests get answers that follow the schema (schemathesis)."""

from __future__ import annotations

import pytest

from maillage.agora import services

ENDPOINTS = {
    "/api/agora/ideas/",
    "/api/agora/ideas/{id}/",
    "/api/agora/ideas/{id}/support/",
}

pytestmark = pytest.mark.django_db


def test_no_request_built_from_the_schema_gets_a_server_error(
    idea, mende, basile, members, check_api_operations
):
    services.propose_idea(by=basile, title="Un bus", text="t", commune=mende)
    services.support(idea, members[0])
    check_api_operations(ENDPOINTS, max_examples=20)
