"""The agora's pages through Django's test client: lists and their orders, the slots on
the place and commune pages, proposing (with a photo), moderation rights, the
poster and the open-data export."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from maillage.agora import services
from maillage.agora.models import Idea, Status

from .conftest import make_user

pytestmark = pytest.mark.django_db


def _png(width=40, height=30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def _titles(html: str) -> list[str]:
    return re.findall(r'class="card__title"><a href="/agora/idees/\d+/">([^<]+)</a>', html)


@pytest.fixture
def three_ideas(atelier, basile, members, frozen_clock):
    old = services.propose_idea(by=basile, title="Ancienne idée", text="t", place=atelier)
    frozen_clock.shift(60)
    popular = services.propose_idea(by=basile, title="Idée soutenue", text="t", place=atelier)
    frozen_clock.shift(60)
    new = services.propose_idea(by=basile, title="Nouvelle idée", text="t", place=atelier)
    for member in members:
        services.support(popular, member)
    services.support(old, members[0])
    return old, popular, new


def test_the_place_list_sorts_by_what_it_shows(client, atelier, three_ideas, host):
    html = client.get("/agora/lieux/l-atelier/").content.decode()
    assert "La parole aux habitants" in html
    assert _titles(html) == ["Nouvelle idée", "Idée soutenue", "Ancienne idée"]
    html = client.get("/agora/lieux/l-atelier/?tri=soutiens").content.decode()
    assert _titles(html) == ["Idée soutenue", "Ancienne idée", "Nouvelle idée"]
    assert "3 soutiens" in html and "1 soutien" in html
    services.change_status(three_ideas[2], host, Status.ADOPTED)
    html = client.get("/agora/lieux/l-atelier/?tri=etat&etat=adopted").content.decode()
    assert _titles(html) == ["Nouvelle idée"]
    # An unknown order is the default, not an error page.
    assert client.get("/agora/lieux/l-atelier/?tri=secret").status_code == 200


def test_place_and_commune_pages_show_the_ideas(client, atelier, three_ideas, mende, basile):
    services.propose_idea(by=basile, title="Un bus plus proche", text="t", commune=mende)
    place_html = client.get("/lieux/l-atelier/").content.decode()
    assert "La parole aux habitants" in place_html and "Nouvelle idée" in place_html
    commune_html = client.get("/communes/48095/").content.decode()
    assert "Les idées pour Mende" in commune_html and "Un bus plus proche" in commune_html
    network_html = client.get("/agora/").content.decode()
    assert "Un bus plus proche" in network_html and "Ancienne idée" in network_html


def test_proposing_with_a_photo(client, atelier, basile):
    client.force_login(basile)
    photo = SimpleUploadedFile("cafe.png", _png(), content_type="image/png")
    response = client.post(
        "/agora/lieux/l-atelier/proposer/",
        {"title": "Un piano", "text": "Pour jouer.", "photo": photo, "photo_alt": "Un piano"},
    )
    idea = Idea.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/agora/idees/{idea.pk}/"
    assert idea.photo.name.startswith("agora/") and idea.place == atelier
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Proposée par Basile" in page and 'alt="Un piano"' in page
    assert "basile.dupont@example.org" not in page


def test_a_file_that_is_not_an_image_is_refused_and_the_text_kept(client, atelier, basile):
    client.force_login(basile)
    fake = SimpleUploadedFile("x.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(
        "/agora/lieux/l-atelier/proposer/",
        {"title": "Mon titre gardé", "text": "t", "photo": fake, "photo_alt": "x"},
    )
    assert response.status_code == 200 and not Idea.objects.exists()
    html = response.content.decode()
    assert "Mon titre gardé" in html and 'class="error"' in html


def test_a_photo_too_large_is_refused(client, atelier, basile, monkeypatch):
    from maillage.agora import forms

    monkeypatch.setattr(forms, "PHOTO_MAX_SIDE", 30)
    client.force_login(basile)
    photo = SimpleUploadedFile("big.png", _png(31, 10), content_type="image/png")
    response = client.post(
        "/agora/lieux/l-atelier/proposer/",
        {"title": "t", "text": "t", "photo": photo, "photo_alt": "x"},
    )
    assert "pixels de côté" in response.content.decode()
    assert not Idea.objects.exists()


def test_proposing_needs_an_account(client, atelier):
    response = client.get("/agora/lieux/l-atelier/proposer/")
    assert response.status_code == 302 and "/compte/connexion/" in response["Location"]


def test_the_host_types_a_paper_idea(client, atelier, host):
    client.force_login(host)
    form = client.get("/agora/lieux/l-atelier/proposer/").content.decode()
    assert "déposée sur papier" in form
    client.post(
        "/agora/lieux/l-atelier/proposer/",
        {"title": "Un banc", "text": "t", "on_paper": "on", "paper_signature": "Gérard"},
    )
    idea = Idea.objects.get()
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Déposée sur papier à L&#x27;Atelier" in page and "signée Gérard" in page


def test_another_places_host_gets_no_moderation_form_and_a_403(
    client, idea, other_host, host, breakfast
):
    client.force_login(other_host)
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Animer et modérer" not in page
    for url, data in [
        (f"/agora/idees/{idea.pk}/etat/", {"status": "adopted"}),
        (f"/agora/idees/{idea.pk}/masquer/", {"reason": "non"}),
        (f"/agora/idees/{idea.pk}/signalements/", {}),
    ]:
        assert client.post(url, data).status_code == 403
    idea.refresh_from_db()
    assert idea.status == Status.PROPOSED and not idea.is_hidden

    client.force_login(host)
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Animer et modérer" in page and "Petit-déjeuner débat" in page
    client.post(
        f"/agora/idees/{idea.pk}/etat/", {"status": "discussed", "occurrence": breakfast.pk}
    )
    idea.refresh_from_db()
    assert idea.status == Status.DISCUSSED and idea.occurrence == breakfast


def test_a_refused_status_change_says_why(client, idea, host):
    client.force_login(host)
    response = client.post(f"/agora/idees/{idea.pk}/etat/", {"status": "not_retained"})
    assert response.status_code == 400
    assert "Dites pourquoi" in response.content.decode()


def test_hidden_idea_shows_the_reason_publicly(client, idea, host, members):
    services.comment(idea, members[0], "Un commentaire sous l'idée")
    services.hide_idea(idea, host, "Hors sujet.")
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Idée masquée par la modération" in page and "Hors sujet." in page
    assert "Réparer ensemble" not in page and "Un commentaire sous" not in page
    assert "Un repair café" not in client.get("/agora/lieux/l-atelier/").content.decode()


def test_supporting_twice_through_the_page_counts_once(client, idea, members):
    client.force_login(members[0])
    client.post(f"/agora/idees/{idea.pk}/soutenir/")
    client.post(f"/agora/idees/{idea.pk}/soutenir/")
    assert idea.supports.count() == 1
    assert "Vous soutenez cette idée" in client.get(f"/agora/idees/{idea.pk}/").content.decode()


def test_flooding_is_limited(client, atelier, basile):
    client.force_login(basile)
    for number in range(5):
        client.post("/agora/lieux/l-atelier/proposer/", {"title": f"Idée {number}", "text": "t"})
    response = client.post(
        "/agora/lieux/l-atelier/proposer/", {"title": "Une de trop", "text": "t"}
    )
    assert Idea.objects.count() == 5
    assert "beaucoup d&#x27;envois" in response.content.decode()


def test_comments_and_answers_on_the_page(client, idea, members):
    client.force_login(members[0])
    client.post(f"/agora/idees/{idea.pk}/commenter/", {"text": "Je viens !"})
    first = idea.comments.get()
    client.force_login(members[1])
    client.post(f"/agora/idees/{idea.pk}/commenter/", {"text": "Moi aussi", "parent": first.pk})
    page = client.get(f"/agora/idees/{idea.pk}/").content.decode()
    assert "Je viens !" in page and "Moi aussi" in page and 'class="idea-answers"' in page


def test_open_data_export_has_no_personal_data(client, idea, members, atelier, host):
    services.support(idea, members[0])
    services.propose_idea(by=host, title="=HYPERLINK()", text="t", place=atelier)
    data = json.loads(client.get("/agora/idees.json").content)
    row = next(r for r in data if r["id"] == idea.pk)
    assert row["signed"] == "Basile" and row["supports"] == 1 and row["place"] == "l-atelier"
    text = client.get("/agora/idees.csv").content.decode()
    assert "@example.org" not in text and "basile" not in text.replace("Basile", "")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["title"] for r in rows} == {"Un repair café", "'=HYPERLINK()"}


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_poster_fits_one_page_with_a_qr_code_per_idea(client, atelier, basile, size, tmp_path):
    for number in range(12):
        services.propose_idea(
            by=basile, title=f"Idée numéro {number} pour le lieu", text="t" * 400, place=atelier
        )
    response = client.get(f"/agora/lieux/l-atelier/affiche.pdf?format={size}")
    assert response["Content-Type"] == "application/pdf"
    pdf = tmp_path / "poster.pdf"
    pdf.write_bytes(response.content)
    if not shutil.which("pdfinfo"):
        pytest.fail("pdfinfo (poppler-utils) is missing")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"Pages:\s+1\b", info)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    assert "La parole aux habitants" in text and "Idée numéro" in text
    assert "http://testserver/agora/lieux/l-atelier/" in text


def test_flagged_ideas_reach_their_moderators_only(client, idea, basile, host, other_host):
    services.flag(idea, make_user("gerard"), "Publicité")
    client.force_login(host)
    assert "Idées signalées à modérer" in client.get("/agora/lieux/l-atelier/").content.decode()
    assert "Un repair café" in client.get("/agora/moderation/").content.decode()
    assert "1 signalement en attente" in client.get(f"/agora/idees/{idea.pk}/").content.decode()
    for person in (other_host, basile):
        client.force_login(person)
        assert "Un repair café" not in client.get("/agora/moderation/").content.decode()
