"""maillage coverage / recommend / report: their outputs, parsed back."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue()


def figures(text: str) -> dict[str, tuple[int, str, int, str]]:
    """The table of shares: "≤ 10 km   64 907   84,9 %   119   75,3 %" -> parsed."""
    rows = {}
    for line in text.splitlines():
        m = re.match(
            r"^≤ (\d+) (km|min)\s+([\d ]+?)\s+([\d,]+ %)\s+([\d ]+?)\s+([\d,]+ %)$", line.strip()
        )
        if m:
            rows[m.group(1)] = (
                int(m.group(3).replace(" ", "")),
                m.group(4),
                int(m.group(5).replace(" ", "")),
                m.group(6),
            )
    return rows


def test_coverage_table_gives_the_lozere_figures(lozere):
    text = run("coverage", "--dept", "48", "--type", "france-services")
    rows = figures(text)
    assert rows["5"] == (44_705, "58,4 %", 44, "27,8 %")
    assert rows["10"] == (64_907, "84,9 %", 119, "75,3 %")
    assert rows["30"] == (76_486, "100,0 %", 158, "100,0 %")
    assert "Communes mal desservies (au-delà de 10 km) : 39, 11 579 habitants" in text
    # the underserved list starts with the most populated
    first = text.split("les plus peuplées d'abord :")[1].splitlines()[3]
    assert first.startswith("Peyre en Aubrac") and "2 296" in first
    assert "Bassin de chaque lieu" in text and "France services de Mende" in text


def test_coverage_csv_one_row_per_commune(lozere):
    text = run("coverage", "--dept", "48", "--type", "france-services", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 158
    assert list(rows[0]) == [
        "code",
        "name",
        "departement",
        "population",
        "nearest_id",
        "nearest_name",
        "distance_km",
        "places_within_5km",
        "places_within_10km",
        "places_within_20km",
        "places_within_30km",
        "covered_10km",
    ]
    covered = [r for r in rows if r["covered_10km"] == "1"]
    assert len(covered) == 119 and sum(int(r["population"]) for r in covered) == 64_907
    assert all(float(r["distance_km"]) <= 10 for r in covered)
    assert all((float(r["distance_km"]) <= 5) == (int(r["places_within_5km"]) > 0) for r in rows)


def test_coverage_geojson_communes_with_their_figures(lozere, tmp_path):
    out = tmp_path / "c.geojson"
    run(
        "coverage",
        "--dept",
        "48",
        "--type",
        "france-services",
        "--format",
        "geojson",
        "--out",
        str(out),
    )
    fc = json.loads(out.read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and len(fc["features"]) == 158
    f = next(f for f in fc["features"] if f["id"] == "48095")
    assert f["geometry"]["type"] in {"Polygon", "MultiPolygon"}
    p = f["properties"]
    assert p["name"] == "Mende" and p["covered"] is True and p["distance_km"] < 2
    assert p["nearest_id"].startswith("france-services") and p["places_within_10km"] >= 2
    assert (
        sum(f["properties"]["population"] for f in fc["features"] if f["properties"]["covered"])
        == 64_907
    )


def test_coverage_on_a_date_and_in_minutes(lozere):
    text = run(
        "coverage", "--dept", "48", "--type", "france-services", "--date", "2026-11-26",
        "--travel", "mountain", "--threshold", "20min", "--threshold", "30min",
    )  # fmt: skip
    assert (
        "ouverts le 26 novembre 2026" in text and "Fermés ce jour-là (ne comptent pas) : 1." in text
    )
    assert set(figures(text)) == {"20", "30"}
    assert "temps estimé, montagne" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--threshold", "10 lieues"], "threshold"),
        (["--threshold", "20min"], "minutes"),
        (["--threshold", "10km", "--threshold", "20min"], "seuils"),
        (["--function", "boulangerie"], "fonction inconnue"),
        (["--date", "2026-02-30"], "AAAA-MM-JJ"),
        (["--dept", "4800"], "département"),
        (["--all", "--dept", "48"], "--all"),
        (["--type", "château"], "type inconnu"),
        (["--od-matrix", "/nonexistent.csv"], "introuvable"),
    ],
)
def test_coverage_bad_arguments_say_why(lozere, args, message):
    with pytest.raises(CommandError, match=message):
        run("coverage", *args)


def test_coverage_with_an_od_matrix(lozere, tmp_path):
    # every commune 12 minutes from Mende's France Services, nothing else reachable
    from maillage.territory.models import Commune

    path = tmp_path / "od.csv"
    lines = ["origin,destination,minutes"]
    lines += [
        f"{c},france-services-de-mende,12" for c in Commune.objects.values_list("code", flat=True)
    ]
    path.write_text("\n".join(lines), encoding="utf-8")
    text = run(
        "coverage", "--dept", "48", "--type", "france-services", "--od-matrix", str(path),
        "--threshold", "10min", "--threshold", "15min", "--format", "csv",
    )  # fmt: skip
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["time_min"] for r in rows} == {"12.000"}
    assert {r["nearest_id"] for r in rows} == {"france-services-de-mende"}


def test_recommend_prints_sites_bound_and_gap(lozere):
    text = run(
        "recommend",
        "--dept",
        "48",
        "--type",
        "france-services",
        "--threshold",
        "10km",
        "--add",
        "3",
    )
    sites = re.findall(r"^\s+(\d)\s+(\S.*?)\s{2,}.*?(\d{5})\s+([\d ]+)$", text, re.M)
    assert [s[0] for s in sites] == ["1", "2", "3"]
    assert sum(int(s[3].replace(" ", "")) for s in sites) == 72_978 - 64_907
    assert "64 907 (84,9 %) avec les lieux existants → 72 978 (95,4 %)" in text
    assert "Borne supérieure prouvée : 72 978 ; écart d'optimalité : 0,00 %." in text
    assert "Optimal : prouvé." in text


def test_recommend_json_target_share_and_types(lozere):
    data = json.loads(
        run(
            "recommend",
            "--dept",
            "48",
            "--type",
            "france-services",
            "--target-share",
            "95%",
            "--json",
        )
    )
    assert data["kind"] == "set-cover" and data["lower_bound"] == len(data["chosen"]) == 3
    assert data["covered_after"] / data["population"] >= 0.95 and data["proven_optimal"]
    scratch = json.loads(
        run(
            "recommend",
            "--dept",
            "48",
            "--type",
            "france-services",
            "--add",
            "2",
            "--from-scratch",
            "--json",
        )
    )
    assert (
        scratch["covered_before"] == 0 and scratch["from_scratch"] and len(scratch["chosen"]) == 2
    )


def test_recommend_candidates_of_types(lozere):
    from maillage.territory.models import Commune

    from .test_adapter import make_place

    make_place("hotel-a", "48104", [], type="hotel")
    make_place("ecole-b", "48043", [], type="school")
    data = json.loads(
        run(
            "recommend",
            "--dept",
            "48",
            "--type",
            "france-services",
            "--add",
            "5",
            "--candidates",
            "types:hotel,school",
            "--json",
        )  # fmt: skip
    )
    assert {c["id"] for c in data["chosen"]} <= {"hotel-a", "ecole-b"}
    assert {c["id"] for c in data["chosen"]} == {"hotel-a", "ecole-b"}
    assert Commune.objects.get(code="48104").name == "Nasbinals"


def test_recommend_a_mobile_unit_s_stops(lozere):
    from .test_adapter import make_place

    make_place("bus", "48095", ["digital-mediation"], type="mobile-unit", is_mobile=True)
    text = run(
        "recommend", "--dept", "48", "--function", "digital-mediation", "--threshold", "10km",
        "--mobile", "bus", "--weekdays", "Mo,We,Fr",
    )  # fmt: skip
    days = re.findall(r"^(lundi|mercredi|vendredi)\s+\S", text, re.M)
    assert days == ["lundi", "mercredi", "vendredi"] and "Optimal : prouvé." in text
    with pytest.raises(CommandError, match="unité mobile"):
        run("recommend", "--dept", "48", "--mobile", "france-services-de-mende")
    with pytest.raises(CommandError, match="jours"):
        run("recommend", "--dept", "48", "--mobile", "bus", "--weekdays", "lundo")
