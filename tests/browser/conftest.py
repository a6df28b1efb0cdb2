"""Browser tests: Debian's Chromium driven by Playwright against ``live_server``.

Playwright's sync API runs an event loop in this thread, so Django's guard
against database access from async code is lifted; the live server and the
test share the database through ``transactional_db``.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--headless=new",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=fr-FR",  # the date and time pickers speak French, as for the people of Lozère
]
# Screenshots of what a person sees, for a reviewer to look at (var/ is not committed).
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="session", autouse=True)
def _static_root(tmp_path_factory):
    """Whitenoise warns (an error here) when STATIC_ROOT does not exist; the live
    server loads its middleware once, for the whole session."""
    from django.conf import settings

    previous = settings.STATIC_ROOT
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))
    yield
    settings.STATIC_ROOT = previous


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Requests(list):
    """Every URL the page asked for."""

    def third_party(self) -> list[str]:
        return [
            url
            for url in self
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]


@pytest.fixture
def requests_made():
    return Requests()


def _page(browser, requests_made, viewport, javascript=True):
    context = browser.new_context(
        viewport=viewport,
        locale="fr-FR",
        timezone_id="Europe/Paris",
        service_workers="block",
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.on("request", lambda request: requests_made.append(request.url))
    page.set_default_timeout(15_000)
    return context, page


# Pages depend on the database so that they close before it is flushed (a page
# still fetching during the flush locks SQLite's tables).


@pytest.fixture
def page(browser, requests_made, transactional_db):
    context, page = _page(browser, requests_made, DESKTOP)
    yield page
    context.close()
    assert requests_made.third_party() == []


def watch_errors(page) -> list[str]:
    """Script errors and CSP violations of ``page`` from now on (they only show in the console)."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append(message.text),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def open_page(browser, requests_made, transactional_db):
    """Open pages at a chosen size, with or without JavaScript: ``open_page(PHONE, javascript=False)``."""
    contexts = []

    def opener(viewport, javascript=True):
        context, page = _page(browser, requests_made, viewport, javascript)
        contexts.append(context)
        return page

    yield opener
    for context in contexts:
        context.close()
    assert requests_made.third_party() == []


@pytest.fixture
def lozere(transactional_db, open_data_dir, settings, tmp_path_factory):
    """Lozère's real communes (boundaries) and their base map, then the demo-like places."""
    from web.demo import build_demo

    from maillage.territory.importers import import_communes
    from maillage.territory.models import Commune
    from maillage.territory.tiles import build_territory_archive

    import_communes(["48"], [open_data_dir / "communes-geojson" / "communes-48-lozere.geojson"])
    demo = build_demo()  # gives the towns their populations, which rank their names
    # the same communes every time: built once per session
    archive = tmp_path_factory.getbasetemp() / "tiles" / "territory.pmtiles"
    if not archive.exists():
        build_territory_archive(archive, Commune.objects.all())
    settings.MAILLAGE_TERRITORY_TILES_PATH = archive
    return demo


@pytest.fixture(scope="session")
def axe_source() -> str:
    import axe_playwright_python

    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


FINISH_ANIMATIONS = """() => Promise.all(document.getAnimations()
  .filter(a => { const t = a.effect && a.effect.getComputedTiming(); return t && isFinite(t.endTime); })
  .map(a => a.finished.catch(() => null)))"""


def settle(page) -> None:
    """Wait until what moves has stopped: a map panning or zooming (Leaflet animates
    them in script, marking the pane with a class) and finite CSS transitions and
    animations (a popup fading in). Screenshots and axe then see the final page."""
    page.wait_for_function("() => !document.querySelector('.leaflet-pan-anim, .leaflet-zoom-anim')")
    page.evaluate(FINISH_ANIMATIONS)


def serious_violations(page, axe_source) -> list[dict]:
    """axe-core's serious and critical violations on the page (injected by evaluate:
    the CSP blocks added script tags). Finite animations and transitions finish first:
    a popup fading in is measured at its final colours, not half transparent."""
    settle(page)
    page.evaluate(axe_source)
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
        }
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def screenshot(page, name: str) -> Path:
    """The first screen as a person sees it (``NAME-ecran.png``), then the whole page."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    settle(page)
    page.screenshot(path=str(SHOTS / f"{name}-ecran.png"))
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
