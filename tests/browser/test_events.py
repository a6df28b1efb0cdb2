"""The agenda in a real browser: find an event near Florac, register without an
account, confirm from the e-mail (received by the real SMTP server), then the
host sees the participant list and checks the person in.

Uses the browser fixtures of ``tests/browser/conftest.py`` (Debian's Chromium,
no request to another host, no CSP violation).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.events import services
from maillage.events.models import Registration
from maillage.events.recurrence import PARIS
from maillage.places.models import Place
from maillage.places.taxonomy import sync_taxonomy
from maillage.territory.models import Commune

from .conftest import serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "une-phrase-de-passe-lozere-48"


@pytest.fixture
def florac_event(transactional_db):
    sync_taxonomy()  # transactional tests start from an emptied database
    florac = Commune.objects.create(
        code="48061",
        name="Florac Trois Rivières",
        departement="48",
        population=2000,
        postal_codes=["48400"],
        centroid_lat=44.324,
        centroid_lon=3.593,
    )
    mende = Commune.objects.create(
        code="48095",
        name="Mende",
        departement="48",
        population=11900,
        postal_codes=["48000"],
        centroid_lat=44.5176,
        centroid_lon=3.5019,
    )
    place = Place.objects.create(
        name="Nouvelle Dimension",
        slug="nouvelle-dimension",
        type="cultural-venue",
        commune=florac,
        latitude=44.3243,
        longitude=3.5935,
    )
    far = Place.objects.create(
        name="Polen",
        slug="polen",
        type="coworking",
        commune=mende,
        latitude=44.5215,
        longitude=3.4875,
    )
    host = User.objects.create_user(
        username="hote", email="hote@example.org", password=PASSWORD, display_name="Hôte"
    )
    place.hosts.add(host)
    day = timezone.localdate() + dt.timedelta(days=6)
    start = dt.datetime.combine(day, dt.time(10, 0), PARIS)
    services.create_event(
        place=far, title="Atelier impression 3D", start=start, end=start + dt.timedelta(hours=2)
    )
    return services.create_event(
        place=place,
        title="Café numérique",
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_required=True,
        capacity=6,
        audiences=["seniors"],
        description="De l'aide pour les démarches en ligne.",
    )


def test_find_register_confirm_and_the_hosts_list(
    page, live_server, florac_event, mailbox, axe_source, settings
):
    settings.MAILLAGE_SITE_URL = live_server.url
    errors = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))

    # Find an event near Florac from the agenda's filters.
    page.goto(f"{live_server.url}/")
    page.get_by_role("link", name="Agenda").first.click()
    page.get_by_label("Près de").select_option(label="Florac Trois Rivières")
    page.get_by_label("Distance (km)").fill("15")
    page.get_by_role("button", name="Voir les événements").click()
    cards = page.locator(".card__title")
    expect(cards).to_have_text(["Café numérique"])
    assert serious_violations(page, axe_source) == []
    cards.get_by_role("link", name="Café numérique").click()

    # Register without an account.
    page.get_by_label("Votre nom").fill("Lou Martin")
    page.get_by_label("Votre e-mail").fill("lou@example.org")
    page.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(".messages")).to_contain_text("suivez le lien envoyé à lou@example.org")
    assert Registration.objects.get().status == "pending"
    assert serious_violations(page, axe_source) == []

    # Confirm from the e-mail.
    mailbox.deliver()
    message = mailbox.only(to="lou@example.org")
    link = next(link for link in mailbox.links(message) if "/confirmer/" in link)
    assert link.startswith(live_server.url)
    page.goto(link)
    page.get_by_role("button", name="Je confirme mon inscription").click()
    expect(page.locator(".messages")).to_contain_text("Votre inscription est confirmée")
    assert Registration.objects.get().status == "registered"
    mailbox.deliver()
    assert "Inscription confirmée" in mailbox.to("lou@example.org")[-1]["Subject"]

    # The host sees the participant list and checks Lou in.
    page.goto(f"{live_server.url}/compte/connexion/?next={florac_event.get_absolute_url()}")
    page.get_by_label("Identifiant ou adresse e-mail").fill("hote")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    occurrence = florac_event.occurrences.get()
    page.goto(f"{live_server.url}{occurrence.get_absolute_url()}")
    page.get_by_role("link", name="Liste des participants").click()
    row = page.get_by_role("row", name="Lou Martin")
    assert "lou@example.org" in row.inner_text() and "Inscrit·e" in row.inner_text()
    assert serious_violations(page, axe_source) == []
    row.get_by_role("button", name="Noter Lou Martin présent·e").click()
    page.get_by_role("button", name="Retirer la présence de Lou Martin").wait_for()
    assert Registration.objects.get().checked_in_at is not None
    assert errors == []
