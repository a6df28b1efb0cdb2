"""No page asks another host for anything; the CSP is sent and nothing needs it relaxed."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import maillage.web

from .htmlscan import page_of

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/?ou=Villefort&function=digital-mediation",
    "/?ou=saint",
    "/?quand=le&open_at=n-importe-quoi",
    "/lieux/france-services-villefort/",
    "/lieux/l-atelier-mende/",
    "/lieux/tiers-truck/",
    "/lieux/fablab-florac/",
    "/communes/48198/",
    "/communes/48095/",
    "/pictogrammes/",
    "/charte/",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "testserver"}
# Attributes whose URL the browser fetches by itself.
FETCHED = {"src", "srcset", "poster", "data", "action", "formaction"}
STATIC = Path(maillage.web.__file__).parent / "static"


def third_party(url: str) -> bool:
    parts = urlsplit(url.strip())
    if parts.scheme in ("", "data", "tel", "mailto", "geo"):
        return bool(parts.netloc) and parts.hostname not in LOCAL_HOSTS
    return parts.hostname not in LOCAL_HOSTS


def outside_urls(page) -> list[str]:
    found = []
    for tag, attrs in page.tags:
        for name, value in attrs.items():
            if name in FETCHED or (name == "href" and tag == "link"):
                urls = (
                    [u.split()[0] for u in value.split(",") if u.strip()]
                    if name == "srcset"
                    else [value]
                )
                found += [u for u in urls if third_party(u)]
            elif name == "href" and third_party(value):
                # A link is followed only when a person chooses to; the only ones
                # allowed are a place's own website, marked external.
                if "external" not in attrs.get("rel", "").split():
                    found.append(value)
            elif name.startswith("data-") and re.search(r"https?://", value):
                if name != "data-tile-attribution":
                    found.append(value)
    return found


@pytest.mark.parametrize("url", PAGES)
def test_no_page_asks_another_host_for_anything(client, demo, url):
    assert outside_urls(page_of(client.get(url))) == []


def test_the_only_external_links_are_places_own_websites(client, demo):
    page = page_of(client.get("/lieux/l-atelier-mende/"))
    external = [a["href"] for a in page.find_all("a") if third_party(a.get("href", ""))]
    assert external == ["https://latelier.example/"]
    link = page.find_all("a", href="https://latelier.example/")[0]
    assert {"noopener", "noreferrer", "nofollow"} <= set(link["rel"].split())


def test_the_stylesheets_and_scripts_load_nothing_from_elsewhere():
    for path in list(STATIC.rglob("*.css")) + list(STATIC.glob("web/*.js")):
        text = path.read_text()
        urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text)
        assert [u for u in urls if third_party(u) and not u.startswith("#")] == [], path
        assert "@import" not in text, path


@pytest.mark.parametrize("url", ["/", "/lieux/france-services-villefort/", "/communes/48198/"])
def test_the_content_security_policy_is_strict(client, demo, url):
    csp = client.get(url)["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert "unsafe" not in csp


@pytest.mark.parametrize("url", PAGES)
def test_nothing_inline_needs_the_csp_relaxed(client, demo, url):
    page = page_of(client.get(url))
    for tag, attrs in page.tags:
        assert "style" not in attrs, (tag, attrs)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        assert tag != "style"
        if tag == "script":
            assert attrs.get("src") or attrs.get("type") == "application/json", attrs
        if tag == "a":
            assert not attrs.get("href", "").lower().startswith("javascript:")


def test_the_vendored_assets_are_there_with_their_licences():
    vendor = STATIC / "vendor"
    for path in (
        "leaflet/leaflet.js",
        "leaflet/leaflet.css",
        "leaflet/LICENSE",
        "htmx/htmx.min.js",
        "htmx/LICENSE",
        "VERSIONS",
    ):
        assert (vendor / path).is_file(), path
    versions = (vendor / "VERSIONS").read_text()
    assert "leaflet     1.9.4" in versions and "htmx.org    4.0.1" in versions


def test_the_scan_sees_what_it_looks_for():
    from .htmlscan import Page

    page = Page(
        '<img src="https://cdn.example/a.png"><link rel="stylesheet" href="//fonts.example/f.css">'
        '<a href="https://elsewhere.example/">x</a><a rel="external" href="https://site.example/">y</a>'
        '<img src="/static/web/a.png"><a href="http://127.0.0.1:8000/">z</a>'
    )
    assert outside_urls(page) == [
        "https://cdn.example/a.png",
        "//fonts.example/f.css",
        "https://elsewhere.example/",
    ]
