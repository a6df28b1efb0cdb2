"""Widgets for a place's own web site: framable by the origins its host lists, and no other."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.accounts.models import User
from maillage.booking.models import Resource
from maillage.core import embedding
from maillage.events import services as event_services
from maillage.events.recurrence import PARIS
from maillage.places.models import Place
from maillage.territory.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(db):
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
        embed_origins="https://www.latelier-mende.fr\nhttps://mairie-mende.fr:8443",
    )
    Resource.objects.create(place=place, name="Salle visio", kind="visio-room", capacity=6)
    start = dt.datetime(2026, 12, 2, 14, tzinfo=PARIS)
    event_services.create_event(
        place=place, title="Atelier tablette", start=start, end=start + dt.timedelta(hours=2)
    )
    return place


WIDGETS = [
    ("/agenda/widgets/lieux/l-atelier/", "Atelier tablette"),
    ("/widgets/lieux/l-atelier/horaires/", "Lundi"),
    ("/reserver/widgets/lieux/l-atelier/", "Salle visio"),
    ("/widgets/lieux/l-atelier/carte/", "L&#x27;Atelier"),
]


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return next(d for d in policy.split(";") if d.strip().startswith("frame-ancestors")).strip()


@pytest.mark.parametrize("url,text", WIDGETS)
def test_each_widget_is_framable_by_the_listed_origins_only(client, place, url, text):
    response = client.get(url)
    assert response.status_code == 200
    assert text in response.content.decode()
    assert frame_ancestors(response) == (
        "frame-ancestors https://www.latelier-mende.fr https://mairie-mende.fr:8443"
    )
    assert "X-Frame-Options" not in response
    assert "script-src 'self'" in response["Content-Security-Policy"]  # the rest stays


@pytest.mark.parametrize("url,text", WIDGETS)
def test_without_listed_origins_no_one_frames_a_widget(client, place, url, text):
    place.embed_origins = ""
    place.save()
    response = client.get(url)
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_other_pages_still_refuse_framing(client, place):
    response = client.get("/lieux/l-atelier/")
    assert frame_ancestors(response) == "frame-ancestors 'none'"
    assert response["X-Frame-Options"] == "DENY"


def test_origins_are_normalised_and_wildcards_refused():
    assert embedding.parse_origins(
        "https://www.example.org/agenda/  exemple.fr, HTTP://A.fr:80"
    ) == [
        "https://www.example.org",
        "https://exemple.fr",
        "http://a.fr",
    ]
    for bad in ["https://*.example.org", "javascript:alert(1)", "ftp://x.fr", "https://u:p@x.fr"]:
        with pytest.raises(embedding.OriginError):
            embedding.parse_origins(bad)
    with pytest.raises(embedding.OriginError):
        embedding.parse_origins(" ".join(f"https://s{i}.fr" for i in range(21)))


def test_the_host_lists_origins_and_copies_snippets(client, place):
    host = User.objects.create_user(username="murielle", email="m@example.org", password="x" * 20)
    place.hosts.add(host)
    client.force_login(host)
    page = client.get("/lieux/l-atelier/integrer/").content.decode()
    assert "&lt;iframe src=&quot;http://testserver/agenda/widgets/lieux/l-atelier/&quot;" in page
    bad = client.post("/lieux/l-atelier/integrer/", {"origins": "https://*.example.org"})
    assert "sans joker" in bad.content.decode()
    assert "https://*.example.org" in bad.content.decode()  # what was typed, shown again
    client.post("/lieux/l-atelier/integrer/", {"origins": "https://www.example.org/page"})
    place.refresh_from_db()
    assert place.embed_origin_list() == ["https://www.example.org"]
    stranger = User.objects.create_user(username="x", email="x@example.org", password="x" * 20)
    client.force_login(stranger)
    assert client.get("/lieux/l-atelier/integrer/").status_code == 403
