"""50 clients at once over HTTP against the threaded live server (PostgreSQL).

Each client has its own session and its own database connection on the
server side; a barrier releases every request at the same moment. Exactly one
booking of the room (exactly ten of the 10-seat pool) succeeds; the others
get a 409 saying why.
"""

from __future__ import annotations

import threading

import pytest
import requests
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connections
from django.test import Client

from maillage.booking.models import Booking

from .conftest import make_resource, make_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLIENTS = 50
CSRF = "b" * 32
# socketserver's listen backlog is 5: fifty simultaneous connects would be
# dropped by the kernel before the application sees them.
ThreadedWSGIServer.request_queue_size = 128


@pytest.fixture(autouse=True)
def server_threads_close_their_connections():
    """The live server's threads open their own connections; with CONN_MAX_AGE
    they would outlive the test and keep the test database from being dropped."""
    shared = connections["default"].settings_dict  # the dict new threads' connections use
    before = shared["CONN_MAX_AGE"]
    shared["CONN_MAX_AGE"] = 0
    yield
    shared["CONN_MAX_AGE"] = before


def sessions(n: int) -> list[requests.Session]:
    out = []
    for i in range(n):
        user = make_user(f"client{i:02d}")
        django_client = Client()
        django_client.force_login(user)
        s = requests.Session()
        s.cookies.set("sessionid", django_client.cookies["sessionid"].value)
        s.cookies.set("csrftoken", CSRF)
        s.headers.update({"X-CSRFToken": CSRF, "Referer": "http://localhost/"})
        out.append(s)
    return out


def storm(url: str, clients: list[requests.Session], body: dict) -> list[requests.Response]:
    barrier = threading.Barrier(len(clients))
    results: list = [None] * len(clients)

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = clients[i].post(url, json=body, timeout=60)
        except requests.RequestException as error:  # reported below, never hidden
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for s in clients:
        s.close()
    return results


def test_fifty_clients_one_room(live_server, atelier):
    room = make_resource(atelier)
    body = {"resource": room.pk, "start": "2027-11-29T10:00", "end": "2027-11-29T12:00"}
    results = storm(f"{live_server.url}/api/bookings/", sessions(CLIENTS), body)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] + [409] * (CLIENTS - 1), codes
    refusals = [r.json() for r in results if r.status_code == 409]
    assert all(r["reasons"][0]["code"] == "taken" and r["alternatives"] for r in refusals)
    assert Booking.objects.holding().filter(resource=room).count() == 1


def test_fifty_clients_ten_seat_pool(live_server, atelier):
    pool = make_resource(atelier, name="Open space", kind="desk-pool", capacity=10)
    body = {"resource": pool.pk, "start": "2027-11-29T09:00", "end": "2027-11-29T17:00"}
    results = storm(f"{live_server.url}/api/bookings/", sessions(CLIENTS), body)
    codes = sorted(r.status_code for r in results)
    assert codes == [201] * 10 + [409] * (CLIENTS - 10), codes
    assert all(r.json()["reasons"][0]["code"] == "full" for r in results if r.status_code == 409)
    assert sum(b.seats for b in Booking.objects.holding().filter(resource=pool)) == 10


def race(n: int, book) -> list:
    from django.db import connection

    barrier = threading.Barrier(n)
    outcomes: list = [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            outcomes[i] = book(i)
        except Exception as error:  # the outcome is what we look at
            outcomes[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


@pytest.mark.parametrize("kind", ["room", "pool"])
def test_the_database_alone_holds_under_concurrency(monkeypatch, atelier, kind):
    """Without the Python check and without the service's lock, the database's
    exclusion constraint (room) and trigger (pool) still refuse the excess."""
    from maillage.booking import availability, services

    monkeypatch.setattr(availability, "check", lambda *a, **k: [])
    monkeypatch.setattr(availability, "nearest_free", lambda *a, **k: [])
    monkeypatch.setattr(services, "_locked", lambda resource: resource)
    resource = (
        make_resource(atelier)
        if kind == "room"
        else make_resource(atelier, name="Open space", kind="desk-pool", capacity=10)
    )
    users = [make_user(f"racer{i:02d}") for i in range(30)]
    from .conftest import paris

    outcomes = race(
        30,
        lambda i: services.book(
            users[i], resource, paris(2027, 11, 29, 10), paris(2027, 11, 29, 12)
        ),
    )
    won = [o for o in outcomes if isinstance(o, Booking)]
    lost = [o for o in outcomes if isinstance(o, services.BookingRefused)]
    assert len(won) == (1 if kind == "room" else 10)
    assert len(won) + len(lost) == 30, [
        o for o in outcomes if not isinstance(o, (Booking, services.BookingRefused))
    ]
