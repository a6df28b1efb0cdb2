"""One way to run schemathesis against our own OpenAPI schema, shared by every app's API tests.

Requests go through the real WSGI handler, which closes "old" database
connections when each request starts and finishes; inside a test's transaction
that would close the test's own PostgreSQL connection, so those signal handlers
are disconnected for the run (Django's test client does the same).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterable

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
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


class Probe:
    """Every operation of the schema, as one person (``headers``: their session
    cookie and CSRF token, or none), with ALL of schemathesis's checks; failures
    are collected (not stopped at), so that a run counts what it found."""

    def __init__(self):
        self.requests = 0
        self.failures: list[str] = []
        self.seconds: dict[str, float] = {}

    def run(self, role: str, headers: dict[str, str], max_examples: int, skip=()) -> None:
        for signal in (signals.request_started, signals.request_finished):
            signal.disconnect(close_old_connections)
        try:
            schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())
            operations = [op for op in (r.ok() for r in schema.get_all_operations())]
            for operation, mode in itertools.product(operations, schemathesis.GenerationMode):
                if (operation.method.upper(), operation.path) in skip:
                    continue
                began = time.perf_counter()
                self._run(role, operation, mode, headers, max_examples)
                key = f"{operation.method.upper()} {operation.path}"
                self.seconds[key] = self.seconds.get(key, 0) + time.perf_counter() - began
        finally:
            for signal in (signals.request_started, signals.request_finished):
                signal.connect(close_old_connections)

    def _run(self, role, operation, mode, headers, max_examples) -> None:
        seen: set[str] = set()
        # Schemathesis's WSGI transport does not decompress: ask for plain answers.
        headers = {"Accept-Encoding": "identity", **headers}

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=max_examples,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            self.requests += 1
            response = case.call(headers=headers)
            try:
                case.validate_response(response, headers=headers)
            except (AssertionError, FailureGroup) as failure:
                first = str(failure).strip().splitlines()[0][:160]
                key = f"{role} {mode.value} {operation.method.upper()} {operation.path}: {first}"
                if key not in seen:
                    seen.add(key)
                    self.failures.append(f"{key}\n{str(failure)[:1500]}")

        try:
            check()
        except Unsatisfiable:
            assert mode is schemathesis.GenerationMode.NEGATIVE


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
