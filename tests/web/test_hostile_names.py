"""A name typed with markup in it stays text on every page that embeds data
(HTML and the JSON in <script> elements alike): it can neither close a script
element nor add an element to the page."""

from __future__ import annotations

import json
import re

import pytest

from maillage.booking.models import Resource

REDIRECT = "Atelier</script><meta http-equiv=refresh content=0;url=http://127.0.0.1:9/>"
IMG = "<img src=x onerror=alert(1)>"


def scripts(html: str) -> list[str]:
    return re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)


@pytest.mark.parametrize("name", [REDIRECT, "Fablab " + IMG])
def test_a_hostile_place_name_stays_text_on_every_page_embedding_it(client, demo, name):
    place = demo.places["fablab"] if "fablab" in demo.places else next(iter(demo.places.values()))
    place.name = name
    place.save()
    Resource.objects.create(place=place, name=name, kind="visio-room", capacity=4)
    commune = place.commune.code
    pages = [
        place.get_absolute_url(),
        f"/communes/{commune}/",
        "/",
        f"/?q={place.slug[:6]}",
        "/reserver/",
        "/maillage/",
        "/agenda/",
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "<meta http-equiv=refresh" not in html, url
        assert "<img src=x" not in html, url
        for body in scripts(html):
            assert "</script" not in body.lower() and "<img" not in body, url
    # the map data says the name, as data
    data = re.search(
        r'<script id="map-data" type="application/json">(.*?)</script>',
        client.get(place.get_absolute_url()).content.decode(),
        re.S,
    )
    assert data and name in json.dumps(json.loads(data.group(1)), ensure_ascii=False)
