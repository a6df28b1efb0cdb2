"""A visitor flags a wrong page in two clicks; a member claims a place they host."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from maillage.participation import services
from maillage.participation.models import Claim, DecisionStatus, Flag


def actions_html(place, user) -> str:
    request = RequestFactory().get(place.get_absolute_url())
    request.user = user
    return render_to_string(
        "participation/_place_actions.html", {"place": place, "user": user}, request=request
    )


def test_place_page_snippet_offers_flag_correction_and_claim_to_visitors(atelier):
    html = actions_html(atelier, AnonymousUser())
    assert reverse("participation:flag_place", args=[atelier.slug]) in html
    assert reverse("participation:propose_correction", args=[atelier.slug]) in html
    assert reverse("participation:claim_place", args=[atelier.slug]) in html
    assert reverse("participation:edit_place", args=[atelier.slug]) not in html
    assert "style=" not in html and "<script" not in html  # strict CSP


def test_place_page_snippet_offers_editing_to_hosts_only(atelier, telecentre, host):
    assert reverse("participation:edit_place", args=[atelier.slug]) in actions_html(atelier, host)
    assert "Tout est à jour" in actions_html(atelier, host)
    assert reverse("participation:claim_place", args=[atelier.slug]) not in actions_html(
        atelier, host
    )
    assert reverse("participation:edit_place", args=[telecentre.slug]) not in actions_html(
        telecentre, host
    )


def test_visitor_flags_a_page_in_two_clicks(client, atelier):
    # Click 1 opens the <details> of the place page; click 2 sends its form as is.
    response = client.post(
        reverse("participation:flag_place", args=[atelier.slug]),
        {"comment": "", "email": "", "fax": ""},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    assert response["Location"] == atelier.get_absolute_url()
    flag = Flag.objects.get()
    assert flag.place == atelier
    assert flag.is_open


def test_flag_page_reshows_the_comment_when_the_email_is_wrong(client, atelier):
    response = client.post(
        reverse("participation:flag_place", args=[atelier.slug]),
        {"comment": "Fermé le lundi, pas le mardi.", "email": "pas-une-adresse"},
    )
    assert response.status_code == 200
    assert "Fermé le lundi, pas le mardi." in response.content.decode()
    assert not Flag.objects.exists()


def test_flag_with_honeypot_is_silently_dropped(client, atelier):
    response = client.post(
        reverse("participation:flag_place", args=[atelier.slug]),
        {"comment": "buy now", "fax": "0102030405"},
    )
    assert response.status_code == 302
    assert not Flag.objects.exists()


def test_flags_appear_in_the_moderation_queue_and_get_resolved(
    client, atelier, coordinator, mailbox
):
    flag = services.flag_place(atelier, comment="Le téléphone ne répond plus.", email="a@b.org")
    client.force_login(coordinator)
    html = client.get(reverse("participation:moderation")).content.decode()
    assert "Le téléphone ne répond plus." in html
    response = client.post(reverse("participation:resolve_flag", args=[flag.pk]))
    assert response.status_code == 302
    flag.refresh_from_db()
    assert flag.resolved_by == coordinator
    mailbox.deliver()
    assert "traité" in mailbox.only(to="a@b.org")["Subject"]
    assert "Le téléphone" not in client.get(reverse("participation:moderation")).content.decode()


def test_claim_needs_an_account(client, atelier):
    response = client.get(reverse("participation:claim_place", args=[atelier.slug]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    with pytest.raises(PermissionDenied):
        services.claim_place(atelier, by=AnonymousUser(), message="moi")


def test_member_claims_and_coordinator_approval_makes_them_host(
    client, atelier, member, coordinator, mailbox
):
    client.force_login(member)
    response = client.post(
        reverse("participation:claim_place", args=[atelier.slug]),
        {"message": "J'anime les soirées jeux du jeudi."},
    )
    assert response.status_code == 302
    claim = Claim.objects.get()
    assert claim.claimant == member and claim.is_pending
    assert not member.can_edit_place(atelier)

    client.force_login(coordinator)
    assert (
        "J&#x27;anime les soirées jeux du jeudi."
        in client.get(reverse("participation:moderation")).content.decode()
    )
    client.post(reverse("participation:approve_claim", args=[claim.pk]))
    claim.refresh_from_db()
    assert claim.status == DecisionStatus.ACCEPTED
    assert member.can_edit_place(atelier)
    mailbox.deliver()
    message = mailbox.only(to=member.email)
    assert "L'Atelier" in message["Subject"]
    assert reverse("participation:edit_place", args=[atelier.slug]) in mailbox.body(message)


def test_claim_rejection_reason_is_emailed(atelier, member, coordinator, mailbox):
    claim = services.claim_place(atelier, by=member, message="Je passe souvent.")
    services.reject_claim(claim, by=coordinator, reason="Les hôtes sont les salariés du bar.")
    assert not member.can_edit_place(atelier)
    mailbox.deliver()
    assert "Les hôtes sont les salariés du bar." in mailbox.body(mailbox.only(to=member.email))


def test_a_person_claims_a_place_once_at_a_time(client, atelier, member, host):
    services.claim_place(atelier, by=member, message="J'anime.")
    with pytest.raises(services.InvalidAction, match="attend déjà"):
        services.claim_place(atelier, by=member, message="Encore moi.")
    with pytest.raises(services.InvalidAction, match="déjà ce lieu"):
        services.claim_place(atelier, by=host, message="Moi aussi.")
    client.force_login(member)
    response = client.post(
        reverse("participation:claim_place", args=[atelier.slug]), {"message": "Encore moi."}
    )
    assert response.status_code == 200
    assert "attend déjà" in response.content.decode()
    assert "Encore moi." in response.content.decode()
