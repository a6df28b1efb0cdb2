"""Rules of the France Services import (maillage.places.importers.france_services)."""

from __future__ import annotations

import datetime as dt
import io
import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from maillage.opendata import DataError
from maillage.places import hours
from maillage.places.importers.france_services import (
    import_france_services,
    osm_opening_hours,
    parse_day,
)
from maillage.places.models import Network, Place, PlaceFunction
from maillage.territory.importers import import_communes

pytestmark = pytest.mark.django_db

CSV = "france-services-2024-08-01.csv"


@pytest.fixture
def csv_path(open_data_dir):
    return open_data_dir / CSV


@pytest.fixture
def lozere(open_data_dir):
    import_communes(
        ["48"],
        [
            open_data_dir / "communes-geojson" / "communes-48-lozere.geojson",
            open_data_dir / "communes-population-cog.json",
        ],
    )


def counts():
    through = Place.networks.through
    return (
        Place.objects.count(),
        Place.history.count(),
        PlaceFunction.objects.count(),
        PlaceFunction.history.count(),
        through.objects.count(),
    )


def physical_line_of(text: str, id_fs: str) -> int:
    """The 1-based physical line where the record of ``id_fs`` starts."""
    return next(
        i for i, line in enumerate(text.split("\n"), start=1) if line.startswith(f'"{id_fs}",')
    )


def with_bad_latitude(csv_path, tmp_path, id_fs: str):
    text = csv_path.read_text(encoding="utf-8")
    start = text.index(f'\n"{id_fs}",') + 1
    end = text.index("\n", start)
    row = text[start:end]
    fields = row.split(",")
    # the latitude is the 9th column of these rows (no comma in the first eight)
    fields[8] = "44.5N"
    bad = tmp_path / "france-services-copie.csv"
    bad.write_text(text[:start] + ",".join(fields) + text[end:], encoding="utf-8")
    return bad, physical_line_of(text, id_fs)


@pytest.mark.slow
def test_every_row_of_the_national_file_imports(csv_path, lozere):
    report = import_france_services(csv_path)
    assert report.created == 2845
    assert Place.objects.filter(source="france-services").count() == 2845
    assert Place.objects.filter(source="france-services").values("slug").distinct().count() == 2845
    # communes are only imported for Lozère: the others are reported, not fatal
    assert Place.objects.filter(commune__isnull=False).count() == 20
    assert len(report.without_commune) == 2825
    assert "2825 France Services sans commune" in "\n".join(report.summary())


@pytest.mark.slow
def test_a_second_import_changes_nothing(csv_path):
    import_france_services(csv_path)
    before = counts()
    report = import_france_services(csv_path)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2845)
    assert counts() == before


def test_lozere_has_20_france_services_each_in_its_commune(csv_path, lozere):
    report = import_france_services(csv_path, ["48"])
    assert report.created == 20 and report.without_commune == []
    places = Place.objects.filter(source="france-services")
    assert places.count() == 20
    assert set(places.values_list("commune__departement", flat=True)) == {"48"}
    assert places.get(source_id="899").commune.name == "Villefort"


def test_a_bad_latitude_is_rejected_naming_file_line_and_field(csv_path, tmp_path):
    # id_fs 3255 comes after the records whose values span several lines
    bad, line = with_bad_latitude(csv_path, tmp_path, "3255")
    assert line > 2846  # physical lines, not records
    with pytest.raises(DataError) as error:
        import_france_services(bad)
    message = str(error.value)
    assert str(bad) in message
    assert f"ligne {line}" in message
    assert "latitude" in message and "44.5N" in message
    assert Place.objects.count() == 0


def test_a_rejected_file_changes_nothing_already_imported(csv_path, tmp_path):
    import_france_services(csv_path, ["48"])
    before = counts()
    bad, _line = with_bad_latitude(csv_path, tmp_path, "271")
    with pytest.raises(DataError):
        import_france_services(bad, ["48"])
    assert counts() == before


