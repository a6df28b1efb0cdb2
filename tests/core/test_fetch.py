"""maillage.core.fetch against a real HTTP server on loopback.

The allow-list (MAILLAGE_FETCH_ALLOWED_NETWORKS) is at its default (empty)
except where ``serve_feeds`` widens it to the one address it serves on; the
``connections`` guard fails a test whose traffic would leave loopback.
"""

from __future__ import annotations

import gzip

import pytest

from maillage.core import fetch
from maillage.core.fetch import FetchError

FEED = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/feed.ics",
        "http://localhost:9/feed.ics",
        "http://10.0.0.1/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]:9/feed.ics",
        "http://[::ffff:127.0.0.1]:9/feed.ics",
        "http://192.168.1.1/agenda.ics",
        "http://0.0.0.0:9/",
    ],
)
def test_private_and_local_addresses_are_refused_before_any_connection(url, settings, connections):
    assert settings.MAILLAGE_FETCH_ALLOWED_NETWORKS == []  # the default
    with pytest.raises(FetchError, match="Adresse refusée"):
        fetch.fetch(url)
    assert connections == []


@pytest.mark.parametrize("url", ["ftp://example.org/x.ics", "file:///etc/passwd", "webcal"])
def test_only_http_and_https_are_fetched(url, connections):
    with pytest.raises(FetchError, match="http:// et https://"):
        fetch.fetch(url)
    assert connections == []


def test_a_served_feed_is_fetched_with_its_validators(serve_feeds, connections):
    server = serve_feeds()
    url = server.put("/feed.ics", FEED)
    got = fetch.fetch(url)
    assert got.status == 200 and got.content == FEED.encode()
    assert got.etag and got.last_modified
    assert got.content_type.startswith("text/calendar")
    assert connections == [("127.0.0.1", server.port)]


def test_conditional_requests_get_not_modified(serve_feeds):
    server = serve_feeds()
    url = server.put("/feed.ics", FEED)
    first = fetch.fetch(url)
    again = fetch.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert again.not_modified and again.content == b""
    headers = server.requests[-1][1]
    assert headers["If-None-Match"] == first.etag
    assert headers["If-Modified-Since"] == first.last_modified
    # Only Last-Modified known (a server without ETag): still conditional.
    server.put("/plain.ics", FEED, etag=False)
    plain = fetch.fetch(server.url("/plain.ics"))
    assert not plain.etag
    assert fetch.fetch(plain.url, last_modified=plain.last_modified).not_modified
    # The feed changes: a full answer again.
    server.put("/feed.ics", FEED.replace("2.0", "2.0\r\nX-WR-CALNAME:Ateliers"))
    changed = fetch.fetch(url, etag=first.etag, last_modified=first.last_modified)
    assert changed.status == 200 and b"Ateliers" in changed.content


def test_redirects_are_followed_and_limited(serve_feeds, settings):
    server = serve_feeds()
    server.put("/final.ics", FEED)
    server.redirect("/a", server.url("/final.ics"))
    server.redirect("/b", "/a", status=301)  # relative Location
    assert fetch.fetch(server.url("/b")).url == server.url("/final.ics")
    settings.MAILLAGE_FETCH_MAX_REDIRECTS = 1
    with pytest.raises(FetchError, match="Trop de redirections"):
        fetch.fetch(server.url("/b"))
    server.redirect("/loop", "/loop")
    with pytest.raises(FetchError, match="Trop de redirections"):
        fetch.fetch(server.url("/loop"))


@pytest.mark.parametrize(
    "target",
    [
        "http://127.0.0.1:{port}/feed.ics",  # back to loopback, another address than allowed
        "http://10.0.0.1/feed.ics",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost:{port}/feed.ics",
    ],
)
def test_a_redirect_to_a_private_address_is_refused(serve_feeds, settings, connections, target):
    # The feed is served on 127.0.0.2, the only address the allow-list lets through;
    # every other address keeps the default refusal.
    server = serve_feeds("127.0.0.2")
    assert settings.MAILLAGE_FETCH_ALLOWED_NETWORKS == ["127.0.0.2/32"]
    url = server.redirect("/moved.ics", target.format(port=server.port))
    with pytest.raises(FetchError, match="Adresse refusée"):
        fetch.fetch(url)
    assert connections == [("127.0.0.2", server.port)]  # the first hop only


def test_a_50_mb_feed_is_cut_off_with_a_clear_message(serve_feeds):
    server = serve_feeds()
    url = server.stream("/huge.ics", 50 * 1024 * 1024)
    with pytest.raises(FetchError) as error:
        fetch.fetch(url)
    assert "dépasse la taille maximale acceptée (10 Mo)" in str(error.value)
    assert "interrompu" in str(error.value)


def test_a_declared_size_over_the_limit_is_refused_before_reading(serve_feeds, settings):
    settings.MAILLAGE_FETCH_MAX_BYTES = 1000
    server = serve_feeds()
    url = server.put("/big.ics", "X" * 5000)
    with pytest.raises(FetchError, match=r"taille maximale acceptée \(0.001 Mo\)"):
        fetch.fetch(url)


def test_the_size_limit_counts_decompressed_bytes(serve_feeds, settings):
    settings.MAILLAGE_FETCH_MAX_BYTES = 100_000
    server = serve_feeds()
    bomb = gzip.compress(b"A" * 1_000_000)  # 1 MB that travels as 1 kB
    url = server.put("/bomb.ics", bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FetchError, match="taille maximale"):
        fetch.fetch(url)


def test_a_server_that_does_not_answer_times_out(settings, connections):
    import socket

    settings.MAILLAGE_FETCH_TIMEOUT = 0.5
    settings.MAILLAGE_FETCH_ALLOWED_NETWORKS = ["127.0.0.1/32"]
    with socket.socket() as silent:  # accepts connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(FetchError, match="ne répond pas"):
            fetch.fetch(f"http://127.0.0.1:{port}/feed.ics")


def test_http_errors_are_told(serve_feeds):
    server = serve_feeds()
    with pytest.raises(FetchError, match="HTTP 404"):
        fetch.fetch(server.url("/missing.ics"))
