"""/api/places/ outside a transaction, as in production: the read model of the
network answers, and sees committed writes at the next request (patched, not rebuilt)."""

from __future__ import annotations

import pytest

from maillage.places import network
from maillage.places.models import Place
from maillage.places.taxonomy import sync_taxonomy

from .conftest import make_place

# Not serialized_rollback: on PostgreSQL, a transactional test flushed before
# this one has re-created the content types under new ids, and reloading the
# serialized ones then collides. The taxonomy, which a flush removes, is put back
# by the fixture below instead.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def taxonomy(transactional_db):
    sync_taxonomy()


NEAR = {"near": "44.5215,3.4965", "radius_km": "30", "function": "digital-mediation"}


def names(client, **params):
    return [p["name"] for p in client.get("/api/places/", params).json()["results"]]


def test_the_index_answers_and_follows_every_change(client, places):
    assert names(client, **NEAR) == [
        "Bus numérique",
        "France Services de Mende",
        "Tiers-lieu de Florac",
    ]
    model = network._shared
    assert model is not None and model.summaries  # built, and its cache filled
    make_place("Médiathèque de Mende", (44.5200, 3.4960), ["digital-mediation"])
    assert names(client, **NEAR)[0] == "Médiathèque de Mende"
    assert network._shared is not model and network._shared.version > model.version
    Place.objects.filter(name="Médiathèque de Mende").update(name="Médiathèque")
    assert names(client, **NEAR)[0] == "Médiathèque"
    Place.objects.filter(name="Médiathèque").delete()
    assert names(client, **NEAR) == [
        "Bus numérique",
        "France Services de Mende",
        "Tiers-lieu de Florac",
    ]


def test_with_a_departement_or_a_text_sql_answers(client, places):
    assert names(client, dept="48", **NEAR) == [
        "Bus numérique",
        "France Services de Mende",
        "Tiers-lieu de Florac",
    ]
    assert names(client, q="Florac") == ["Tiers-lieu de Florac"]
