"""Booking: bookings per second sustained, and the availability API's p95, on
PostgreSQL and on SQLite, in one run.

    .venv/bin/python bench/booking.py [--seconds 10] [--layouts 5x1 1x4] [--requests 400]
        [--database-url postgres://postgres@127.0.0.1:5432/maillage_booking_bench]

For each database (a fresh SQLite file in a temporary folder; a PostgreSQL
database whose name must contain "bench", dropped and created again), a child
process migrates, creates 100 places and 1,000 resources (hours Mo-Fr
08:00-19:00, one in ten with a season, one in five a pool), then:

1. for each layout ``PxT``, P processes of T threads each call ``services.book``
   (the same path as the API: lock, rules, insert under the database's guards,
   the e-mails rendered and queued in the outbox in the same transaction) on
   one-hour slots of their own resources for ``--seconds``; bookings/s =
   confirmed bookings / wall-clock seconds. The first layout, 2 × cores + 1
   processes of one thread, is how ``maillage serve`` serves (gunicorn's sync
   workers: one request at a time per process, one interpreter lock each) and
   decides the goal; ``1x4`` (four threads sharing one interpreter lock, the
   figure printed before 2026-12-05) shows the Python cost of one booking;
2. ``GET /api/availability/?resource=…&from=…&to=…`` for one week of a random
   resource, ``--requests`` times in-process (Django's test client: URL
   routing, view, queries, JSON), p50/p95 in ms.

Goals: ≥ 200 bookings/s on PostgreSQL, availability p95 ≤ 50 ms. Also printed:
the database round trips per booking attempt (independent of the machine's
load) and the machine's load average, since the figures depend on it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

from _common import Goals, drop_postgres, limit_memory

REPO = Path(__file__).resolve().parent.parent
GOAL_BOOKINGS = 200
GOAL_P95_MS = 50
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/maillage_booking_bench"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def fresh_postgres(url: str) -> None:
    import psycopg

    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"Refusing to drop {name!r}: the benchmark database's name must contain 'bench'.")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _start_at(moment: float, target, *args) -> None:
    time.sleep(max(0.0, moment - time.time()))
    target(*args)


def worker(args) -> dict:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "maillage.config.settings.test"
    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection, connections
    from django.test import Client

    from maillage.accounts.models import User
    from maillage.booking import services
    from maillage.booking.models import Booking, Resource, Season
    from maillage.places.hours import PARIS
    from maillage.places.models import Place

    call_command("migrate", verbosity=0)
    rng = random.Random(48)
    places = Place.objects.bulk_create(
        Place(
            name=f"Lieu {i}",
            slug=f"lieu-{i}",
            type="tiers-lieu",
            latitude=44.2 + rng.random() * 0.7,
            longitude=3.0 + rng.random() * 1.0,
            opening_hours="Mo-Fr 08:00-19:00; PH off",
        )
        for i in range(100)
    )
    resources = Resource.objects.bulk_create(
        Resource(
            place=places[i % 100],
            name=f"Ressource {i}",
            kind="desk-pool" if i % 5 == 0 else "meeting-room",
            capacity=10 if i % 5 == 0 else 8,
            equipment=["visio", "thd"] if i % 2 else ["thd"],
            approval_required=False,
            horizon_days=400,
        )
        for i in range(1000)
    )
    Season.objects.bulk_create(
        Season(resource=r, start_month=1, end_month=12, end_day=31) for r in resources[::10]
    )
    users = [
        User.objects.create_user(username=f"u{i}", email=f"u{i}@example.org")
        for i in range(args.processes * args.threads)
    ]
    # Steady state, as a served process after its first request: the URL
    # configuration (imported by the first reverse() of a booking e-mail) and
    # the e-mail templates are loaded before the clock starts.
    from django.template.loader import get_template
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018
    for step in ("confirmed", "pending"):
        get_template(f"booking/email/{step}_subject.txt")
        get_template(f"booking/email/{step}_body.txt")
    connection.close()

    monday = dt.date(2027, 1, 4)
    days = [
        monday + dt.timedelta(days=d)
        for d in range(365)
        if (monday + dt.timedelta(days=d)).weekday() < 5
    ]
    now = dt.datetime(2026, 12, 1, tzinfo=PARIS)
    lanes = args.processes * args.threads

    def run(lane: int, deadline: float) -> tuple[int, int, int]:
        """Book one-hour slots on this lane's resources until ``deadline``;
        returns (booked, refused, database round trips)."""
        mine = [r for r in resources if r.pk % lanes == lane]
        booked = refused = queries = 0

        def count(execute, sql, params, many, context):
            nonlocal queries
            queries += 1
            return execute(sql, params, many, context)

        try:
            connection.ensure_connection()
            with connection.execute_wrapper(count):
                for day in days:
                    for hour in range(8, 18):
                        start = dt.datetime.combine(day, dt.time(hour), PARIS)
                        for r in mine:
                            if time.time() > deadline:
                                return booked, refused, queries
                            try:
                                services.book(
                                    users[lane], r, start, start + dt.timedelta(hours=1), now=now
                                )
                                booked += 1
                            except services.BookingRefused:
                                refused += 1
        finally:
            connections.close_all()
        return booked, refused, queries

    def process(index: int, deadline: float, out) -> None:
        """One process as a gunicorn worker is: its own connection(s), its own
        interpreter lock; ``--threads`` threads inside."""
        results = [None] * args.threads

        def thread(t: int) -> None:
            results[t] = run(index * args.threads + t, deadline)

        threads = [threading.Thread(target=thread, args=(t,)) for t in range(args.threads)]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        out.send([sum(col) for col in zip(*results, strict=True)])
        out.close()

    # Every process is forked from this one, after its connection is closed.
    connections.close_all()
    fork = multiprocessing.get_context("fork")
    pipes, children = [], []
    t0 = time.time() + 1.0  # all start together, one second from now
    deadline = t0 + args.seconds
    for index in range(args.processes):
        receive, send = fork.Pipe(duplex=False)
        child = fork.Process(target=_start_at, args=(t0, process, index, deadline, send))
        child.start()
        pipes.append(receive)
        children.append(child)
    totals = [pipe.recv() for pipe in pipes]
    for child in children:
        child.join()
    elapsed = max(time.time(), deadline) - t0
    booked, refused, queries = (sum(col) for col in zip(*totals, strict=True))
    assert Booking.objects.count() == booked

    client = Client(HTTP_HOST="localhost")
    ids = [r.pk for r in resources]
    latencies = []
    for i in range(args.requests + 20):
        day = days[rng.randrange(0, 20)]
        params = {
            "resource": rng.choice(ids),
            "from": f"{day}T00:00",
            "to": f"{day + dt.timedelta(days=7)}T00:00",
        }
        t1 = time.perf_counter()
        response = client.get("/api/availability/", params)
        latency = (time.perf_counter() - t1) * 1000
        assert response.status_code == 200, response.content
        if i >= 20:  # warm-up
            latencies.append(latency)
    latencies.sort()
    return {
        "vendor": connection.vendor,
        "processes": args.processes,
        "threads": args.threads,
        "seconds": round(elapsed, 2),
        "bookings": booked,
        "refused": refused,
        "bookings_per_s": round(booked / elapsed, 1),
        "queries_per_booking": round(queries / max(1, booked + refused), 1),
        "availability_p50_ms": round(statistics.median(latencies), 2),
        "availability_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "resources": len(resources),
    }


def layout(text: str) -> tuple[int, int]:
    processes, _x, threads = text.partition("x")
    try:
        return max(1, int(processes)), max(1, int(threads or 1))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r}: write PROCESSESxTHREADS, e.g. 5x1") from None


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    served = f"{2 * (os.cpu_count() or 1) + 1}x1"
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument(
        "--layouts",
        type=layout,
        nargs="+",
        default=[layout(served), layout("1x4")],
        help=f"PROCESSESxTHREADS booking at once; the first decides the goal (default: {served} 1x4)",
    )
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database-url", default=DEFAULT_PG)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--processes", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--threads", type=int, default=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args)))
        return
    limit_memory()
    results = []
    load_before = os.getloadavg()[0]
    with (
        tempfile.TemporaryDirectory(prefix="maillage-booking-bench-") as tmp,
        dropped_afterwards(args.database_url),
    ):
        for label, url in (
            ("PostgreSQL", args.database_url),
            ("SQLite", f"sqlite:///{tmp}/bench.sqlite3"),
        ):
            for processes, threads in args.layouts:
                if url.startswith("postgres"):
                    fresh_postgres(url)
                else:
                    Path(urlsplit(url).path).unlink(missing_ok=True)
                log(f"== {label}, {processes} process(es) × {threads} thread(s)")
                env = {
                    **os.environ,
                    "DATABASE_URL": url,
                    "MAILLAGE_DATA_DIR": tmp,
                    "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
                }
                child = [sys.executable, __file__, "--worker", "--seconds", str(args.seconds)]
                child += ["--processes", str(processes), "--threads", str(threads)]
                child += ["--requests", str(args.requests)]
                out = subprocess.run(child, env=env, check=True, capture_output=True, text=True)
                results.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    print(
        f"{'database':<12}{'processes×threads':>19}{'bookings/s':>12}{'booked':>9}"
        f"{'queries/booking':>17}{'p50 ms':>9}{'p95 ms':>9}"
    )
    for label, r in results:
        shape = f"{r['processes']}×{r['threads']}"
        print(
            f"{label:<12}{shape:>19}{r['bookings_per_s']:>12}{r['bookings']:>9}"
            f"{r['queries_per_booking']:>17}{r['availability_p50_ms']:>9}"
            f"{r['availability_p95_ms']:>9}"
        )
    print(
        f"machine load (1-min average, {os.cpu_count()} cores): "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    pg = next(r for label, r in results if label == "PostgreSQL")
    p95 = max(r["availability_p95_ms"] for _l, r in results)
    goals = Goals("Goals")
    goals.add(
        f"≥ {GOAL_BOOKINGS} bookings/s on PostgreSQL, {pg['processes']} process(es) × "
        f"{pg['threads']} thread(s) ({pg['bookings_per_s']})",
        pg["bookings_per_s"] >= GOAL_BOOKINGS,
    )
    goals.add(f"availability p95 ≤ {GOAL_P95_MS} ms ({p95})", p95 <= GOAL_P95_MS)
    goals.exit()


@contextlib.contextmanager
def dropped_afterwards(url: str):
    """The benchmark's PostgreSQL database is dropped when the run ends."""
    try:
        yield
    finally:
        if url.startswith("postgres"):
            drop_postgres(url)


if __name__ == "__main__":
    main()
