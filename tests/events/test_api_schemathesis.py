"""No request built from the OpenAPI schema makes the agenda API fail, and valid
requests get answers that follow the schema (schemathesis)."""

from __future__ import annotations

import itertools

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

ENDPOINTS = {
    "/api/events/",
    "/api/events/{slug}/",
    "/api/events/occurrences/{id}/registrations/",
}

pytestmark = pytest.mark.django_db


def test_no_request_built_from_the_schema_gets_a_server_error(workshop, monthly, mailbox):
    from django.core import signals
    from django.db import close_old_connections

    # the real WSGI handler would close the test's own connection (see tests/api)
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        _check()
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _check():
    from django.core.wsgi import get_wsgi_application

    schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
    operations = [
        op for op in (r.ok() for r in schema.get_all_operations()) if op.path in ENDPOINTS
    ]
    assert {op.path for op in operations} == ENDPOINTS
    for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
        conform = mode is schemathesis.GenerationMode.POSITIVE

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=20,
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
        except Unsatisfiable:
            assert mode is schemathesis.GenerationMode.NEGATIVE
