"""The citizen agora in a real browser: Basile proposes an idea at L'Atelier in Mende,
three members support it (on their phones), the host links it to a breakfast
debate in the agenda, then marks it adopted; the followers are told by e-mail
(received by the real SMTP server). At 390 px and 1280 px, axe finds nothing
serious; screenshots go to var/screenshots/.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.agora.models import Idea, Status
from maillage.core.clock import PARIS
from maillage.events import services as events
from maillage.places.models import Place
from maillage.places.taxonomy import sync_taxonomy
from maillage.territory.models import Commune

from .conftest import DESKTOP, PHONE, serious_violations, watch_errors

pytestmark = pytest.mark.browser

PASSWORD = "une-phrase-de-passe-lozere-48"
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
MEMBERS = ("marie", "jean", "justine")


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"agora-{name}.png"), full_page=True)


@pytest.fixture
def mende_atelier(transactional_db):
    sync_taxonomy()  # transactional tests start from an emptied database
    mende = Commune.objects.create(
        code="48095", name="Mende", departement="48", population=11900,
        postal_codes=["48000"], centroid_lat=44.5176, centroid_lon=3.5019,
    )  # fmt: skip
    florac = Commune.objects.create(
        code="48061", name="Florac Trois Rivières", departement="48", population=2000,
        postal_codes=["48400"], centroid_lat=44.324, centroid_lon=3.593,
    )  # fmt: skip
    atelier = Place.objects.create(
        name="L'Atelier", slug="l-atelier", type="cafe", commune=mende,
        latitude=44.5181, longitude=3.5006, summary="Un bar tiers-lieu.",
    )  # fmt: skip
    other = Place.objects.create(
        name="Nouvelle Dimension", slug="nouvelle-dimension", type="cultural-venue",
        commune=florac, latitude=44.3243, longitude=3.5935,
    )  # fmt: skip

    def person(username, name):
        return User.objects.create_user(
            username=username, email=f"{username}@example.org", password=PASSWORD,
            display_name=name,
        )  # fmt: skip

    host = person("murielle", "Murielle")
    atelier.hosts.add(host)
    other.hosts.add(person("luc", "Luc"))
    person("basile", "Basile")
    for username in MEMBERS:
        person(username, username.capitalize())
    start = dt.datetime(2026, 12, 2, 8, 30, tzinfo=PARIS)
    events.create_event(
        place=atelier,
        title="Petit-déjeuner débat",
        start=start,
        end=start + dt.timedelta(hours=2),
        description="Un café, des croissants, et les idées du quartier.",
    )
    return atelier


def log_in(page, base: str, username: str, next_path: str) -> None:
    page.goto(f"{base}/compte/connexion/?next={next_path}")
    page.get_by_label("Identifiant ou adresse e-mail").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{base}{next_path}")


def test_an_idea_from_proposal_to_adoption(
    open_page, live_server, mende_atelier, mailbox, axe_source, settings
):
    settings.MAILLAGE_SITE_URL = live_server.url
    base = live_server.url

    # Basile, on a desktop, finds the place and proposes his idea.
    page = open_page(DESKTOP)
    errors = watch_errors(page)
    log_in(page, base, "basile", "/lieux/l-atelier/")
    section = page.locator(
        "section", has=page.get_by_role("heading", name="La parole aux habitants")
    )
    assert "Pas encore d'idée pour ce lieu" in section.inner_text()
    section.get_by_role("link", name="Proposer une idée").click()
    page.get_by_label("Votre idée en une phrase").fill("Un repair café un samedi par mois")
    page.get_by_label("Racontez").fill("Réparer ensemble grille-pain et vélos plutôt que jeter.")
    page.get_by_label("Thème").select_option(label="Événements et formations")
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Publier l'idée").click()
    page.get_by_role("heading", name="Un repair café un samedi par mois").wait_for()
    expect(page.locator(".messages")).to_contain_text("Merci, votre idée est publiée.")
    expect(page.locator(".idea-byline")).to_contain_text("Proposée par Basile")
    assert "basile@example.org" not in page.content()
    idea = Idea.objects.get()
    assert serious_violations(page, axe_source) == []
    shot(page, "idee-proposee-1280")

    # Three members support it from their phones.
    for username in MEMBERS:
        phone = open_page(PHONE)
        phone_errors = watch_errors(phone)
        log_in(phone, base, username, f"/agora/idees/{idea.pk}/")
        phone.get_by_role("button", name="Je soutiens cette idée").click()
        assert "Merci pour votre soutien" in phone.locator(".messages").inner_text()
        assert "Vous soutenez cette idée." in phone.locator(".idea-actions").inner_text()
        assert phone_errors == []
    assert "3 soutiens" in phone.locator("#support-count").inner_text()
    assert serious_violations(phone, axe_source) == []
    shot(phone, "idee-soutenue-390")

    # The list of the place's ideas shows the count it sorts by.
    phone.goto(f"{base}/agora/lieux/l-atelier/?tri=soutiens")
    card = phone.locator(".idea-card", has_text="Un repair café")
    assert "3 soutiens" in card.inner_text() and "Proposée" in card.inner_text()
    assert serious_violations(phone, axe_source) == []
    shot(phone, "parole-aux-habitants-390")

    # The host of another place sees no moderation tools.
    other = open_page(DESKTOP)
    log_in(other, base, "luc", f"/agora/idees/{idea.pk}/")
    assert other.get_by_role("heading", name="Animer et modérer").count() == 0

    # The host links it to the breakfast debate, then marks it adopted.
    host = open_page(DESKTOP)
    host_errors = watch_errors(host)
    log_in(host, base, "murielle", f"/agora/idees/{idea.pk}/")
    moderation = host.locator("section", has=host.get_by_role("heading", name="Animer et modérer"))
    moderation.get_by_label("Nouvel état").select_option(label="En discussion")
    moderation.get_by_label("Débattue à (un événement de l'agenda)").select_option(
        label="Petit-déjeuner débat · L'Atelier · mercredi 2 décembre 2026 à 8\u00a0h\u00a030"
    )
    assert serious_violations(host, axe_source) == []
    moderation.get_by_role("button", name="Changer l'état et prévenir les abonnés").click()
    steps = host.locator(".idea-steps")
    steps.get_by_role("link", name="Petit-déjeuner débat").wait_for()
    assert "mercredi 2 décembre 2026 à 8 h 30" in steps.inner_text().replace("\u00a0", " ")
    moderation.get_by_label("Nouvel état").select_option(label="Adoptée")
    moderation.get_by_label(
        "Explication (publique ; obligatoire si l'idée n'est pas retenue)"
    ).fill("Adoptée au petit-déjeuner : premier repair café le 9 janvier.")
    moderation.get_by_role("button", name="Changer l'état et prévenir les abonnés").click()
    host.locator(".lead .idea-status", has_text="Adoptée").wait_for()
    assert "premier repair café le 9 janvier" in host.locator(".idea-steps").inner_text()
    assert serious_violations(host, axe_source) == []
    shot(host, "idee-adoptee-1280")
    assert host_errors == [] and errors == []

    # The debate's page in the agenda is where the link leads.
    host.locator(".idea-steps").get_by_role("link", name="Petit-déjeuner débat").click()
    host.get_by_role("heading", name="Petit-déjeuner débat").first.wait_for()

    # Every follower (Basile and the three supporters) was told of both steps,
    # once the worker has sent what the requests queued.
    mailbox.deliver()
    idea.refresh_from_db()
    assert idea.status == Status.ADOPTED
    for username in ("basile", *MEMBERS):
        subjects = sorted(m["Subject"].strip() for m in mailbox.to(f"{username}@example.org"))
        assert subjects == [
            "Idée « Un repair café un samedi par mois » : Adoptée",
            "Idée « Un repair café un samedi par mois » : En discussion",
        ]
    assert mailbox.to("luc@example.org") == [] and mailbox.to("murielle@example.org") == []
    told = mailbox.to("marie@example.org")
    assert any("premier repair café le 9 janvier" in mailbox.body(m) for m in told)
    assert any(f"{base}/agora/idees/{idea.pk}/" in mailbox.links(m) for m in told)

    # Basile, on his phone, sees what became of his idea.
    mine = open_page(PHONE)
    log_in(mine, base, "basile", f"/agora/idees/{idea.pk}/")
    assert "Adoptée" in mine.locator(".lead").inner_text()
    assert serious_violations(mine, axe_source) == []
    shot(mine, "idee-adoptee-390")

    # The place's page and the commune's page show it in their agora sections.
    mine.goto(f"{base}/lieux/l-atelier/")
    section = mine.locator(
        "section", has=mine.get_by_role("heading", name="La parole aux habitants")
    )
    assert "Un repair café un samedi par mois" in section.inner_text()
    assert "Adoptée" in section.inner_text() and "3 soutiens" in section.inner_text()
    assert serious_violations(mine, axe_source) == []
    shot(mine, "lieu-390")
    mine.goto(f"{base}/communes/48095/")
    section = mine.locator("section", has=mine.get_by_role("heading", name="Les idées pour Mende"))
    assert "Un repair café un samedi par mois" in section.inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_an_idea_is_placed_by_clicking_a_map_framed_on_its_place(
    open_page, live_server, mende_atelier, axe_source, viewport
):
    """« Déplacer l'arrêt de bus devant la France services »: Basile clicks where, on a
    map framed on L'Atelier; the idea keeps that point. Without a click, no position."""
    from .test_booking_days import TOO_WIDE

    page = open_page(viewport)
    errors = watch_errors(page)
    log_in(page, live_server.url, "basile", "/agora/lieux/l-atelier/proposer/")
    the_map = page.locator("[data-position-map]")
    the_map.and_(page.locator(".leaflet-container")).wait_for()
    status = page.locator("#position-map-status")
    expect(status).to_contain_text("pas placée sur la carte")
    page.get_by_label("Votre idée en une phrase").fill("Un arrêt de bus devant l'Atelier")
    page.get_by_label("Racontez").fill("Le bus s'arrête à 600 m : rapprochons-le.")
    the_map.scroll_into_view_if_needed()
    box = the_map.bounding_box()
    assert box["width"] <= viewport["width"]
    page.mouse.click(box["x"] + box["width"] / 2 + 8, box["y"] + box["height"] / 2 - 5)
    expect(status).to_contain_text("Point placé")
    latitude = float(page.get_by_label("Latitude (facultatif)").input_value())
    longitude = float(page.get_by_label("Longitude (facultatif)").input_value())
    # framed on the place (zoom 15): a click near the centre is a few hundred metres away
    assert abs(latitude - 44.5181) < 0.01 and abs(longitude - 3.5006) < 0.01
    assert page.evaluate(TOO_WIDE) == []
    assert serious_violations(page, axe_source) == []
    shot(page, f"idee-position-{viewport['width']}")
    page.get_by_role("button", name="Publier l'idée").click()
    page.get_by_role("heading", name="Un arrêt de bus devant l'Atelier").wait_for()
    idea = Idea.objects.get()
    assert (round(idea.latitude, 5), round(idea.longitude, 5)) == (
        round(latitude, 5),
        round(longitude, 5),
    )
    # the idea's page shows the spot on a small map, one marker
    expect(page.locator("[data-map='idea'] .marker")).to_have_count(1)
    assert page.evaluate(TOO_WIDE) == []
    assert serious_violations(page, axe_source) == []
    shot(page, f"idee-sur-la-carte-{viewport['width']}")
    assert errors == []
