"""A host places her café on the map of her edit page (the same map as « proposer un
lieu »): its commune's centre is drawn as approximate, a click puts the point, saving
keeps it, and the place page shows its marker there. On a phone and a computer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.places.models import Place
from maillage.territory.models import Commune

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors
from .test_base_map import WIDER_THAN_VIEWPORT, wait_for_base_map
from .test_propose_position import PASSWORD, log_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_host_places_her_cafe_on_the_map_of_her_edit_page(
    open_page, live_server, lozere, viewport, axe_source
):
    pont = Commune.objects.get(code="48116")
    cafe = Place.objects.create(name="Café de la Tarn", slug="cafe-tarn", type="cafe", commune=pont)
    cafe.set_position(None, None)
    cafe.save()
    assert cafe.position_approximate
    lea = User.objects.create_user(username="lea", email="lea@example.org", password=PASSWORD)
    cafe.hosts.add(lea)
    width = viewport["width"]
    page = open_page(viewport)
    errors = watch_errors(page)
    base = live_server.url

    log_in(page, base, "lea", f"/contribuer/lieux/{cafe.slug}/modifier/")
    wait_for_base_map(page, "[data-position-map]")
    status = page.locator("#position-map-status")
    expect(status).to_contain_text("centre de la commune")  # approximate, no point yet
    latitude = page.get_by_label("Latitude", exact=True)
    longitude = page.get_by_label("Longitude", exact=True)
    assert latitude.input_value() == "" and longitude.input_value() == ""

    the_map = page.locator("[data-position-map]")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box["width"] <= width
    page.mouse.click(box["x"] + box["width"] / 2 + 10, box["y"] + box["height"] / 2 + 6)
    expect(status).to_contain_text("Point placé")
    clicked = (float(latitude.input_value()), float(longitude.input_value()))
    assert 44.2 < clicked[0] < 44.5 and 3.6 < clicked[1] < 3.9
    expect(page.get_by_role("button", name="Retirer le point")).to_be_visible()
    screenshot(page, f"modifier-lieu-position-{width}")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []

    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("Modifications enregistrées.").wait_for()
    cafe.refresh_from_db()
    assert not cafe.position_approximate
    assert (cafe.latitude, cafe.longitude) == pytest.approx(clicked, abs=1e-6)

    # the place page puts its marker there; the edit page shows the point placed
    wait_for_base_map(page, "[data-map=place]")
    expect(page.locator("[data-map=place] .leaflet-marker-icon .marker")).to_have_count(1)
    page.goto(base + f"/contribuer/lieux/{cafe.slug}/modifier/")
    wait_for_base_map(page, "[data-position-map]")
    expect(page.locator("#position-map-status")).to_contain_text("Point placé")
    assert page.get_by_label("Latitude", exact=True).input_value() != ""
    assert errors == []
