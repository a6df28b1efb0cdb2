"""A place's page: identity, functions, hours, stops, closures, charter, history."""

from __future__ import annotations

import pytest

from maillage.places.models import Function, Place

from .htmlscan import page_of

pytestmark = pytest.mark.django_db


def test_the_page_shows_the_place_identity_contact_and_access(client, demo):
    page = page_of(client.get("/lieux/france-services-villefort/"))
    text = page.text
    for expected in (
        "France Services de Villefort",
        "Aide aux démarches administratives et au numérique.",
        "Murielle vous accueille et vous conseille.",
        "Place du Bourg",
        "48800 Villefort",
        "Accessible",
        "Gratuit",
        "France Services, Solozère",  # networks
        "Vérifié le",
    ):
        assert expected in text, expected
    assert page.find_all("a", href="tel:0466000002")
    assert page.find_all("a", href="mailto:villefort@france-services.example")
    assert page.find_all("a", href="/communes/48198/")
    assert page.find_all("h1")  # one main heading
    assert len(page.find_all("h1")) == 1


def test_each_function_has_its_pictogram_and_its_own_hours(client, demo):
    page = page_of(client.get("/lieux/fablab-florac/"))
    offers = page.with_class("offer")
    assert len(offers) == 3
    assert "Médiation numérique" in page.text
    assert "Horaires propres cette semaine : mardi 14 h – 17 h" in page.text


def test_the_hours_are_a_week_table_in_french(client, demo):
    response = client.get("/lieux/france-services-villefort/")
    page = page_of(response)
    assert len(page.find_all("th", scope="row")) == 7  # seven days
    assert "9 h – 12 h et 14 h – 17 h" in page.text
    assert "9\u00a0h" in response.content.decode()  # "9 h" never splits across lines
    assert "aujourd'hui" in page.text
    assert page.with_class("status")


def test_closures_and_current_notices_are_announced(client, demo):
    text = page_of(client.get("/lieux/fablab-florac/")).text
    assert "Fermetures annoncées" in text
    assert "Congés d'hiver" in text
    assert "Atelier réparation de vélos samedi." in text


def test_an_example_place_says_its_details_are_invented(client, demo):
    assert (
        "sont inventés pour la démonstration" in page_of(client.get("/lieux/l-atelier-mende/")).text
    )
    assert (
        "sont inventés pour la démonstration"
        not in page_of(client.get("/lieux/france-services-mende/")).text
    )


def test_a_mobile_unit_shows_its_next_stops(client, demo):
    page = page_of(client.get("/lieux/tiers-truck/"))
    assert "Prochains passages" in page.text
    rows = [
        a for a in page.find_all("a") if a.get("href") in ("/communes/48198/", "/communes/48080/")
    ]
    assert len(rows) >= 4  # two stops a week over two weeks
    assert "Place du marché" in page.text


def test_the_charter_badges_are_grouped(client, demo):
    text = page_of(client.get("/lieux/l-atelier-mende/")).text
    assert "Socle commun" in text and "Spécialisations" in text
    assert "Programmation culturelle" in text


def test_the_history_says_when_who_and_what_changed(client, demo):
    page = page_of(client.get("/lieux/france-services-villefort/"))
    text = page.text
    assert "Historique des modifications" in text
    assert "Murielle" in text and "Fiche modifiée : téléphone" in text
    assert "Fonction ajoutée : Médiation numérique" in text
    assert "Création de la fiche" in text
    assert "hote-test" not in text  # a username is never shown


def test_the_history_of_stops_and_closures_is_kept(client, demo):
    assert "Arrêt ajouté : Villefort" in page_of(client.get("/lieux/tiers-truck/")).text
    assert "Fermeture annoncée" in page_of(client.get("/lieux/fablab-florac/")).text


def test_a_website_that_is_not_http_is_not_a_link(client, demo):
    Place.objects.filter(slug="l-atelier-mende").update(website="javascript:alert(1)")
    html = client.get("/lieux/l-atelier-mende/").content.decode()
    assert "javascript:" not in html


def test_an_archived_or_unknown_place_is_not_found(client, demo):
    assert client.get("/lieux/ancien-telecentre/").status_code == 404
    assert client.get("/lieux/nulle-part/").status_code == 404


def test_an_unknown_pictogram_name_falls_back_instead_of_breaking(client, demo):
    Function.objects.filter(slug="fablab").update(icon="n-existe-pas")
    assert client.get("/lieux/fablab-florac/").status_code == 200
    assert client.get("/?function=fablab").status_code == 200
    assert client.get("/pictogrammes/").status_code == 200


def test_the_participation_slot_is_on_the_page(client, demo):
    page = page_of(client.get("/lieux/france-services-villefort/"))
    assert page.with_class("place-actions")
