"""Places, people and resources for the booking tests (made with the ORM)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from maillage.accounts.models import Role, User
from maillage.booking.models import Resource
from maillage.places.models import Place
from maillage.territory.models import Commune

PARIS = ZoneInfo("Europe/Paris")
PASSWORD = "une-phrase-de-passe-lozere-48"
# "today" in these tests: the day the feature was written
NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)


def paris(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=PARIS)


@pytest.fixture(autouse=True)
def static_root_exists(settings, tmp_path_factory):
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


@pytest.fixture(autouse=True)
def no_real_mail(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def make_user(username: str, role: str = Role.MEMBER) -> User:
    return User.objects.create_user(
        username=username, email=f"{username}@example.org", password=PASSWORD, role=role
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
def host(db) -> User:
    return make_user("hote")


@pytest.fixture
def person(db) -> User:
    return make_user("ana")


@pytest.fixture
def other(db) -> User:
    return make_user("bruno")


@pytest.fixture
def coordinator(db) -> User:
    return make_user("coordination", Role.COORDINATOR)


@pytest.fixture
def atelier(mende, host) -> Place:
    place = Place.objects.create(
        name="L'Atelier",
        slug="l-atelier",
        type="tiers-lieu",
        commune=mende,
        latitude=44.5180,
        longitude=3.5000,
        opening_hours="Mo-Fr 08:00-19:00",
        address="2 rue de l'Ange",
    )
    place.hosts.add(host)
    return place


@pytest.fixture
def hotel(mende) -> Place:
    return Place.objects.create(
        name="Hôtel du Château",
        slug="hotel-du-chateau",
        type="hotel",
        commune=mende,
        latitude=44.60,
        longitude=3.40,
        opening_hours="24/7",
    )


def make_resource(place, **fields) -> Resource:
    values = {
        "name": "Salle visio",
        "kind": "visio-room",
        "capacity": 8,
        "equipment": ["visio", "thd"],
        "approval_required": False,
        "horizon_days": 730,
    }
    values.update(fields)
    return Resource.objects.create(place=place, **values)


@pytest.fixture
def room(atelier) -> Resource:
    return make_resource(atelier)


@pytest.fixture
def pool(atelier) -> Resource:
    return make_resource(
        atelier, name="Open space", kind="desk-pool", capacity=10, equipment=["thd"]
    )
