"""Demo resources for the demo places (``maillage load-demo-booking``), idempotent."""

from __future__ import annotations

from django.db import transaction

from maillage.places.models import Place

from .models import Resource, Season

RESOURCES = [
    (
        "l-atelier",
        {
            "name": "Salle visio de l'Atelier",
            "kind": "visio-room",
            "capacity": 8,
            "equipment": ["visio", "thd", "screen", "accessible"],
            "price_hour": "10.00",
            "opening_hours": "Mo-Fr 09:00-19:00; PH off",
            "approval_required": True,
            "charm": "Au-dessus du café, vue sur les toits de Mende.",
            "charm_tags": ["view"],
        },
    ),
    (
        "l-atelier",
        {
            "name": "Imprimante 3D",
            "kind": "equipment",
            "capacity": 1,
            "equipment": [],
            "price_hour": "3.00",
            "min_minutes": 60,
            "approval_required": True,
        },
    ),
    (
        "polen",
        {
            "name": "Open space de Polen",
            "kind": "desk-pool",
            "capacity": 10,
            "equipment": ["thd", "wifi", "printer", "kitchen"],
            "price_day": "15.00",
            "price_half_day": "9.00",
            "approval_required": False,
        },
    ),
    (
        "polen",
        {
            "name": "Salle de réunion Aubrac",
            "kind": "meeting-room",
            "capacity": 12,
            "equipment": ["visio", "projector", "whiteboard", "thd"],
            "price_half_day": "60.00",
            "buffer_minutes": 15,
            "approval_required": True,
        },
    ),
    (
        "telecentre-saint-chely-d-apcher",
        {
            "name": "Salle visio du télécentre",
            "kind": "visio-room",
            "capacity": 6,
            "equipment": ["visio", "thd", "accessible"],
            "approval_required": True,
            "checkin_required": True,
        },
    ),
    (
        "telecentre-saint-chely-d-apcher",
        {
            "name": "Postes du télécentre",
            "kind": "desk-pool",
            "capacity": 6,
            "equipment": ["thd", "printer"],
            "approval_required": False,
        },
    ),
    (
        "hotel-des-gorges",
        {
            "name": "Salle de séminaire des Gorges",
            "kind": "meeting-room",
            "capacity": 20,
            "equipment": ["projector", "wifi", "kitchen"],
            "price_day": "150.00",
            "opening_hours": "Mo-Fr 09:00-18:00",
            "approval_required": True,
            "charm": "Au bord du Tarn, au pied des falaises.",
            "charm_tags": ["nature", "river", "view"],
            "season": (11, 3),
        },
    ),
    (
        "chateau-gite",
        {
            "name": "Salon du château",
            "kind": "meeting-room",
            "capacity": 15,
            "equipment": ["visio", "wifi"],
            "price_half_day": "90.00",
            "opening_hours": "Mo-Fr 09:00-18:00",
            "approval_required": True,
            "charm": "Boiseries, cheminée et vue sur la vallée.",
            "charm_tags": ["chateau", "heritage", "fireplace", "view"],
            "season": (11, 3),
        },
    ),
    (
        "ecole-langogne",
        {
            "name": "Salle de classe (été)",
            "kind": "meeting-room",
            "capacity": 25,
            "equipment": ["whiteboard", "accessible"],
            "opening_hours": "Mo-Fr 09:00-17:00",
            "approval_required": True,
            "season": (7, 8),
        },
    ),
]


@transaction.atomic
def load_demo_booking() -> int:
    made = 0
    for slug, spec in RESOURCES:
        place = (
            Place.objects.filter(source_id=slug).first() or Place.objects.filter(slug=slug).first()
        )
        if place is None:
            continue
        spec = dict(spec)
        season = spec.pop("season", None)
        resource, created = Resource.objects.update_or_create(
            place=place, name=spec.pop("name"), defaults=spec
        )
        made += created
        resource.seasons.all().delete()
        if season:
            Season.objects.create(
                resource=resource, start_month=season[0], end_month=season[1], end_day=31
            )
    return made
