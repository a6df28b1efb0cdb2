"""`maillage serve` is a production server by default: no traceback, no shared control socket."""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

MAILLAGE = str(Path(sys.executable).parent / "maillage")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def operator_env(tmp_path: Path, **extra: str) -> dict:
    """An operator's environment: no settings module, a secret, plain HTTP on loopback."""
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DJANGO_DEBUG"}
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    runtime = tmp_path / "runtime"
    runtime.mkdir(exist_ok=True)
    env.update(
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        SECURE_SSL_REDIRECT="0",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        XDG_RUNTIME_DIR=str(runtime),  # where gunicorn would put its shared socket
        HOME=str(tmp_path / "home"),
        LOG_LEVEL="ERROR",
    )
    env.update(extra)
    return env


def get(port: int, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture(scope="module")
def collected(tmp_path_factory) -> Path:
    """The production static files, collected once (compressing them takes a while)."""
    data = tmp_path_factory.mktemp("collected")
    result = subprocess.run(
        [MAILLAGE, "collectstatic", "--noinput", "-v0"],
        env=operator_env(
            data,
            DJANGO_SETTINGS_MODULE="maillage.config.settings.prod",
            MAILLAGE_DATA_DIR=str(data),
        ),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return data / "static"


class Served:
    def __init__(self, tmp_path: Path, static: Path, name: str, *args: str, **env: str):
        self.port = free_port()
        data = tmp_path / name
        data.mkdir()
        shutil.copytree(static, data / "static")
        self.log = data / "serve.log"
        self.proc = subprocess.Popen(
            [MAILLAGE, "serve", "--port", str(self.port), "--workers", "1", "--no-collectstatic"]
            + list(args),
            env=operator_env(tmp_path, MAILLAGE_DATA_DIR=str(data), **env),
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                pytest.fail(f"maillage serve stopped:\n{self.log.read_text()}")
            try:
                get(self.port, "/static/does-not-exist.css")
                return
            except OSError:
                time.sleep(0.3)
        pytest.fail(f"maillage serve did not answer:\n{self.log.read_text()}")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def served(tmp_path, collected):
    started: list[Served] = []

    def start(name: str, *args: str, **env: str) -> Served:
        server = Served(tmp_path, collected, name, *args, **env)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def test_a_served_404_shows_no_traceback_by_default(served):
    server = served("one")
    server.wait()
    status, body = get(server.port, "/no-such-page/<script>")
    assert status == 404
    for debug_marker in ("Traceback", "Using the URLconf", "DEBUG = True", "urlpatterns"):
        assert debug_marker not in body


def test_two_instances_on_one_machine_each_serve_without_a_shared_socket(served, tmp_path):
    first, second = served("first"), served("second")
    first.wait()
    second.wait()
    assert get(first.port, "/no-such-page/")[0] == 404
    assert get(second.port, "/no-such-page/")[0] == 404
    runtime = tmp_path / "runtime"
    assert not list(runtime.glob("*.ctl")) and not (tmp_path / "home" / ".gunicorn").exists()
    assert first.proc.poll() is None and second.proc.poll() is None


def test_each_instance_may_name_its_own_control_socket(served, tmp_path):
    sockets = [tmp_path / "a.ctl", tmp_path / "b.ctl"]
    servers = [
        served(name, "--control-socket", str(path))
        for name, path in zip(("a", "b"), sockets, strict=True)
    ]
    for server in servers:
        server.wait()
    deadline = time.monotonic() + 20
    while not all(p.exists() for p in sockets) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert all(p.is_socket() for p in sockets)


def test_connections_that_send_nothing_do_not_hold_the_server(served):
    """Browsers open connections ahead of need and may send nothing on them for a
    while; with the defaults, one worker and three such connections still answer a
    visitor at once (gunicorn's sync worker would wait for them until its 30 s timeout)."""
    server = served("idle")
    server.wait()
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(3)]
    try:
        time.sleep(0.3)  # the server has accepted them
        # get() gives up after 10 s: the sync worker would still be waiting then.
        status, _ = get(server.port, "/no-such-page/")
    except TimeoutError:
        pytest.fail("a visitor's request waited behind connections that send nothing")
    finally:
        for connection in idle:
            connection.close()
    assert status == 404


def test_serve_refuses_debug_settings_unless_asked(tmp_path):
    env = operator_env(
        tmp_path,
        DJANGO_SETTINGS_MODULE="maillage.config.settings.dev",
        MAILLAGE_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [MAILLAGE, "serve", "--port", str(free_port()), "--no-collectstatic"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEBUG is on" in result.stderr


def test_behind_a_proxy_one_thread_per_worker_else_several(settings):
    from maillage.web.management.commands.serve import DEFAULT_THREADS, default_threads

    settings.MAILLAGE_TRUSTED_PROXIES = 0  # browsers reach gunicorn directly
    assert default_threads() == DEFAULT_THREADS > 1
    settings.MAILLAGE_TRUSTED_PROXIES = 1  # nginx in front buffers every request
    assert default_threads() == 1
