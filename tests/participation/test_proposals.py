"""Anyone proposes a forgotten place or a correction; coordinators decide."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from maillage.participation import services
from maillage.participation.models import DecisionStatus, Proposal
from maillage.places.models import Place

NEW_PLACE = {
    "name": "La Fabrique du Causse",
    "type": "fablab",
    "commune": "48095",
    "summary": "Un fablab associatif au bord du Lot.",
    "opening_hours": "We 14:00-19:00",
    "functions": ["fablab", "hackerspace"],
    "proposer_email": "Basile@Example.org",
    "proposer_name": "Basile",
}


def post_new(client, data=None, ip="203.0.113.7", **extra):
    return client.post(
        reverse("participation:propose_place"), data or NEW_PLACE, REMOTE_ADDR=ip, **extra
    )


def test_anonymous_visitor_proposes_a_forgotten_place(client, mende):
    response = post_new(client)
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:thanks")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.NEW_PLACE
    assert proposal.status == DecisionStatus.PENDING
    assert proposal.proposer is None
    assert proposal.proposer_email == "basile@example.org"
    assert proposal.changes["name"] == "La Fabrique du Causse"
    assert proposal.changes["commune"] == "48095"
    assert proposal.changes["functions"] == ["fablab", "hackerspace"]
    assert not Place.objects.filter(name="La Fabrique du Causse").exists()


def test_anonymous_proposal_needs_an_email(client, mende):
    data = {k: v for k, v in NEW_PLACE.items() if k != "proposer_email"}
    response = post_new(client, data)
    assert response.status_code == 200
    assert "proposer_email" in response.context["form"].errors
    assert not Proposal.objects.exists()


def test_member_proposes_without_giving_an_email(client, mende, member):
    client.force_login(member)
    data = {k: v for k, v in NEW_PLACE.items() if not k.startswith("proposer_")}
    assert post_new(client, data).status_code == 302
    assert Proposal.objects.get().proposer == member


def test_proposal_form_reshows_what_was_typed_on_error(client, mende):
    response = post_new(client, {**NEW_PLACE, "opening_hours": "lundi matin", "name": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert "lundi matin" in html
    assert "Un fablab associatif au bord du Lot." in html
    assert "basile@example.org" in html.lower()
    assert "Ces horaires ne sont pas compris : « lundi matin »" in html
    assert "Ce champ est obligatoire." in html  # Django's own messages are in French


def test_honeypot_filled_is_silently_dropped(client, mende):
    response = post_new(client, {**NEW_PLACE, "fax": "http://spam.example"})
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:thanks")
    assert not Proposal.objects.exists()


def test_rate_limit_blocks_the_sixth_proposal_in_an_hour(client, mende):
    for number in range(5):
        response = post_new(client, {**NEW_PLACE, "name": f"Lieu {number}"})
        assert response.status_code == 302
    response = post_new(client, {**NEW_PLACE, "name": "Lieu 6"})
    assert response.status_code == 200
    assert "Réessayez dans une heure" in response.content.decode()
    assert "Lieu 6" in response.content.decode()  # what was typed is kept
    assert Proposal.objects.count() == 5


def test_rate_limit_follows_the_email_across_addresses(client, mende):
    for number in range(5):
        post_new(client, {**NEW_PLACE, "name": f"Lieu {number}"}, ip=f"198.51.100.{number}")
    post_new(client, {**NEW_PLACE, "name": "Lieu 6"}, ip="198.51.100.99")
    assert Proposal.objects.count() == 5


def test_correction_form_shows_the_current_values(client, atelier):
    response = client.get(reverse("participation:propose_correction", args=[atelier.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="L&#x27;Atelier"' in html
    assert "Tu-Sa 17:00-23:00" in html
    assert 'value="culture" checked' in html or 'value="culture"' in html


def test_correction_keeps_only_what_changed(client, atelier):
    form = client.get(reverse("participation:propose_correction", args=[atelier.slug]))
    data = {k: v for k, v in form.context["form"].initial.items() if v not in (None, "")}
    data.update(
        hours_mode="raw",  # past midnight: only the OpenStreetMap syntax says it
        opening_hours="Tu-Sa 17:00-01:00",
        functions=["culture", "citizen-agora"],
        proposer_email="justine@example.org",
        message="Ouvert plus tard le samedi.",
    )
    response = client.post(reverse("participation:propose_correction", args=[atelier.slug]), data)
    assert response.status_code == 302, response.context["form"].errors
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.CORRECTION
    assert proposal.place == atelier
    assert proposal.changes == {
        "opening_hours": "Tu-Sa 17:00-01:00",
        "functions": ["citizen-agora", "culture"],
    }
    assert proposal.original == {"opening_hours": "Tu-Sa 17:00-23:00", "functions": ["culture"]}


def test_correction_without_change_is_refused_with_a_message(atelier):
    with pytest.raises(services.InvalidAction, match="rien modifié"):
        services.propose_correction(atelier, services.place_values(atelier), email="a@example.org")


def test_accepting_a_new_place_creates_it_and_credits_the_proposer(client, mende, coordinator):
    post_new(client)
    proposal = Proposal.objects.get()
    place = services.accept_proposal(proposal, by=coordinator)
    place.refresh_from_db()
    assert place.slug == "la-fabrique-du-causse"
    assert place.commune == mende
    assert place.type == "fablab"
    assert place.opening_hours == "We 14:00-19:00"
    assert sorted(place.place_functions.values_list("function__slug", flat=True)) == [
        "fablab",
        "hackerspace",
    ]
    assert place.last_checked_at is not None
    record = place.history.earliest()
    assert record.history_type == "+"
    assert record.history_user == coordinator
    assert record.history_change_reason == f"Proposition n°{proposal.pk} de Basile"
    proposal.refresh_from_db()
    assert proposal.status == DecisionStatus.ACCEPTED
    assert proposal.place == place
    assert proposal.decided_by == coordinator


def test_accepting_a_correction_changes_the_place_and_records_who(atelier, coordinator, member):
    proposal = services.propose_correction(
        atelier, {"phone": "04 66 00 00 00", "functions": ["culture", "welcome"]}, by=member
    )
    services.accept_proposal(proposal, by=coordinator)
    atelier.refresh_from_db()
    assert atelier.phone == "04 66 00 00 00"
    assert atelier.name == "L'Atelier"  # untouched
    record = atelier.history.latest()
    assert record.history_user == coordinator
    assert record.history_change_reason == f"Proposition n°{proposal.pk} de Justine"
    added = atelier.place_functions.get(function__slug="welcome").history.get()
    assert added.history_user == coordinator


def test_acceptance_is_emailed_to_proposer(client, mende, coordinator, mailbox):
    post_new(client)
    place = services.accept_proposal(Proposal.objects.get(), by=coordinator)
    mailbox.deliver()
    message = mailbox.only(to="basile@example.org")
    assert "acceptée" in message["Subject"]
    assert "La Fabrique du Causse" in message["Subject"]
    assert place.get_absolute_url() in mailbox.body(message)


def test_rejection_reason_is_emailed_to_proposer(client, mende, coordinator, mailbox):
    post_new(client)
    proposal = Proposal.objects.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("participation:reject_proposal", args=[proposal.pk]),
        {"reason": "Ce fablab a fermé en 2024, d'après la mairie."},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == DecisionStatus.REJECTED
    mailbox.deliver()
    message = mailbox.only(to="basile@example.org")
    assert "Ce fablab a fermé en 2024, d'après la mairie." in mailbox.body(message)
    assert message["From"] == "Maillage <ne-pas-repondre@maillage.localhost>"


def test_rejection_needs_a_reason(client, mende, coordinator, mailbox):
    post_new(client)
    proposal = Proposal.objects.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("participation:reject_proposal", args=[proposal.pk]), {"reason": "  "}
    )
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.is_pending
    mailbox.deliver()
    assert mailbox.messages == []


def test_only_coordinators_decide(client, mende, member, host):
    post_new(client)
    proposal = Proposal.objects.get()
    for person in (member, host):
        with pytest.raises(PermissionDenied):
            services.accept_proposal(proposal, by=person)
        client.force_login(person)
        url = reverse("participation:accept_proposal", args=[proposal.pk])
        assert client.post(url).status_code == 403
        assert client.get(reverse("participation:moderation")).status_code == 403
    client.logout()
    response = client.get(reverse("participation:moderation"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    proposal.refresh_from_db()
    assert proposal.is_pending


def test_a_proposal_is_decided_only_once(client, mende, coordinator):
    post_new(client)
    proposal = Proposal.objects.get()
    services.accept_proposal(proposal, by=coordinator)
    with pytest.raises(services.InvalidAction):
        services.accept_proposal(proposal, by=coordinator)
    with pytest.raises(services.InvalidAction):
        services.reject_proposal(proposal, by=coordinator, reason="doublon")
    assert Place.objects.filter(name="La Fabrique du Causse").count() == 1


def test_same_name_gets_a_distinct_slug(mende, coordinator):
    slugs = []
    for _ in range(3):
        proposal = services.propose_place(
            {"name": "La Fabrique", "type": "fablab", "commune": mende}, email="a@example.org"
        )
        slugs.append(services.accept_proposal(proposal, by=coordinator).slug)
    assert slugs == ["la-fabrique", "la-fabrique-mende", "la-fabrique-mende-2"]


def test_moderation_queue_shows_current_and_proposed_values(client, atelier, coordinator):
    services.propose_correction(
        atelier, {"opening_hours": "Tu-Sa 17:00-01:00"}, email="justine@example.org"
    )
    client.force_login(coordinator)
    response = client.get(reverse("participation:moderation"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Correction de « L&#x27;Atelier »" in html
    assert "Tu-Sa 17:00-23:00" in html and "Tu-Sa 17:00-01:00" in html
    assert "justine@example.org" in html


def test_coordinator_accepts_from_the_queue(client, mende, coordinator, mailbox):
    post_new(client)
    proposal = Proposal.objects.get()
    client.force_login(coordinator)
    response = client.post(
        reverse("participation:accept_proposal", args=[proposal.pk]), follow=True
    )
    assert "Proposition acceptée" in response.content.decode()
    assert Place.objects.filter(slug="la-fabrique-du-causse").exists()
    mailbox.deliver()
    assert len(mailbox.to("basile@example.org")) == 1


def test_a_correction_is_not_blocked_by_an_old_invalid_value(atelier, coordinator):
    Place.objects.filter(pk=atelier.pk).update(email="pas-une-adresse")  # as imported
    proposal = services.propose_correction(atelier, {"phone": "04 66 65 00 00"}, email="a@b.org")
    services.accept_proposal(proposal, by=coordinator)
    atelier.refresh_from_db()
    assert atelier.phone == "04 66 65 00 00"


def test_an_invalid_proposed_value_is_refused_at_acceptance(atelier, coordinator):
    proposal = services.propose_correction(atelier, {"latitude": 123.0}, email="a@b.org")
    with pytest.raises(ValidationError):
        services.accept_proposal(proposal, by=coordinator)
    proposal.refresh_from_db()
    assert proposal.is_pending
