"""Widgets in a page of another origin (a second loopback server): shown where the
host allowed it, refused by the browser anywhere else."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from .conftest import DESKTOP, PHONE, watch_errors

pytestmark = pytest.mark.browser
SHOTS = Path("var/screenshots")

WIDGETS = {
    "agenda": ("/agenda/widgets/lieux/l-atelier/", "Atelier tablette"),
    "horaires": ("/widgets/lieux/l-atelier/horaires/", "Lundi"),
    "salles": ("/reserver/widgets/lieux/l-atelier/", "Salle visio"),
    "carte": ("/widgets/lieux/l-atelier/carte/", "Les lieux du réseau"),
}


@pytest.fixture
def place(transactional_db):
    from maillage.booking.models import Resource
    from maillage.events import services
    from maillage.events.recurrence import PARIS
    from maillage.places.models import Place
    from maillage.territory.models import Commune

    mende = Commune.objects.create(
        code="48095", name="Mende", departement="48", postal_codes=["48000"]
    )
    place = Place.objects.create(
        name="L'Atelier",
        slug="l-atelier",
        type="tiers-lieu",
        commune=mende,
        latitude=44.518,
        longitude=3.5,
        opening_hours="Mo-Fr 09:00-12:00,14:00-18:00",
    )
    Resource.objects.create(place=place, name="Salle visio", kind="visio-room", capacity=6)
    start = dt.datetime(2026, 12, 2, 14, tzinfo=PARIS)
    services.create_event(
        place=place, title="Atelier tablette", start=start, end=start + dt.timedelta(hours=2)
    )
    return place


def site(server, base: str) -> str:
    frames = "".join(
        f'<h2>{name}</h2><iframe id="{name}" src="{base}{path}" title="{name}" '
        f'style="width:100%;height:360px;border:1px solid #999"></iframe>'
        for name, (path, _text) in WIDGETS.items()
    )
    html = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Site du tiers-lieu</title></head><body><h1>Le site du lieu</h1>{frames}</body></html>"
    )
    return server.put("/index.html", html, content_type="text/html; charset=utf-8")


def test_widgets_render_on_the_allowed_site_and_nowhere_else(
    live_server, place, serve_feeds, open_page
):
    allowed, other = serve_feeds(), serve_feeds()
    place.embed_origins = f"http://127.0.0.1:{allowed.port}"
    place.save()
    allowed_url, other_url = site(allowed, live_server.url), site(other, live_server.url)

    for viewport, label in ((PHONE, "390"), (DESKTOP, "1280")):
        page = open_page(viewport)
        page.goto(allowed_url)
        for name, (_path, text) in WIDGETS.items():
            frame = page.frame_locator(f"#{name}")
            frame.get_by_text(text).first.wait_for(state="visible")
            assert frame.locator("h1").first.is_visible()
        # The map widget draws its markers (Leaflet, self-hosted).
        page.frame_locator("#carte").locator(".leaflet-marker-icon").first.wait_for()
        # Readable on a phone: the widget's text does not overflow its frame.
        width = (
            page.frame_locator("#agenda")
            .locator("body")
            .evaluate("b => [b.scrollWidth, b.clientWidth]")
        )
        assert width[0] <= width[1] + 1, width
        for name in WIDGETS:  # one shot each: Chromium leaves frames outside the viewport blank
            frame_element = page.locator(f"#{name}")
            frame_element.scroll_into_view_if_needed()
            frame_element.screenshot(path=str(SHOTS / f"widget-{name}-{label}.png"))

    page = open_page(DESKTOP)
    errors = watch_errors(page)
    page.goto(other_url)
    page.wait_for_timeout(1500)
    for name, (_path, text) in WIDGETS.items():
        assert page.frame_locator(f"#{name}").get_by_text(text).count() == 0, name
    widget_frames = [f for f in page.frames if f != page.main_frame]
    assert len(widget_frames) == len(WIDGETS)
    assert not any("L'Atelier" in f.content() for f in widget_frames)
    assert sum("frame-ancestors" in e for e in errors) == len(WIDGETS), errors
    page.screenshot(path=str(SHOTS / "widgets-refused-1280.png"), full_page=True)
