"""Places, people and an agenda date shared by the agora tests."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.accounts.models import Role, User
from maillage.agora import services
from maillage.core.clock import PARIS
from maillage.events import services as events
from maillage.places.models import Place
from maillage.territory.models import Commune

PASSWORD = "une-phrase-de-passe-lozere-48"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.MAILLAGE_SITE_URL = "http://testserver"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


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
        code="48095", name="Mende", departement="48", postal_codes=["48000"],
        centroid_lat=44.5176, centroid_lon=3.5019,
    )  # fmt: skip


@pytest.fixture
def florac(db) -> Commune:
    return Commune.objects.create(
        code="48061", name="Florac Trois Rivières", departement="48", postal_codes=["48400"],
        centroid_lat=44.3240, centroid_lon=3.5930,
    )  # fmt: skip


@pytest.fixture
def atelier(mende) -> Place:
    return Place.objects.create(
        name="L'Atelier", slug="l-atelier", type="cafe", commune=mende,
        latitude=44.518, longitude=3.500,
    )  # fmt: skip


@pytest.fixture
def telecentre(florac) -> Place:
    return Place.objects.create(
        name="Télécentre de Florac", slug="telecentre-florac", type="telecentre",
        commune=florac, latitude=44.3245, longitude=3.5935,
    )  # fmt: skip


@pytest.fixture
def host(atelier) -> User:
    user = make_user("murielle", display_name="Murielle")
    atelier.hosts.add(user)
    return user


@pytest.fixture
def other_host(telecentre) -> User:
    user = make_user("luc", display_name="Luc")
    telecentre.hosts.add(user)
    return user


@pytest.fixture
def coordinator(db) -> User:
    return make_user("coord", display_name="Coordination", role=Role.COORDINATOR)


@pytest.fixture
def basile(db) -> User:
    return make_user("basile", display_name="Basile", email="basile.dupont@example.org")


@pytest.fixture
def members(db) -> list[User]:
    return [make_user(name) for name in ("marie", "jean", "justine")]


@pytest.fixture
def idea(atelier, basile):
    return services.propose_idea(
        by=basile,
        title="Un repair café",
        text="Réparer ensemble plutôt que jeter.",
        place=atelier,
    )


@pytest.fixture
def breakfast(atelier):
    """A breakfast debate at L'Atelier in a week; returns its one date."""
    start = dt.datetime(2026, 12, 2, 8, 30, tzinfo=PARIS)
    event = events.create_event(
        place=atelier,
        title="Petit-déjeuner débat",
        start=start,
        end=start + dt.timedelta(hours=2),
    )
    return event.occurrences.get()
