"""Events under hostile or clumsy input: titles that try to become markup,
dates out of the platform's bounds, bodies too deep to read."""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection
from django.test import Client

from maillage.events import services
from maillage.events.models import Event, Occurrence

from .conftest import PASSWORD, paris

pytestmark = pytest.mark.django_db

REDIRECT = "Atelier</script><meta http-equiv=refresh content=0;url=http://127.0.0.1:9/>"
IMG = "<img src=x onerror=alert(1)>"


def hostile_event(atelier, title):
    start = paris(2026, 12, 9, 14, 0)
    return services.create_event(
        place=atelier,
        title=title,
        description=IMG,
        start=start,
        end=start.replace(hour=16),
        registration_required=True,
        capacity=5,
    )


def json_ld(html: str) -> dict:
    found = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(found) == 1
    return json.loads(found[0])


@pytest.mark.parametrize("title", [REDIRECT, IMG])
def test_a_hostile_title_stays_text_on_the_event_and_date_pages(client, atelier, title):
    event = hostile_event(atelier, title)
    occurrence = event.occurrences.get()
    for url in (event.get_absolute_url(), f"/agenda/evenements/{event.slug}/{occurrence.pk}/"):
        html = client.get(url).content.decode()
        assert "<meta http-equiv=refresh" not in html and "<img src=x" not in html
        assert json_ld(html)["name"] == title  # the JSON-LD says the title, as data
    for url in ("/agenda/", f"/agenda/lieux/{atelier.slug}/", "/agenda/rss/"):
        body = client.get(url).content.decode()
        assert "<meta http-equiv=refresh" not in body and "<img src=x" not in body


@pytest.mark.parametrize("moment", ["0001-01-01T00:00", "9999-12-31T23:00"])
def test_a_host_cannot_create_an_event_out_of_bounds(client, atelier, host, moment):
    client.login(username="murielle", password=PASSWORD)
    page = client.post(
        f"/agenda/lieux/{atelier.slug}/nouveau/",
        {"title": "Atelier", "start": moment, "end": "2026-12-03T20:00", "audiences": ["all"]},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "entre 1970 et 2200" in html and moment in html  # re-shown as typed
    assert not Event.objects.exists()


@pytest.mark.parametrize("year", ["9999", "0001"])
def test_the_events_api_refuses_dates_out_of_bounds(client, year):
    response = client.get("/api/events/", {"from": f"{year}-01-01"})
    assert response.status_code == 400
    assert response.json()["parameter"] == "from"
    assert "1970" in response.json()["message"]


def test_a_registration_body_nested_too_deep_is_a_400(workshop):
    occurrence = workshop.occurrences.get()
    response = Client().post(
        f"/api/events/occurrences/{occurrence.pk}/registrations/",
        "[" * 100_000 + "]" * 100_000,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json() == {
        "error": "bad_request",
        "parameter": "body",
        "message": "Le JSON est imbriqué trop profondément.",
    }


def _store_raw(occurrence: Occurrence, start: str, end: str | None = None) -> None:
    """What the bug let through: a date written to the database without the forms."""
    with connection.cursor() as cursor:
        for table in (Occurrence._meta.db_table, Event._meta.db_table):
            pk = occurrence.pk if table == Occurrence._meta.db_table else occurrence.event_id
            if end:
                sql = f'UPDATE {table} SET start = %s, "end" = %s WHERE id = %s'  # noqa: S608
                cursor.execute(sql, [start, end, pk])
            else:
                cursor.execute(f"UPDATE {table} SET start = %s WHERE id = %s", [start, pk])  # noqa: S608


FEEDS_AND_PAGES = ["/events.ics", "/agenda/events.ics", "/agenda/", "/agenda/rss/", "/api/events/"]


@pytest.mark.postgres
def test_an_event_stored_in_year_1_bc_does_not_take_down_the_feeds(client, atelier, workshop, host):
    """PostgreSQL stores 0001-01-01T00:00 Paris (LMT +00:09:21) as year 1 BC."""
    _store_raw(workshop.occurrences.get(), "0001-01-01 00:00:00+00:09:21")
    other = hostile_event(atelier, "Atelier du jeudi")
    client.force_login(host)
    manage = f"/agenda/lieux/{atelier.slug}/gerer/"
    for url in [*FEEDS_AND_PAGES, f"/agenda/lieux/{atelier.slug}.ics", manage]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert other.title in response.content.decode(), url


def test_an_event_stored_far_in_the_future_does_not_take_down_the_feeds(client, atelier, workshop):
    _store_raw(workshop.occurrences.get(), "9999-12-31 20:00:00+00:00", "9999-12-31 22:00:00+00:00")
    other = hostile_event(atelier, "Atelier du jeudi")
    for url in [*FEEDS_AND_PAGES, f"/agenda/lieux/{atelier.slug}.ics"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert other.title in response.content.decode(), url
