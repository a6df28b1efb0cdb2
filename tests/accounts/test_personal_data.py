"""Each person downloads all their data and deletes their account."""

from __future__ import annotations

import json

from django.urls import reverse
from participation.fixtures import PASSWORD

from maillage.accounts import services as accounts
from maillage.accounts.models import User
from maillage.participation import services
from maillage.participation.models import Claim, Flag, Proposal


def contribute(member, atelier, telecentre, coordinator):
    accepted = services.propose_correction(atelier, {"phone": "04 66 49 00 00"}, by=member)
    services.accept_proposal(accepted, by=coordinator)
    services.propose_place(
        {"name": "Ferme des Cévennes", "type": "farm", "commune": "48095"},
        email=member.email.upper(),  # before having an account, same address
    )
    services.flag_place(atelier, comment="Horaires faux", by=member)
    services.claim_place(telecentre, by=member, message="Je suis l'agente France Services.")
    return accepted


def test_export_holds_account_hosted_places_proposals_flags_claims_and_history(
    client, member, atelier, telecentre, coordinator
):
    contribute(member, atelier, telecentre, coordinator)
    atelier.hosts.add(member)
    services.mark_up_to_date(atelier, by=member)
    client.force_login(member)
    response = client.get(reverse("accounts:export"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == "justine@example.org"
    assert data["account"]["display_name"] == "Justine"
    assert [p["slug"] for p in data["hosted_places"]] == ["l-atelier"]
    assert {p["kind"] for p in data["proposals"]} == {"correction", "new"}
    assert data["flags"][0]["comment"] == "Horaires faux"
    assert data["claims"][0]["place"] == "telecentre-florac"
    assert data["history"][-1]["reason"] == "Vérifié : tout est à jour"
    assert data["emails"] and all(e["subject"] and e["created_at"] for e in data["emails"])
    assert "password" not in json.dumps(data)


def test_export_needs_login(client):
    assert client.get(reverse("accounts:export")).status_code == 302


def test_deleting_the_account_keeps_proposals_anonymised_and_ends_hosting(
    member, atelier, telecentre, coordinator
):
    accepted = contribute(member, atelier, telecentre, coordinator)
    atelier.hosts.add(member)
    services.mark_up_to_date(atelier, by=member)
    from maillage.core.models import OutboundMessage

    assert OutboundMessage.objects.filter(to="justine@example.org").exists()
    accounts.delete_account(member)

    assert not User.objects.filter(email="justine@example.org").exists()
    assert not OutboundMessage.objects.filter(to="justine@example.org").exists()
    assert not atelier.hosts.exists()
    assert Proposal.objects.count() == 2
    assert not Proposal.objects.filter(proposer_email__iexact="justine@example.org").exists()
    assert Flag.objects.get().reporter is None
    assert not Claim.objects.exists()
    history = atelier.history.all()
    assert (
        history.filter(history_change_reason="Vérifié : tout est à jour").get().history_user is None
    )
    reasons = list(history.values_list("history_change_reason", flat=True))
    assert f"Proposition n°{accepted.pk} de une personne dont le compte a été supprimé" in reasons
    assert not any("Justine" in (reason or "") for reason in reasons)


def test_deleting_the_account_asks_for_the_password(client, member):
    client.force_login(member)
    response = client.post(reverse("accounts:delete"), {"password": "pas le bon"})
    assert response.status_code == 200
    assert "Ce n&#x27;est pas votre mot de passe." in response.content.decode()
    assert User.objects.filter(pk=member.pk).exists()
    response = client.post(reverse("accounts:delete"), {"password": PASSWORD})
    assert response.status_code == 302
    assert not User.objects.filter(pk=member.pk).exists()
    assert "_auth_user_id" not in client.session
