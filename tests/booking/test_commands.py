"""maillage load-demo-booking and booking-release."""

from __future__ import annotations

from django.core.management import call_command

from maillage.booking.models import Resource
from maillage.places.models import Place


def test_load_demo_booking_is_idempotent(db, capsys):
    for slug in ("l-atelier", "polen", "hotel-des-gorges"):
        Place.objects.create(
            name=slug, slug=slug, type="coworking", opening_hours="Mo-Fr 09:00-18:00"
        )
    call_command("load_demo_booking")
    call_command("load_demo_booking")
    assert Resource.objects.count() == 5
    seminar = Resource.objects.get(name="Salle de séminaire des Gorges")
    assert [(s.start_month, s.end_month) for s in seminar.seasons.all()] == [(11, 3)]


def test_booking_release(db, capsys):
    call_command("booking_release")
    assert "0 réservation" in capsys.readouterr().out
