"""Two servers, one database: a write committed through one is answered by the other at
its next request (the read model's freshness is keyed by the database, not by a file
or a clock). Each server is a real `maillage serve` (gunicorn) with its own data
folder; the database is a scratch SQLite file or PostgreSQL database of the same
kind as the test run's."""

from __future__ import annotations

import contextlib
import http.cookiejar
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import psycopg
import pytest
from django.db import connection

MAILLAGE = str(Path(sys.executable).parent / "maillage")

SETUP = """
from maillage.accounts.models import User
from maillage.places.models import Place
host = User.objects.create_user("hote", "hote@example.org", "un-mot-de-passe-solide", role="member")
place = Place.objects.create(name="Tiers-lieu témoin", slug="temoin", type="tiers-lieu",
                             latitude=44.5, longitude=3.5, opening_hours="24/7")
place.hosts.add(host)
"""

IN_A_TRANSACTION = """
import time
from django.db import transaction
from maillage.places.models import Place
with transaction.atomic():
    Place.objects.filter(slug="temoin").update(name="Renommé par une commande")
    open(r"{flag}", "w").write("written")
    time.sleep(4)  # the other server answers meanwhile: the write is not committed
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(database_url: str, data_dir: Path) -> dict[str, str]:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    # The demo's settings, as `make demo` serves them (serve defaults to production).
    env.update(
        DATABASE_URL=database_url,
        MAILLAGE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="maillage.config.settings.dev",
        DJANGO_DEBUG="0",
    )
    return env


def _maillage(env, *args):
    result = subprocess.run([MAILLAGE, *args], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


@contextlib.contextmanager
def _server(env, data_dir: Path):
    port = _free_port()
    data_dir.mkdir(parents=True, exist_ok=True)
    log = (data_dir / "serve.log").open("w")
    proc = subprocess.Popen(
        [MAILLAGE, "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            with contextlib.suppress(OSError):
                urllib.request.urlopen(base + "/api/functions/", timeout=5)
                break
            assert proc.poll() is None, (data_dir / "serve.log").read_text()
            assert time.time() < deadline, "the server did not answer within 60 s"
            time.sleep(0.3)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _place(base: str) -> dict:
    with urllib.request.urlopen(base + "/api/places/?q=&type=tiers-lieu", timeout=10) as r:
        return json.load(r)["results"][0]


@pytest.fixture
def scratch_database(tmp_path):
    """A database of the test run's kind, migrated, with one place and its host."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        name = f"{settings['NAME']}_two_servers"[:60]
        params = {
            "host": settings.get("HOST") or "127.0.0.1",
            "port": settings.get("PORT") or 5432,
            "user": settings.get("USER") or "postgres",
            "password": settings.get("PASSWORD") or None,
        }
        admin = psycopg.connect(dbname="postgres", autocommit=True, **params)
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        password = f":{params['password']}" if params["password"] else ""
        url = f"postgres://{params['user']}{password}@{params['host']}:{params['port']}/{name}"
    else:
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    env = _env(url, tmp_path / "setup")
    _maillage(env, "migrate", "--no-input", "-v", "0")
    _maillage(env, "shell", "-c", SETUP)
    yield url
    if connection.vendor == "postgresql":
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.mark.slow
def test_a_write_on_one_server_is_answered_by_the_other_at_its_next_request(
    scratch_database, tmp_path
):
    url = scratch_database
    env_a, env_b = _env(url, tmp_path / "a"), _env(url, tmp_path / "b")
    with _server(env_a, tmp_path / "a") as a, _server(env_b, tmp_path / "b") as b:
        before = _place(b)
        assert before["name"] == "Tiers-lieu témoin" and before["last_checked_at"] is None

        # 1. From a request on server A: the host says the page is up to date.
        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        page = browser.open(a + "/compte/connexion/", timeout=10).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = {"username": "hote", "password": "un-mot-de-passe-solide"}
        browser.open(
            urllib.request.Request(
                a + "/compte/connexion/",
                urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode(),
                headers={"Referer": a + "/compte/connexion/"},
            ),
            timeout=10,
        )
        token = next(c.value for c in jar if c.name == "csrftoken")
        browser.open(
            urllib.request.Request(
                a + "/contribuer/lieux/temoin/a-jour/",
                urllib.parse.urlencode({"csrfmiddlewaretoken": token}).encode(),
                headers={"Referer": a + "/lieux/temoin/"},
            ),
            timeout=10,
        )
        assert _place(b)["last_checked_at"] is not None  # B's very next request

        # 2. From a management command, inside a transaction: not before its commit,
        # at once after.
        flag = tmp_path / "written"
        command = subprocess.Popen(
            [MAILLAGE, "shell", "-c", IN_A_TRANSACTION.format(flag=flag)],
            env=_env(url, tmp_path / "command"),
        )
        deadline = time.time() + 60
        while not flag.exists():
            assert command.poll() is None and time.time() < deadline
            time.sleep(0.1)
        assert _place(b)["name"] == "Tiers-lieu témoin"  # uncommitted: not seen
        assert _place(a)["name"] == "Tiers-lieu témoin"
        assert command.wait(timeout=60) == 0
        assert _place(b)["name"] == "Renommé par une commande"
        assert _place(a)["name"] == "Renommé par une commande"
