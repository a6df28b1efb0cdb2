"""Acceptance on real open data: Lozère's communes and France Services, imported by
the project's own commands, then searched through the API."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from official_schemas import di_service_errors, di_structure_errors, mednum_csv_errors

from maillage.places.hours import PARIS
from maillage.places.models import Place

pytestmark = pytest.mark.django_db

NEAR_MENDE = {"near": "44.5215,3.4965", "radius_km": "15", "function": "digital-mediation"}
THURSDAY_MORNING = "2026-11-26T10:00"
THURSDAY_LUNCH = "2026-11-26T12:30"
SATURDAY_MORNING = "2026-11-28T10:00"


@pytest.fixture
def lozere(db, open_data_dir, settings):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)  # the real files, never a download
    out = io.StringIO()
    call_command("import_communes", "--dept", "48", stdout=out, stderr=out)
    call_command("import_france_services", "--dept", "48", stdout=out, stderr=out)
    assert Place.objects.filter(type="france-services").count() >= 19


def test_the_mende_france_services_comes_first_near_mende_with_its_distance(client, lozere):
    body = client.get("/api/places/", NEAR_MENDE).json()
    first = body["results"][0]
    assert first["name"] == "France services de Mende"
    assert first["commune"] == {"code": "48095", "name": "Mende"}
    assert first["distance_km"] == pytest.approx(0.15, abs=0.05)
    distances = [p["distance_km"] for p in body["results"]]
    assert distances == sorted(distances) and distances[-1] <= 15


@pytest.mark.parametrize("moment", [THURSDAY_MORNING, THURSDAY_LUNCH, SATURDAY_MORNING])
def test_open_at_honours_each_place_s_hours(client, lozere, moment):
    at = dt.datetime.fromisoformat(moment).replace(tzinfo=PARIS)
    found = {
        p["name"]
        for p in client.get("/api/places/", {"open_at": moment, "page_size": 500}).json()["results"]
    }
    expected = {p.name for p in Place.objects.published() if p.is_open_at(at)}
    assert found == expected
    if moment == THURSDAY_MORNING:
        assert "France services de Mende" in found
    else:  # lunch break, Saturday
        assert "France services de Mende" not in found


def test_the_lozere_exports_follow_their_schemas(client, lozere):
    rows = client.get("/api/exports/mednum.json", {"dept": "48"}).json()
    assert len(rows) >= 19
    csv_text = client.get("/api/exports/mednum.csv", {"dept": "48"}).content.decode()
    assert mednum_csv_errors(csv_text) == []
    structures = client.get("/api/exports/data-inclusion/structures.json").json()
    assert [e for s in structures for e in di_structure_errors(s)] == []
    services = client.get("/api/exports/data-inclusion/services.json").json()
    assert [e for s in services for e in di_service_errors(s)] == []