def test_lines_are_physical_lines_where_each_record_starts(csv_path):
    text = csv_path.read_text(encoding="utf-8")
    report = import_france_services(csv_path, ["72"])  # Sarthe: records spanning several lines
    lines = {r.source_id: r.line for r in report.lines}
    for id_fs in ("426", "1815", "2092"):
        assert lines[id_fs] == physical_line_of(text, id_fs)
    assert Place.objects.get(source_id="2092").description.startswith("Multi-sites\nLundi")


def test_opening_hours_become_osm_with_public_holidays_off(csv_path):
    import_france_services(csv_path, ["48"])
    marvejols = Place.objects.get(source="france-services", source_id="271")
    assert marvejols.opening_hours == "Mo-Fr 08:30-12:00,13:30-17:30; PH off"
    hours.validate(marvejols.opening_hours)
    monday = dt.datetime(2026, 7, 13, 10, 0, tzinfo=hours.PARIS)
    assert marvejols.is_open_at(monday)
    assert not marvejols.is_open_at(monday.replace(hour=13))
    assert not marvejols.is_open_at(dt.datetime(2026, 7, 14, 10, 0, tzinfo=hours.PARIS))
    for place in Place.objects.all():
        hours.validate(place.opening_hours)


def test_day_ranges_are_merged_and_empty_ranges_dropped():
    assert parse_day("08:30 - 12:00 / 13:30 - 17:30") == [(510, 720), (810, 1050)]
    assert parse_day("00:00 - 00:00 / 09:00 - 12:00") == [(540, 720)]
    assert parse_day("09:00 - 12:30 / 09:00 - 17:00 / 14:00 - 17:00") == [(540, 1020)]
    assert parse_day("08:30 - 11:30 / 08:30 - 11:30") == [(510, 690)]
    with pytest.raises(ValueError):
        parse_day("9h-midi")
    with pytest.raises(ValueError):
        parse_day("17:00 - 09:00")


def test_osm_hours_group_identical_consecutive_days():
    morning, day = [(510, 720)], [(510, 720), (810, 1050)]
    assert osm_opening_hours({"Mo": day, "Tu": day, "We": morning, "Th": day, "Fr": day}) == (
        "Mo-Tu 08:30-12:00,13:30-17:30; We 08:30-12:00; Th-Fr 08:30-12:00,13:30-17:30; PH off"
    )
    assert osm_opening_hours({"Sa": morning}) == "Sa 08:30-12:00; PH off"
    assert osm_opening_hours({}) == ""


def test_what_every_france_services_is_given(csv_path):
    import_france_services(csv_path, ["48"])
    place = Place.objects.get(source="france-services", source_id="2983")  # Mende
    assert place.type == "france-services"
    assert place.official_kind == "Principal" and place.official_format == "Fixe"
    assert not place.is_mobile and place.fee == "free"
    assert set(place.place_functions.values_list("function__slug", flat=True)) == {
        "public-service-orientation",
        "digital-mediation",
        "digital-access",
    }
    assert list(place.networks.values_list("slug", flat=True)) == ["france-services"]
    assert place.last_checked_at == dt.datetime(2024, 8, 1, tzinfo=hours.PARIS)
    assert place.email and place.phone and place.postal_code == "48000"


def test_itinerant_formats_are_mobile_units(csv_path):
    import_france_services(csv_path)
    itinerant = Place.objects.get(source_id="3255")
    assert itinerant.official_format == "Itinérante" and itinerant.is_mobile
    assert Place.objects.filter(official_format="Bus_équivalent", is_mobile=False).count() == 0
    assert Place.objects.filter(is_mobile=True).count() == 29 + 134


def test_a_changed_row_is_updated_with_its_history(csv_path, tmp_path):
    import_france_services(csv_path, ["48"])
    history = Place.history.count()
    text = csv_path.read_text(encoding="utf-8")
    changed = tmp_path / "france-services-2024-09-01.csv"
    changed.write_text(text.replace('"04 66 44 03 78"', '"04 66 00 00 00"'), encoding="utf-8")
    place = Place.objects.get(phone="04 66 44 03 78")
    report = import_france_services(changed, ["48"])
    assert report.updated == 20  # the new file's date: every row was checked again
    changes = {r.source_id: r.changes for r in report.lines}
    assert changes[place.source_id] == ["phone", "last_checked_at"]
    place.refresh_from_db()
    assert place.phone == "04 66 00 00 00"
    assert Place.history.count() == history + 20
    assert Place.objects.count() == 20


