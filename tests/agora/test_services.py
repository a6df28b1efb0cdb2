"""The agora's rules: who may do what, one support per person, the life cycle and
who is told, moderation with public reasons, paper ideas, personal data."""

from __future__ import annotations

import pytest

from maillage.accounts.services import delete_account, export_personal_data
from maillage.agora import services
from maillage.agora.models import Comment, Idea, Status, Support

from .conftest import make_user

pytestmark = pytest.mark.django_db


def test_an_idea_is_signed_with_the_pseudonym_and_its_author_follows_it(idea, basile):
    assert idea.signature == "Basile"
    assert idea.status == Status.PROPOSED
    assert list(idea.steps.values_list("status", flat=True)) == ["proposed"]
    assert services.follower_addresses(idea) == ["basile.dupont@example.org"]


def test_a_member_without_a_display_name_is_not_shown_by_username(atelier):
    anonymous = make_user("jdupont48", display_name="")
    idea = services.propose_idea(by=anonymous, title="Idée", text="Texte", place=atelier)
    assert idea.signature == "un membre"
    assert "jdupont48" not in idea.signature


def test_one_support_per_person(idea, members):
    marie = members[0]
    assert services.support(idea, marie) is True
    assert services.support(idea, marie) is False
    assert Support.objects.filter(idea=idea).count() == 1
    assert "marie@example.org" in services.follower_addresses(idea)
    assert services.withdraw_support(idea, marie) is True
    assert Support.objects.filter(idea=idea).count() == 0


def test_closed_or_hidden_ideas_take_no_support(idea, host, members):
    services.change_status(idea, host, Status.NOT_RETAINED, reason="Pas de local libre.")
    with pytest.raises(services.AgoraError):
        services.support(Idea.objects.get(pk=idea.pk), members[0])


def test_the_host_of_a_place_cannot_moderate_another_places_ideas(idea, other_host, host):
    assert idea.can_be_moderated_by(host)
    assert not idea.can_be_moderated_by(other_host)
    with pytest.raises(services.NotAllowed):
        services.hide_idea(idea, other_host, "hors sujet")
    with pytest.raises(services.NotAllowed):
        services.change_status(idea, other_host, Status.ADOPTED)
    idea.refresh_from_db()
    assert idea.status == Status.PROPOSED and not idea.is_hidden


def test_coordinators_moderate_every_idea_hosts_not_commune_ideas(mende, basile, host, coordinator):
    commune_idea = services.propose_idea(by=basile, title="Un bus", text="…", commune=mende)
    assert commune_idea.can_be_moderated_by(coordinator)
    assert not commune_idea.can_be_moderated_by(host)
    assert not commune_idea.can_be_moderated_by(basile)


def test_the_life_cycle_tells_every_follower(idea, host, members, breakfast, mailbox):
    for member in members:
        services.support(idea, member)
    outsider = make_user("gerard")
    services.follow(idea, outsider)
    services.change_status(idea, host, Status.DISCUSSED, occurrence=breakfast)
    assert mailbox.messages == []  # queued in the change's transaction, sent by the worker
    mailbox.deliver()
    told = {"basile.dupont@example.org", "marie@example.org", "jean@example.org",
            "justine@example.org", "gerard@example.org"}  # fmt: skip
    assert {r for _, rs in mailbox.envelopes for r in rs} == told
    assert len(mailbox.messages) == 5  # one message each: no one sees the others' addresses
    message = mailbox.only(to="gerard@example.org")
    assert "En discussion" in message["Subject"]
    body = mailbox.body(message)
    assert "Petit-déjeuner débat" in body and "mercredi 2 décembre 2026 à 8\u00a0h\u00a030" in body
    assert f"http://testserver/agora/idees/{idea.pk}/" in mailbox.links(message)

    mailbox.clear()
    services.change_status(idea, host, Status.ADOPTED, reason="Adoptée au petit-déjeuner.")
    mailbox.deliver()
    assert len(mailbox.messages) == 5
    assert "Adoptée au petit-déjeuner." in mailbox.body(mailbox.only(to="marie@example.org"))
    idea.refresh_from_db()
    assert idea.status == Status.ADOPTED and idea.occurrence == breakfast
    assert list(idea.steps.values_list("status", flat=True)) == [
        "proposed",
        "discussed",
        "adopted",
    ]


