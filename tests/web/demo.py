"""Demo-like data for the web and browser tests: a few real Lozère communes (with
square boundaries around their real centres), places of every kind, a mobile
unit with stops, closures, notices, charter items and a history of changes.

Invented places are marked ``is_example``, as the demo data will be.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from maillage.accounts.models import User
from maillage.places.models import (
    CharterItem,
    Closure,
    Function,
    MobileStop,
    Network,
    Notice,
    Place,
    PlaceFunction,
)
from maillage.places.taxonomy import sync_taxonomy
from maillage.territory.models import Commune

ALWAYS_OPEN = "24/7"
WEEKDAYS = "Mo-Fr 09:00-12:00,14:00-17:00; PH off"

# (INSEE code, name, postal code, centroid lat, lon, population)
COMMUNES = [
    ("48095", "Mende", "48000", 44.5287, 3.4873, 12000),
    ("48061", "Florac Trois Rivières", "48400", 44.3244, 3.5931, 2000),
    ("48092", "Marvejols", "48100", 44.5539, 3.2917, 5000),
    ("48198", "Villefort", "48800", 44.4397, 3.9319, 600),
    ("48140", "Saint-Chély-d'Apcher", "48200", 44.8014, 3.2753, 4200),
    ("48132", "Saint-Alban-sur-Limagnole", "48120", 44.7800, 3.3886, 1500),
    ("48080", "Langogne", "48300", 44.7275, 3.8553, 2900),
]
HALF = 0.04  # half the side of the square boundaries, in degrees


def square(lat: float, lon: float, half: float = HALF) -> dict:
    ring = [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]
    return {"type": "Polygon", "coordinates": [ring]}


@dataclass
class Demo:
    communes: dict[str, Commune]
    places: dict[str, Place]
    user: User


def _commune(code, name, postal, lat, lon, population) -> Commune:
    existing = Commune.objects.filter(code=code).first()
    if existing is not None:  # real communes imported first: keep their boundaries
        existing.postal_codes = existing.postal_codes or [postal]
        existing.population = existing.population or population
        existing.save()
        return existing
    return Commune.objects.create(
        code=code,
        name=name,
        departement="48",
        population=population,
        postal_codes=[postal],
        geometry=square(lat, lon),
        centroid_lat=lat,
        centroid_lon=lon,
        min_lat=lat - HALF,
        max_lat=lat + HALF,
        min_lon=lon - HALF,
        max_lon=lon + HALF,
    )


def _place(name, slug, commune, point, functions=(), charter=(), networks=(), **fields) -> Place:
    lat, lon = point if point else (None, None)
    place = Place.objects.create(
        name=name, slug=slug, commune=commune, latitude=lat, longitude=lon, **fields
    )
    for item in functions:
        slug_, extra = item if isinstance(item, tuple) else (item, {})
        PlaceFunction.objects.create(
            place=place, function=Function.objects.get(slug=slug_), **extra
        )
    if charter:
        place.charter_items.set(CharterItem.objects.filter(slug__in=charter))
    if networks:
        place.networks.set(networks)
    return place


def build_demo(today: dt.date | None = None) -> Demo:
    """Create the data; ``today`` anchors closures and notices (default: today)."""
    sync_taxonomy()  # transactional tests flush the migration's rows
    today = today or timezone.localdate()
    communes = {c[0]: _commune(*c) for c in COMMUNES}
    mende, florac, marvejols, villefort = (
        communes[c] for c in ("48095", "48061", "48092", "48198")
    )
    solozere = Network.objects.create(slug="solozere", name="Solozère")
    france_services = Network.objects.create(slug="france-services", name="France Services")
    user = User.objects.create_user(
        "hote-test", "hote@example.org", "mot-de-passe-long-42", display_name="Murielle"
    )
    common = ["conviviality", "work-comfort", "mediator", "shared-directory"]

    places = {}
    places["villefort"] = _place(
        "France Services de Villefort",
        "france-services-villefort",
        villefort,
        (44.4411, 3.9335),
        ["public-service-orientation", "digital-mediation", "digital-access"],
        charter=[*common, "ethical-frame"],
        networks=[france_services, solozere],
        type="france-services",
        summary="Aide aux démarches administratives et au numérique.",
        address="Place du Bourg",
        postal_code="48800",
        opening_hours=WEEKDAYS,
        phone="04 66 00 00 01",
        email="villefort@france-services.example",
        fee="free",
        wheelchair="yes",
        people="Murielle vous accueille et vous conseille.",
        last_checked_at=timezone.now() - dt.timedelta(days=10),
    )
    places["atelier"] = _place(
        "L'Atelier",
        "l-atelier-mende",
        mende,
        (44.5181, 3.5006),
        ["culture", "events-training", "digital-access", "citizen-agora"],
        charter=[*common, "citizen-expression", "cultural-programming", "playful"],
        networks=[solozere],
        type="cafe",
        summary="Un bar tiers-lieu où se retrouvent jeunes et moins jeunes.",
        description="Concerts, débats, jeux.\nUn coin calme pour travailler l'après-midi.",
        opening_hours="Tu-Sa 10:00-23:00",
        fee="mixed",
        fee_note="Entrée libre ; consommations payantes.",
        wheelchair="limited",
        website="https://latelier.example/",
        is_example=True,
    )
    places["cowork"] = _place(
        "Coworking de Marvejols",
        "coworking-marvejols",
        marvejols,
        (44.5539, 3.2917),
        ["workspaces", "meeting-rooms", "professional-network"],
        charter=[*common, "private-office", "very-high-speed"],
        networks=[solozere],
        type="coworking",
        opening_hours="Mo-Fr 08:00-19:00",
        fee="paid",
        is_example=True,
    )
    places["fablab"] = _place(
        "Fablab de Florac",
        "fablab-florac",
        florac,
        (44.3244, 3.5931),
        ["fablab", "hackerspace", ("digital-mediation", {"opening_hours": "Tu 14:00-17:00"})],
        charter=["conviviality", "digital-fabrication", "hackerspace"],
        type="fablab",
        opening_hours="We-Sa 10:00-18:00",
        fee="paid",
        wheelchair="no",
        is_example=True,
    )
    places["mende-fs"] = _place(
        "France Services de Mende",
        "france-services-mende",
        mende,
        (44.5190, 3.4990),
        ["public-service-orientation", "digital-mediation"],
        networks=[france_services],
        type="france-services",
        opening_hours=ALWAYS_OPEN,
        fee="free",
        wheelchair="yes",
    )
    truck = _place(
        "Tiers-truck",
        "tiers-truck",
        None,
        None,
        ["events-training", "digital-mediation"],
        type="mobile-unit",
        is_mobile=True,
        summary="Le tiers-lieu qui vient à vous.",
        is_example=True,
    )
    places["truck"] = truck
    MobileStop.objects.create(
        place=truck, commune=villefort, spot="Place du marché", opening_hours="Tu 09:00-12:00"
    )
    MobileStop.objects.create(
        place=truck,
        commune=communes["48080"],
        latitude=44.7270,
        longitude=3.8550,
        opening_hours="Th 14:00-17:00",
    )
    places["archived"] = _place(
        "Ancien télécentre",
        "ancien-telecentre",
        mende,
        (44.52, 3.49),
        ["workspaces"],
        type="telecentre",
        status=Place.Status.ARCHIVED,
    )

    fablab = places["fablab"]
    Closure.objects.create(
        place=fablab,
        start_date=today + dt.timedelta(days=20),
        end_date=today + dt.timedelta(days=30),
        reason="Congés d'hiver",
    )
    Notice.objects.create(
        place=fablab,
        message="Atelier réparation de vélos samedi.",
        starts_on=today - dt.timedelta(days=1),
        ends_on=today + dt.timedelta(days=5),
    )

    # A change by a person with a display name, for the history.
    villefort_fs = places["villefort"]
    villefort_fs.phone = "04 66 00 00 02"
    villefort_fs._history_user = user
    villefort_fs.save()
    return Demo(communes=communes, places=places, user=user)
