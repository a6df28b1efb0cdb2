"""The commune page ("what is near me"), the pictograms' legend, the charter table."""

from __future__ import annotations

import pytest

from maillage.places.models import Function, FunctionFamily

from .htmlscan import page_of

pytestmark = pytest.mark.django_db


def test_the_commune_page_gives_the_nearest_place_for_each_function(client, demo):
    page = page_of(client.get("/communes/48198/"))
    text = page.text
    assert "Ce qui est près de Villefort" in text  # « du Malzieu-Ville »: tests/core
    assert "48800" in text and "600 habitants" in text
    # one line per function of the taxonomy
    assert len(page.with_class("nearest__item")) == Function.objects.count()
    assert "Fablab Fablab de Florac · Florac Trois Rivières · à 30 km" in text
    assert (
        "Orientation vers les services publics France Services de Villefort · Villefort · sur place"
        in text
    )
    assert (
        "Événements et formations Tiers-truck · unité mobile, à son arrêt le plus proche · sur place"
        in text
    )
    assert "Recyclerie Aucun lieu connu pour l'instant" in text


def test_the_commune_page_lists_its_places_and_the_mobile_stops(client, demo):
    page = page_of(client.get("/communes/48198/"))
    assert page.find_all("a", href="/lieux/france-services-villefort/")
    assert "Les unités mobiles qui passent ici" in page.text
    assert "Place du marché" in page.text
    data = page.json("map-data")
    assert [m["name"] for m in data["places"]] == ["France Services de Villefort"]
    assert [m["where"] for m in data["stops"]] == ["Villefort, Place du marché"]
    # the map outlines the commune from the base map's tiles: no geometry in the page
    assert page.json("map-commune")["code"] == "48198"
    assert "map-boundary" not in page.scripts
    assert page.find_all("a", href="/?ou=48198")


def test_an_unknown_commune_is_not_found(client, demo):
    assert client.get("/communes/99999/").status_code == 404


def test_the_legend_shows_every_function_with_its_description(client, demo):
    page = page_of(client.get("/pictogrammes/"))
    for function in Function.objects.all():
        assert function.name in page.text
        assert function.description in page.text
    assert "Voir les 4 lieux qui le proposent" in page.text  # digital mediation
    assert page.find_all("a", href="/?function=fablab")
    assert "Socle commun" in page.text and "Spécialisations" in page.text


def test_the_charter_table_says_which_place_meets_which_item(client, demo):
    page = page_of(client.get("/charte/"))
    assert "4 lieux ont renseigné la charte" in page.text
    rows = page.find_all("th", scope="row")
    assert len(rows) == 4
    assert "5/8" in page.text  # Villefort: five items of the common base
    assert page.find_all("div", role="region", tabindex="0")  # the wide table scrolls by keyboard


def test_the_families_colours_are_a_stylesheet_of_checked_values(client, demo):
    FunctionFamily.objects.filter(slug="makers").update(
        color="red;}*{"
    )  # fits the 7-character column
    response = client.get("/pictogrammes/couleurs.css")
    assert response["Content-Type"].startswith("text/css")
    css = response.content.decode()
    assert ".fam-social-link { --family-colour: #b5446e; }" in css
    assert "makers" not in css and "*{" not in css


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_platform_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg") and "favicon" in response["Location"]
