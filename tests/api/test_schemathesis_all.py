"""The OpenAPI schema and the API agree: schemathesis over EVERY operation of the
five APIs (directory, analysis, booking, events, journeys), anonymous and as a
member, a host and a coordinator, with all of schemathesis's checks
(server errors, status codes, content types, headers, response schemas,
invalid data rejected...): no failure. "Valid data accepted" (ST202) is
counted and printed, not asserted (see below).

The demo is the data (the project's own loaders), loaded once for the module."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import Client
from schemathesis_checks import Probe

TODAY = dt.date(2026, 11, 25)
TOKEN = "a" * 32
EXAMPLES = 3  # per operation, generation mode and role: ~2-3 min in all on a busy machine


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
    # ST202 (a request valid by the schema refused) is counted, not asserted: the
    # remaining ones are rules across parameters that OpenAPI cannot state (from
    # before to, function or family, open_now or open_at, name and e-mail without
    # an account) and numeric ranges not yet described (docs/api.md).
    rejected = [f for f in probe.failures if "ST202" in f]
    print(f"schema-valid requests refused (ST202, not asserted): {len(rejected)}")
    print("\n".join(rejected))
    failures = [f for f in probe.failures if "ST202" not in f]
    assert failures == [], "\n\n".join(failures)
