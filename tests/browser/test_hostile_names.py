"""A place named with markup shows that markup as text, on the maps too
(Leaflet reads a string tooltip as HTML: the maps hand it text nodes)."""

from __future__ import annotations

import pytest

from maillage.places.models import Place

from .conftest import DESKTOP, PHONE, screenshot, watch_errors

pytestmark = pytest.mark.browser

HOSTILE = "Atelier <img src=x onerror=alert(1)>"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "390"])
def test_the_analysis_map_tooltip_shows_a_hostile_name_literally(
    open_page, live_server, lozere, viewport
):
    place = Place.objects.get(name="Fablab de Florac")
    place.name = HOSTILE
    place.save()
    page = open_page(viewport)
    errors = watch_errors(page)
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(live_server.url + "/maillage/")
    page.wait_for_selector("[data-analysis-map] .leaflet-marker-pane, [data-analysis-map] path")
    page.wait_for_load_state("networkidle")
    markers = page.locator('[data-analysis-map] path.leaflet-interactive[fill="#111111"]')
    assert markers.count() >= 2
    shown = []
    for i in range(markers.count()):
        markers.nth(i).hover(force=True)
        tip = page.locator(".leaflet-tooltip").last
        tip.wait_for()
        shown.append(tip.text_content())
        if tip.text_content() == HOSTILE:
            assert tip.locator("img").count() == 0
            screenshot(page, f"hostile-tooltip-{viewport['width']}")
            break
    assert HOSTILE in shown  # the very characters typed, as text
    assert page.locator("[data-analysis-map] img[src='x']").count() == 0
    assert dialogs == [] and errors == []
