"""The public pages in a real browser: map, filters, place and commune pages,
no request to any other host, and no serious accessibility violation."""

from __future__ import annotations

import re

import pytest

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors

pytestmark = pytest.mark.browser


def wait_for_map(page):
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")


def test_home_shows_markers_and_a_filter_narrows_them(page, live_server, lozere):
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    # five located places plus the mobile unit's two stops
    assert page.locator(".leaflet-marker-icon .marker").count() == 7
    assert page.locator("#results .card").count() == 6
    # the communes' boundaries (our own API) are the base layer
    assert page.locator(".leaflet-overlay-pane path").count() >= 150

    with page.expect_response(re.compile(r"function=fablab")):
        page.select_option("#f-function", "fablab")
    page.wait_for_function("document.querySelectorAll('#results .card').length === 1")
    assert page.locator(".leaflet-marker-icon .marker").count() == 1
    assert "function=fablab" in page.url
    assert "1 lieu" in page.locator("#results-status").text_content()

    page.click("#results .card a")
    page.wait_for_selector("h1")
    assert page.locator("h1").text_content().strip() == "Fablab de Florac"
    wait_for_map(page)
    assert errors == []  # no script error, no CSP violation


def test_a_commune_typed_sorts_places_by_distance(page, live_server, lozere):
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.fill("#f-ou", "Villefort")
    with page.expect_response(re.compile(r"ou=Villefort")):
        page.press("#f-ou", "Enter")
    page.wait_for_function(
        "document.getElementById('results-title').textContent.includes('Villefort')"
    )
    titles = [t.strip() for t in page.locator("#results .card h3").all_text_contents()]
    # the France Services of Villefort and the mobile unit stopping there come first
    assert set(titles[:2]) == {"France Services de Villefort", "Tiers-truck"}
    assert titles[-1] == "Coworking de Marvejols"  # the farthest
    assert page.locator(".marker--near").count() == 1
    assert page.url.endswith("/?ou=Villefort")  # empty fields left out


def test_a_bad_filter_shows_a_message(page, live_server, lozere):
    page.goto(live_server.url + "/?quand=le&open_at=demain")
    assert page.locator("#search-errors").is_visible()
    assert (
        "La date et l'heure ne sont pas comprises" in page.locator("#search-errors").text_content()
    )


PAGES = {
    "accueil": "/",
    "lieu": "/lieux/france-services-villefort/",
    "lieu-mobile": "/lieux/tiers-truck/",
    "commune": "/communes/48198/",
    "pictogrammes": "/pictogrammes/",
    "charte": "/charte/",
}


@pytest.mark.parametrize("size", ["ordinateur", "telephone"])
def test_pages_have_no_serious_accessibility_violation(
    open_page, live_server, lozere, axe_source, size
):
    page = open_page(DESKTOP if size == "ordinateur" else PHONE)
    errors = watch_errors(page)
    problems = {}
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        screenshot(page, f"{name}-{size}")
        widths = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            problems.setdefault(name, []).append(f"wider than the screen: {widths}")
        violations = serious_violations(page, axe_source)
        if violations:
            problems.setdefault(name, []).extend(violations)
    assert problems == {}
    assert errors == []
