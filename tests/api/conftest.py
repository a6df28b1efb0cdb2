"""Places and communes made with the ORM, for the API tests."""

from __future__ import annotations

import datetime as dt

import pytest

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
from maillage.territory.models import Commune

# The test settings point whitenoise at DATA_DIR/static, which a fresh checkout
# lacks (its warning is not the API's business).
WHITENOISE_NO_ROOT = "ignore:No directory at:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/api/" in str(item.path) or "test_exports" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(WHITENOISE_NO_ROOT))


SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [
            [3.4512345678, 44.5012345678],
            [3.5512345678, 44.5012345678],
            [3.5512345678, 44.5512345678],
            [3.4512345678, 44.5512345678],
            [3.4512345678, 44.5012345678],
        ]
    ],
}


def make_place(name, point=None, functions=(), networks=(), **fields):
    lat, lon = point if point else (None, None)
    place = Place.objects.create(
        name=name,
        slug=fields.pop("slug", None) or name.lower().replace(" ", "-").replace("'", "-"),
        type=fields.pop("type", "tiers-lieu"),
        latitude=lat,
        longitude=lon,
        **fields,
    )
    for slug in functions:
        slug, extra = slug if isinstance(slug, tuple) else (slug, {})
        PlaceFunction.objects.create(place=place, function=Function.objects.get(slug=slug), **extra)
    for network in networks:
        place.networks.add(network)
    return place


@pytest.fixture
def communes(db):
    return {
        "mende": Commune.objects.create(
            code="48095",
            name="Mende",
            departement="48",
            postal_codes=["48000"],
            population=12200,
            centroid_lat=44.5287,
            centroid_lon=3.4873,
            geometry=SQUARE,
        ),
        "florac": Commune.objects.create(
            code="48061",
            name="Florac Trois Rivières",
            departement="48",
            postal_codes=["48400"],
            population=2000,
            centroid_lat=44.3244,
            centroid_lon=3.5931,
        ),
        "langogne": Commune.objects.create(
            code="48080",
            name="Langogne",
            departement="48",
            postal_codes=["48300"],
            population=2900,
            centroid_lat=44.7275,
            centroid_lon=3.8553,
        ),
        "millau": Commune.objects.create(
            code="12145",
            name="Millau",
            departement="12",
            postal_codes=["12100"],
            population=22000,
            centroid_lat=44.0975,
            centroid_lon=3.0777,
        ),
    }


@pytest.fixture
def places(communes):
    france_services = Network.objects.create(slug="france-services", name="France Services")
    solozere = Network.objects.create(slug="solozere", name="Solozère")
    mende = make_place(
        "France Services de Mende",
        (44.5181, 3.5006),
        ["digital-mediation", ("public-service-orientation", {"audiences": ["seniors", "young"]})],
        networks=[france_services, solozere],
        type="france-services",
        commune=communes["mende"],
        address="2 rue de la Liberté",
        postal_code="48000",
        phone="04 66 00 00 00",
        email="mende@france-services.example",
        opening_hours="Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        fee="free",
        wheelchair="yes",
        summary="Aide aux démarches administratives.",
        operator="Département de la Lozère",
    )
    florac = make_place(
        "Tiers-lieu de Florac",
        (44.3244, 3.5931),
        [
            (
                "digital-mediation",
                {"opening_hours": "Tu 14:00-17:00", "conditions": "Sur inscription"},
            ),
            "fablab",
            "workspaces",
        ],
        networks=[solozere],
        commune=communes["florac"],
        address="Place de l'Esplanade",
        postal_code="48400",
        opening_hours="Mo-Sa 09:00-18:00",
        fee="mixed",
    )
    coworking = make_place(
        "Coworking de Millau",
        (44.0975, 3.0777),
        ["workspaces", "meeting-rooms"],
        type="coworking",
        commune=communes["millau"],
        opening_hours="Mo-Fr 08:00-19:00",
        fee="paid",
    )
    bus = make_place(
        "Bus numérique",
        (44.5181, 3.5006),
        ["digital-mediation"],
        type="mobile-unit",
        is_mobile=True,
        commune=communes["mende"],
        postal_code="48000",
    )
    MobileStop.objects.create(
        place=bus,
        commune=communes["langogne"],
        spot="Place du Marché",
        opening_hours="Th 09:00-12:00",
    )
    Closure.objects.create(
        place=florac, start_date=dt.date(2099, 8, 1), end_date=dt.date(2099, 8, 15), reason="Congés"
    )
    Closure.objects.create(
        place=florac, start_date=dt.date(2020, 1, 1), end_date=dt.date(2020, 1, 2)
    )
    Notice.objects.create(
        place=florac,
        message="Atelier spécial",
        starts_on=dt.date(2020, 1, 1),
        ends_on=dt.date(2099, 1, 1),
    )
    florac.charter_items.add(CharterItem.objects.get(slug="conviviality"))
    archived = make_place("Ancien lieu", (44.52, 3.50), ["digital-mediation"], status="archived")
    return {
        "mende": mende,
        "florac": florac,
        "coworking": coworking,
        "bus": bus,
        "archived": archived,
    }
