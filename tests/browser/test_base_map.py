"""The base map in a real browser: vector tiles served by the site itself (names of
communes drawn), clusters that count places and split as one zooms in, places at
one address in one popup, on every map of the site; and the home page light
enough for a rural link (bytes measured here, time in bench/rural.py).

Screenshots of the map at three zoom levels go to var/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from .conftest import DESKTOP, PHONE, serious_violations, settle, watch_errors

pytestmark = pytest.mark.browser

SHOTS = Path("var/screenshots")
MENDE = (44.5181, 3.5008)
LABEL_INK = (29, 43, 36)  # the colour of the communes' names (web/basemap.js)

# The pixels of the base map's canvases: how many differ, and how many are the
# names' ink. Read through page.evaluate (the CSP forbids eval, not the driver).
CANVAS_FACTS = """(ink) => {
  const facts = {canvases: 0, colours: 0, ink: 0};
  const seen = new Set();
  document.querySelectorAll('.leaflet-tile-pane canvas, .leaflet-pane canvas').forEach(c => {
    if (!c.width || !c.height) return;
    facts.canvases += 1;
    const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 200) continue;
      seen.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
      if (Math.abs(data[i] - ink[0]) < 12 && Math.abs(data[i + 1] - ink[1]) < 12 && Math.abs(data[i + 2] - ink[2]) < 12) facts.ink += 1;
    }
  });
  facts.colours = seen.size;
  return facts;
}"""

WIDER_THAN_VIEWPORT = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  if (document.documentElement.scrollWidth > width + 1) wide.push('page: ' + document.documentElement.scrollWidth);
  document.querySelectorAll('body *').forEach(el => {
    if (el.closest('.leaflet-container') && !el.classList.contains('leaflet-container')) return;
    const r = el.getBoundingClientRect();
    if (r.width && r.right > width + 1) wide.push(el.tagName + '.' + el.className + ' ' + Math.round(r.right));
  });
  return wide.slice(0, 5);
}"""


@pytest.fixture
def mende_places(lozere):
    """Six more places in Mende: three at one address (the médiathèque), three apart."""
    from web.demo import _place

    from maillage.territory.models import Commune

    mende = Commune.objects.get(code="48095")
    together = [
        ("Médiathèque Jean-Paul II", "mediatheque-mende", "digital-access"),
        ("Point numérique de la médiathèque", "point-numerique-mende", "digital-mediation"),
        (
            "Écrivain public de la médiathèque",
            "ecrivain-public-mende",
            "public-service-orientation",
        ),
    ]
    for name, slug, function in together:
        _place(
            name,
            slug,
            mende,
            (44.5170, 3.4950),
            [function],
            type="tiers-lieu",
            address="Place du Foirail",
            postal_code="48000",
        )
    apart = [
        ("Café associatif du Lot", "cafe-lot-mende", (44.5150, 3.5060)),
        ("Repair café de Mende", "repair-mende", (44.5230, 3.4920)),
        ("Tiers-lieu de la gare", "gare-mende", (44.5120, 3.4880)),
    ]
    for name, slug, point in apart:
        _place(name, slug, mende, point, type="tiers-lieu")
    return lozere


def wait_for_base_map(page, selector="#map"):
    """The map built (after the page's load event) and its tiles drawn."""
    page.wait_for_selector(f"{selector}.leaflet-container")
    page.wait_for_load_state("networkidle")
    expect(page.locator(f"{selector} .leaflet-tile-pane canvas").first).to_be_visible()
    page.wait_for_timeout(400)  # the labels are laid out a few frames after the shapes


def base_map_facts(page, ink: int = 1) -> dict:
    """The canvases' facts, once at least ``ink`` pixels of names are drawn (labels are
    laid out after the shapes, tile by tile) or after 8 s."""
    for _ in range(32):
        facts = page.evaluate(CANVAS_FACTS, list(LABEL_INK))
        if facts["ink"] >= ink:
            break
        page.wait_for_timeout(250)
    return facts


def places_on_map(page, selector="#map") -> int:
    """Places the map shows: clusters count theirs, a marker one or its count."""
    total = 0
    for text in page.locator(f"{selector} .cluster__count").all_text_contents():
        total += int(text)
    for marker in page.locator(f"{selector} .leaflet-marker-icon .marker:not(.marker--near)").all():
        count = marker.locator(".marker__count")
        total += int(count.text_content()) if count.count() else 1
    return total


