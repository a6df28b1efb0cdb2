"""Participation in a real browser: a visitor proposes a forgotten place, a
coordinator accepts it from the moderation queue, and the place has its page.

Uses the browser fixtures of ``tests/browser/conftest.py`` (Debian's Chromium,
no request to another host) and the real SMTP server (``mailbox``).
"""

from __future__ import annotations

import pytest

from maillage.accounts.models import Role, User
from maillage.places.models import Place
from maillage.places.taxonomy import sync_taxonomy
from maillage.territory.models import Commune

from .conftest import serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "une-phrase-de-passe-lozere-48"


@pytest.fixture
def network(transactional_db):
    sync_taxonomy()  # transactional tests start from an emptied database
    Commune.objects.create(
        code="48061",
        name="Florac Trois Rivières",
        departement="48",
        population=2000,
        postal_codes=["48400"],
        centroid_lat=44.324,
        centroid_lon=3.593,
    )
    return User.objects.create_user(
        username="coordination",
        email="coordination@example.org",
        password=PASSWORD,
        role=Role.COORDINATOR,
        display_name="Coordination Solozère",
    )


def watch_console(page) -> list[str]:
    """CSP violations and script errors of the pages opened from now on."""
    errors: list[str] = []
    page.on(
        "console",
        lambda message: "Content Security Policy" in message.text and errors.append(message.text),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_visitor_proposes_a_place_a_coordinator_accepts_it_and_it_has_its_page(
    page, live_server, network, mailbox, axe_source
):
    console_errors = watch_console(page)

    # An anonymous visitor proposes a forgotten place.
    page.goto(live_server.url + "/contribuer/nouveau-lieu/")
    page.get_by_label("Nom (obligatoire)", exact=True).fill("Le Café des Cévennes")
    page.get_by_label("Type (obligatoire)", exact=True).select_option("cafe")
    page.get_by_label("Commune (obligatoire)", exact=True).fill("Florac Trois Rivières")
    page.get_by_label("En une phrase").fill("Un café associatif avec une salle pour travailler.")
    page.get_by_label("Dans la syntaxe OpenStreetMap").check()  # the visitor knows it
    page.get_by_label("Horaires (syntaxe OpenStreetMap)").fill("Mo-Sa 08:00-19:00")
    page.get_by_label("Accès numérique").check()
    page.get_by_label("Votre adresse e-mail").fill("dan@example.org")
    page.get_by_label("Votre nom ou pseudonyme (facultatif)").fill("Dan")
    assert serious_violations(page, axe_source) == []
    page.get_by_role("button", name="Proposer ce lieu").click()
    page.get_by_role("heading", name="Merci !").wait_for()
    assert not Place.objects.filter(name="Le Café des Cévennes").exists()

    # A coordinator logs in and finds it in the moderation queue.
    page.goto(live_server.url + "/compte/connexion/?next=/contribuer/moderation/")
    page.get_by_label("Identifiant ou adresse e-mail").fill("coordination@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_role("heading", name="File de modération").wait_for()
    item = page.locator("article", has_text="Nouveau lieu : Le Café des Cévennes")
    assert "Mo-Sa 08:00-19:00" in item.inner_text()
    assert "dan@example.org" in item.inner_text()
    assert serious_violations(page, axe_source) == []

    # Accepting publishes the place and tells the visitor.
    item.get_by_role("button", name="Accepter").click()
    page.get_by_text("Proposition acceptée").wait_for()
    assert page.locator("article", has_text="Le Café des Cévennes").count() == 0
    place = Place.objects.get(name="Le Café des Cévennes")
    assert place.history.get().history_user.username == "coordination"
    mailbox.deliver()
    assert len(mailbox.to("dan@example.org")) == 1

    # The place now has its page, open to everyone.
    page.context.clear_cookies()
    page.goto(live_server.url + place.get_absolute_url())
    assert page.locator("h1").inner_text().strip() == "Le Café des Cévennes"
    assert "Un café associatif avec une salle pour travailler." in page.content()
    assert console_errors == []


def test_host_fixes_hours_typed_wrong_and_the_page_says_it_is_checked(
    page, live_server, network, mailbox, axe_source
):
    console_errors = watch_console(page)
    host = User.objects.create_user(
        username="murielle", email="murielle@example.org", password=PASSWORD
    )
    place = Place.objects.create(
        name="Télécentre de Florac",
        slug="telecentre-florac",
        type="telecentre",
        commune=Commune.objects.get(code="48061"),
        opening_hours="Mo-Fr 09:00-17:00",
    )
    place.hosts.add(host)

    page.goto(live_server.url + f"/compte/connexion/?next=/contribuer/lieux/{place.slug}/modifier/")
    page.get_by_label("Identifiant ou adresse e-mail").fill("murielle")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.get_by_label("Dans la syntaxe OpenStreetMap").check()
    hours = page.get_by_label("Horaires (syntaxe OpenStreetMap)", exact=True)
    hours.fill("lundi-vendredi 9h-17h")
    page.get_by_role("button", name="Enregistrer", exact=True).click()

    page.get_by_text("Ces horaires ne sont pas compris").first.wait_for()
    assert hours.input_value() == "lundi-vendredi 9h-17h"
    assert hours.get_attribute("aria-invalid") == "true"
    assert serious_violations(page, axe_source) == []

    hours.fill("Mo-Fr 09:00-12:00,14:00-17:00; PH off")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_text("La page est marquée comme vérifiée").wait_for()
    place.refresh_from_db()
    assert place.opening_hours == "Mo-Fr 09:00-12:00,14:00-17:00; PH off"
    assert place.last_checked_at is not None
    assert console_errors == []
