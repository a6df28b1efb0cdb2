"""Rules of the open-data exports: GeoJSON (RFC 7946), CSV, data·inclusion v1,
lieux de médiation numérique v1.0.1, and the ``maillage export`` command."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from official_schemas import (
    MEDNUM_VALID_EXAMPLE,
    di_service_errors,
    di_structure_errors,
    mednum_csv_errors,
    open_data,
)

from maillage.places import exports
from maillage.places import opendata_schemas as S
from maillage.places.models import Function, MobileStop, Network, Place, PlaceFunction
from maillage.places.search import PlaceFilter, search_places
from maillage.places.taxonomy import FAMILIES
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


def make_place(name, point=None, functions=(), **fields):
    lat, lon = point if point else (None, None)
    place = Place.objects.create(
        name=name,
        slug=fields.pop("slug", None) or name.lower().replace(" ", "-").replace("'", "-"),
        type=fields.pop("type", "tiers-lieu"),
        latitude=lat,
        longitude=lon,
        **fields,
    )
    for slug in functions:
        slug, extra = slug if isinstance(slug, tuple) else (slug, {})
        PlaceFunction.objects.create(place=place, function=Function.objects.get(slug=slug), **extra)
    return place


@pytest.fixture
def places(db):
    mende = Commune.objects.create(
        code="48095",
        name="Mende",
        departement="48",
        postal_codes=["48000"],
        centroid_lat=44.5287,
        centroid_lon=3.4873,
    )
    langogne = Commune.objects.create(
        code="48080",
        name="Langogne",
        departement="48",
        postal_codes=["48300"],
        centroid_lat=44.7275,
        centroid_lon=3.8553,
    )
    millau = Commune.objects.create(
        code="12145", name="Millau", departement="12", postal_codes=["12100"]
    )
    fs = Network.objects.create(slug="france-services", name="France Services")
    a = make_place(
        "France Services de Mende",
        (44.518123456789, 3.500612345678),
        [("digital-mediation", {"audiences": ["seniors", "all"]}), "public-service-orientation"],
        type="france-services",
        commune=mende,
        address="2 rue de la Liberté",
        postal_code="48000",
        phone="04 66 00 00 00",
        email="mende@example.org",
        website="https://example.org/mende",
        opening_hours="Mo-Fr 08:30-12:00,13:30-17:00; PH off",
        fee="free",
        wheelchair="yes",
        summary="Aide aux démarches.",
    )
    a.networks.add(fs)
    make_place(
        "FL",
        (44.52, 3.50),  # a name too short for data·inclusion, a place with no description
        [("digital-access", {"opening_hours": "Tu 14:00-17:00", "fee": "paid"}), "fablab"],
        commune=mende,
        address="Place au Blé",
        opening_hours="Mo-Sa 09:00-18:00",
        fee="mixed",
        summary="x" * 300,
    )
    make_place(
        "Coworking de Millau", (44.0975, 3.0777), ["workspaces"], type="coworking", commune=millau
    )
    bus = make_place(
        "Bus numérique",
        (44.5181, 3.5006),
        ["digital-mediation"],
        type="mobile-unit",
        is_mobile=True,
        commune=mende,
        opening_hours="garbage hours",
    )
    MobileStop.objects.create(
        place=bus, commune=langogne, spot="Place du Marché", opening_hours="Th 09:00-12:00"
    )
    make_place("Lieu virtuel", None, ["digital-mediation"], type="virtual")
    return Place.objects.all()


def all_places():
    return [hit.place for hit in search_places(PlaceFilter())]


# --------------------------------------------------------------------------- GeoJSON


def test_geojson_is_an_rfc_7946_feature_collection(places):
    collection = json.loads("".join(exports.iter_geojson(search_places(PlaceFilter()))))
    assert collection["type"] == "FeatureCollection"
    assert "crs" not in collection
    assert len(collection["features"]) == places.count()
    for feature in collection["features"]:
        assert feature["type"] == "Feature"
        assert set(feature) == {"type", "id", "geometry", "properties"}
        geometry = feature["geometry"]
        if geometry is None:
            assert feature["properties"]["name"] == "Lieu virtuel"
            continue
        assert geometry["type"] == "Point"
        lon, lat = geometry["coordinates"]
        assert -180 <= lon <= 180 and -90 <= lat <= 90
        for value in (lon, lat):
            assert len(repr(value).split(".")[1]) <= 6
        assert "latitude" not in feature["properties"]
    mende = next(
        f for f in collection["features"] if f["properties"]["name"] == "France Services de Mende"
    )
    assert mende["geometry"]["coordinates"] == [3.500612, 44.518123]  # [longitude, latitude]


def test_geojson_carries_functions_with_their_own_hours(places):
    collection = json.loads("".join(exports.iter_geojson(search_places(PlaceFilter()))))
    fl = next(f for f in collection["features"] if f["properties"]["name"] == "FL")
    props = fl["properties"]
    assert props["opening_hours"] == "Mo-Sa 09:00-18:00"
    assert {f["slug"]: f["opening_hours"] for f in props["functions"]} == {
        "digital-access": "Tu 14:00-17:00",
        "fablab": "",
    }


def test_the_export_of_an_empty_search_is_a_valid_empty_collection(db):
    assert json.loads("".join(exports.iter_geojson([]))) == {
        "type": "FeatureCollection",
        "features": [],
    }


# --------------------------------------------------------------------------- CSV


def test_csv_has_a_header_and_one_row_per_place_with_functions_and_hours(places):
    rows = list(
        csv.DictReader(io.StringIO("".join(exports.iter_csv(search_places(PlaceFilter())))))
    )
    assert len(rows) == places.count()
    assert tuple(rows[0]) == exports.CSV_COLUMNS
    fl = next(r for r in rows if r["name"] == "FL")
    assert fl["functions"] == "digital-access|fablab"
    assert fl["families"] == "infrastructure|makers"
    assert fl["functions_opening_hours"] == "digital-access: Tu 14:00-17:00"
    assert fl["commune_code"] == "48095"
    assert fl["latitude"] == "44.52"


# --------------------------------------------------------------------------- the vocabulary table


def test_every_function_of_the_taxonomy_is_mapped_to_both_vocabularies():
    slugs = {f[0] for fam in FAMILIES for f in fam[3]}
    assert set(S.FUNCTION_VOCABULARIES) == slugs
    for thematiques, service_type, mednum_services in S.FUNCTION_VOCABULARIES.values():
        assert set(thematiques) <= S.DI_THEMATIQUES
        assert service_type is None or service_type in S.DI_TYPES_SERVICE
        assert bool(thematiques) == (service_type is not None)
        assert set(mednum_services) <= S.MEDNUM_ENUMS["services"]
    for function in S.MEDNUM_FUNCTIONS:
        assert S.FUNCTION_VOCABULARIES[function][2], function


def test_the_other_mappings_emit_only_schema_values():
    assert (
        set(S.NETWORK_TO_DI_RESEAU.values()) | set(S.TYPE_TO_DI_RESEAU.values())
        <= S.DI_RESEAUX_PORTEURS
    )
    assert set(S.AUDIENCE_TO_DI_PUBLIC.values()) <= S.DI_PUBLICS
    assert set(S.FEE_TO_DI_FRAIS.values()) <= S.DI_FRAIS
    assert set(S.TYPE_TO_MEDNUM_TYPOLOGIE.values()) <= S.MEDNUM_ENUMS["typologie"]
    assert (
        set(S.AUDIENCE_TO_MEDNUM_PUBLIC.values())
        <= S.MEDNUM_ENUMS["publics_specifiquement_adresses"]
    )
    assert {v for vs in S.FEE_TO_MEDNUM_FRAIS.values() for v in vs} <= S.MEDNUM_ENUMS[
        "frais_a_charge"
    ]


# --------------------------------------------------------------------------- data·inclusion v1


def test_data_inclusion_structures_are_valid_v1_structures(places):
    structures = exports.data_inclusion_structures(all_places())
    names = {s["nom"] for s in structures}
    # The coworking offers nothing data·inclusion knows: not an "offre d'insertion".
    assert names == {"France Services de Mende", "FL – Mende", "Bus numérique", "Lieu virtuel"}
    for structure in structures:
        assert di_structure_errors(structure) == [], structure
        for field in S.DI_STRUCTURE_REQUIRED:
            assert structure[field]
    mende = next(s for s in structures if s["nom"] == "France Services de Mende")
    assert mende["id"] == f"maillage-solozere--{Place.objects.get(name=mende['nom']).pk}"
    assert mende["telephone"] == "+33466000000"
    assert mende["horaires_accueil"] == "Mo-Fr 08:30-12:00,13:30-17:00; PH off"
    assert mende["reseaux_porteurs"] == ["france-service"]
    assert mende["code_insee"] == "48095" and mende["code_postal"] == "48000"
    assert isinstance(mende["latitude"], float)
    bus = next(s for s in structures if s["nom"] == "Bus numérique")
    assert "horaires_accueil" not in bus  # invalid hours are left out, not exported broken


def test_data_inclusion_services_are_valid_v1_services_of_exported_structures(places):
    structures = exports.data_inclusion_structures(all_places())
    services = exports.data_inclusion_services(all_places())
    structure_ids = {s["id"] for s in structures}
    assert services
    for service in services:
        assert di_service_errors(service) == [], service
        assert service["structure_id"] in structure_ids
    assert len({s["id"] for s in services}) == len(services)
    fl_access = next(s for s in services if s["id"].endswith("--digital-access"))
    assert fl_access["horaires_accueil"] == "Tu 14:00-17:00"
    assert fl_access["frais"] == "payant"
    assert "numerique--acceder-a-une-connexion-internet" in fl_access["thematiques"]
    mediation = next(
        s
        for s in services
        if s["id"].endswith("--digital-mediation")
        and s["commune"] == "Mende"
        and "structure_id" in s
        and s["nom"] == "Médiation numérique"
        and s.get("publics")
    )
    assert mediation["publics"] == ["seniors"]
    assert mediation["frais"] == "gratuit"
    assert not any(s["id"].endswith("--fablab") for s in services)


def test_the_official_validators_catch_what_the_schemas_forbid():
    """The validators the tests rely on can fail: each bad value is named."""
    assert any(e.startswith("nom") for e in di_structure_errors({"source": "x", "id": "x"}))
    bad = {
        "source": "s",
        "structure_id": "s--1",
        "id": "s--1--x",
        "nom": "Ab.",
        "description": "abc",
        "date_maj": "25/11/2026",
        "thematiques": ["numerique"],
        "frais": "gratis",
        "couleur": "bleu",
    }
    problems = di_service_errors(bad)
    for expected in ["nom", "description", "date_maj", "thematiques", "frais", "couleur"]:
        assert any(p.startswith(expected) for p in problems), (expected, problems)
    # A schema warning (a name ending with a full stop) counts as an error.
    assert any("point" in p for p in di_service_errors({**bad, "nom": "Atelier."}))
    example = open_data(MEDNUM_VALID_EXAMPLE).read_text(encoding="utf-8")
    assert mednum_csv_errors(example) == []
    broken = (
        example.replace('"51100"', '"511"', 1)
        .replace('"Itinérant"', '"Volant"', 1)
        .replace('"43493312300029"', '"123"', 1)
    )
    problems = mednum_csv_errors(broken)
    for expected in ["code_postal", "itinerance", "pivot"]:
        assert any(f"field {expected})" in p for p in problems), (expected, problems)


# --------------------------------------------------------------------------- médiation numérique


def test_mednum_exports_only_digital_places_with_every_required_field(places):
    rows, skipped = exports.mednum_lieux(all_places())
    assert {r["nom"] for r in rows} == {"France Services de Mende", "FL", "Bus numérique"}
    assert [(p.name, reason) for p, reason in skipped] == [
        ("Lieu virtuel", "champ obligatoire manquant : commune, code_postal, adresse")
    ]
    assert mednum_csv_errors("".join(exports.iter_mednum_csv(rows))) == []
    for row in rows:
        for field in S.MEDNUM_REQUIRED:
            assert row[field]
    mende = next(r for r in rows if r["nom"] == "France Services de Mende")
    assert mende["pivot"] == "00000000000000"
    assert mende["typologie"] == "RFS"
    assert mende["dispositif_programmes_nationaux"] == "France Services"
    assert mende["itinerance"] == "Fixe"
    assert mende["frais_a_charge"] == "Gratuit"
    assert (
        mende["services"]
        == "Aide aux démarches administratives|Maîtrise des outils numériques du quotidien"
    )
    assert mende["publics_specifiquement_adresses"] == "Seniors"
    assert mende["telephone"] == "+33466000000"
    fl = next(r for r in rows if r["nom"] == "FL")
    assert len(fl["presentation_resume"]) <= 280
    assert fl["frais_a_charge"] == "Gratuit|Payant"
    assert fl["code_postal"] == "48000"  # from its commune
    assert (
        fl["services"] == "Accès internet et matériel informatique|Loisirs et créations numériques"
    )
    bus = next(r for r in rows if r["nom"] == "Bus numérique")
    assert bus["itinerance"] == "Itinérant" and bus["adresse"] == "Place du Marché"
    assert bus["typologie"] == "ENM"


def test_an_overseas_france_services_keeps_its_own_numbering_region(places):
    saint_denis = Commune.objects.create(
        code="97411", name="Saint-Denis", departement="974", postal_codes=["97400"]
    )
    make_place(
        "France Services de Saint-Denis",
        (-20.8789, 55.4481),
        ["digital-mediation", "public-service-orientation"],
        type="france-services",
        commune=saint_denis,
        address="1 rue de Paris",
        postal_code="97400",
        phone="02 62 41 00 00",
    )
    rows, _ = exports.mednum_lieux(all_places())
    reunion = next(r for r in rows if r["commune"] == "Saint-Denis")
    assert reunion["telephone"] == "+262262410000"  # not +33262410000, a line in Brittany
    assert "Téléphoner" in reunion["modalites_acces"]
    assert mednum_csv_errors("".join(exports.iter_mednum_csv(rows))) == []
    structures = exports.data_inclusion_structures(all_places())
    structure = next(s for s in structures if s["commune"] == "Saint-Denis")
    assert structure["telephone"] == "+262262410000"
    assert di_structure_errors(structure) == []
    # Metropolitan numbers stay +33; a number that is none is left out, not guessed.
    assert exports.e164(Place(phone="04 66 00 00 00", commune=Commune(departement="48"))) == (
        "+33466000000"
    )
    assert exports.e164(Place(phone="02 62 41 00 00", commune=Commune(departement="48"))) is None
    assert exports.e164(Place(phone="12 34", commune=Commune(departement="48"))) is None


def test_mednum_csv_follows_the_schema_columns(places):
    rows, _ = exports.mednum_lieux(all_places())
    parsed = list(csv.DictReader(io.StringIO("".join(exports.iter_mednum_csv(rows)))))
    assert tuple(parsed[0]) == S.MEDNUM_FIELDS
    assert len(parsed) == 3


# --------------------------------------------------------------------------- the command


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("export", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_writes_each_format(places, tmp_path):
    out, _ = run("--format", "geojson", "--dept", "48")
    assert {f["properties"]["name"] for f in json.loads(out)["features"]} == {
        "France Services de Mende",
        "FL",
        "Bus numérique",
    }
    out, _ = run("--format", "csv", "--filter", "function=workspaces")
    assert [r["name"] for r in csv.DictReader(io.StringIO(out))] == ["Coworking de Millau"]
    out, _ = run("--format", "data-inclusion")
    both = json.loads(out)
    assert set(both) == {"structures", "services"} and both["services"]
    assert json.loads(run("--format", "data-inclusion-services")[0]) == both["services"]
    out, err = run("--format", "mednum")
    assert len(json.loads(out)) == 3
    assert "Lieu virtuel" in err
    target = tmp_path / "lieux.csv"
    _, err = run("--format", "mednum-csv", "--out", str(target))
    assert target.read_text(encoding="utf-8").startswith("id,pivot,nom,")
    out, _ = run("--format", "geojson", "--base-url", "https://lozere.example")
    assert json.loads(out)["features"][0]["properties"]["url"].startswith(
        "https://lozere.example/lieux/"
    )


def test_the_command_refuses_a_bad_filter(places):
    with pytest.raises(CommandError, match="function"):
        run("--filter", "function=teleportation")
    with pytest.raises(CommandError, match="NAME=VALUE"):
        run("--filter", "function")
