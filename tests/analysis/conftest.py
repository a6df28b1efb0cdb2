"""Lozère's real open data in the test database, imported once per module by the
project's own commands (MAILLAGE_OPEN_DATA: the real files, never a download),
and removed afterwards so that other tests find the database as they expect.

Tests add their own places, closures and stops inside their transaction (the
``db`` fixture rolls them back)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

# The test settings point whitenoise at DATA_DIR/static, which a fresh checkout
# lacks (its warning is not the analysis' business).
WHITENOISE_NO_ROOT = "ignore:No directory at:UserWarning"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/analysis/" in str(item.path):
            item.add_marker(pytest.mark.filterwarnings(WHITENOISE_NO_ROOT))


def _wipe():
    from maillage.places import models as pm
    from maillage.territory.models import Commune

    # Delete the rows first: deleting them writes history records, wiped next.
    pm.Place.objects.all().delete()
    pm.Network.objects.all().delete()
    Commune.objects.all().delete()
    for model in (pm.Place, pm.PlaceFunction, pm.Closure, pm.MobileStop, pm.Notice):
        model.history.model.objects.all().delete()


@pytest.fixture(scope="module")
def lozere_db(django_db_setup, django_db_blocker, open_data_dir):
    """Lozère's 158 communes and its 20 France Services, as ``import-communes --dept 48``
    and ``import-france-services --dept 48`` import them."""
    from django.conf import settings

    old = settings.MAILLAGE_OPEN_DATA
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    out = io.StringIO()
    with django_db_blocker.unblock():
        _wipe()
        call_command("import_communes", "--dept", "48", stdout=out, stderr=out)
        call_command("import_france_services", "--dept", "48", stdout=out, stderr=out)
    yield
    with django_db_blocker.unblock():
        _wipe()
    settings.MAILLAGE_OPEN_DATA = old


@pytest.fixture
def lozere(lozere_db, db):
    """The Lozère data, in a test transaction (what a test adds is rolled back)."""
    return None


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path_factory):
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


# --------------------------------------------------------------------------- independent


def independent_lozere(folder: Path):
    """Communes (codes, Lambert-93 centroids, populations) and the France Services
    (ids, Lambert-93 points) of Lozère, written from scratch with json, shapely and
    pyproj from the published files (no maillage code, no database)."""
    import csv

    import shapely
    from pyproj import Transformer
    from shapely.geometry import shape

    tr = Transformer.from_crs(4326, 2154, always_xy=True)
    cog = json.loads((folder / "communes-population-cog.json").read_text(encoding="utf-8"))
    pop = {c["code"]: c.get("population") or 0 for c in cog if c["type"] == "commune-actuelle"}
    feats = json.loads(
        (folder / "communes-geojson" / "communes-48-lozere.geojson").read_text(encoding="utf-8")
    )["features"]
    codes, xy = [], []
    for f in sorted(feats, key=lambda f: f["properties"]["code"]):
        g = shapely.transform(
            shape(f["geometry"]), lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1]))
        )
        codes.append(f["properties"]["code"])
        xy.append((g.centroid.x, g.centroid.y))
    with open(folder / "france-services-2024-08-01.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["insee_dep"] == "48"]
    fx, fy = tr.transform(
        [float(r["longitude"]) for r in rows], [float(r["latitude"]) for r in rows]
    )
    return (
        codes,
        np.array(xy),
        np.array([pop.get(c, 0) for c in codes], float),
        [r["lib_fs"] for r in rows],
        np.column_stack([fx, fy]),
    )


@pytest.fixture(scope="session")
def independent(open_data_dir):
    return independent_lozere(open_data_dir)
