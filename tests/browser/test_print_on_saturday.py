"""A Mende resident wants to print on Saturday morning: she types the word she
knows (« imprimante »), asks for places open on Saturday at 10:00, and finds
L'Atelier in Mende with why it matched and its Saturday hours; the France
Services of Villefort, which has a printer but is closed on Saturdays, is not
offered. On a phone and on a desktop."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors
from .test_pages import wait_for_map

pytestmark = pytest.mark.browser

SATURDAY_10 = "2026-11-28T10:00"  # the Saturday after the frozen "now" (Wed 25 Nov 2026)


@pytest.mark.parametrize("size", ["telephone", "ordinateur"])
def test_a_printer_open_on_saturday_morning(open_page, live_server, lozere, axe_source, size):
    viewport = PHONE if size == "telephone" else DESKTOP
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    page.get_by_label("Ouvert le…").check()
    page.fill("#f-open_at", SATURDAY_10)
    page.get_by_text("Plus de critères").click()
    page.fill("#f-q", "imprimante")
    page.press("#f-q", "Enter")
    cards = page.locator("#results .card")
    expect(cards).to_have_count(1)
    card = cards.first
    expect(card).to_contain_text("L'Atelier")
    expect(card).to_contain_text("imprimante → Accès numérique")
    expect(page.locator("#results")).not_to_contain_text("Villefort")
    expect(page.locator("#results-title")).to_contain_text("1 lieu")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1]
    assert serious_violations(page, axe_source) == []
    screenshot(page, f"imprimer-samedi-{size}")
    assert errors == []


def test_the_last_thing_asked_wins_when_answers_are_slow(open_page, live_server, lozere):
    """On a slow connection she changes three criteria before the first answer
    arrives: the list must answer the last one (all three criteria), not an
    earlier state. htmx's default would drop the third request while the first
    is in flight; the search form replaces the request in flight instead."""
    page = open_page(DESKTOP)
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_map(page)
    held = []

    def hold(route):
        if route.request.headers.get("hx-request"):
            held.append(route)
        else:
            route.continue_()

    page.route("**/?*", hold)
    page.get_by_label("Ouvert le…").check()
    page.fill("#f-open_at", SATURDAY_10)
    page.get_by_text("Plus de critères").click()
    page.fill("#f-q", "imprimante")
    page.press("#f-q", "Enter")
    page.wait_for_timeout(300)  # let every request the page means to send reach the route
    page.unroute("**/?*")
    for route in held:
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 the page aborted that request itself
            pass
    cards = page.locator("#results .card")
    expect(cards).to_have_count(1)
    expect(cards.first).to_contain_text("L'Atelier")
    assert "q=imprimante" in page.url and "open_at=" in page.url
    assert [e for e in errors if "abort" not in e.lower()] == []
