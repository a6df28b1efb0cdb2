"""Booking in a real browser: find a visio room near Mende for tomorrow
afternoon, book it, see it in "my bookings"; the host approves it."""

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


@pytest.fixture
def mende_room(transactional_db):
    mende = Commune.objects.create(
        code="48095",
        name="Mende",
        departement="48",
        postal_codes=["48000"],
        centroid_lat=44.5176,
        centroid_lon=3.5019,
    )
    place = Place.objects.create(
        name="L'Atelier",
        slug="l-atelier",
        type="tiers-lieu",
        commune=mende,
        latitude=44.518,
        longitude=3.5,
        opening_hours="Mo-Su 08:00-20:00",
    )
    host = User.objects.create_user(username="hote", email="hote@example.org", password="x-hote-48")
    place.hosts.add(host)
    person = User.objects.create_user(username="ana", email="ana@example.org", password="x-ana-48")
    room = Resource.objects.create(
        place=place,
        name="Salle visio",
        kind="visio-room",
        capacity=6,
        equipment=["visio", "thd"],
        approval_required=True,
        price_hour="10.00",
    )
    return room, person, host


def log_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )


def test_find_book_approve(page, live_server, mende_room, axe_source):
    room, person, host = mende_room
    log_in(page, live_server, person)
    page.goto(f"{live_server.url}/reserver/")
    page.get_by_label("Près de").fill("mend")
    page.get_by_role("option", name="Mende").click()
    page.get_by_label("Quand").select_option("afternoon")
    page.get_by_label("Visioconférence").check()
    page.get_by_role("button", name="Chercher").click()
    result = page.locator(f"[data-resource='{room.pk}']")
    result.wait_for()
    assert "Salle visio" in result.inner_text()
    assert serious_violations(page, axe_source) == []
    result.get_by_role("link", name="Réserver").click()
    page.get_by_role("button", name="Demander la réservation").click()
    page.wait_for_url("**/mes-reservations/")
    row = page.locator("tr[data-booking]")
    assert "Salle visio" in row.inner_text() and "En attente" in row.inner_text()
    booking = Booking.objects.get()
    assert booking.user == person and booking.start.astimezone().hour >= 12

    log_in(page, live_server, host)
    page.goto(f"{live_server.url}/reserver/lieu/l-atelier/")
    assert serious_violations(page, axe_source) == []
    page.locator(f"tr[data-booking='{booking.pk}']").get_by_role("button", name="Accepter").click()
    page.locator(f"tr[data-booking='{booking.pk}'][data-status='confirmed']").wait_for()

    log_in(page, live_server, person)
    page.goto(f"{live_server.url}/reserver/mes-reservations/")
    expect(page.locator("tr[data-booking]")).to_contain_text("Confirmée")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_commune_field_suggests_as_people_type(
    open_page, live_server, lozere, axe_source, viewport
):
    """« Le Pont » finds Pont de Montvert (not Le Pompidou), by keyboard, and the search
    runs near it; a screen reader hears how many communes are proposed."""
    page = open_page(viewport)
    page.goto(f"{live_server.url}/reserver/")
    field = page.get_by_role("combobox", name="Près de")
    field.press_sequentially("Le Pont", delay=30)
    options = page.get_by_role("listbox").get_by_role("option")
    # The list may first show the answer to « Le » (typed slowly on a busy machine):
    # wait for the answer to what is in the field now.
    expect(options.first).to_have_text(re.compile("^Pont de Montvert - Sud Mont Lozère"))
    assert "Le Pompidou" not in page.get_by_role("listbox").inner_text()
    assert "proposée" in page.get_by_role("status").inner_text()
    box = page.get_by_role("listbox").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
    assert serious_violations(page, axe_source) == []
    screenshot(page, f"booking-commune-suggest-{viewport['width']}")
    field.press("ArrowDown")
    assert field.get_attribute("aria-activedescendant") == options.first.get_attribute("id")
    field.press("Enter")
    assert field.input_value() == "Pont de Montvert - Sud Mont Lozère"
    assert not page.get_by_role("listbox").is_visible()
    page.get_by_role("button", name="Chercher").click()
    page.get_by_role("heading", name="ressource").first.wait_for()
    assert page.get_by_role("combobox", name="Près de").input_value() == (
        "Pont de Montvert - Sud Mont Lozère"
    )
    assert page.locator(".errorlist").count() == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_my_bookings_on_a_phone_and_a_desktop(
    open_page, live_server, mende_room, axe_source, viewport
):
    """Coming bookings soonest first with their place, address, price and object; the
    past below; nothing wider than the screen; cancelling asks once, then says so."""
    import datetime as dt

    from maillage.core import clock

    from .test_booking_days import TOO_WIDE

    room, person, _host = mende_room
    room.place.address = "Rue du Faubourg Montbel"
    room.place.save()
    today = clock.now().replace(hour=10, minute=0, second=0, microsecond=0)
    for days, purpose in ((9, "Comité des usagers"), (2, "Visio avec la région"), (-5, "Passé")):
        Booking.objects.create(
            resource=room, user=person, start=today + dt.timedelta(days=days),
            end=today + dt.timedelta(days=days, hours=2), status="confirmed", purpose=purpose,
        )  # fmt: skip
    page = open_page(viewport)
    log_in(page, live_server, person)
    page.goto(f"{live_server.url}/reserver/mes-reservations/")
    coming = page.locator("table.bookings:not(.past) tr[data-booking]")
    expect(coming).to_have_count(2)
    expect(coming.first).to_contain_text("Visio avec la région")
    expect(coming.first).to_contain_text("Rue du Faubourg Montbel, Mende")
    expect(coming.first).to_contain_text("10 €/h")
    expect(page.locator("table.past tr[data-booking]")).to_contain_text("Passé")
    assert page.evaluate(TOO_WIDE) == []
    assert serious_violations(page, axe_source) == []
    name = "phone" if viewport == PHONE else "desktop"
    screenshot(page, f"mes-reservations-{name}")
    coming.first.get_by_text("Annuler…").click()
    coming.first.get_by_label("Motif (facultatif)").fill("Réunion déplacée")
    coming.first.get_by_role("button", name="Annuler la réservation").click()
    page.wait_for_url("**/mes-reservations/")
    expect(page.locator("tr[data-status='cancelled']")).to_contain_text("Réunion déplacée")
    assert page.evaluate(TOO_WIDE) == []
