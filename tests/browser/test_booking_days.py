"""A freelancer books a desk in Florac three days running, signing up on the way
and coming back to the booking; the host decides from « Mon compte »; every page
fits a phone."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from maillage.accounts.models import User
from maillage.booking.models import Booking, Resource
from maillage.places.models import Place
from maillage.territory.models import Commune

from .conftest import DESKTOP, PHONE, screenshot, serious_violations

pytestmark = pytest.mark.browser

PASSWORD = "une-phrase-de-passe-cevennes-48"
# Elements sticking out of the screen (visually hidden ones are 1 px wide and clipped).
TOO_WIDE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width) wide.push('page ' + document.documentElement.scrollWidth);
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width > 1 && r.right > width + 1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.width));
  }
  return wide.slice(0, 10);
}"""


@pytest.fixture
def florac_desks(transactional_db):
    florac = Commune.objects.create(
        code="48061",
        name="Florac Trois Rivières",
        departement="48",
        postal_codes=["48400"],
        centroid_lat=44.3244,
        centroid_lon=3.5931,
    )
    place = Place.objects.create(
        name="La Genette verte",
        slug="la-genette-verte",
        type="coworking",
        commune=florac,
        latitude=44.3250,
        longitude=3.5940,
        opening_hours="Mo-Fr 08:00-19:00",
    )
    host = User.objects.create_user(
        username="hote", email="hote@example.org", password=PASSWORD, display_name="Murielle"
    )
    place.hosts.add(host)
    desks = Resource.objects.create(
        place=place,
        name="Open space de la Genette",
        kind="desk-pool",
        capacity=6,
        equipment=["thd", "wifi"],
        approval_required=True,
        price_day="12.00",
    )
    return desks, host


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def fits(page, viewport, name):
    page.wait_for_load_state("networkidle")
    screenshot(page, f"{name}-{viewport['width']}")
    assert page.evaluate(TOO_WIDE) == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_three_days_in_florac_with_a_signup_on_the_way(
    open_page, live_server, florac_desks, mailbox, axe_source, viewport
):
    desks, host = florac_desks
    page = open_page(viewport)

    # From the place page, the resource's date field holds tomorrow (ISO for <input type=date>).
    page.goto(f"{live_server.url}/lieux/la-genette-verte/")
    page.get_by_role("link", name="Open space de la Genette").click()
    assert page.locator("input[name=date]").input_value() == "2026-11-26"

    # Search: a desk (« Poste de travail ») near Florac, for the day.
    page.goto(f"{live_server.url}/reserver/")
    page.get_by_label("Près de").press_sequentially("Florac", delay=20)
    page.get_by_role("option", name="Florac Trois Rivières").click()
    page.locator("input[name=date]").fill("2026-11-26")
    page.get_by_label("Quand").select_option("day")
    page.get_by_label("Quoi").select_option("desk")
    page.get_by_role("button", name="Chercher").click()
    result = page.locator(f"[data-resource='{desks.pk}']")
    result.wait_for()
    assert "Open space de la Genette" in result.inner_text()
    assert page.locator("input[name=date]").input_value() == "2026-11-26"
    fits(page, viewport, "booking-desk-search")
    result.get_by_role("link", name="Réserver").click()

    # Three working days from tomorrow, then sign up in the middle.
    assert page.locator("input[name=date]").input_value() == "2026-11-26"
    page.get_by_label("Combien de fois").select_option("days")
    page.get_by_label("Nombre de jours ou de fois").fill("3")
    fits(page, viewport, "booking-days-form")
    page.get_by_role("button", name="Continuer : se connecter ou créer un compte").click()
    page.wait_for_url("**/compte/connexion/**")
    page.get_by_role("link", name="Créer un compte").click()
    page.get_by_label("Votre nom ou pseudonyme").fill("Lina")
    page.get_by_label("Adresse e-mail").fill("lina@example.org")
    page.locator("input[name=password1]").fill(PASSWORD)
    page.get_by_label("Le même mot de passe, encore une fois").fill(PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.get_by_role("heading", name="Confirmez votre adresse e-mail").wait_for()
    assert "votre réservation vous attend" in page.inner_text("main")

    mailbox.deliver()
    [link] = [
        url
        for url in mailbox.links(mailbox.only(to="lina@example.org"))
        if "/compte/confirmer/" in url
    ]
    page.goto(live_server.url + re.sub(r"^https?://[^/]+", "", link))
    page.get_by_role("button", name="Confirmer et activer mon compte").click()
    page.wait_for_url(f"**/reserver/ressource/{desks.pk}/**")
    # back to the booking, the slot and the three days kept
    assert page.locator("input[name=date]").input_value() == "2026-11-26"
    assert page.get_by_label("Combien de fois").input_value() == "days"
    assert page.get_by_label("Nombre de jours ou de fois").input_value() == "3"
    page.get_by_role("button", name="Demander la réservation").click()
    page.wait_for_url("**/mes-reservations/")
    rows = page.locator("tr[data-booking]")
    assert rows.count() == 3
    assert all("En attente" in text for text in rows.all_inner_texts())
    assert "Demande envoyée à l'hôte pour 3 dates." in page.inner_text("body")
    assert serious_violations(page, axe_source) == []
    fits(page, viewport, "booking-mine")
    lina = User.objects.get(email="lina@example.org")
    days = sorted(b.start.date().isoformat() for b in Booking.objects.filter(user=lina))
    assert days == ["2026-11-26", "2026-11-27", "2026-11-30"]  # Thursday, Friday, Monday

    # The host is told once, and decides from « Mon compte ».
    mailbox.deliver()
    to_host = mailbox.only(to="hote@example.org")
    assert "3 dates" in to_host["Subject"]
    log_in(page, live_server, host)
    page.goto(f"{live_server.url}/compte/")
    requests = page.get_by_role("region", name="3 demandes de réservation à décider")
    assert "Lina" in requests.inner_text()
    assert serious_violations(page, axe_source) == []
    fits(page, viewport, "booking-host-account")
    first = Booking.objects.filter(user=lina).order_by("start").first()
    requests.locator(f"[data-booking='{first.pk}']").get_by_role("button", name="Accepter").click()
    page.get_by_role("region", name="2 demandes de réservation à décider").wait_for()
    first.refresh_from_db()
    assert first.status == "confirmed"

    page.goto(f"{live_server.url}/reserver/lieu/la-genette-verte/?semaine=2026-11-26")
    expect(page.locator("table.week")).to_contain_text("à décider")
    assert serious_violations(page, axe_source) == []
    fits(page, viewport, "booking-host-calendar")
