"""E-mails link to the address the site is served on: `maillage serve --port N`, as
`make demo` runs it (demo settings, no MAILLAGE_SITE_URL in the environment), queues a
password-reset e-mail whose link goes to port N; a configured MAILLAGE_SITE_URL wins."""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import re
import signal
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from maillage.web.management.commands.serve import served_url

from .test_serve import MAILLAGE, free_port

SETUP = """
from maillage.accounts.models import User
User.objects.create_user("marie-louise", "ml@example.org", "un-mot-de-passe-solide")
"""
OUTBOX = """
from maillage.core.models import OutboundMessage
print(OutboundMessage.objects.get(to="ml@example.org").body_text)
"""


def demo_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """`make demo`'s settings on a scratch SQLite database, MAILLAGE_SITE_URL unset."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "MAILLAGE_SITE_URL"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MAILLAGE_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="maillage.config.settings.dev",
        DJANGO_DEBUG="0",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def run(env, *args) -> str:
    result = subprocess.run([MAILLAGE, *args], env=env, capture_output=True, text=True, timeout=180)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


@contextlib.contextmanager
def serving(env, port: int, log: Path):
    with log.open("w") as out:
        proc = subprocess.Popen(
            [MAILLAGE, "serve", "--port", str(port), "--workers", "1", "--no-collectstatic"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 60
            while True:
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(f"http://127.0.0.1:{port}/api/functions/", timeout=5)
                    break
                assert proc.poll() is None, log.read_text()
                assert time.monotonic() < deadline, "the server did not answer within 60 s"
                time.sleep(0.3)
            yield
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def ask_for_a_reset(port: int) -> None:
    """A person asks for a new password through the served pages (CSRF and all)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"http://127.0.0.1:{port}/compte/mot-de-passe/oublie/"
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "email": "ml@example.org"})
    request = urllib.request.Request(url, data=data.encode(), headers={"Referer": url})
    with opener.open(request, timeout=10) as response:
        assert response.status == 200


@pytest.fixture
def database(tmp_path):
    env = demo_env(tmp_path)
    run(env, "migrate", "--no-input", "-v", "0")
    run(env, "shell", "-c", SETUP)
    return env


def test_a_mail_queued_while_the_demo_is_served_on_port_n_links_to_port_n(database, tmp_path):
    port = free_port()
    assert port != 8000
    with serving(database, port, tmp_path / "serve.log"):
        ask_for_a_reset(port)
    body = run(database, "shell", "-c", OUTBOX)
    links = re.findall(r"https?://[^\s]+", body)
    assert links and all(link.startswith(f"http://127.0.0.1:{port}/compte/") for link in links), (
        body
    )
    assert f"Liens des courriels : http://127.0.0.1:{port}/" in (tmp_path / "serve.log").read_text()


def test_a_configured_site_url_is_kept(database, tmp_path):
    port = free_port()
    env = {**database, "MAILLAGE_SITE_URL": "https://lieux.example.org"}
    with serving(env, port, tmp_path / "serve.log"):
        ask_for_a_reset(port)
    body = run(database, "shell", "-c", OUTBOX)
    assert "https://lieux.example.org/compte/" in body and f":{port}" not in body


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("127.0.0.1", "http://127.0.0.1:8123"),
        ("0.0.0.0", "http://127.0.0.1:8123"),
        ("localhost", "http://localhost:8123"),
        ("::1", "http://[::1]:8123"),
    ],
)
def test_the_served_url_is_one_a_browser_on_the_machine_reaches(host, url):
    assert served_url(host, 8123) == url
