"""Places, people and events shared by the agenda tests (mail through the real SMTP server)."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.accounts.models import User
from maillage.events import services
from maillage.events.recurrence import PARIS
from maillage.places.models import Function, MobileStop, Place
from maillage.territory.models import Commune

PASSWORD = "une-phrase-de-passe-lozere-48"


@pytest.fixture(autouse=True)
def static_root_exists(settings, tmp_path_factory):
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.MAILLAGE_SITE_URL = "http://testserver"


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


def make_user(username: str, **extra) -> User:
    return User.objects.create_user(
        username=username,
        email=extra.pop("email", f"{username}@example.org"),
        password=PASSWORD,
        display_name=extra.pop("display_name", username.capitalize()),
        **extra,
    )


@pytest.fixture
def mende(db) -> Commune:
    return Commune.objects.create(
        code="48095",
        name="Mende",
        departement="48",
        postal_codes=["48000"],
        centroid_lat=44.5176,
        centroid_lon=3.5019,
    )


@pytest.fixture
def florac(db) -> Commune:
    return Commune.objects.create(
        code="48061",
        name="Florac Trois Rivières",
        departement="48",
        postal_codes=["48400"],
        centroid_lat=44.3240,
        centroid_lon=3.5930,
    )


@pytest.fixture
def atelier(mende) -> Place:
    return Place.objects.create(
        name="L'Atelier",
        slug="l-atelier",
        type="tiers-lieu",
        commune=mende,
        address="2 rue de l'Ange",
        latitude=44.518,
        longitude=3.500,
    )


@pytest.fixture
def telecentre(florac) -> Place:
    return Place.objects.create(
        name="Télécentre de Florac",
        slug="telecentre-florac",
        type="telecentre",
        commune=florac,
        latitude=44.3245,
        longitude=3.5935,
    )


@pytest.fixture
def truck(mende, florac) -> tuple[Place, MobileStop]:
    place = Place.objects.create(
        name="Tiers-truck",
        slug="tiers-truck",
        type="mobile-unit",
        is_mobile=True,
        commune=mende,
    )
    stop = MobileStop.objects.create(
        place=place,
        commune=florac,
        spot="Place de la mairie",
        opening_hours="Th 14:00-17:00",
        latitude=44.3251,
        longitude=3.5941,
    )
    return place, stop


@pytest.fixture
def host(atelier) -> User:
    user = make_user("murielle", display_name="Murielle")
    atelier.hosts.add(user)
    return user


@pytest.fixture
def workshop(atelier):
    """A one-off workshop in 2 weeks, 2 seats, on registration."""
    start = paris(2026, 12, 9, 14, 0)
    return services.create_event(
        place=atelier,
        title="Atelier réparation",
        start=start,
        end=start + dt.timedelta(hours=2),
        registration_required=True,
        capacity=2,
        audiences=["seniors", "newcomers"],
        functions=Function.objects.filter(slug="events-training"),
    )


@pytest.fixture
def monthly(atelier):
    """Every first Thursday of the month at 18:00, from October 2026."""
    start = paris(2026, 10, 1, 18, 0)
    return services.create_event(
        place=atelier,
        title="Apéro des indépendants",
        start=start,
        end=start + dt.timedelta(hours=2),
        recurrence_rule="FREQ=MONTHLY;BYDAY=1TH",
        audiences=["independents"],
        now=paris(2026, 9, 1, 12, 0),
    )
