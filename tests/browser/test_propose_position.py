"""A member proposes a café in Le Pont-de-Montvert with a click on the map and its
hours day by day; the coordinator sees it on a map, moves it and accepts it; the
place has its marker and its hours on its page. On a phone and a computer."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import Role, User
from maillage.participation.models import Proposal
from maillage.places.models import Place

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors
from .test_base_map import WIDER_THAN_VIEWPORT, wait_for_base_map

pytestmark = pytest.mark.browser

PASSWORD = "une-phrase-de-passe-lozere-48"


def log_in(page, base, who, then):
    page.context.clear_cookies()
    page.goto(base + f"/compte/connexion/?next={then}")
    page.get_by_label("Identifiant ou adresse e-mail").fill(who)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_member_places_a_cafe_on_the_map_the_coordinator_moves_and_accepts_it(
    open_page, live_server, lozere, viewport, axe_source
):
    for name, role in (("lea", Role.MEMBER), ("coordination", Role.COORDINATOR)):
        User.objects.create_user(
            username=name, email=f"{name}@example.org", password=PASSWORD, role=role
        )
    width = viewport["width"]
    page = open_page(viewport)
    errors = watch_errors(page)
    base = live_server.url

    # Léa proposes the café: the commune, a click on the map, the hours day by day.
    log_in(page, base, "lea", "/contribuer/nouveau-lieu/")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Café de la Tarn")
    page.get_by_label("Type (obligatoire)", exact=True).select_option("cafe")
    commune = page.get_by_label("Commune (obligatoire)", exact=True)
    commune.fill("Le Pont-de-Mont")
    page.get_by_role("option", name="Pont de Montvert - Sud Mont Lozère").click()
    assert commune.input_value() == "Pont de Montvert - Sud Mont Lozère"
    wait_for_base_map(page, "[data-position-map]")
    status = page.locator("#position-map-status")
    expect(status).to_contain_text("centre de la commune")
    the_map = page.locator("[data-position-map]")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(status).to_contain_text("Point placé")
    latitude = page.get_by_label("Latitude", exact=True)
    assert 44.2 < float(latitude.input_value()) < 44.5
    expect(
        page.locator("[data-position-map] path.leaflet-interactive, [data-position-map] path")
    ).not_to_have_count(0)

    expect(page.get_by_label("Horaires (syntaxe OpenStreetMap)")).to_be_hidden()  # week mode
    for day in ("Mardi", "Mercredi", "Jeudi", "Vendredi"):
        page.get_by_label(f"{day}, 1re plage, de").fill("09:00")
        page.get_by_label(f"{day}, 1re plage, à").fill("12:00")
        page.get_by_label(f"{day}, 2e plage, de").fill("15:00")
        page.get_by_label(f"{day}, 2e plage, à").fill("19:00")
    page.get_by_label("Samedi, 1re plage, de").fill("10:00")
    page.get_by_label("Samedi, 1re plage, à").fill("18:00")
    page.get_by_label("Fermé les jours fériés").check()
    screenshot(page, f"proposer-lieu-{width}")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Proposer ce lieu").click()
    page.get_by_role("heading", name="Merci !").wait_for()
    proposal = Proposal.objects.get()
    assert proposal.changes["opening_hours"] == (
        "Tu-Fr 09:00-12:00,15:00-19:00; Sa 10:00-18:00; PH off"
    )
    proposed = (proposal.changes["latitude"], proposal.changes["longitude"])
    assert not proposal.position_approximate

    # The coordinator sees it on a map and moves it a little before accepting.
    log_in(page, base, "coordination", f"/contribuer/moderation/propositions/{proposal.pk}/")
    wait_for_base_map(page, "[data-position-map]")
    expect(page.get_by_test_id("position-summary")).to_contain_text("Point proposé")
    expect(page.locator("#position-map-status")).to_contain_text("Point placé")
    the_map = page.locator("[data-position-map]")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2 + 12, box["y"] + box["height"] / 2 + 8)
    moved_to = float(page.get_by_label("Longitude", exact=True).input_value())
    assert moved_to != pytest.approx(proposed[1], abs=1e-6)
    screenshot(page, f"moderer-position-{width}")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Enregistrer la position").click()
    page.get_by_text("Position enregistrée.").wait_for()
    page.get_by_role("button", name="Accepter").click()
    page.get_by_text("Proposition acceptée").wait_for()

    place = Place.objects.get(name="Café de la Tarn")
    assert place.longitude == pytest.approx(moved_to, abs=1e-6)
    assert place.commune_id == "48116" and not place.position_approximate

    # Everyone sees the café's marker and its hours on its page.
    page.context.clear_cookies()
    page.goto(base + place.get_absolute_url())
    wait_for_base_map(page, "[data-map=place]")
    expect(page.locator("[data-map=place] .leaflet-marker-icon .marker")).to_have_count(1)
    hours = page.locator("table.week")
    expect(hours.locator("tr", has_text="Mardi")).to_contain_text("9 h – 12 h et 15 h – 19 h")
    expect(hours.locator("tr", has_text="Samedi")).to_contain_text("10 h – 18 h")
    expect(hours.locator("tr", has_text="Lundi")).to_contain_text("Fermé")
    screenshot(page, f"lieu-propose-{width}")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert errors == []


def test_without_javascript_the_commune_alone_is_enough(open_page, live_server, lozere):
    page = open_page(PHONE, javascript=False)
    page.goto(live_server.url + "/contribuer/nouveau-lieu/")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Café sans carte")
    page.get_by_label("Type (obligatoire)", exact=True).select_option("cafe")
    page.get_by_label("Commune (obligatoire)", exact=True).fill("Le Pont-de-Montvert")
    page.get_by_label("Lundi, 1re plage, de").fill("08:00")
    page.get_by_label("Lundi, 1re plage, à").fill("07:00")
    page.get_by_label("Votre adresse e-mail").fill("lea@example.org")
    page.get_by_role("button", name="Proposer ce lieu").click()
    expect(
        page.get_by_text("Lundi : La fin (07:00) doit venir après le début (08:00)")
    ).to_be_visible()
    assert (
        page.get_by_label("Commune (obligatoire)", exact=True).input_value()
        == "Le Pont-de-Montvert"
    )
    page.get_by_label("Lundi, 1re plage, à").fill("12:00")
    page.get_by_role("button", name="Proposer ce lieu").click()
    page.get_by_role("heading", name="Merci !").wait_for()
    proposal = Proposal.objects.get()
    assert proposal.position_approximate and proposal.changes["opening_hours"] == "Mo 08:00-12:00"
