"""Checks every request passes before reaching any app."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/events/?q=a%00b",
        "/api/places/?function=fab%00lab",
        "/api/coverage/?dept=4%008",
        "/api/orientation/?needs=admin-help&commune=48%00095",
    ],
)
def test_a_nul_byte_in_an_api_parameter_is_a_400_naming_it(client, url):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "bad_parameter"
    assert body["parameter"] in url
    assert "0x00" in body["message"]


@pytest.mark.django_db
def test_a_nul_byte_in_a_page_parameter_or_form_is_a_400(client):
    assert client.get("/agenda/?commune=48%0095").status_code == 400
    response = client.post("/contribuer/nouveau-lieu/", {"name": "Caf\x00é"})
    assert response.status_code == 400
    assert "caractère nul" in response.content.decode()


@pytest.mark.django_db
def test_a_parameter_whose_name_holds_a_nul_byte_is_ignored_like_any_unknown_one(client):
    # nothing reads or stores a name that is not one of ours
    assert client.get("/api/places/?fab%00lab=1").status_code == 200
    assert client.post("/contribuer/nouveau-lieu/", {"x\x00y": "1"}).status_code == 200


@pytest.mark.django_db
def test_ordinary_parameters_pass(client):
    assert client.get("/api/places/?function=fablab").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/communes/48%00/",
        "/agenda/communes/48%00/",
        "/agenda/imprimer/communes/48%00.pdf",
        "/agenda/evenements/a%00b.ics",
        "/reserver/agenda/a%00b.ics",
        "/reserver/ressource/1/a%00b.ics",
        "/agenda/inscriptions/a%00b/confirmer/",
        "/agenda/inscriptions/a%00b/annuler/",
        "/agenda/lettre/a%00b/confirmer/",
        "/agenda/lettre/a%00b/desinscription/",
        "/api/places/a%00b/",
    ],
)
def test_a_nul_byte_in_the_address_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert response.json()["parameter"] == "path"
    else:
        assert "caractère nul" in response.content.decode()


@pytest.mark.django_db
def test_a_nul_byte_in_the_session_cookie_is_ignored(client):
    client.cookies["sessionid"] = "abcdefgh\x00" + "i" * 23
    response = client.get("/agenda/")
    assert response.status_code == 200
