"""Rules of the commune import (maillage.territory.importers)."""

from __future__ import annotations

import io
import json

import numpy as np
import pytest
import shapely
from django.core.management import call_command
from django.core.management.base import CommandError
from pyproj import Transformer
from shapely.geometry import Point, shape

from maillage.opendata import DataError
from maillage.territory.importers import import_communes, read_sources
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def lozere_sources(open_data_dir):
    return [
        open_data_dir / "communes-geojson" / "communes-48-lozere.geojson",
        open_data_dir / "communes-population-cog.json",
    ]


def test_lozere_has_158_boundaries_and_a_current_population_of_76486(open_data_dir):
    report = import_communes(["48"], lozere_sources(open_data_dir))
    assert Commune.objects.in_departements(["48"]).count() == 158
    assert report.population == 76_486
    assert (
        sum(Commune.objects.exclude(population=None).values_list("population", flat=True)) == 76_486
    )


def test_boundary_codes_without_population_are_reported_not_fatal(open_data_dir):
    report = import_communes(["48"], lozere_sources(open_data_dir))
    missing = {code: note for code, _name, note in report.without_population}
    assert sorted(missing) == ["48057", "48078", "48133", "48184", "48189", "48197"]
    assert missing["48057"] == "commune déléguée de 48127 Monts-de-Randon"
    assert report.without_boundary == []
    assert Commune.objects.get(code="48057").population is None
    assert "6 communes ont un contour mais pas de population actuelle" in "\n".join(
        report.summary()
    )


def test_names_and_postal_codes_come_from_the_current_code(open_data_dir):
    import_communes(["48"], lozere_sources(open_data_dir))
    commune = Commune.objects.get(code="48127")  # Rieutort-de-Randon in 2018, merged since
    assert commune.name == "Monts-de-Randon"
    assert Commune.objects.get(code="48140").postal_codes == ["48200"]  # Saint-Chély-d'Apcher
    assert Commune.objects.get(code="48095").departement == "48"


def test_default_sources_are_the_local_open_data_folder(open_data_dir, settings):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    settings.MAILLAGE_DEPARTEMENTS = ["48"]
    report = import_communes()
    assert report.total == 158
    assert any("communes-48-lozere.geojson" in s for s in report.sources)


def test_a_second_import_changes_nothing(open_data_dir):
    import_communes(["48"], lozere_sources(open_data_dir))
    before = dict(Commune.objects.values_list("code", "updated_at"))
    report = import_communes(["48"], lozere_sources(open_data_dir))
    assert (len(report.created), len(report.updated), len(report.unchanged)) == (0, 0, 158)
    assert dict(Commune.objects.values_list("code", "updated_at")) == before


def test_a_reimport_updates_in_place(open_data_dir):
    import_communes(["48"], lozere_sources(open_data_dir))
    Commune.objects.filter(code="48095").update(population=1, name="Mende ancien")
    report = import_communes(["48"], lozere_sources(open_data_dir))
    assert report.updated == ["48095"]
    mende = Commune.objects.get(code="48095")
    assert (mende.name, mende.population) == ("Mende", 12_464)


def test_centroid_is_the_lambert93_centroid_given_in_wgs84(open_data_dir):
    import_communes(["48"], lozere_sources(open_data_dir))
    mende = Commune.objects.get(code="48095")
    to_l93 = Transformer.from_crs(4326, 2154, always_xy=True)
    projected = shapely.transform(
        shape(mende.geometry), lambda xy: np.column_stack(to_l93.transform(xy[:, 0], xy[:, 1]))
    )
    x, y = to_l93.transform(mende.centroid_lon, mende.centroid_lat)
    assert abs(x - projected.centroid.x) < 0.05 and abs(y - projected.centroid.y) < 0.05
    assert shape(mende.geometry).contains(Point(mende.centroid_lon, mende.centroid_lat))


