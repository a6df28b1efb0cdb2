"""The analysis page for elected officials in a real browser, on the demo: the report a
click away (a PDF), « Et si… ouvrir à Nasbinals » changing the figures and the map, the
catchment rule explained, nothing wider than the screen, no serious axe violation."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.places.demo import load_demo

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors
from .test_base_map import WIDER_THAN_VIEWPORT

pytestmark = pytest.mark.browser

MARKERS = "path.leaflet-interactive[fill='#111111']"


@pytest.fixture
def demo(transactional_db, open_data_dir, settings):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    load_demo(today=timezone.localdate())


def key_figure(page) -> str:
    return page.locator(".key--main").inner_text().strip()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_elected_official_reads_the_page_gets_the_report_and_tries_nasbinals(
    open_page, live_server, demo, axe_source, viewport
):
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/maillage/?type=france-services")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")
    before = key_figure(page)
    assert before.startswith("84,9")
    markers_before = page.locator(MARKERS).count()
    assert markers_before >= 20

    # the catchments, with their rule in plain words, France services de Mende counting
    rule = page.locator("#catchment-rule")
    assert "partagés à parts égales" in rule.inner_text()
    first = page.locator("details.catchment[open] tbody tr").first
    assert "France services de Mende" in first.inner_text()
    # no developer words
    body = page.locator("main").inner_text()
    assert "/api/" not in body and "branch" not in body and "maillage report" not in body

    # the report is one click away, with the page's parameters, and is a PDF
    link = page.get_by_role("link", name="Télécharger le rapport (PDF)")
    assert link.is_visible()
    href = link.get_attribute("href")
    assert "type=france-services" in href
    got = page.request.get(live_server.url + href)
    assert got.ok and got.headers["content-type"] == "application/pdf"
    assert got.body().startswith(b"%PDF-")

    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    name = "phone" if viewport is PHONE else "desktop"
    screenshot(page, f"maillage-{name}")

    # « Et si… » open a place at Nasbinals: the figures, the tables and the map change
    page.get_by_label("Ouvrir un lieu à").select_option(label="Nasbinals")
    page.get_by_role("button", name="Comparer").click()
    page.wait_for_selector(".scenario-banner")
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")
    after = key_figure(page)
    assert after.startswith("86,3") and after != before
    expect(page.locator(".scenario-banner")).to_contain_text("Nasbinals")
    assert page.locator(MARKERS).count() == markers_before + 1
    compare = page.locator("table.compare tbody tr").nth(1)  # 10 km
    assert "+1\u202f087" in compare.inner_text()
    under = page.locator("section[aria-labelledby='under-title']").inner_text()
    assert "Prinsuéjols-Malbouzon" not in under

    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    page.locator("#scenario-title").scroll_into_view_if_needed()
    screenshot(page, f"maillage-nasbinals-{name}")
    assert errors == []
