"""The public pages in a real browser: map, filters, place and commune pages,
no request to any other host, and no serious accessibility violation.

Waits use Playwright's ``expect`` on locators: ``wait_for_function`` evaluates
a string in the page, which the strict CSP (no 'unsafe-eval') refuses."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors
from .test_base_map import places_on_map

pytestmark = pytest.mark.browser


def wait_for_map(page):
    page.wait_for_selector(".leaflet-container")  # built after the page's load event
    page.wait_for_load_state("networkidle")


def test_home_shows_markers_and_a_filter_narrows_them(page, live_server, lozere):
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    # five located places plus the mobile unit's two stops, alone or in clusters
    assert places_on_map(page) == 7
    assert page.locator("#results .card").count() == 6
    # the base map: vector tiles of the communes, served by the site
    expect(page.locator("#map .leaflet-tile-pane canvas").first).to_be_visible()

    with page.expect_response(re.compile(r"function=fablab")):
        page.select_option("#f-function", "fablab")
    expect(page.locator("#results .card")).to_have_count(1)
    assert places_on_map(page) == 1
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
    expect(page.locator("#results-title")).to_contain_text("Villefort")
    titles = [t.strip() for t in page.locator("#results .card h3").all_text_contents()]
    # the France Services of Villefort and the mobile unit stopping there come first
    assert set(titles[:2]) == {"France Services de Villefort", "Tiers-truck"}
    assert titles[-1] == "Coworking de Marvejols"  # the farthest
    assert page.locator(".marker--near").count() == 1
    assert page.url.endswith("/?ou=Villefort")  # empty fields left out


def test_a_click_on_the_map_searches_around_that_point(page, live_server, lozere):
    page.goto(live_server.url + "/")
    wait_for_map(page)
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.5)
    button = page.get_by_role("button", name="Chercher autour de ce point")
    with page.expect_response(re.compile(r"near=")):
        button.click()
    expect(page.locator("#results-title")).to_contain_text("autour du point choisi")
    assert page.locator(".marker--near").count() == 1
    assert page.locator("#results .card .distance").count() >= 5


def test_the_search_works_without_javascript(open_page, live_server, lozere):
    page = open_page(PHONE, javascript=False)
    page.goto(live_server.url + "/")
    assert "La carte a besoin de JavaScript" in page.locator("#map").text_content()
    page.fill("#f-ou", "48400")
    page.select_option("#f-function", "digital-mediation")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"ou=48400"))
    titles = [t.strip() for t in page.locator("#results .card h3").all_text_contents()]
    assert titles[0] == "Fablab de Florac"
    assert "lieux autour de Florac Trois Rivières" in page.locator("#results-title").text_content()
    assert page.locator("#f-ou").input_value() == "48400"  # what was typed stays


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


@pytest.mark.parametrize("size", ["ordinateur", "telephone"])
def test_open_at_keeps_the_results_until_a_date_is_given(open_page, live_server, lozere, size):
    """Choosing « Ouvert le… » sends the form at once: no date yet is no error, the list
    stays; a date narrows it; a date beyond the platform's years says so."""
    viewport = DESKTOP if size == "ordinateur" else PHONE
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    expect(page.locator("#results .card")).to_have_count(6)

    with page.expect_response(re.compile(r"quand=le")):
        page.get_by_label("Ouvert le…").check()
    expect(page.locator("#results-title")).to_contain_text("6 lieux")
    expect(page.locator("#results .card")).to_have_count(6)
    assert page.locator("#search-errors").count() == 0
    assert page.locator(".field--error, .error").count() == 0
    expect(page.locator("#f-open_at")).to_be_visible()
    expect(page.locator("#f-open_at-hint")).to_contain_text("Choisissez le jour et l'heure")
    screenshot(page, f"ouvert-le-sans-date-{size}")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]

    # Sunday 29 November 2026 at 10:00: only the place open round the clock
    with page.expect_response(re.compile(r"open_at=2026-11-29T10")):
        page.fill("#f-open_at", "2026-11-29T10:00")
    expect(page.locator("#results .card")).to_have_count(1)
    expect(page.locator("#results-title")).to_contain_text("1 lieu")
    assert page.locator("#search-errors").count() == 0
    screenshot(page, f"ouvert-le-dimanche-{size}")
    assert errors == []


def test_a_date_beyond_the_platform_years_says_which_years(open_page, live_server, lozere):
    for viewport in (PHONE, DESKTOP):
        page = open_page(viewport)
        page.goto(live_server.url + "/?quand=le&open_at=2301-01-01T10:00")
        expect(page.locator("#search-errors")).to_contain_text(
            "Choisissez une date entre 1er janvier 1970 et 31 décembre 2200."
        )
        expect(page.locator("#f-open_at")).to_have_value("2301-01-01T10:00")  # as typed
        assert page.locator("#f-open_at").get_attribute("aria-invalid") == "true"
