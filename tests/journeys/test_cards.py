"""What a journey's step shows a person who wants to go there (on the demo: Lozère's
real France Services): today's hours and those of the day they are free, the
address and the phone; a mobile unit's next passage; the page in one voice,
without developer links."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from web.htmlscan import Page

from maillage.core import clock
from maillage.journeys import cards, services
from maillage.journeys.engine import Query
from maillage.places import hours
from maillage.territory.models import Commune

URL = "/trouver-mon-lieu/"
SAINT_ALBAN = "48132"


def saint_alban_query(free_at, mobility="no-car"):
    commune = Commune.objects.get(code=SAINT_ALBAN)
    return Query(
        ("learn-digital-tools",),
        (commune.centroid_lat, commune.centroid_lon),
        mobility,
        free_at,
        None,
        commune.name,
        commune.code,
    )


def test_the_france_services_card_gives_todays_and_the_free_days_hours_address_and_phone(demo):
    today = clock.today()  # Wednesday 25 November 2026 (the frozen clock)
    tuesday = today + dt.timedelta(days=(1 - today.weekday()) % 7)
    free_at = dt.datetime.combine(tuesday, dt.time(14, 30), hours.PARIS)
    journey = services.orientation(saint_alban_query(free_at))
    first = journey.first("learn-digital-tools")
    assert first.name == "France services de Saint-Alban sur Limagnole"
    assert first.in_home_commune and "Dans votre commune." in first.reason
    card = next(c for c in cards.journey_cards(journey, today) if c.step is first)
    # the real hours of the open data: Wednesday 9:00-12:00; Tuesday also 14:00-16:45
    assert [(line.label, line.hours) for line in card.days] == [
        ("Aujourd'hui (mercredi 25 novembre)", "9\u00a0h – 12\u00a0h"),
        (
            "Mardi 1er décembre, quand vous êtes libre",
            "9\u00a0h – 12\u00a0h\u00a015, 14\u00a0h – 16\u00a0h\u00a045",
        ),
    ]
    assert card.address == "24 Grand Rue, agence postale communale, 48120 Saint-Alban-sur-Limagnole"
    assert card.phone == "04 66 31 78 79" and card.phone_href == "tel:0466317879"


def test_when_the_free_day_is_today_the_card_says_it_once(demo):
    free_at = clock.local_now().replace(hour=10, minute=0)
    journey = services.orientation(saint_alban_query(free_at))
    card = next(c for c in cards.journey_cards(journey) if c.step.kind == "first")
    assert [line.label for line in card.days] == [
        "Aujourd'hui (mercredi 25 novembre), quand vous êtes libre"
    ]


def test_a_closed_day_says_closed(demo):
    today = clock.today()
    monday = today + dt.timedelta(days=(0 - today.weekday()) % 7)
    free_at = dt.datetime.combine(monday, dt.time(10), hours.PARIS)
    journey = services.orientation(saint_alban_query(free_at))
    card = next(c for c in cards.journey_cards(journey, today) if c.step.kind == "first")
    assert card.days[1].hours == "fermé" and not card.days[1].is_open


def wizard(client, commune=SAINT_ALBAN, mobility="no-car", day=None):
    day = day or clock.today().isoformat()
    return client.get(
        URL,
        {
            "needs": ["learn-digital-tools"],
            "commune": commune,
            "mobility": mobility,
            "day": day,
            "moment": "morning",
            "step": 4,
        },
    )


def text_of(response, tag: str = "main") -> str:
    """The text of the page's first ``tag`` element (spaces, non-breaking ones too, as one)."""
    assert response.status_code == 200
    html = response.content.decode()
    return Page(re.search(rf"<{tag}\b.*?</{tag}>", html, re.S).group(0)).text


def main_text(response) -> str:
    return text_of(response)


def test_the_journey_page_shows_hours_address_and_a_phone_link(client, demo):
    response = wizard(client)
    html = response.content.decode()
    assert 'href="tel:0466317879"' in html
    text = main_text(response)
    assert "24 Grand Rue, agence postale communale, 48120 Saint-Alban-sur-Limagnole" in text
    assert "Aujourd'hui (mercredi 25 novembre), quand vous êtes libre 9 h – 12 h" in text
    assert "Dans votre commune." in text


#: the person speaking (« je », « me », « mon »...) where the platform speaks to them
FIRST_PERSON = re.compile(r"\b(je|j'|me|m'|moi|mon|ma|mes)\b", re.IGNORECASE)


@pytest.mark.parametrize("mobility", ["car", "no-car", "reduced"])
def test_the_journey_speaks_in_one_voice(client, demo, mobility):
    text = main_text(wizard(client, mobility=mobility))
    assert "Vous habitez Saint-Alban-sur-Limagnole" in text
    assert FIRST_PERSON.findall(text.replace("\u2019", "'")) == []
    for step in (1, 3, 4):
        params = {"needs": ["learn-digital-tools"], "commune": SAINT_ALBAN, "mobility": mobility}
        question = client.get(URL, {**params, "step": step} if step > 1 else {})
        form = text_of(question, "form")
        assert FIRST_PERSON.findall(form.replace("\u2019", "'")) == []


def test_the_api_link_is_for_staff_only(client, demo, django_user_model):
    assert "/api/orientation/" not in wizard(client).content.decode()
    assert "JSON" not in main_text(wizard(client))
    staff = django_user_model.objects.create_user("equipe", "equipe@example.org", "x" * 20)
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    assert "/api/orientation/?needs=learn-digital-tools" in wizard(client).content.decode()