def test_bbox_encloses_the_boundary(open_data_dir):
    import_communes(["48"], lozere_sources(open_data_dir))
    for commune in Commune.objects.all():
        min_lon, min_lat, max_lon, max_lat = shape(commune.geometry).bounds
        assert (commune.min_lat, commune.max_lat, commune.min_lon, commune.max_lon) == (
            min_lat,
            max_lat,
            min_lon,
            max_lon,
        )


def test_several_departements_import_together(open_data_dir):
    report = import_communes(
        ["48", "23"],
        [
            *lozere_sources(open_data_dir),
            open_data_dir / "communes-geojson" / "communes-23-creuse.geojson",
        ],
    )
    assert Commune.objects.in_departements(["48"]).count() == 158
    assert Commune.objects.in_departements(["23"]).count() > 200
    assert report.total == Commune.objects.count()


def test_geo_api_geojson_is_read_with_population_and_postal_codes():
    collection = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "code": "48095",
                    "nom": "Mende",
                    "population": 12464,
                    "codesPostaux": ["48000"],
                },
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[3.4, 44.5], [3.6, 44.5], [3.6, 44.6], [3.4, 44.5]]],
                },
            }
        ],
    }
    report = import_communes(["48"], [io.BytesIO(json.dumps(collection).encode())])
    assert report.created == ["48095"] and report.population == 12464
    mende = Commune.objects.get()
    assert mende.postal_codes == ["48000"] and mende.min_lon == 3.4


def test_geo_api_communes_list_keeps_current_communes_only():
    entries = [
        {
            "code": "48127",
            "nom": "Monts-de-Randon",
            "type": "commune-actuelle",
            "departement": "48",
            "population": 1234,
            "codesPostaux": ["48700"],
        },
        {
            "code": "48057",
            "nom": "Estables",
            "type": "commune-deleguee",
            "departement": "48",
            "chefLieu": "48127",
        },
        {
            "code": "23001",
            "nom": "Ailleurs",
            "type": "commune-actuelle",
            "departement": "23",
            "population": 1,
        },
    ]
    reading = read_sources([io.BytesIO(json.dumps(entries).encode())], ["48"])
    assert list(reading.attributes) == ["48127"]
    assert reading.former == {"48057": ("commune-deleguee", "48127")}
    report = import_communes(["48"], [io.BytesIO(json.dumps(entries).encode())])
    assert report.without_boundary == [("48127", "Monts-de-Randon")]
    assert Commune.objects.get().geometry is None


def test_bad_input_is_rejected_naming_file_and_field_and_nothing_is_imported(
    open_data_dir, tmp_path
):
    entries = json.loads((open_data_dir / "communes-population-cog.json").read_text())
    bad = next(e for e in entries if e["code"] == "48095")
    bad["population"] = "beaucoup"
    path = tmp_path / "cog-bad.json"
    path.write_text(json.dumps(entries))
    sources = [open_data_dir / "communes-geojson" / "communes-48-lozere.geojson", path]
    with pytest.raises(DataError) as error:
        import_communes(["48"], sources)
    message = str(error.value)
    assert str(path) in message and "population" in message and "48095" in message
    assert Commune.objects.count() == 0


def test_a_file_that_is_not_json_names_its_line(tmp_path):
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [,]}')
    with pytest.raises(DataError, match=r"broken.geojson, ligne 2"):
        import_communes(["48"], [path])


def test_command_imports_and_reports(open_data_dir, settings):
    settings.MAILLAGE_OPEN_DATA = str(open_data_dir)
    out = io.StringIO()
    call_command("import_communes", "--dept", "48", stdout=out)
    text = out.getvalue()
    assert "158 (158 créées" in text and "76 486" in text and "48057 Estables" in text


def test_command_reports_bad_sources_as_command_errors(tmp_path):
    with pytest.raises(CommandError, match="fichier introuvable"):
        call_command("import_communes", "--dept", "48", "--source", str(tmp_path / "nope.json"))


def test_command_has_help():
    from maillage.territory.management.commands.import_communes import Command

    help_text = Command().create_parser("maillage", "import_communes").format_help()
    assert "--dept" in help_text and "--source" in help_text
