"""A person says what they need in their own words: « imprimer », « la CAF », « carte grise »
are read through the search vocabulary (maillage.places.vocabulary) and orient to the
places offering the functions those words name."""

from __future__ import annotations

import re

import pytest

from maillage.journeys.engine import Offer, PlaceData, Query, orient
from maillage.journeys.needs import NEEDS_BY_SLUG, needs_for
from maillage.places.models import Place
from maillage.places.taxonomy import VOCABULARY

from .test_engine import HOME, TUESDAY_AFTERNOON, at_km

URL = "/trouver-mon-lieu/"


@pytest.mark.parametrize(
    ("words", "needs"),
    [
        ("imprimer", ("internet-access",)),
        ("Imprimantes", ("internet-access",)),
        ("J'ai besoin d'imprimer un document", ("internet-access",)),
        ("le wifi", ("internet-access",)),
        ("la CAF", ("admin-help",)),
        ("mes impôts", ("admin-help",)),
        ("ma carte grise", ("admin-help",)),
        ("Où imprimer mes papiers ?", ("admin-help", "internet-access")),
        ("médiation numérique", ("learn-digital-tools",)),  # not admin-help, wider
        ("une visio", ("visio-room",)),
        ("une salle de réunion", ("meeting-room",)),  # its label says « réunion »
        ("créer mon entreprise", ("start-business",)),
        ("quelque chose", ()),
        ("", ()),
    ],
)
def test_words_name_the_needs_their_functions_answer(words, needs):
    assert needs_for(words) == needs


def test_every_word_of_the_vocabulary_leads_to_a_need_offering_its_function():
    for function, phrases in VOCABULARY.items():
        for phrase in phrases:
            found = needs_for(phrase)
            assert any(function in NEEDS_BY_SLUG[n].functions for n in found), phrase


def test_printer_words_orient_to_digital_access_places_only():
    def place(pid, name, functions, km):
        lat, lon = at_km(km)
        offers = tuple(Offer(f) for f in functions)
        return PlaceData(pid, name, "tiers-lieu", lat, lon, "Mo-Sa 09:00-18:00", offers)

    places = [
        place(1, "La Fabrique", ["fablab", "welcome"], 0.3),  # « imprimante 3D »: not this
        place(2, "France services", ["public-service-orientation"], 0.5),
        place(3, "Le Relais", ["digital-access", "welcome"], 2.0),
        place(4, "Le Café", ["digital-access"], 6.0),
    ]
    query = Query(needs_for("imprimer une attestation"), HOME, "car", TUESDAY_AFTERNOON)
    journey = orient(query, places)
    assert [(s.kind, s.name) for s in journey.steps] == [
        ("first", "Le Relais"),
        ("next", "Le Café"),
    ]
    assert journey.steps[0].needs == ["internet-access"]


def test_the_wizard_takes_words_and_shows_the_journey(client, demo):
    page = client.get(URL).content.decode()
    assert 'name="words"' in page and "Ou dites-le avec vos mots" in page
    words = "imprimer un document"
    page = client.get(URL, {"words": words, "step": 1}).content.decode()
    assert "Question 2 sur 4" in page
    assert 'name="needs" value="internet-access"' in page  # the words' need, carried on
    assert f'name="words" value="{words}"' in page
    params = {"words": words, "commune": "48095", "mobility": "car"}
    page = client.get(URL, {**params, "step": 3}).content.decode()
    assert "Question 4 sur 4" in page
    response = client.get(URL, {**params, "day": _saturday(page), "moment": "morning"})
    html = response.content.decode()
    assert "Votre parcours" in html
    assert "Un ordinateur, une imprimante ou une connexion internet" in html
    assert "(d'après vos mots : « imprimer un document »)" in html
    steps = response.context["journey"].steps
    firsts = [s for s in steps if s.kind in ("first", "next")]
    assert firsts
    for step in firsts:
        place = Place.objects.get(pk=step.place_id)
        offered = set(place.place_functions.values_list("function__slug", flat=True))
        assert "digital-access" in offered, step.name


def test_words_nobody_recognises_are_asked_again_kindly(client, demo):
    page = client.get(URL, {"words": "quelque chose", "step": 1}).content.decode()
    assert "Question 1 sur 4" in page
    assert "Nous n&#x27;avons pas reconnu de besoin dans « quelque chose »" in page
    assert 'value="quelque chose"' in page and 'aria-invalid="true"' in page
    # ticked needs are enough; the words only add to them
    page = client.get(URL, {"needs": ["culture"], "words": "zzz", "step": 1}).content.decode()
    assert "Question 2 sur 4" in page


def test_the_api_takes_words_too(client, demo):
    response = client.get("/api/orientation/", {"words": "la CAF", "commune": "48095"})
    assert response.status_code == 200
    assert response.json()["needs"] == ["admin-help"]
    response = client.get("/api/orientation/", {"words": "quelque chose", "commune": "48095"})
    assert response.status_code == 400 and response.json()["parameter"] == "words"


def _saturday(page: str) -> str:
    """The value of the wizard's « Samedi » choice on the page."""
    return re.search(r'value="([0-9-]+)"[^>]*> <span>(?:[^<]*\()?Samedi', page).group(1)
