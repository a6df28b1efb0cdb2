"""The map page (/): the list, the filters (without JavaScript and through htmx),
the commune search and the messages for values the search does not understand."""

from __future__ import annotations

import pytest

from .htmlscan import page_of

pytestmark = pytest.mark.django_db


def card_titles(page) -> list[str]:
    """The names of the places listed, in order."""
    titles = []
    for tag, attrs in page.tags:
        if tag == "a" and attrs.get("href", "").startswith("/lieux/"):
            titles.append(attrs["href"])
    return list(dict.fromkeys(titles))


def listed(client, query: str = "") -> list[str]:
    page = page_of(client.get("/" + query))
    return [href.split("/")[2] for href in card_titles(page)]


def test_the_list_shows_published_places_only(client, demo):
    slugs = listed(client)
    assert set(slugs) == {
        "coworking-marvejols",
        "fablab-florac",
        "france-services-mende",
        "france-services-villefort",
        "l-atelier-mende",
        "tiers-truck",
    }
    assert "ancien-telecentre" not in slugs


def test_the_list_says_how_many_places_and_shows_their_pictograms(client, demo):
    page = page_of(client.get("/"))
    assert "6 lieux" in page.text
    assert "Médiation numérique" in page.text  # a function's name beside its pictogram
    assert "Exemple" in page.text  # invented places say so


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?function=fablab", {"fablab-florac"}),
        (
            "?function=digital-mediation&function=fablab",
            {"fablab-florac", "france-services-mende", "france-services-villefort", "tiers-truck"},
        ),
        (
            "?family=infrastructure",
            {"coworking-marvejols", "france-services-villefort", "l-atelier-mende"},
        ),
        ("?type=france-services", {"france-services-mende", "france-services-villefort"}),
        ("?free=1", {"france-services-mende", "france-services-villefort", "l-atelier-mende"}),
        ("?accessible=1", {"france-services-mende", "france-services-villefort"}),
        ("?mobile=1", {"tiers-truck"}),
        ("?q=atelier", {"l-atelier-mende"}),
        ("?ou=Mende&dans_commune=1", {"france-services-mende", "l-atelier-mende"}),
        # Sunday 29 November 2026 at 10:00: only the place open round the clock
        ("?quand=le&open_at=2026-11-29T10:00", {"france-services-mende"}),
    ],
)
def test_filters_narrow_the_list_without_javascript(client, demo, query, expected):
    assert set(listed(client, query)) == expected


def test_open_now_keeps_a_place_open_round_the_clock(client, demo):
    slugs = listed(client, "?quand=maintenant")
    assert "france-services-mende" in slugs
    assert "ancien-telecentre" not in slugs


def test_a_date_given_without_choosing_open_at_is_ignored(client, demo):
    """The date field is always sent by a plain form: only "Ouvert le…" uses it."""
    assert len(listed(client, "?quand=&open_at=2026-11-29T10:00")) == 6


def test_open_at_chosen_before_a_date_keeps_the_results_and_shows_no_error(client, demo):
    """Choosing « Ouvert le… » sends the form at once (htmx): no date yet is no error."""
    for query in ("?quand=le", "?quand=le&open_at=", "?quand=le&open_at=%20"):
        page = page_of(client.get("/" + query))
        assert not page.find_all("div", id="search-errors"), query
        assert len(card_titles(page)) == 6, query
        assert "aria-invalid" not in page.find_all("input", name="open_at")[0], query
    response = client.get("/?quand=le", headers={"HX-Request": "true"})
    assert "search-errors" not in response.content.decode()
    assert len(card_titles(page_of(response))) == 6


def test_the_date_field_is_bounded_by_the_platform_years(client, demo):
    field = page_of(client.get("/?quand=le")).find_all("input", name="open_at")[0]
    assert (field["min"], field["max"]) == ("1970-01-01T00:00", "2200-12-31T23:59")


def test_a_commune_name_sorts_places_by_distance_from_it(client, demo):
    page = page_of(client.get("/?ou=Villefort"))
    slugs = [href.split("/")[2] for href in card_titles(page)]
    assert set(slugs[:2]) == {"france-services-villefort", "tiers-truck"}
    assert slugs[-1] == "coworking-marvejols"
    assert "lieux autour de Villefort" in page.text
    assert page.find_all("a", href="/communes/48198/")  # "what is near Villefort"
    assert page.json("map-data")["commune"]["url"] == "/communes/48198/"
    assert " km" in page.text


@pytest.mark.parametrize("typed", ["48400", "florac trois rivieres", "Florac Trois Rivières"])
def test_a_postal_code_or_a_name_typed_loosely_finds_the_commune(client, demo, typed):
    page = page_of(client.get("/", {"ou": typed}))
    assert "lieux autour de Florac Trois Rivières" in page.text
    assert listed(client, "?" + f"ou={typed}".replace(" ", "+"))[0] == "fablab-florac"


