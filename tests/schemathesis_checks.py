"""One way to run schemathesis against our own OpenAPI schema, shared by every app's API tests.

Requests go through the real WSGI handler, which closes "old" database
connections when each request starts and finishes; inside a test's transaction
that would close the test's own PostgreSQL connection, so those signal handlers
are disconnected for the run (Django's test client does the same).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance


def check_operations(
    endpoints: Iterable[str],
    *,
    max_examples: int = 25,
    conforms: Callable[[str], bool] = lambda path: True,
) -> None:
    """For every operation on ``endpoints``: generated requests, valid and invalid,
    never get a 5xx; valid ones get answers that follow the schema (for paths
    where ``conforms(path)``)."""
    endpoints = set(endpoints)
    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    try:
        schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
        operations = [
            op for op in (r.ok() for r in schema.get_all_operations()) if op.path in endpoints
        ]
        assert {op.path for op in operations} == endpoints
        for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
            positive = mode is schemathesis.GenerationMode.POSITIVE
            checks = [not_a_server_error]
            if positive and conforms(operation.path):
                checks.append(response_schema_conformance)
            _run(operation, mode, checks, max_examples)
    finally:
        for signal in (signals.request_started, signals.request_finished):
            signal.connect(close_old_connections)


def _run(operation, mode, checks, max_examples: int) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def check(case):
        # uncompressed: the WSGI transport hands gzip bodies to the checks as they come
        case.validate_response(case.call(headers={"Accept-Encoding": "identity"}), checks=checks)

    try:
        check()
    except Unsatisfiable:
        # Some operations have no invalid request to build (no parameter to spoil).
        assert mode is schemathesis.GenerationMode.NEGATIVE


@pytest.fixture
def check_api_operations():
    """``check_api_operations(endpoints, max_examples=..., conforms=...)``: see check_operations."""
    return check_operations
