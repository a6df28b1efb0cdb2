"""Mail: messages per second through the outbox queue to a loopback SMTP server
(aiosmtpd), on SQLite and on PostgreSQL, compared in the same run with Django's
SMTP backend sending the same messages directly (the reference: no queue).

    .venv/bin/python bench/mail.py [--messages 1000] [--workers 2]
        [--database-url postgres://postgres@127.0.0.1:5432/maillage_mail_bench]

For each database (a fresh SQLite file in a temporary folder; a PostgreSQL
database whose name must contain "bench", dropped and created again), a child
process migrates, then:

1. queues ``--messages`` messages with ``maillage.core.mail.enqueue`` (one
   transaction each, as requests do): enqueued/s;
2. ``--workers`` ``maillage worker`` processes drain the queue: messages/s =
   messages received by the SMTP server between the first and the last (and,
   for information, counted from the workers' start, Django's start-up
   included); every message must arrive exactly once;
3. reference: the same messages sent by Django's SMTP backend over one
   connection (``send_messages``), and one connection per message (how the
   platform sent mail before the queue), messages/s.

Goal: ≥ 50 messages/s through the queue on each database (a network's busiest
day is a newsletter of a few thousand subscribers: a minute or two).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
GOAL = 50
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/maillage_mail_bench"


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


class Counter:
    def __init__(self) -> None:
        self.recipients: list[str] = []
        self.first = 0.0
        self.last = 0.0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.recipients.extend(envelope.rcpt_tos)
            self.last = time.monotonic()
            self.first = self.first or self.last
        return "250 OK"


def child(args) -> dict:
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core.mail import EmailMultiAlternatives, get_connection
    from django.db import transaction

    from maillage.core import mail

    counter = Counter()
    server = Controller(counter, hostname="127.0.0.1", port=int(os.environ["EMAIL_PORT"]))
    server.start()
    n = args.messages
    addresses = [f"personne{i:05d}@example.org" for i in range(n)]
    context = {"user": {"display_name": "Zoé"}, "confirm_url": "http://127.0.0.1:8000/x/"}
    started = time.perf_counter()
    for address in addresses:
        with transaction.atomic():
            mail.enqueue(address, "accounts/emails/confirm_email", context)
    enqueue_rate = n / (time.perf_counter() - started)

    env = {**os.environ, "MAILLAGE_MAIL_LEASE_SECONDS": "60"}
    begin = time.monotonic()
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "maillage.cli", "worker", "--interval", "0.05", "-v", "0"],
            env=env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(args.workers)
    ]
    deadline = begin + 600
    while len(counter.recipients) < n and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1)  # duplicates would show now
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        worker.wait(30)
    received = set(counter.recipients)
    queue_rate = (len(received) - 1) / (counter.last - counter.first)
    with_startup = len(received) / (counter.last - begin)
    duplicates = len(counter.recipients) - len(received)
    missing = len(set(addresses) - received)

    rows = list(mail.OutboundMessage.objects.order_by("pk")[:n])
    messages = [mail.build(row) for row in rows]
    counter.recipients.clear()
    started = time.perf_counter()
    with get_connection() as connection:
        connection.send_messages(messages)
    one_connection = n / (time.perf_counter() - started)
    sample = messages[: min(n, 300)]
    started = time.perf_counter()
    for message in sample:
        EmailMultiAlternatives.send(message)
    per_message = len(sample) / (time.perf_counter() - started)
    server.stop()
    return {
        "enqueued_per_s": round(enqueue_rate),
        "queue_per_s": round(queue_rate),
        "queue_with_startup_per_s": round(with_startup),
        "missing": missing,
        "duplicates": duplicates,
        "reference_one_connection_per_s": round(one_connection),
        "reference_connection_per_message_per_s": round(per_message),
    }


def run(label: str, url: str, args) -> dict:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings.dev",
        "DJANGO_DEBUG": "0",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(port),
        "LOG_LEVEL": "ERROR",
    }
    log(f"[{label}] migrating…")
    subprocess.run(
        [sys.executable, "-m", "maillage.cli", "migrate", "-v", "0"], env=env, check=True
    )
    log(f"[{label}] {args.messages} messages, {args.workers} worker(s)…")
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            "--messages",
            str(args.messages),
            "--workers",
            str(args.workers),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_PG_URL", DEFAULT_PG))
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args)))
        return
    results = {}
    with tempfile.TemporaryDirectory(prefix="maillage-mail-bench-") as tmp:
        results["SQLite"] = run("SQLite", f"sqlite:///{tmp}/bench.sqlite3", args)
    if not args.no_postgres:
        fresh_postgres(args.database_url)
        try:
            results["PostgreSQL"] = run("PostgreSQL", args.database_url, args)
        finally:
            import psycopg

            name = urlsplit(args.database_url).path.lstrip("/")
            admin = args.database_url.rsplit("/", 1)[0] + "/postgres"
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    met = True
    print(f"Mail through the queue: {args.messages} messages, {args.workers} worker(s)")
    for label, r in results.items():
        ok = r["queue_per_s"] >= GOAL and r["duplicates"] == 0 and r["missing"] == 0
        met &= ok
        print(
            f"  {label:<10} queued {r['enqueued_per_s']:>5}/s · sent through the queue "
            f"{r['queue_per_s']:>5}/s (goal ≥ {GOAL}; {r['queue_with_startup_per_s']}/s "
            f"counting the workers' start-up) · missing {r['missing']} · "
            f"duplicates {r['duplicates']} · "
            f"reference: Django SMTP one connection {r['reference_one_connection_per_s']}/s, "
            f"one connection per message {r['reference_connection_per_message_per_s']}/s "
            f"[{'met' if ok else 'NOT MET'}]"
        )
    sys.exit(0 if met else 1)


if __name__ == "__main__":
    main()
