"""« Trouver mon lieu »: four questions, one per screen, then the journey."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

URL = "/trouver-mon-lieu/"


def next_weekday(weekday: int) -> str:
    today = timezone.localdate()
    return (today + dt.timedelta(days=(weekday - today.weekday()) % 7)).isoformat()


def test_first_screen_asks_for_needs_and_the_nav_links_to_it(client, demo):
    page = client.get(URL).content.decode()
    assert "Question 1 sur 4" in page and "De quoi avez-vous besoin" in page
    assert 'value="learn-digital-tools"' in page
    assert 'href="/trouver-mon-lieu/"' in client.get("/").content.decode()


def test_each_question_in_turn_then_the_journey(client, demo):
    needs = ["learn-digital-tools", "get-involved"]
    page = client.get(URL, {"needs": needs, "step": 1}).content.decode()
    assert "Question 2 sur 4" in page and 'value="learn-digital-tools"' in page
    page = client.get(URL, {"needs": needs, "lieu": "Saint-Chély", "step": 2}).content.decode()
    assert "Plusieurs communes correspondent" in page and 'value="48140"' in page
    page = client.get(URL, {"needs": needs, "commune": "48140", "step": 2}).content.decode()
    assert "Question 3 sur 4" in page
    params = {"needs": needs, "commune": "48140", "mobility": "reduced", "age_group": "senior"}
    page = client.get(URL, {**params, "step": 3}).content.decode()
    assert "Question 4 sur 4" in page
    tuesday = next_weekday(1)
    page = client.get(URL, {**params, "day": tuesday, "moment": "afternoon", "step": 4})
    html = page.content.decode()
    assert "Votre parcours" in html
    # without a car, the mobile unit passing within the week comes first
    assert html.index("Le tiers-truck") < html.index("Télécentre de Saint-Chély")
    assert "Ouvert quand vous êtes libre" in html


def test_a_name_or_a_postal_code_finds_the_commune(client, demo):
    page = client.get(URL, {"needs": ["admin-help"], "lieu": "mende", "step": 2})
    assert "Question 3 sur 4" in page.content.decode()
    page = client.get(URL, {"needs": ["admin-help"], "lieu": "48000", "step": 2}).content.decode()
    assert "Plusieurs communes correspondent" in page and 'value="48095"' in page


def test_missing_answers_are_asked_again_with_a_message(client, demo):
    page = client.get(URL, {"step": 1}).content.decode()
    assert "Choisissez au moins une chose" in page and "Question 1 sur 4" in page
    page = client.get(URL, {"needs": ["admin-help"], "lieu": "Zzzz", "step": 2}).content.decode()
    assert "Nous ne trouvons pas" in page and "Question 2 sur 4" in page
    page = client.get(URL, {"needs": ["nope"], "step": 1}).content.decode()
    assert "Question 1 sur 4" in page
    page = client.get(
        URL, {"needs": ["admin-help"], "commune": "48095", "mobility": "car", "day": "1999-01-01"}
    ).content.decode()
    assert "Question 4 sur 4" in page