def test_transitions_are_checked(idea, host, breakfast):
    with pytest.raises(services.AgoraError, match="débattue"):
        services.change_status(idea, host, Status.DISCUSSED)
    with pytest.raises(services.AgoraError, match="pourquoi"):
        services.change_status(idea, host, Status.NOT_RETAINED)
    with pytest.raises(services.AgoraError, match="ne peut pas passer"):
        services.change_status(idea, host, Status.DONE)


def test_unfollowing_stops_the_mail(idea, host, members, mailbox):
    services.support(idea, members[0])
    services.unfollow(idea, members[0])
    services.change_status(idea, host, Status.ADOPTED)
    mailbox.deliver()
    assert mailbox.to("marie@example.org") == []


def test_comments_answer_one_level_deep(idea, members):
    first = services.comment(idea, members[0], "Bonne idée !")
    answer = services.comment(idea, members[1], "Oui", parent=first)
    deeper = services.comment(idea, members[2], "Et moi", parent=answer)
    assert answer.parent == first and deeper.parent == first
    with pytest.raises(services.AgoraError):
        services.comment(idea, members[0], "x" * 2001)


def test_hiding_keeps_a_public_reason_and_the_history(idea, host, members):
    services.flag(idea, members[0], "Publicité")
    services.hide_idea(idea, host, "Publicité pour un commerce.")
    idea.refresh_from_db()
    assert idea.is_hidden and idea.hidden_reason == "Publicité pour un commerce."
    assert idea.flags.get().resolved_by == host
    assert not Idea.objects.visible().filter(pk=idea.pk).exists()
    assert idea.history.count() >= 2
    assert idea.history.first().history_user == host


def test_a_comment_is_hidden_with_its_reason(idea, host, members):
    comment = services.comment(idea, members[0], "Insulte")
    services.flag(idea, members[1], "insulte", comment=comment)
    services.hide_comment(comment, host, "Propos injurieux.")
    comment.refresh_from_db()
    assert comment.is_hidden and comment.hidden_reason == "Propos injurieux."
    assert comment.flags.get().resolved_at is not None


def test_only_a_host_types_a_paper_idea(atelier, host, other_host, basile):
    with pytest.raises(services.NotAllowed):
        services.propose_idea(by=basile, title="t", text="t", place=atelier, on_paper=True)
    with pytest.raises(services.NotAllowed):
        services.propose_idea(by=other_host, title="t", text="t", place=atelier, on_paper=True)
    paper = services.propose_idea(
        by=host,
        title="Un banc devant le café",
        text="Pour attendre le bus.",
        place=atelier,
        on_paper=True,
        paper_signature="Marie-Louise",
    )
    assert paper.author is None and paper.typed_by == host
    assert paper.paper_label == "déposée sur papier à L'Atelier"
    assert paper.signature == "Marie-Louise"
    assert services.follower_addresses(paper) == []  # the host does not follow it for them


def test_inputs_are_bounded(atelier, basile, mende):
    with pytest.raises(services.AgoraError):
        services.propose_idea(by=basile, title="x" * 151, text="t", place=atelier)
    with pytest.raises(services.AgoraError):
        services.propose_idea(by=basile, title="  ", text="t", place=atelier)
    with pytest.raises(services.AgoraError):
        services.propose_idea(by=basile, title="t", text="t", place=atelier, commune=mende)
    with pytest.raises(services.AgoraError):
        services.propose_idea(by=basile, title="t", text="t", latitude=91.0, longitude=3.0)


def test_personal_data_export_and_deletion_keep_the_idea_anonymised(idea, basile, members):
    services.support(idea, members[0])
    comment = services.comment(idea, basile, "Je peux aider le samedi.")
    data = export_personal_data(basile)["agora"]
    assert [i["title"] for i in data["ideas"]] == ["Un repair café"]
    assert data["comments"][0]["text"] == "Je peux aider le samedi."
    assert export_personal_data(members[0])["agora"]["supports"][0]["idea"] == idea.pk

    basile_pk = basile.pk
    delete_account(basile)
    idea.refresh_from_db()
    comment.refresh_from_db()
    assert idea.author is None and comment.author is None
    assert idea.signature == "une personne dont le compte a été supprimé"
    assert not idea.history.filter(author_id=basile_pk).exists()
    assert not Comment.history.filter(author_id=basile_pk).exists()
    assert idea.supports.count() == 1  # Marie's support stays