def test_a_file_object_can_be_imported(csv_path):
    with open(csv_path, "rb") as handle:
        report = import_france_services(handle, ["48"], as_of=dt.date(2024, 8, 1))
    assert report.created == 20


def test_a_copy_saved_with_semicolons_reads_the_same(csv_path, tmp_path):
    import csv

    with open(csv_path, newline="", encoding="utf-8") as source:
        rows = list(csv.reader(source))
    copy = tmp_path / "france-services-2024-08-01-excel.csv"
    with open(copy, "w", newline="", encoding="utf-8-sig") as out:
        csv.writer(out, delimiter=";").writerows(rows)
    report = import_france_services(copy, ["48"])
    assert report.created == 20
    assert (
        Place.objects.get(source_id="271").opening_hours == "Mo-Fr 08:30-12:00,13:30-17:30; PH off"
    )


def test_every_bad_value_is_named_with_its_field(csv_path, tmp_path):
    text = csv_path.read_text(encoding="utf-8")
    line = physical_line_of(text, "899")
    start = text.index('\n"899",') + 1
    end = text.index("\n", start)
    row = (
        text[start:end]
        .replace('"48198","48800"', '"48198","4880"')
        .replace(
            '"04 66 46 69 85","08:30 - 12:00 / 13:30 - 17:00","08:30 - 12:00 / 13:30 - 17:00"',
            '"04 66 46 69 85","08:30 - 12:00 / 13:30 - 17:00","8h30 à midi"',
        )
    )
    bad = tmp_path / "fs.csv"
    bad.write_text(text[:start] + row + text[end:], encoding="utf-8")
    with pytest.raises(DataError) as error:
        import_france_services(bad)
    assert {(p.line, p.field) for p in error.value.problems} == {
        (line, "code_postal"),
        (line, "h_mardi"),
    }
    assert Place.objects.count() == 0


def test_a_missing_column_is_named(tmp_path):
    path = tmp_path / "fs.csv"
    path.write_text('"id_fs","lib_fs"\n"1","x"\n', encoding="utf-8")
    with pytest.raises(DataError, match=r"fs.csv, ligne 1, champ « insee_dep » : colonne absente"):
        import_france_services(path)


def test_the_command_prints_a_per_line_report(csv_path):
    out = io.StringIO()
    call_command("import_france_services", str(csv_path), "--dept", "48", "-v", "2", stdout=out)
    text = out.getvalue()
    assert "20 lignes, 20 créées, 0 mises à jour, 0 inchangées, 0 erreur" in text
    assert "id_fs 899 · France services Villefort : créée" in text


def test_the_command_turns_bad_input_into_a_clear_error(csv_path, tmp_path):
    bad, line = with_bad_latitude(csv_path, tmp_path, "899")
    with pytest.raises(CommandError, match=rf"ligne {line}, champ « latitude »"):
        call_command("import_france_services", str(bad))


def test_the_default_source_is_the_open_data_folder(settings, open_data_dir, tmp_path):
    folder = tmp_path / "open-data"
    folder.mkdir()
    shutil.copy(open_data_dir / CSV, folder / CSV)
    settings.MAILLAGE_OPEN_DATA = str(folder)
    report = import_france_services(departements=["48"])
    assert report.file == str(folder / CSV) and report.created == 20
    assert Network.objects.filter(slug="france-services").count() == 1


def test_the_command_imports_the_territory_by_default_and_all_france_when_asked(
    csv_path, lozere, settings
):
    settings.MAILLAGE_DEPARTEMENTS = ["48"]
    out = io.StringIO()
    call_command("import_france_services", str(csv_path), stdout=out)
    assert "20 lignes, 20 créées" in out.getvalue()
    assert set(Place.objects.values_list("commune__departement", flat=True)) == {"48"}
    with pytest.raises(CommandError, match="s'excluent"):
        call_command("import_france_services", str(csv_path), "--all-france", "--dept", "48")
    call_command("import_france_services", str(csv_path), "--all-france", stdout=out)
    assert Place.objects.count() == 2845