def test_an_ambiguous_commune_offers_the_choices(client, demo):
    page = page_of(client.get("/?ou=saint"))
    assert "Plusieurs communes correspondent à « saint »" in page.text
    links = {a["href"] for a in page.find_all("a") if "ou=48" in a.get("href", "")}
    assert links == {"?ou=48140", "?ou=48132"}


def test_an_unknown_commune_says_so(client, demo):
    page = page_of(client.get("/?ou=Brest"))
    assert "Aucune commune ne correspond à « Brest »" in page.text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?function=teleportation", "Cette fonction n'existe pas"),
        ("?family=inconnue", "Cette famille de fonctions n'existe pas"),
        ("?type=chateau", "Ce type de lieu n'existe pas"),
        ("?near=ici", "Le point choisi n'est pas compris"),
        ("?near=44.5,3.5&radius_km=-3", "La distance choisie n'est pas comprise"),
        ("?quand=le&open_at=demain", "La date et l'heure ne sont pas comprises"),
        (
            "?quand=le&open_at=2301-01-01T10:00",
            "Choisissez une date entre 1er janvier 1970 et 31 décembre 2200.",
        ),
        ("?quand=le&open_at=12026-01-01T10:00", "Choisissez une date entre 1er janvier 1970"),
        ("?free=peut-etre", "La case « Gratuit » n'a pas une valeur comprise"),
        ("?q=" + "x" * 300, "Le texte cherché est trop long"),
    ],
)
def test_a_bad_filter_value_shows_a_message_not_an_error(client, demo, query, message):
    response = client.get("/" + query)
    assert response.status_code == 200
    page = page_of(response)
    assert page.find_all("div", id="search-errors")
    assert message in page.text
    assert card_titles(page) == [] or "Recommencer une recherche" in page.text


def test_the_form_shows_back_what_was_typed(client, demo):
    page = page_of(
        client.get(
            "/",
            {
                "ou": "Mendee",
                "q": "café <b>",
                "quand": "le",
                "open_at": "2026-12-01T09:30",
                "free": "1",
                "function": "fablab",
                "radius_km": "20",
            },
        )
    )
    assert page.find_all("input", name="ou")[0]["value"] == "Mendee"
    assert page.find_all("input", name="q")[0]["value"] == "café <b>"  # escaped, shown as typed
    assert page.find_all("input", name="open_at")[0]["value"] == "2026-12-01T09:30"
    assert "checked" in page.find_all("input", name="free")[0]
    assert "checked" in page.find_all("input", name="quand", value="le")[0]
    assert "selected" in page.find_all("option", value="fablab")[0]
    assert "selected" in page.find_all("option", value="20")[0]
    assert page.find_all("input", name="ou")[0]["aria-invalid"] == "true"


def test_htmx_gets_the_list_and_the_markers_only(client, demo):
    response = client.get("/?function=fablab", headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    page = page_of(response)
    assert [m["name"] for m in page.json("map-data")["places"]] == ["Fablab de Florac"]
    assert "HX-Request" in response["Vary"]


def test_the_markers_carry_the_pictogram_of_the_function_searched(client, demo):
    page = page_of(client.get("/"))
    data = page.json("map-data")
    assert len(data["places"]) == 5  # the mobile unit has no place of its own...
    assert {m["where"] for m in data["stops"]} == {"Villefort, Place du marché", "Langogne"}
    symbols = {a["id"] for a in page.find_all("symbol")}
    assert {f"picto-{m['icon']}" for m in data["places"] + data["stops"]} <= symbols

    fablab = page_of(client.get("/?function=fablab")).json("map-data")["places"][0]
    assert fablab["icon"] == "drill"  # the fablab's own pictogram, not its first function's
    assert fablab["family"] == "makers"


def test_the_map_reads_the_territory_base_map_served_here(client, demo, settings, tmp_path):
    from maillage.territory.models import Commune
    from maillage.territory.tiles import build_territory_archive

    settings.MAILLAGE_TILE_URL = ""
    settings.MAILLAGE_TERRITORY_TILES_PATH = tmp_path / "territory.pmtiles"
    map_div = page_of(client.get("/")).find_all("div", id="map")[0]
    assert map_div["data-territory-tiles"] == ""  # not built yet: no base map asked for
    build_territory_archive(tmp_path / "territory.pmtiles", Commune.objects.all(), 8, 9)
    page = page_of(client.get("/"))
    map_div = page.find_all("div", id="map")[0]
    assert map_div["data-territory-tiles"] == "/tuiles/territoire.pmtiles"
    assert map_div["data-tile-url"] == ""
    assert "data-boundaries-url" not in map_div  # no 320 kB of GeoJSON any more
    south, west, north, east = map(float, map_div["data-bounds"].split(","))
    assert south < 44.52 < north and west < 3.5 < east  # the territory, to frame the map


def test_a_configured_tile_server_is_handed_to_the_map(client, demo, settings):
    settings.MAILLAGE_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    map_div = page_of(client.get("/")).find_all("div", id="map")[0]
    assert map_div["data-tile-url"] == settings.MAILLAGE_TILE_URL
    assert "openstreetmap.org/copyright" in map_div["data-tile-attribution"]
