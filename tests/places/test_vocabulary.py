"""Words people use find places through the functions they name (maillage.places.vocabulary)."""

from __future__ import annotations

import pytest

from maillage.core import french
from maillage.places import search
from maillage.places.models import Function, Place, PlaceFunction
from maillage.places.search import parse_filter, search_places
from maillage.places.taxonomy import FAMILIES, VOCABULARY
from maillage.places.vocabulary import functions_for, parse_query, phrases
from maillage.territory.models import Commune


def make_place(name, functions=(), **fields):
    place = Place.objects.create(
        name=name,
        slug=name.lower().replace(" ", "-").replace("'", "-"),
        type=fields.pop("type", "tiers-lieu"),
        latitude=44.5,
        longitude=3.5,
        **fields,
    )
    for slug in functions:
        PlaceFunction.objects.create(place=place, function=Function.objects.get(slug=slug))
    return place


@pytest.fixture
def places(db):
    mende = Commune.objects.create(
        code="48095", name="Mende", departement="48", postal_codes=["48000"]
    )
    return {
        "cyber": make_place("Le Relais", ["digital-access"], commune=mende, postal_code="48000"),
        "fs": make_place(
            "Maison de Florac",
            ["public-service-orientation", "digital-mediation"],
            type="france-services",
        ),
        "cowork": make_place("La Grange", ["workspaces", "meeting-rooms"], type="coworking"),
        "fablab": make_place("Le Garage", ["fablab"], summary="Découpe et bricolage."),
        "cafe": make_place("Café de la Place", [], type="cafe", summary="Wi-Fi gratuit."),
    }


def names(**params):
    return {h.place.name for h in search_places(parse_filter(params))}


def sql_names(**params):
    return {h.place.name for h in search_places(parse_filter(params), Place.objects.published())}


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("imprimante", {"Le Relais"}),
        ("Imprimantes", {"Le Relais"}),  # case and plural
        ("IMPRIMANTE 3D", {"Le Garage"}),  # the longer phrase wins: the fablab's
        ("scanner", {"Le Relais"}),
        ("photocopies", {"Le Relais"}),
        ("wifi", {"Le Relais"}),
        ("wi-fi", {"Le Relais", "Café de la Place"}),  # the function, and the café's own words
        ("visio", {"La Grange"}),
        ("visioconférence", {"La Grange"}),
        ("CAF", {"Maison de Florac"}),  # not the « Café »: vocabulary words are whole words
        ("impots", {"Maison de Florac"}),
        ("Impôts", {"Maison de Florac"}),
        ("retraite", {"Maison de Florac"}),
        ("carte grise", {"Maison de Florac"}),
        ("Cartes grises", {"Maison de Florac"}),
        ("la carte grise à Florac", {"Maison de Florac"}),  # every term must match
        ("carte grise Mende", set()),
        ("accès numérique", {"Le Relais"}),  # a function's own label
        ("acces numerique", {"Le Relais"}),
        ("caf", {"Maison de Florac"}),
        ("café", {"Café de la Place"}),  # a typed word is the start of a word of the text
        ("flor", {"Maison de Florac"}),
        ("48000", {"Le Relais"}),  # its postal code
        ("mend", {"Le Relais"}),
        ("zzz", set()),
    ],
)
def test_words_people_use_find_places_by_read_model_and_sql_alike(places, q, expected):
    assert names(q=q) == expected
    assert sql_names(q=q) == expected


def test_text_query_combines_with_other_filters(places):
    assert names(q="imprimante", type="cafe") == set()
    assert names(q="visio", function="meeting-rooms") == {"La Grange"}


def test_a_hit_says_why_it_matched_through_a_synonym(places):
    result = search_places(parse_filter({"q": "imprimante"}))
    (hit,) = list(result)
    assert hit.matched_by == ("imprimante → Accès numérique",)
    (hit,) = list(search_places(parse_filter({"q": "Le Relais"})))
    assert hit.matched_by == ()
    # The café matched « wi-fi » by its own words: no synonym to explain.
    found = {h.place.name: h.matched_by for h in search_places(parse_filter({"q": "wi-fi"}))}
    assert found == {"Le Relais": ("wi-fi → Accès numérique",), "Café de la Place": ()}


def test_the_api_says_why_too(client, places):
    body = client.get("/api/places/", {"q": "Cartes grises"}).json()
    (item,) = body["results"]
    assert item["name"] == "Maison de Florac"
    assert item["matched_by"] == [
        "Cartes grises → Orientation vers les services publics",
    ]
    assert client.get("/api/places/").json()["results"][0]["matched_by"] == []


def test_the_directory_card_shows_why(client, places):
    html = client.get("/", {"q": "imprimante"}).content.decode()
    assert "Le Relais" in html and "Maison de Florac" not in html
    assert "imprimante → Accès numérique" in html


def test_a_change_to_a_place_is_searchable_at_once(places):
    assert names(q="imprimante") == {"Le Relais"}
    PlaceFunction.objects.create(
        place=places["cafe"], function=Function.objects.get(slug="digital-access")
    )
    places["fablab"].summary = "Une imprimante et des outils."
    places["fablab"].save()
    assert names(q="imprimante") == {"Le Relais", "Café de la Place", "Le Garage"}


def test_the_vocabulary_is_one_table_keyed_by_real_functions():
    slugs = {f[0] for fam in FAMILIES for f in fam[3]}
    assert set(VOCABULARY) <= slugs
    known = phrases()
    for word in ("imprimante", "scanner", "wifi", "visio", "photocopie", "caf", "impot"):
        assert (french.singular(french.fold(word)),) in known, word
    assert ("carte", "grise") in known
    assert functions_for("Où imprimer mes papiers ?") == {
        "digital-access",
        "public-service-orientation",
    }
    assert functions_for("quelque chose") == frozenset()


def test_little_words_alone_still_search_and_are_dropped_beside_others():
    assert [t.needle for t in parse_query("la").terms] == [" la"]
    assert [t.needle for t in parse_query("la poste").terms] == [" poste"]


def test_text_search_over_the_read_model_stays_in_memory(places, django_assert_max_num_queries):
    search_places(parse_filter({"q": "imprimante"}))  # the model is built
    with django_assert_max_num_queries(1):  # the freshness check only
        ids, _d = search.model_find(search.network.current(), parse_filter({"q": "carte grise"}))
    assert len(ids) == 1


def test_saying_why_costs_no_query_per_place(places, django_assert_max_num_queries):
    for n in range(30):
        make_place(f"Relais {n}", ["digital-access"])
    result = search_places(parse_filter({"q": "imprimante"}))
    with django_assert_max_num_queries(1):
        reasons = [result.matched_by(pk) for pk in result.ids]
    assert len(reasons) == 31 and all(r == ("imprimante → Accès numérique",) for r in reasons)
