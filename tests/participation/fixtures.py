"""People and places shared by the accounts and participation tests.

Imported by ``tests/accounts/conftest.py`` and ``tests/participation/conftest.py``.
Every test here sends its mail through the real SMTP test server (``mailbox``).
"""

from __future__ import annotations

import pytest

from maillage.accounts.models import Role, User
from maillage.places.models import Function, Place, PlaceFunction
from maillage.territory.models import Commune

PASSWORD = "une-phrase-de-passe-lozere-48"


@pytest.fixture(autouse=True)
def mail_through_smtp(mailbox, db):
    """Every test here uses the database, and no test may try a real mail server."""
    return mailbox


@pytest.fixture(autouse=True)
def static_root_exists(settings, tmp_path_factory):
    """Whitenoise wants STATIC_ROOT to exist (a fresh checkout has no collected files)."""
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


@pytest.fixture
def mende(db) -> Commune:
    return Commune.objects.create(
        code="48095",
        name="Mende",
        departement="48",
        population=11900,
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
        population=2000,
        postal_codes=["48400"],
        centroid_lat=44.3240,
        centroid_lon=3.5930,
    )


def make_user(username: str, role: str = Role.MEMBER, **extra) -> User:
    return User.objects.create_user(
        username=username,
        email=extra.pop("email", f"{username}@example.org"),
        password=PASSWORD,
        role=role,
        display_name=extra.pop("display_name", username.capitalize()),
        **extra,
    )


@pytest.fixture
def member(db) -> User:
    return make_user("justine", display_name="Justine")


@pytest.fixture
def coordinator(db) -> User:
    return make_user("coordination", Role.COORDINATOR, display_name="Coordination Solozère")


@pytest.fixture
def atelier(mende) -> Place:
    place = Place.objects.create(
        name="L'Atelier",
        slug="l-atelier",
        type="cafe",
        commune=mende,
        address="2 rue de l'Ange",
        postal_code="48000",
        opening_hours="Tu-Sa 17:00-23:00",
        latitude=44.518,
        longitude=3.500,
    )
    PlaceFunction.objects.create(place=place, function=Function.objects.get(slug="culture"))
    return place


@pytest.fixture
def telecentre(florac) -> Place:
    return Place.objects.create(
        name="Télécentre de Florac",
        slug="telecentre-florac",
        type="telecentre",
        commune=florac,
        opening_hours="Mo-Fr 09:00-17:00",
    )


@pytest.fixture
def host(atelier) -> User:
    user = make_user("murielle", display_name="Murielle")
    atelier.hosts.add(user)
    return user
