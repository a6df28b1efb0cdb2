"""Issue 12: a 200-message newsletter through real `maillage worker` processes.

- ``kill -9`` of the worker in the middle (the SMTP server holds the conversation
  of message 81 open, so the kill lands while the worker is sending): after a
  restart every subscriber has exactly one copy.
- Two workers at once (PostgreSQL: tasks and rows claimed with
  ``SELECT ... FOR UPDATE SKIP LOCKED``): each message is sent exactly once.

The workers are separate processes on the test database (on SQLite, a file
copy of the in-memory test database) talking to the test SMTP server.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from maillage.events import newsletter
from maillage.events.models import Subscriber

from .conftest import paris

pytestmark = pytest.mark.django_db(transaction=True)

NOW = paris(2026, 12, 7, 8, 0)  # the workshop is on Wednesday 9 December
COUNT = 200


def database_url(tmp_path: Path) -> str:
    if connection.vendor == "sqlite":
        target = tmp_path / "worker.sqlite3"
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path="/" + connection.settings_dict["NAME"]))


def start_worker(url: str, mailbox) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "maillage.config.settings.test",
        "DATABASE_URL": url,
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(mailbox.port),
        "MAILLAGE_MAIL_LEASE_SECONDS": "2",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "maillage.cli",
            "worker",
            "--interval",
            "0.05",
            "--sweep-every",
            "0.5",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def stop(worker: subprocess.Popen) -> str:
    if worker.poll() is None:
        worker.send_signal(signal.SIGTERM)
    try:
        _out, err = worker.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        worker.kill()
        _out, err = worker.communicate()
    return err.decode(errors="replace")


@pytest.fixture
def issue(workshop, mailbox):
    emails = [f"abonne{n:03d}@example.org" for n in range(COUNT)]
    Subscriber.objects.bulk_create(
        Subscriber(email=e, frequency="monthly", confirmed_at=NOW) for e in emails
    )
    assert newsletter.send_newsletter("monthly", now=NOW) == (COUNT, 0)
    assert mailbox.messages == []  # queued, not sent
    return emails


def assert_each_once(mailbox, emails):
    received = Counter(mailbox.recipients())
    assert sorted(received) == sorted(emails)
    assert set(received.values()) == {1}, [a for a, n in received.items() if n > 1]
    assert all(len(rcpts) == 1 for _sender, rcpts in mailbox.envelopes)


def test_kill_9_in_the_middle_of_a_newsletter_then_restart(issue, mailbox, tmp_path):
    url = database_url(tmp_path)
    mailbox.hold_after(80)
    first = start_worker(url, mailbox)
    try:
        assert mailbox.held.wait(120), stop(first)
        assert len(mailbox.messages) == 80
        os.kill(first.pid, signal.SIGKILL)
        first.wait(30)
    finally:
        stop(first)
    mailbox.release.set()
    mailbox.hold_after(10**9)  # no more holding
    second = start_worker(url, mailbox)
    try:
        wait_for(lambda: len(mailbox.messages) >= COUNT, 120)
        time.sleep(3)  # past the lease: a copy sent twice would show now
    finally:
        errors = stop(second)
    assert len(mailbox.messages) == COUNT, errors[-2000:]
    assert_each_once(mailbox, issue)


def test_two_workers_at_once_send_each_message_once(issue, mailbox, tmp_path):
    url = database_url(tmp_path)
    workers = [start_worker(url, mailbox) for _ in range(2)]
    try:
        wait_for(lambda: len(mailbox.messages) >= COUNT, 120)
        time.sleep(1)
    finally:
        errors = [stop(w) for w in workers]
    assert len(mailbox.messages) == COUNT, errors
    assert_each_once(mailbox, issue)
