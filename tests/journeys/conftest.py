"""The demo (Lozère's real open data, the demo places and the journeys' own
example places) in the test database, loaded once per module by the project's
own commands and removed afterwards, so that other tests find the database as
they expect. Tests that write do so inside their transaction (``db``)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command

TODAY = dt.date(2026, 11, 25)  # closures of the demo are dated from this day


def _wipe():
    from django.contrib.auth import get_user_model

    from maillage.places import models as pm
    from maillage.territory.models import Commune

    pm.Place.objects.all().delete()
    pm.Network.objects.all().delete()
    get_user_model().objects.filter(username__in=["coordination", "hote"]).delete()
    Commune.objects.all().delete()
    for model in (pm.Place, pm.PlaceFunction, pm.Closure, pm.MobileStop, pm.Notice):
        model.history.model.objects.all().delete()


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker, open_data_dir):
    from django.conf import settings

    from maillage.places.demo import load_demo

    old = settings.MAILLAGE_OPEN_DATA
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    out = io.StringIO()
    with django_db_blocker.unblock():
        _wipe()
        load_demo(today=TODAY)
        call_command("load_demo_journeys", stdout=out)
    yield
    with django_db_blocker.unblock():
        _wipe()
    settings.MAILLAGE_OPEN_DATA = old


@pytest.fixture
def demo(demo_db, db):
    """The demo, in a test transaction."""


@pytest.fixture
def places(demo):
    from maillage.journeys.snapshot import load_places

    return load_places()
