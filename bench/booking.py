"""Booking: bookings per second sustained, and the availability API's p95, on
PostgreSQL and on SQLite, in one run.

    .venv/bin/python bench/booking.py [--seconds 10] [--threads 4] [--requests 400]
        [--database-url postgres://postgres@127.0.0.1:5432/maillage_booking_bench]

For each database (a fresh SQLite file in a temporary folder; a PostgreSQL
database whose name must contain "bench", dropped and created again), a child
process migrates, creates 100 places and 1,000 resources (hours Mo-Fr
08:00-19:00, one in ten with a season, one in five a pool), then:

1. ``--threads`` threads call ``services.book`` (the same path as the API:
   lock, rules, insert under the database's guards, e-mail rendered after the
   commit through the dummy backend) on one-hour slots for ``--seconds``;
   bookings/s = confirmed bookings / wall-clock seconds;
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
        for i in range(args.threads)
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
    counts = [0] * args.threads
    refused = [0] * args.threads
    deadline = time.perf_counter() + args.seconds
    started = threading.Barrier(args.threads + 1)

    queries = [0] * args.threads  # round trips to the database, a load-free figure

    def run(t: int) -> None:
        mine = [r for r in resources if r.pk % args.threads == t]

        def count(execute, sql, params, many, context):
            queries[t] += 1
            return execute(sql, params, many, context)

        started.wait()
        try:
            connection.ensure_connection()
            connection.execute_wrappers.append(count)
            for day in days:
                for hour in range(8, 18):
                    start = dt.datetime.combine(day, dt.time(hour), PARIS)
                    for r in mine:
                        if time.perf_counter() > deadline:
                            return
                        try:
                            services.book(
                                users[t], r, start, start + dt.timedelta(hours=1), now=now
                            )
                            counts[t] += 1
                        except services.BookingRefused:
                            refused[t] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in range(args.threads)]
    for th in threads:
        th.start()
    started.wait()
    t0 = time.perf_counter()
    for th in threads:
        th.join()
    elapsed = time.perf_counter() - t0
    booked = sum(counts)
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
        "threads": args.threads,
        "seconds": round(elapsed, 2),
        "bookings": booked,
        "refused": sum(refused),
        "bookings_per_s": round(booked / elapsed, 1),
        "queries_per_booking": round(sum(queries) / max(1, booked + sum(refused)), 1),
        "availability_p50_ms": round(statistics.median(latencies), 2),
        "availability_p95_ms": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "resources": len(resources),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--database-url", default=DEFAULT_PG)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
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
            if url.startswith("postgres"):
                fresh_postgres(url)
            log(f"== {label}")
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "MAILLAGE_DATA_DIR": tmp,
                "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            }
            child = [sys.executable, __file__, "--worker", "--seconds", str(args.seconds)]
            child += ["--threads", str(args.threads), "--requests", str(args.requests)]
            out = subprocess.run(child, env=env, check=True, capture_output=True, text=True)
            results.append((label, json.loads(out.stdout.strip().splitlines()[-1])))
    print(
        f"{'database':<12}{'bookings/s':>12}{'booked':>9}{'queries/booking':>17}"
        f"{'p50 ms':>9}{'p95 ms':>9}"
    )
    for label, r in results:
        print(
            f"{label:<12}{r['bookings_per_s']:>12}{r['bookings']:>9}{r['queries_per_booking']:>17}"
            f"{r['availability_p50_ms']:>9}{r['availability_p95_ms']:>9}"
        )
    print(
        f"machine load (1-min average, {os.cpu_count()} cores): "
        f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    )
    pg = dict(results)["PostgreSQL"]
    p95 = max(r["availability_p95_ms"] for _l, r in results)
    goals = Goals("Goals")
    goals.add(
        f"≥ {GOAL_BOOKINGS} bookings/s on PostgreSQL ({pg['bookings_per_s']})",
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
