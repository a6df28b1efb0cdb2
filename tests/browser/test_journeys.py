"""« Trouver mon lieu » in a real browser on a phone-sized screen, for Marie-Louise
(80, reduced mobility, no car, near Saint-Chély-d'Apcher): the mobile unit that stops
near her this week first, then the télécentre, before any place she cannot reach."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from maillage.journeys.demo import load_demo_journeys
from maillage.places.demo import load_demo

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db, open_data_dir, settings):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    load_demo(today=timezone.localdate())
    load_demo_journeys()


def test_marie_louise_finds_her_way_on_a_phone(open_page, live_server, demo, axe_source):
    page = open_page(PHONE)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/trouver-mon-lieu/")
    assert page.get_by_text("Question 1 sur 4").is_visible()
    assert serious_violations(page, axe_source) == []
    page.get_by_label("Apprendre à vous servir des outils numériques").check()
    page.get_by_label(re.compile("Vous rendre utile")).check()
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label("Le nom de votre commune ou son code postal").fill("Saint-Chély")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label(re.compile(r"Saint-Chély-d.Apcher")).check()
    page.get_by_role("button", name="Continuer").click()

    assert page.get_by_text("Question 3 sur 4").is_visible()
    page.get_by_label("Vous vous déplacez difficilement").check()
    page.get_by_label("70 ans ou plus").check()
    page.get_by_role("button", name="Continuer").click()

    page.get_by_label(re.compile("Mardi")).check()
    page.get_by_label("L'après-midi").check()
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Voir votre parcours").click()

    page.get_by_role("heading", name="Votre parcours").wait_for()
    steps = page.locator(".journey-step")
    names = [n.strip() for n in steps.locator(".journey-step__name").all_inner_texts()]
    kinds = steps.evaluate_all("els => els.map(e => e.className.split('--')[1])")
    # without a car, the mobile unit passing near her within the week comes first
    assert names[0] == "Le tiers-truck" and kinds[0] == "mobile"
    assert names[1] == "Télécentre de Saint-Chély-d'Apcher"
    assert "Accessible en fauteuil roulant" in steps.nth(1).inner_text()
    assert "beyond" not in kinds[:2]
    # readable on a phone: nothing wider than the screen, big enough targets
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page, axe_source) == []
    screenshot(page, "trouver-mon-lieu-marie-louise")
    assert errors == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1280"])
def test_a_mende_resident_says_imprimer_and_is_sent_where_she_can_print(
    open_page, live_server, demo, axe_source, viewport
):
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(f"{live_server.url}/trouver-mon-lieu/")
    page.get_by_label("Ou dites-le avec vos mots").fill("imprimer un document")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_text("Question 2 sur 4").wait_for()
    page.get_by_label("Le nom de votre commune ou son code postal").fill("Mende")
    page.get_by_role("button", name="Continuer").click()
    page.get_by_text("Question 3 sur 4").wait_for()
    page.get_by_label(re.compile("Vous avez une voiture")).check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_text("Question 4 sur 4").wait_for()
    page.get_by_label(re.compile("Samedi")).check()
    page.get_by_label("Le matin").check()
    page.get_by_role("button", name="Voir votre parcours").click()

    page.get_by_role("heading", name="Votre parcours").wait_for()
    header = page.locator(".page-header").inner_text()
    assert "Un ordinateur, une imprimante ou une connexion internet" in header
    assert "« imprimer un document »" in header
    first = page.locator(".journey-step--first").first
    assert "Ouvert quand vous êtes libre" in first.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert serious_violations(page, axe_source) == []
    screenshot(page, f"trouver-mon-lieu-imprimer-{viewport['width']}")
    assert errors == []
