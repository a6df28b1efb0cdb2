"""Marie-Louise walks « Trouver mon lieu » in a real browser, on the real Lozère data
(communes and France Services of the open data): she lives in Saint-Alban-sur-Limagnole,
has no car and wants help with digital tools. She gets the France services of her
village with its hours, address and phone, said to be in her commune (no distance),
and first of all the mobile unit stopping there this week (a stop entered as an
event). One voice, no developer link; on a phone and on a computer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from maillage.core import clock
from maillage.events import services as events
from maillage.places import hours
from maillage.places.importers.france_services import import_france_services
from maillage.places.models import MobileStop
from maillage.territory.models import Commune

from .conftest import DESKTOP, PHONE, screenshot, serious_violations, watch_errors

pytestmark = pytest.mark.browser

FIRST_PERSON = re.compile(r"\b(je|j'|me|m'|moi|mon|ma|mes)\b", re.IGNORECASE)


@pytest.fixture
def saint_alban(lozere, open_data_dir):
    """The real France Services of Lozère, and the demo's mobile unit stopping at
    Saint-Alban the day after tomorrow (a stop entered as an event, from the clock)."""
    import_france_services(open_data_dir / "france-services-2024-08-01.csv", ["48"])
    commune = Commune.objects.get(code="48132")
    truck = lozere.places["truck"]
    stop = MobileStop.objects.create(place=truck, commune=commune, spot="place de l'église")
    day = clock.today() + dt.timedelta(days=2)
    start = dt.datetime.combine(day, dt.time(10), hours.PARIS)
    events.create_event(
        place=truck,
        stop=stop,
        title="Le camion numérique à Saint-Alban",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    return day


def walk(page, base_url, axe_source):
    page.goto(f"{base_url}/trouver-mon-lieu/")
    page.get_by_label("Apprendre à vous servir des outils numériques").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label("Le nom de votre commune ou son code postal").fill("Saint-Alban")
    page.get_by_role("button", name="Continuer").click()
    # the next page, whichever it is (a choice of communes, or question 3)
    expect(
        page.get_by_label(re.compile("Saint-Alban-sur-Limagnole"))
        .or_(page.get_by_text("Question 3 sur 4"))
        .first
    ).to_be_visible()
    choice = page.get_by_label(re.compile("Saint-Alban-sur-Limagnole"))
    if choice.count():  # several communes match: she picks hers
        choice.check()
        page.get_by_role("button", name="Continuer").click()
    expect(page.get_by_text("Question 3 sur 4")).to_be_visible()
    page.get_by_label("Vous n'avez pas de voiture : à pied, en bus").check()
    page.get_by_role("button", name="Continuer").click()
    page.get_by_label(re.compile("Demain")).check()
    page.get_by_label("L'après-midi").check()
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Voir votre parcours").click()
    page.get_by_role("heading", name="Votre parcours").wait_for()


@pytest.mark.parametrize(("viewport", "name"), [(PHONE, "telephone"), (DESKTOP, "ordinateur")])
def test_marie_louise_sees_where_to_go_in_her_village_and_the_mobile_unit_of_the_week(
    open_page, live_server, saint_alban, axe_source, viewport, name
):
    page = open_page(viewport)
    errors = watch_errors(page)
    walk(page, live_server.url, axe_source)
    steps = page.locator(".journey-step")
    names = [n.strip() for n in steps.locator(".journey-step__name").all_inner_texts()]

    # first of all, the mobile unit stopping in her village within the week
    assert names[0] == "Tiers-truck"
    truck = steps.nth(0)
    passage = truck.locator(".journey-fact--passage")
    passage_day = saint_alban.strftime("%d").lstrip("0")
    assert passage.is_visible()
    assert re.search(
        rf"vendredi {passage_day} novembre, 10\sh\s–\s12\sh, à Saint-Alban-sur-Limagnole "
        r"\(place de l.église\)",
        passage.inner_text(),
    )
    assert "Dans votre commune." in truck.inner_text()

    # then the France services of her village: hours, address, phone, no distance
    fs_name = "France services de Saint-Alban sur Limagnole"
    assert names[1] == fs_name
    card = steps.nth(1)
    text = card.inner_text()
    assert "Dans votre commune." in text
    assert not re.search(r"À \d+,\d km|\d min", text)
    hours_lines = card.locator(".journey-fact--hours").all_inner_texts()
    assert re.fullmatch(r"Aujourd'hui \(mercredi 25 novembre\)\s+9\sh\s–\s12\sh", hours_lines[0])
    assert re.fullmatch(
        r"Jeudi 26 novembre, quand vous êtes libre\s+9\sh\s–\s12\sh\s15, 14\sh\s–\s16\sh\s45",
        hours_lines[1],
    )
    assert "24 Grand Rue, agence postale communale, 48120 Saint-Alban-sur-Limagnole" in text
    phone = card.get_by_role("link", name="04 66 31 78 79")
    assert phone.is_visible() and phone.get_attribute("href") == "tel:0466317879"

    # one voice, and no developer link for the public
    main = page.locator("main").inner_text().replace("\u2019", "'")
    assert "Vous habitez Saint-Alban-sur-Limagnole" in main
    assert FIRST_PERSON.findall(main) == []
    assert "JSON" not in main and page.locator("a[href^='/api/']").count() == 0

    # nothing wider than the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    too_wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
            .map(e => e.tagName + '.' + e.className)"""
    )
    assert too_wide == []
    assert serious_violations(page, axe_source) == []
    screenshot(page, f"trouver-mon-lieu-saint-alban-{name}")
    assert errors == []
