"""The agora API: lists and their parameters, one idea, proposing and supporting;
bad parameters are 400 naming them."""

from __future__ import annotations

import pytest

from maillage.agora import services
from maillage.agora.models import Idea, Status

pytestmark = pytest.mark.django_db


def test_list_and_filters(client, idea, members, mende, basile, host):
    services.support(idea, members[0])
    services.propose_idea(by=basile, title="Un bus", text="t", commune=mende)
    network = services.propose_idea(by=basile, title="Une carte", text="t")
    data = client.get("/api/agora/ideas/?sort=soutiens").json()
    assert [d["title"] for d in data][0] == "Un repair café"
    assert data[0]["supports"] == 1 and data[0]["signed"] == "Basile"
    assert "email" not in str(data)
    assert [d["title"] for d in client.get("/api/agora/ideas/?commune=48095").json()] == [
        "Un bus",
        "Un repair café",
    ]
    assert [d["id"] for d in client.get("/api/agora/ideas/?scope=network").json()] == [network.pk]
    services.change_status(idea, host, Status.ADOPTED)
    assert [d["title"] for d in client.get("/api/agora/ideas/?status=adopted").json()] == [
        "Un repair café"
    ]


@pytest.mark.parametrize(
    ("query", "parameter"),
    [("sort=best", "sort"), ("status=won", "status"), ("scope=world", "scope"), ("tri=x", "tri")],
)
def test_bad_parameters_are_named(client, query, parameter):
    response = client.get(f"/api/agora/ideas/?{query}")
    assert response.status_code == 400
    assert response.json()["error"] == "bad_parameter"
    assert response.json()["parameter"] == parameter


def test_detail_with_its_steps(client, idea, host, breakfast):
    services.change_status(idea, host, Status.DISCUSSED, occurrence=breakfast)
    data = client.get(f"/api/agora/ideas/{idea.pk}/").json()
    assert [s["status"] for s in data["steps"]] == ["proposed", "discussed"]
    assert data["debate_url"].endswith(breakfast.get_absolute_url())
    assert client.get("/api/agora/ideas/999999/").status_code == 404


def test_propose_and_support_need_an_account(client, idea, atelier, basile, members):
    assert client.post("/api/agora/ideas/", {"title": "t", "text": "t"}).status_code == 403
    assert client.post(f"/api/agora/ideas/{idea.pk}/support/").status_code == 403
    client.force_login(members[0])
    assert client.post(f"/api/agora/ideas/{idea.pk}/support/").json() == {
        "supported": True,
        "supports": 1,
    }
    assert client.post(f"/api/agora/ideas/{idea.pk}/support/").json()["supports"] == 1
    assert client.delete(f"/api/agora/ideas/{idea.pk}/support/").json()["supports"] == 0
    response = client.post(
        "/api/agora/ideas/",
        {"title": "Un four à pain", "text": "Partagé", "place": "l-atelier", "theme": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["parameter"] == "theme"
    response = client.post(
        "/api/agora/ideas/",
        {"title": "Un four à pain", "text": "Partagé", "place": "l-atelier"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert Idea.objects.get(title="Un four à pain").author == members[0]


def test_a_closed_idea_refuses_support_with_409(client, idea, host, members):
    services.change_status(idea, host, Status.NOT_RETAINED, reason="Déjà fait ailleurs.")
    client.force_login(members[0])
    response = client.post(f"/api/agora/ideas/{idea.pk}/support/")
    assert response.status_code == 409 and response.json()["error"] == "refused"
