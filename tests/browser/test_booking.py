"""Booking in a real browser: find a visio room near Mende for tomorrow
afternoon, book it, see it in "my bookings"; the host approves it."""

from __future__ import annotations

import pytest
from django.test import Client

from maillage.accounts.models import User
from maillage.booking.models import Booking, Resource
from maillage.places.models import Place
from maillage.territory.models import Commune

from .conftest import serious_violations

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
    page.get_by_label("Près de").select_option(label="Mende")
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
    assert "Confirmée" in page.locator("tr[data-booking]").inner_text()
