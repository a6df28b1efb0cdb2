"""The OpenAPI schema and the API agree: schemathesis over EVERY operation of the
five APIs (directory, analysis, booking, events, journeys), anonymous and as a
member, a host and a coordinator, with all of schemathesis's checks
(server errors, status codes, content types, headers, response schemas,
invalid data rejected, valid data accepted...): no failure, except a request
valid by the schema refused for one of the rules across parameters that
OpenAPI cannot state (RULES_ACROSS_PARAMETERS), each named here.

The demo is the data (the project's own loaders), loaded once for the module."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re

import pytest
from django.core.management import call_command
from django.test import Client
from schemathesis_checks import Probe

TODAY = dt.date(2026, 11, 25)

#: A request valid by the schema may be refused (ST202) only for these rules, which
#: bind two parameters together and which OpenAPI 3 cannot state for query
#: parameters or form fields: (operation, the parameter the 400 names, words of
#: its message) -> the rule.
RULES_ACROSS_PARAMETERS = {
    ("GET /api/availability/", "to", "après from"): "to after from",
    ("GET /api/availability/", "to", "jours entre from et to"): "a bounded window",
    ("GET /api/resources/", "to", "jours entre from et to"): "a bounded window",
    ("GET /api/resources/", "from", "vont ensemble"): "from and to together",
    ("GET /api/resources/", "to", "vont ensemble"): "from and to together",
    ("GET /api/resources/", "to", "après from"): "to after from",
    ("POST /api/bookings/", "end", "après"): "end after start",
    ("POST /api/bookings/", "count", "au plus"): "how many repeats depends on repeat",
    ("POST /api/events/occurrences/{id}/registrations/", "name", "sans compte"): "name without an account",
    ("POST /api/events/occurrences/{id}/registrations/", "email", "sans compte"): "e-mail without an account",
    ("GET /api/orientation/", "needs", "au moins un besoin"): "needs or words: at least one",
    ("GET /api/coverage/", "threshold_km", "s'excluent"): "threshold_km or threshold_min",
    ("GET /api/recommendations/", "threshold_km", "s'excluent"): "threshold_km or threshold_min",
    ("GET /api/recommendations/", "add", "s'excluent"): "add or target_share",
    ("GET /api/coverage/", "threshold_km", "travel"): "kilometres or minutes with travel",
    ("GET /api/recommendations/", "threshold_km", "travel"): "kilometres or minutes with travel",
    ("GET /api/coverage/", "threshold_min", "travel"): "minutes need a travel model",
    ("GET /api/coverage/", "travel", "seuil en minutes"): "minutes need a travel model",
    ("GET /api/recommendations/", "travel", "seuil en minutes"): "minutes need a travel model",
    ("GET /api/recommendations/", "threshold_min", "travel"): "minutes need a travel model",
    **{
        (operation, "radius_km", "point de départ"): "radius_km with near (or around)"
        for operation in (
            "GET /api/places/", "GET /api/places.csv", "GET /api/places.geojson",
            "GET /api/exports/mednum.csv", "GET /api/exports/mednum.json",
            "GET /api/exports/data-inclusion/services.json",
            "GET /api/exports/data-inclusion/structures.json",
            "GET /api/events/", "GET /api/resources/",
        )
    },
}  # fmt: skip
_PARAMETER = re.compile(r'"parameter":\s*"([^"]*)"')
_MESSAGE = re.compile(r'"message":\s*"([^"]*)"')


def outside_the_rules(failure: str) -> bool:
    """Whether an ST202 failure is a refusal the rules above do not explain."""
    head = failure.split(":", 1)[0]  # "role mode METHOD /path"
    operation = " ".join(head.split()[-2:])
    parameter, message = _PARAMETER.search(failure), _MESSAGE.search(failure)
    if parameter is None or message is None:
        return True
    parameter, message = parameter.group(1), message.group(1)
    try:
        message = json.loads(f'"{message}"')  # \u00e8 as the middleware writes it, or è
    except ValueError:
        pass
    return not any(
        (op, name) == (operation, parameter) and words in message
        for op, name, words in RULES_ACROSS_PARAMETERS
    )


TOKEN = "a" * 32
# Per operation, generation mode and role: 3 keeps the suite quick (~1-3 min on a busy
# machine); MAILLAGE_SCHEMATHESIS_EXAMPLES=50 makes a deeper probe, for the same rules.
EXAMPLES = int(os.environ.get("MAILLAGE_SCHEMATHESIS_EXAMPLES", "3"))


def _wipe(users_before: set[int]):
    from django.contrib.auth import get_user_model

    from maillage.places import models as pm
    from maillage.territory.models import Commune

    pm.Place.objects.all().delete()
    pm.Network.objects.all().delete()
    get_user_model().objects.exclude(pk__in=users_before).delete()
    Commune.objects.all().delete()
    for model in (pm.Place, pm.PlaceFunction, pm.Closure, pm.MobileStop, pm.Notice):
        model.history.model.objects.all().delete()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, open_data_dir):
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from maillage.places.demo import load_demo

    old = settings.MAILLAGE_OPEN_DATA
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    out = io.StringIO()
    with django_db_blocker.unblock():
        users_before = set(get_user_model().objects.values_list("pk", flat=True))
        load_demo(today=TODAY)
        for command in ("load_demo_journeys", "load_demo_booking", "load_demo_events"):
            call_command(command, stdout=out)
        get_user_model().objects.create_user(
            username="membre", email="membre@example.org", password="x-long-password-48"
        )
    yield
    with django_db_blocker.unblock():
        _wipe(users_before)
    settings.MAILLAGE_OPEN_DATA = old


def headers_of(username: str | None) -> dict[str, str]:
    if username is None:
        return {}
    from django.contrib.auth import get_user_model

    client = Client()
    client.force_login(get_user_model().objects.get(username=username))
    session = client.cookies["sessionid"].value
    return {"Cookie": f"sessionid={session}; csrftoken={TOKEN}", "X-CSRFToken": TOKEN}


@pytest.fixture
def connections_kept():
    """Requests go straight to the WSGI handler here, not through Django's test client:
    keep it from closing the test's database connection at each request's end (it
    would, inside the test's transaction, on PostgreSQL)."""
    from django.core import signals
    from django.db import close_old_connections

    for signal in (signals.request_started, signals.request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (signals.request_started, signals.request_finished):
        signal.connect(close_old_connections)


@pytest.mark.parametrize("role", [None, "membre", "hote", "coordination"])
def test_every_operation_agrees_with_the_schema_for_every_role(
    demo_db, db, mailbox, connections_kept, role
):
    from django.core.wsgi import get_wsgi_application
    from werkzeug.test import Client as WsgiClient

    headers = headers_of(role)
    # the headers do log the role in, through the WSGI handler schemathesis uses
    client = WsgiClient(get_wsgi_application(), use_cookies=False)  # the Cookie header as given
    mine = client.get("/api/bookings/", headers=headers)
    assert mine.status_code == (403 if role is None else 200), mine.get_data()[:500]
    probe = Probe()
    probe.run(role or "anonyme", headers, EXAMPLES)
    print(f"\n{role or 'anonyme'}: {probe.requests} requests, {len(probe.failures)} failures")
    slowest = sorted(probe.seconds.items(), key=lambda kv: -kv[1])[:6]
    print("slowest:", ", ".join(f"{k} {v:.1f}s" for k, v in slowest))
    rejected = [f for f in probe.failures if "ST202" in f]
    print(f"schema-valid requests refused for a rule across parameters (ST202): {len(rejected)}")
    failures = [f for f in probe.failures if "ST202" not in f or outside_the_rules(f)]
    if failures:  # in full (an assert's diff would be cut)
        pytest.fail(f"{len(failures)} failures:\n\n" + "\n\n".join(failures), pytrace=False)


def test_a_refusal_outside_the_rules_across_parameters_is_a_failure():
    named = "anonyme positive GET /api/resources/: Schemathesis found 1 distinct failure\n"
    answer = '`{"error":"bad_parameter","parameter":"%s","message":"%s"}`'
    assert not outside_the_rules(named + answer % ("to", "to doit être après from."))
    assert outside_the_rules(named + answer % ("to", "to doit être une date."))
    assert outside_the_rules(named + answer % ("seats", "seats doit être après from."))
    assert outside_the_rules(named + "`{}`")  # a 400 that names no parameter
