"""The whole of France in the database, as the project's own commands import it.

Every France Services of the published file gets a commune (Paris, Lyon and Marseille
locate theirs by arrondissement), and ``maillage recommend`` on the national instance
says how far along it is: its steps, then the solver's bound and gap."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from .conftest import _wipe

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def france_db(django_db_setup, django_db_blocker, open_data_dir):
    """Every commune with a boundary (101 départements), Saint-Martin (978, no boundary
    file: the COG alone) and the 2,845 France Services of the published file."""
    from django.conf import settings

    old = settings.MAILLAGE_OPEN_DATA
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    deps = sorted(
        {p.name.split("-")[1] for p in (Path(open_data_dir) / "communes-geojson").glob("*.geojson")}
    )
    out = io.StringIO()
    with django_db_blocker.unblock():
        _wipe()
        args = [a for d in [*deps, "978"] for a in ("--dept", d)]
        call_command("import_communes", *args, "-v", "0", stdout=io.StringIO())
        call_command("import_france_services", "--all-france", stdout=out, stderr=out)
    yield out.getvalue()
    with django_db_blocker.unblock():
        _wipe()
    settings.MAILLAGE_OPEN_DATA = old


def test_every_france_services_row_gets_a_commune(france_db, db):
    from maillage.places.models import Place

    report = france_db
    assert "2845 lignes, 2845 créées" in report
    assert "sans commune" not in report
    # the import's steps, one line each outside a terminal
    assert "[1/2] Lecture des France Services…" in report
    assert "[2/2] Écriture dans la base…" in report
    fs = Place.objects.filter(source="france-services")
    assert fs.count() == 2845
    assert not fs.filter(commune__isnull=True).exists()
    # located by an arrondissement's code: the city is the commune, the arrondissement
    # is kept for display
    by_city = {
        "75056": ("Paris", 11),
        "69123": ("Lyon", 5),
        "13055": ("Marseille", 13),
    }
    for code, (name, count) in by_city.items():
        located = fs.filter(commune_id=code).exclude(arrondissement="")
        assert located.count() == count
        assert all(
            a.startswith(name + " ") for a in located.values_list("arrondissement", flat=True)
        )
    paris = fs.filter(arrondissement="Paris 18e")
    assert paris.exists() and {p.commune.name for p in paris} == {"Paris"}
    assert fs.exclude(commune_id__in=by_city).exclude(arrondissement="").count() == 0


def test_recommend_on_france_says_how_far_along_it_is(france_db, db):
    out, err = io.StringIO(), io.StringIO()
    call_command("recommend", "--all", "--add", "20", "--threshold", "10km", stdout=out, stderr=err)
    lines = err.getvalue().splitlines()
    steps = [line for line in lines if line.startswith("[")]
    assert [re.sub(r" \(\d+,\d s\)$", "", s) for s in steps] == [
        "[1/3] Lecture des communes…",
        "[2/3] Lecture des lieux…",
        "[3/3] Recherche des sites…",
    ]
    details = [line.strip() for line in lines if line.startswith("      ")]
    assert details[0] == "35\u202f357 communes"  # Saint-Martin has no boundary: left out
    solver = details[2:]
    assert solver[0].startswith("réduction du problème : 0 % du budget")
    assert any(d.startswith("glouton : ") and ", borne " in d for d in solver)
    last = solver[-1]
    assert last.startswith("terminé : ") and last.endswith(", écart 0,00 %")
    # the figures the progress ends on are the answer's
    answer = out.getvalue()
    covered = re.search(r"terminé : ([\d\u202f]+) personnes", last).group(1)
    assert covered.replace("\u202f", "") in answer.replace("\u202f", "").replace(" ", "")


def test_coverage_of_france_says_how_far_along_it_is(france_db, db, tmp_path):
    err = io.StringIO()
    call_command("coverage", "--all", "--out", str(tmp_path / "c.txt"), stderr=err)
    steps = [line for line in err.getvalue().splitlines() if line.startswith("[")]
    assert [re.sub(r" \(\d+,\d s\)$", "", s) for s in steps] == [
        "[1/4] Lecture des communes…",
        "[2/4] Lecture des lieux…",
        "[3/4] Calcul de la couverture…",
        "[4/4] Mise en forme…",
    ]
    assert "2\u202f845 lieux" in err.getvalue()