def shot(page, name: str, selector: str = "#map") -> Path:
    """The map as a person sees it (scrolled into view)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    settle(page)
    page.locator(selector).screenshot(path=str(path))
    return path


def popup_placement(page, selector: str) -> dict:
    """Where the open popup of the map ``selector`` sits: wholly inside the map, and
    whether it runs under the zoom buttons or the attribution."""
    return page.evaluate(
        """(sel) => {
          const box = (q) => document.querySelector(q).getBoundingClientRect();
          const p = box(sel + " .leaflet-popup-content-wrapper"), m = box(sel);
          const apart = (z) => p.right <= z.left || z.right <= p.left || p.bottom <= z.top || z.bottom <= p.top;
          const inside = p.left >= m.left && p.right <= m.right && p.top >= m.top && p.bottom <= m.bottom;
          const controls = [".leaflet-control-zoom", ".leaflet-control-attribution"];
          return {inside: inside, under_buttons: !controls.every((c) => apart(box(sel + " " + c)))};
        }""",
        selector,
    )


def zoom_map_to(page, lat: float, lon: float, zoom: int, selector="#map"):
    """Centre the map on a point at a zoom level (through the map object: a person would
    pinch or press +, which lands on the same views less predictably)."""
    page.evaluate(
        """([sel, lat, lon, zoom]) => document.querySelector(sel).maillageMap.setView([lat, lon], zoom, {animate: false})""",
        [selector, lat, lon, zoom],
    )
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(700)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_home_map_draws_the_communes_and_their_names_from_our_tiles(
    open_page, live_server, mende_places, viewport, axe_source, requests_made
):
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/")
    wait_for_base_map(page)
    facts = base_map_facts(page, ink=200)
    shot(page, f"carte-accueil-{viewport['width']}")
    assert facts["canvases"] >= 1, facts
    assert facts["colours"] > 20  # land, borders, names: not a uniform grey
    assert facts["ink"] >= 200, facts  # the communes' names are written on the map
    assert any("/tuiles/territoire.pmtiles" in url for url in requests_made)
    assert not any("communes.geojson" in url for url in requests_made)  # no 320 kB any more
    # every located place is on the map, in clusters or alone: the demo's five, the
    # mobile unit's two stops and the six added in Mende
    assert places_on_map(page) == 5 + 2 + 6
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    assert errors == []


def test_clusters_count_the_places_of_mende_and_split_when_zooming_in(
    page, live_server, mende_places
):
    page.goto(live_server.url + "/")
    wait_for_base_map(page)
    zoom_map_to(page, *MENDE, 10)
    shot(page, "carte-zoom-10-lozere")
    clusters = [int(t) for t in page.locator("#map .cluster__count").all_text_contents()]
    assert max(clusters) >= 8  # Mende's places in one bubble that says how many
    zoom_map_to(page, *MENDE, 13)
    shot(page, "carte-zoom-13-mende")
    at_13 = places_on_map(page)
    zoom_map_to(page, *MENDE, 16)
    shot(page, "carte-zoom-16-mende-centre")
    markers = page.locator("#map .leaflet-marker-icon .marker")
    clusters_16 = page.locator("#map .cluster__count")
    # closer in, the bubbles have split into the places' own markers
    assert markers.count() >= 4
    assert clusters_16.count() < len(clusters) or clusters_16.count() == 0
    assert at_13 >= 8


def test_a_cluster_opens_when_clicked_and_one_address_lists_its_places(
    page, live_server, mende_places
):
    page.goto(live_server.url + "/")
    wait_for_base_map(page)
    zoom_map_to(page, 44.5170, 3.4950, 16)
    together = page.locator("#map .leaflet-marker-icon", has=page.locator(".marker__count"))
    expect(together).to_have_count(1)
    assert together.locator(".marker__count").text_content() == "3"
    together.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("3 lieux à cette adresse")
    for name in (
        "Médiathèque Jean-Paul II",
        "Point numérique de la médiathèque",
        "Écrivain public de la médiathèque",
    ):
        expect(popup.get_by_role("link", name=name)).to_be_visible()
    shot(page, "carte-popup-une-adresse")
    popup.get_by_role("link", name="Point numérique de la médiathèque").click()
    expect(page.locator("h1")).to_have_text("Point numérique de la médiathèque")


def test_a_cluster_zooms_in_when_clicked(page, live_server, mende_places):
    page.goto(live_server.url + "/")
    wait_for_base_map(page)
    zoom_before = page.evaluate("() => document.querySelector('#map').maillageMap.getZoom()")
    biggest = max(
        page.locator("#map .cluster").all(),
        key=lambda c: int(c.locator(".cluster__count").text_content()),
    )
    biggest.click()
    page.wait_for_timeout(800)
    assert page.evaluate("() => document.querySelector('#map').maillageMap.getZoom()") > zoom_before


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_commune_and_place_maps_use_the_base_map(
    open_page, live_server, mende_places, viewport, axe_source
):
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/communes/48095/")
    wait_for_base_map(page, "[data-map=commune]")
    assert base_map_facts(page, ink=50)["ink"] >= 50  # Mende's name, and its neighbours'
    assert places_on_map(page, "[data-map=commune]") >= 6
    shot(page, f"carte-commune-{viewport['width']}", "[data-map=commune]")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    page.goto(live_server.url + "/lieux/mediatheque-mende/")
    wait_for_base_map(page, "[data-map=place]")
    assert base_map_facts(page)["colours"] > 20
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert errors == []


def test_the_analysis_map_names_the_communes_over_its_colours(
    page, live_server, mende_places, axe_source
):
    errors = watch_errors(page)
    page.goto(live_server.url + "/maillage/")
    page.wait_for_selector("[data-analysis-map].leaflet-container")
    page.wait_for_load_state("networkidle")
    expect(page.locator("[data-analysis-map] .leaflet-overlay-pane path").first).to_be_attached()
    page.wait_for_timeout(500)
    facts = base_map_facts(page, ink=100)
    shot(page, "carte-analyse", "[data-analysis-map]")
    assert facts["ink"] >= 100  # names above the coloured communes
    assert serious_violations(page, axe_source) == []
    assert errors == []


@pytest.fixture
def compressed_server(lozere, settings, tmp_path_factory):
    """The site served as in production: static files collected with whitenoise's
    compressed manifest storage and served by its middleware (the live server's
    static handler would serve them uncompressed)."""
    from django.core.management import call_command
    from django.db import connections
    from django.test.testcases import LiveServerThread

    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static-compressed"))
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    shared = {}
    for conn in connections.all():
        if conn.vendor == "sqlite" and conn.is_in_memory_db():
            conn.inc_thread_sharing()
            shared[conn.alias] = conn
    thread = LiveServerThread("127.0.0.1", lambda app: app, shared, 0)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    if thread.error:
        raise thread.error
    yield f"http://127.0.0.1:{thread.port}"
    thread.terminate()
    for conn in shared.values():
        conn.dec_thread_sharing()


def test_the_home_page_is_light_on_a_rural_link(open_page, compressed_server):
    """Phone, 400 kbit/s each way, 400 ms round trips: at most 150 kB until `load`."""
    page = open_page(PHONE)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send(
        "Network.emulateNetworkConditions",
        {
            "offline": False,
            "latency": 400,
            "downloadThroughput": 400_000 / 8,
            "uploadThroughput": 400_000 / 8,
        },
    )
    sizes: dict[str, int] = {}
    urls: dict[str, str] = {}
    loaded = {"done": False}
    cdp.on(
        "Network.requestWillBeSent", lambda e: urls.setdefault(e["requestId"], e["request"]["url"])
    )
    cdp.on(
        "Network.loadingFinished",
        lambda e: (
            None if loaded["done"] else sizes.__setitem__(e["requestId"], e["encodedDataLength"])
        ),
    )
    page.goto(compressed_server + "/", wait_until="load", timeout=60_000)
    loaded["done"] = True
    total = sum(sizes.values())
    listing = {urls.get(k, k).split("/", 3)[-1]: v for k, v in sizes.items()}
    assert total <= 150_000, listing
    # what matters is there before the map: the form and the first results
    assert page.locator("#f-ou").is_visible()
    assert page.locator("#results .card").count() >= 5
    # the map follows, after `load`
    page.wait_for_selector("#map.leaflet-container", timeout=60_000)
    print(f"\nrural home page: {total} bytes until load ({len(sizes)} requests)")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_booking_results_map_uses_the_base_map(
    open_page, live_server, mende_places, viewport, axe_source
):
    from maillage.booking.models import Resource
    from maillage.places.models import Place

    atelier = Place.objects.get(slug="l-atelier-mende")
    atelier.opening_hours = "Mo-Su 08:00-20:00"
    atelier.save()
    for name, kind in (("Salle visio", "visio-room"), ("Bureau partagé", "desk")):
        Resource.objects.create(place=atelier, name=name, kind=kind, capacity=4)
    page = open_page(viewport)
    errors = watch_errors(page)
    page.goto(live_server.url + "/reserver/")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator("[data-resource]")).to_have_count(2)
    wait_for_base_map(page, "#booking-map")
    assert base_map_facts(page, ink=20)["colours"] > 20  # not a grey rectangle
    # the two rooms of one place: one marker, a popup listing both
    together = page.locator("#booking-map .leaflet-marker-icon", has=page.locator(".marker__count"))
    expect(together).to_have_count(1)
    together.click()
    popup = page.locator(".leaflet-popup-content")
    expect(popup).to_contain_text("2 ressources à cette adresse")
    expect(popup.get_by_role("link", name=re.compile("Salle visio"))).to_be_visible()
    expect(popup.get_by_role("link", name=re.compile("Bureau partagé"))).to_be_visible()
    settle(page)
    # the whole popup inside the map, clear of the zoom buttons
    assert popup_placement(page, "#booking-map") == {"inside": True, "under_buttons": False}
    shot(page, f"carte-reservation-{viewport['width']}", "#booking-map")
    assert page.evaluate(WIDER_THAN_VIEWPORT) == []
    assert serious_violations(page, axe_source) == []
    assert errors == []


def test_a_click_on_the_base_map_names_the_commune_there(page, live_server, mende_places):
    page.goto(live_server.url + "/")
    wait_for_base_map(page)
    zoom_map_to(page, 44.545, 3.47, 12)  # north of Mende's centre, away from the markers
    box = page.locator("#map").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    popup = page.locator(".leaflet-popup-content")
    expect(popup.get_by_role("button", name="Chercher autour de ce point")).to_be_visible()
    link = popup.get_by_role("link", name="Ce qui est près de Mende")
    expect(link).to_have_attribute("href", "/communes/48095/")
