"""The referral and mutual-help pages: hosts only where it matters, counts only for
the network, nothing private shown to the wrong person."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.accounts.models import User
from maillage.core.french import PARIS
from maillage.journeys import services
from maillage.journeys.models import HelpProfile, Referral
from maillage.places.models import Place


@pytest.fixture
def places(db):
    atelier = Place.objects.create(name="L'Atelier", slug="l-atelier", type="cafe")
    cio = Place.objects.create(name="CIO de Mende", slug="cio", type="youth-service")
    return atelier, cio


def user(name):
    return User.objects.create_user(
        username=name, email=f"{name}@example.org", password="x-long-password-48"
    )


def test_a_host_refers_from_the_page_and_the_receiver_marks_it_followed_up(client, places):
    atelier, cio = places
    murielle, conseillere = user("murielle"), user("conseillere")
    atelier.hosts.add(murielle)
    cio.hosts.add(conseillere)
    client.force_login(murielle)
    page = client.get("/trouver-mon-lieu/orientations/").content.decode()
    assert "Orienter une personne" in page
    form = {"from_place": atelier.pk, "to_place": cio.pk, "need": "orientation-studies-work"}
    response = client.post("/trouver-mon-lieu/orientations/", {**form, "person_name": "Justine"})
    assert response.status_code == 400 and not Referral.objects.exists()  # no consent
    response = client.post(
        "/trouver-mon-lieu/orientations/", {**form, "person_name": "Justine", "consent": "on"}
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    url = f"/trouver-mon-lieu/orientations/{referral.pk}/suivie/"
    assert client.post(url).status_code == 403  # the sender cannot mark it
    client.force_login(conseillere)
    page = client.get("/trouver-mon-lieu/orientations/").content.decode()
    assert "Justine" in page and "Marquer comme suivie" in page
    assert client.post(url).status_code == 302
    referral.refresh_from_db()
    assert referral.status == "followed-up" and referral.person_name == ""


def test_the_network_page_and_api_show_counts_only(client, places):
    atelier, cio = places
    murielle = user("murielle")
    atelier.hosts.add(murielle)
    services.send_referral(
        atelier, cio, "admin-help", by=murielle, consent=True, person_name="Justine"
    )
    page = client.get("/trouver-mon-lieu/orientations/reseau/").content.decode()
    assert "L&#x27;Atelier" in page and "Justine" not in page
    data = client.get("/api/referrals/flows/").json()
    assert data[0]["count"] == 1 and "Justine" not in str(data)


def test_pages_need_a_login(client, db):
    for url in ("/trouver-mon-lieu/orientations/", "/trouver-mon-lieu/entraide/"):
        assert client.get(url).status_code == 302


def test_mutual_help_page_opt_in_contact_accept_then_delete(client, db):
    roald, luc = user("roald"), user("luc")
    client.force_login(roald)
    save = {"action": "save", "skills_offered": "Design, découpe laser"}
    client.post("/trouver-mon-lieu/entraide/", save)  # saved, not opted in
    assert not HelpProfile.objects.get(user=roald).is_visible
    client.post("/trouver-mon-lieu/entraide/", {**save, "opted_in": "on", "visibility": "members"})
    assert HelpProfile.objects.get(user=roald).is_visible
    client.force_login(luc)
    client.post(
        "/trouver-mon-lieu/entraide/",
        {"action": "save", "skills_sought": "design", "opted_in": "on"},
    )
    page = client.get("/trouver-mon-lieu/entraide/").content.decode()
    assert "roald" in page and "roald@example.org" not in page
    profile = HelpProfile.objects.get(user=roald)
    client.post(
        "/trouver-mon-lieu/entraide/",
        {"action": "contact", "profile": profile.pk, "message": "Un logo ?"},
    )
    client.force_login(roald)
    page = client.get("/trouver-mon-lieu/entraide/").content.decode()
    assert "Un logo ?" in page and "luc@example.org" not in page
    request_id = luc.help_requests_sent.get().pk
    client.post("/trouver-mon-lieu/entraide/", {"action": "accept", "request": request_id})
    assert "luc@example.org" in client.get("/trouver-mon-lieu/entraide/").content.decode()
    client.post("/trouver-mon-lieu/entraide/", {"action": "delete"})
    assert not HelpProfile.objects.filter(user=roald).exists()
    assert not luc.help_requests_sent.exists()


@pytest.fixture
def two_helpers(client, db):
    roald, luc = user("roald"), user("luc")
    for person in (roald, luc):
        client.force_login(person)
        client.post(
            "/trouver-mon-lieu/entraide/",
            {
                "action": "save",
                "skills_offered": "design",
                "opted_in": "on",
                "visibility": "members",
            },
        )
    return roald, luc


@pytest.mark.parametrize("profile", ["abc", "", "1.5", "9" * 40])
def test_contacting_a_profile_that_is_not_one_is_said_not_a_server_error(
    client, two_helpers, profile
):
    page = client.post(
        "/trouver-mon-lieu/entraide/",
        {"action": "contact", "profile": profile, "message": "Bonjour"},
    )
    assert page.status_code == 400 and "Profil introuvable." in page.content.decode()
    page = client.post("/trouver-mon-lieu/entraide/", {"action": "accept", "request": profile})
    assert page.status_code == 400 and "Demande introuvable." in page.content.decode()


def test_a_message_too_long_is_refused_not_cut(client, two_helpers):
    roald, _luc = two_helpers
    profile = HelpProfile.objects.get(user=roald)
    page = client.post(
        "/trouver-mon-lieu/entraide/",
        {"action": "contact", "profile": profile.pk, "message": "x" * 100_000},
    )
    assert page.status_code == 400
    assert "100000 caractères : au plus 1000" in page.content.decode()
    assert not roald.help_requests_received.exists()
    page = client.post(
        "/trouver-mon-lieu/entraide/", {"action": "save", "bio": "y" * 301, "opted_in": "on"}
    )
    assert "au plus 300" in page.content.decode()


def test_referrals_are_dated_the_french_way(client, places, frozen_clock):
    atelier, cio = places
    murielle, conseillere = user("murielle"), user("conseillere")
    atelier.hosts.add(murielle)
    cio.hosts.add(conseillere)
    frozen_clock.move_to(dt.datetime(2026, 12, 1, 10, 0, tzinfo=PARIS))
    services.send_referral(atelier, cio, "admin-help", by=murielle, consent=True)
    for person, line in (
        (murielle, "<li>1er décembre 2026 · "),
        (conseillere, "· 1er décembre 2026</p>"),
    ):
        client.force_login(person)  # one sent it, the other received it
        page = client.get("/trouver-mon-lieu/orientations/").content.decode()
        assert line in page and "1 décembre" not in page
