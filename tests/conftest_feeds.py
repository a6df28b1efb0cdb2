"""A real HTTP server on loopback serving calendar feeds, and a guard on connections.

Registered by ``tests/conftest.py`` (``pytest_plugins``).

- ``serve_feeds(host="127.0.0.1")`` starts a threaded HTTP server on a free
  port of ``host`` and widens ``MAILLAGE_FETCH_ALLOWED_NETWORKS`` to exactly
  that address (``/32``), for this test only: the one place the tests let the
  fetcher reach a non-public address. Routes are set with ``server.put(path,
  body, content_type=..., headers=...)``, ``server.redirect(path, to)`` or
  ``server.stream(path, size)``; the server answers conditional requests
  (``If-None-Match`` / ``If-Modified-Since``) with 304 when they match, and
  logs every request (``server.requests``).
- ``connections`` records the destination of every socket ``connect`` in the
  test, and refuses any that is not loopback (nothing leaves 127.0.0.0/8).
"""

from __future__ import annotations

import dataclasses
import hashlib
import ipaddress
import socket
import threading
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


@dataclasses.dataclass
class Route:
    body: bytes = b""
    content_type: str = "text/calendar; charset=utf-8"
    headers: dict = dataclasses.field(default_factory=dict)
    status: int = 200
    stream_size: int = 0  # > 0: an endless-looking body of that many bytes, sent in chunks
    etag: str = ""
    last_modified: str = ""


class FeedServer:
    def __init__(self, host: str):
        self.host = host
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_GET(self):  # noqa: N802 (http.server's name)
                server.requests.append((self.path, dict(self.headers)))
                route = server.routes.get(self.path)
                if route is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if route.status in (301, 302, 303, 307, 308):
                    self.send_response(route.status)
                    for name, value in route.headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                matches = (route.etag and self.headers.get("If-None-Match") == route.etag) or (
                    not self.headers.get("If-None-Match")
                    and route.last_modified
                    and self.headers.get("If-Modified-Since") == route.last_modified
                )
                if matches:
                    self.send_response(304)
                    self.send_header("ETag", route.etag)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.etag:
                    self.send_header("ETag", route.etag)
                if route.last_modified:
                    self.send_header("Last-Modified", route.last_modified)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.stream_size:
                    # No Content-Length: the client must count what it reads.
                    self.send_header("Connection", "close")
                    self.end_headers()
                    chunk = b"X" * 65536
                    sent = 0
                    try:
                        while sent < route.stream_size:
                            self.wfile.write(chunk)
                            sent += len(chunk)
                    except (BrokenPipeError, ConnectionResetError):
                        pass
                    return
                self.send_header("Content-Length", str(len(route.body)))
                self.end_headers()
                self.wfile.write(route.body)

        self.httpd = ThreadingHTTPServer((host, 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}{path}"

    def put(self, path: str, body: bytes | str, *, content_type=None, headers=None, etag=True):
        body = body.encode() if isinstance(body, str) else body
        route = Route(body=body, headers=headers or {})
        if content_type:
            route.content_type = content_type
        if etag:
            route.etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        route.last_modified = formatdate(usegmt=True)
        self.routes[path] = route
        return self.url(path)

    def redirect(self, path: str, to: str, status: int = 302) -> str:
        self.routes[path] = Route(status=status, headers={"Location": to})
        return self.url(path)

    def stream(self, path: str, size: int) -> str:
        self.routes[path] = Route(stream_size=size, content_type="text/calendar")
        return self.url(path)

    def delete(self, path: str) -> None:
        self.routes.pop(path, None)

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve_feeds(settings):
    servers = []

    def start(host: str = "127.0.0.1") -> FeedServer:
        server = FeedServer(host)
        servers.append(server)
        settings.MAILLAGE_FETCH_ALLOWED_NETWORKS = sorted(
            {*settings.MAILLAGE_FETCH_ALLOWED_NETWORKS, f"{host}/32"}
        )
        return server

    yield start
    for server in servers:
        server.close()


@pytest.fixture
def connections(monkeypatch):
    """Every socket connection the test opens: (host, port); non-loopback ones fail the test."""
    opened: list[tuple[str, int]] = []
    real_connect = socket.socket.connect

    def connect(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            opened.append((host, address[1]))
            if not ipaddress.ip_address(host.split("%")[0]).is_loopback:
                raise AssertionError(f"a connection to {host} left loopback")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    return opened
