"""Agenda pages: filters, event and date pages (JSON-LD under the strict CSP),
the host's participant list with CSV export and check-in."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from maillage.events import services
from maillage.events.models import Registration

from .conftest import PASSWORD, make_user, paris

pytestmark = pytest.mark.django_db

NOW = paris(2026, 11, 25, 10, 0)


@pytest.fixture
def florac_event(truck):
    place, stop = truck
    start = paris(2026, 12, 3, 14, 0)
    return services.create_event(
        place=place,
        stop=stop,
        title="Permanence numérique à Florac",
        start=start,
        end=start + dt.timedelta(hours=3),
        audiences=["seniors"],
        registration_required=True,
        capacity=8,
    )


def titles(response) -> list[str]:
    assert response.status_code == 200
    return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', response.content.decode())


def test_network_agenda_and_its_filters(client, workshop, monthly, florac_event):
    every = titles(client.get("/agenda/"))
    assert "Atelier réparation" in every and "Permanence numérique à Florac" in every
    near_florac = titles(client.get("/agenda/", {"near": "44.3240,3.5930", "radius_km": "10"}))
    assert set(near_florac) == {"Permanence numérique à Florac"}
    html = client.get("/agenda/", {"near": "44.3240,3.5930"}).content.decode()
    assert re.search(r"à 0[.,][12] km", html)
    around = titles(client.get("/agenda/", {"around": "48061", "radius_km": "10"}))
    assert around == ["Permanence numérique à Florac"]
    assert "around" in client.get("/agenda/", {"around": "99999"}).content.decode()
    by_commune = titles(client.get("/agenda/", {"commune": "48095"}))
    assert "Permanence numérique à Florac" not in by_commune and "Atelier réparation" in by_commune
    assert set(titles(client.get("/agenda/", {"audience": "seniors"}))) == {
        "Atelier réparation",
        "Permanence numérique à Florac",
    }
    themed = client.get("/agenda/", {"function": "events-training"})
    assert set(titles(themed)) == {"Atelier réparation"}
    assert 'href="/agenda/events.ics?function=events-training"' in themed.content.decode()
    dated = titles(client.get("/agenda/", {"from": "2026-12-09", "to": "2026-12-09"}))
    assert dated == ["Atelier réparation"]


def test_bad_filter_names_the_parameter(client):
    response = client.get("/agenda/", {"near": "nowhere"})
    assert response.status_code == 200
    assert "near" in response.content.decode()
    response = client.get("/agenda/", {"function": "<script>"})
    assert response.status_code == 200 and "function doit" in response.content.decode()


def test_place_and_commune_agendas_and_the_place_page(client, workshop, florac_event):
    assert titles(client.get("/agenda/lieux/l-atelier/")) == ["Atelier réparation"]
    assert titles(client.get("/agenda/communes/48061/")) == ["Permanence numérique à Florac"]
    page = client.get("/lieux/l-atelier/").content.decode()
    assert "Prochains événements" in page and "Atelier réparation" in page


def test_the_commune_page_shows_the_next_events_there(client, workshop, florac_event):
    florac = client.get("/communes/48061/").content.decode()
    assert "Prochains événements à Florac" in florac
    assert "Permanence numérique à Florac" in florac and "Atelier réparation" not in florac


def test_event_page_publishes_schema_org_jsonld(client, workshop):
    response = client.get(workshop.get_absolute_url())
    html = response.content.decode()
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    data = json.loads(blocks[0])
    assert data["@type"] == "Event" and data["name"] == "Atelier réparation"
    assert data["startDate"] == "2026-12-09T14:00:00+01:00"
    assert data["location"]["address"]["addressLocality"] == "Mende"
    assert data["isAccessibleForFree"] is True
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    # No inline executable script on the page: only the JSON-LD data block.
    assert len(re.findall(r"<script(?![^>]*\bsrc=)", html)) == 1


def test_cancelled_date_page_says_so(client, workshop):
    occ = workshop.occurrences.get()
    services.cancel_occurrence(occ)
    html = client.get(occ.get_absolute_url()).content.decode()
    assert "Cette date est annulée" in html and "M'inscrire" not in html
    data = json.loads(re.search(r'ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["eventStatus"] == "https://schema.org/EventCancelled"


def test_registration_form_errors(client, workshop):
    occ = workshop.occurrences.get()
    response = client.post(f"/agenda/dates/{occ.pk}/inscription/", {"name": "", "email": "x"})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_registration_with_an_account(client, workshop, mailbox):
    occ = workshop.occurrences.get()
    user = make_user("ana")
    client.login(username="ana", password=PASSWORD)
    response = client.post(f"/agenda/dates/{occ.pk}/inscription/", follow=True)
    assert "Vous êtes inscrit·e" in response.content.decode()
    assert Registration.objects.get().user == user
    mailbox.deliver()
    assert "Inscription confirmée" in mailbox.only(to="ana@example.org")["Subject"]


def test_a_registered_person_sees_their_registration_and_can_cancel_it(client, workshop, mailbox):
    occ = workshop.occurrences.get()
    user = make_user("ana")
    client.login(username="ana", password=PASSWORD)

    def page_of_the_date():
        return client.get(occ.get_absolute_url()).content.decode().replace("&#x27;", "'")

    page = page_of_the_date()
    assert "M'inscrire" in page and "data-registration=" not in page
    client.post(f"/agenda/dates/{occ.pk}/inscription/")
    page = page_of_the_date()
    assert "Vous êtes inscrit·e." in page and "M'inscrire" not in page
    mine = Registration.objects.get(user=user)
    assert f"/agenda/inscriptions/{mine.token}/annuler/" in page
    client.post(f"/agenda/inscriptions/{mine.token}/annuler/")
    page = page_of_the_date()
    assert "data-registration=" not in page and "M'inscrire" in page


def test_participant_list_csv_and_check_in(client, workshop, host, mailbox):
    occ = workshop.occurrences.get()
    ana = services.register(occ, user=make_user("ana", display_name="Ana"), now=NOW)
    services.register(occ, user=make_user("ben", display_name="=Ben"), now=NOW)
    services.register(occ, user=make_user("cam", display_name="Cam"), now=NOW)
    url = f"/agenda/dates/{occ.pk}/participants/"

    assert client.get(url).status_code == 302  # to the login page
    make_user("stranger")
    client.login(username="stranger", password=PASSWORD)
    assert client.get(url).status_code == 403
    client.login(username="murielle", password=PASSWORD)
    html = client.get(url).content.decode()
    assert "Ana" in html and "Liste d&#x27;attente" in html

    client.post(url, {"registration": ana.pk, "present": "1"})
    ana.refresh_from_db()
    assert ana.checked_in_at is not None

    response = client.get(f"/agenda/dates/{occ.pk}/participants.csv")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    lines = text.strip().splitlines()
    assert lines[0] == "nom;e-mail;statut;confirmée le;présence"
    assert any(
        line.startswith("Ana;ana@example.org;Inscrit·e;") and line.endswith(";oui")
        for line in lines
    )
    assert any(line.startswith("'=Ben;") for line in lines)  # no formula injection
    assert len(lines) == 4


def test_nav_link(client):
    assert 'href="/agenda/"' in client.get("/agenda/").content.decode()


def test_a_recurring_event_does_not_fill_the_agenda(client, monthly):
    assert titles(client.get("/agenda/")).count("Apéro des indépendants") == 3
    dated = titles(client.get("/agenda/", {"from": "2026-12-01", "to": "2027-06-30"}))
    assert dated.count("Apéro des indépendants") == 7  # December to June: every date
