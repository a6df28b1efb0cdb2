"""Rules of the point-to-commune lookup and of finding a commune by name or postal code."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from maillage.territory.geo import commune_at, find_communes, geocode, normalize, resolve_commune
from maillage.territory.importers import import_communes
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def lozere(open_data_dir):
    import_communes(
        ["48"],
        [
            open_data_dir / "communes-geojson" / "communes-48-lozere.geojson",
            open_data_dir / "communes-population-cog.json",
        ],
    )


def test_a_point_in_mende_is_in_mende(lozere):
    assert commune_at(44.5181, 3.5006).code == "48095"


def test_every_commune_contains_its_own_centroid_lookup(lozere):
    for commune in Commune.objects.filter(code__in=["48095", "48140", "48198", "48144", "48092"]):
        assert commune_at(commune.centroid_lat, commune.centroid_lon) == commune


def test_a_point_outside_the_territory_is_in_no_commune(lozere):
    assert commune_at(48.8566, 2.3522) is None  # Paris
    assert commune_at(43.0, 5.0) is None  # the sea


def test_a_point_in_the_bbox_but_outside_the_boundary_is_not_matched(lozere):
    mende = Commune.objects.get(code="48095")
    boundary = shape(mende.geometry)
    steps = [i / 20 for i in range(1, 20)]
    outside = next(
        (lat, lon)
        for lat in (mende.min_lat + f * (mende.max_lat - mende.min_lat) for f in steps)
        for lon in (mende.min_lon + f * (mende.max_lon - mende.min_lon) for f in steps)
        if not boundary.covers(Point(lon, lat))
    )
    assert commune_at(*outside) != mende


def test_a_reimported_boundary_is_used_at_once(lozere):
    mende = Commune.objects.get(code="48095")
    assert commune_at(44.5181, 3.5006) == mende
    Commune.objects.filter(code="48095").update(
        geometry={"type": "Polygon", "coordinates": [[[0, 0], [0.1, 0], [0.1, 0.1], [0, 0]]]},
    )
    mende.refresh_from_db()
    Commune.objects.filter(code="48095").update(updated_at=mende.updated_at.replace(year=2030))
    assert commune_at(44.5181, 3.5006) is None


def test_names_match_without_accents_case_or_hyphens(lozere):
    assert geocode("saint chely d apcher").code == "48140"
    assert geocode("St-Chély-d'Apcher").code == "48140"
    assert geocode("MENDE").code == "48095"
    assert geocode("villefort").code == "48198"


def test_a_name_start_finds_the_communes_that_start_so(lozere):
    names = [c.name for c in find_communes("sainte croix")]
    assert "Sainte-Croix-Vallée-Française" in names


def test_exact_names_come_first_then_the_most_populous(lozere):
    found = find_communes("mende")
    assert found[0].code == "48095"


def test_a_postal_code_finds_all_its_communes(lozere):
    found = find_communes("48200")
    assert "48140" in [c.code for c in found]
    assert all("48200" in c.postal_codes for c in found)


def test_an_insee_code_finds_its_commune(lozere):
    assert geocode("48095").name == "Mende"


def test_nothing_matches_nothing(lozere):
    assert find_communes("") == []
    assert geocode("Atlantis") is None


def test_normalize_spells_out_saint():
    assert normalize("St-Étienne-Vallée-Française") == "saint etienne vallee francaise"
    assert normalize("Ste Énimie") == "sainte enimie"


def test_an_article_typed_or_dropped_still_finds_the_commune(lozere):
    found = [c.name for c in find_communes("Le Pont")]
    assert found and found[0] == "Pont de Montvert - Sud Mont Lozère"
    assert "Le Pompidou" not in found
    assert find_communes("pompidou")[0].name == "Le Pompidou"


def test_resolving_what_a_person_typed(lozere):
    florac = resolve_commune("florac", ["48"])
    assert florac[0].code == "48061" and florac[1] == []
    assert resolve_commune("48061", ["48"])[0].name == "Florac Trois Rivières"  # INSEE code
    commune, candidates = resolve_commune("48200", ["48"])  # a postal code shared by several
    assert commune is None and len(candidates) > 1
    assert all("48200" in c.postal_codes for c in candidates)
    assert resolve_commune("Atlantis", ["48"]) == (None, [])
    assert resolve_commune("mende", ["23"]) == (None, [])  # outside the territory
