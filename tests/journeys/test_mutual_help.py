"""Mutual help between members: strictly opt-in, visibility settings, suggestions,
contact relayed by the platform with e-mails revealed only when accepted, and a
profile hidden or deleted at any time (privacy tests)."""

from __future__ import annotations

import pytest

from maillage.accounts.models import User
from maillage.journeys import services
from maillage.journeys.models import ContactRequest, HelpProfile
from maillage.journeys.services import InvalidAction
from maillage.places.models import Place


def person(name):
    return User.objects.create_user(
        username=name, email=f"{name}@example.org", password="x-long-password-48"
    )


@pytest.fixture
def people(db):
    return person("roald"), person("luc"), person("dan")


def test_a_profile_is_invisible_unless_its_owner_opted_in(people):
    roald, luc, _dan = people
    services.save_help_profile(roald, skills_offered=["Design"], visibility="members")
    services.save_help_profile(luc, skills_sought=["design"], opted_in=True, visibility="members")
    assert list(services.visible_profiles()) == [luc.help_profile]  # roald did not opt in
    assert services.suggestions(luc) == []
    with pytest.raises(InvalidAction):
        services.request_contact(luc, roald, "Bonjour")
    services.save_help_profile(roald, opted_in=True)
    (profile, skills, why), *_ = services.suggestions(luc)
    assert profile.user == roald and skills == ["Design"] and "propose Design" in why


def test_a_hidden_profile_is_invisible_and_unreachable(people):
    roald, luc, _dan = people
    services.save_help_profile(
        roald, skills_offered=["Design"], opted_in=True, visibility="members"
    )
    services.save_help_profile(luc, skills_sought=["Design"], opted_in=True, visibility="members")
    services.hide_help_profile(roald)
    assert roald.help_profile not in services.visible_profiles()
    assert services.suggestions(luc) == []
    with pytest.raises(InvalidAction):
        services.request_contact(luc, roald, "Bonjour")


def test_suggestions_prefer_people_at_the_same_places(people, db):
    roald, luc, dan = people
    polen = Place.objects.create(name="Polen", slug="polen", type="coworking")
    services.save_help_profile(luc, skills_sought=["Design"], opted_in=True, places=[polen])
    services.save_help_profile(dan, skills_offered=["design"], opted_in=True, visibility="members")
    services.save_help_profile(
        roald, skills_offered=["Design"], opted_in=True, visibility="members", places=[polen]
    )
    found = services.suggestions(luc)
    assert [p.user for p, _s, _w in found] == [roald, dan]
    assert "mêmes lieux" in found[0][2]


def test_an_email_is_never_shown_before_the_contact_is_accepted(people, mailbox):
    roald, luc, _dan = people
    services.save_help_profile(
        roald, skills_offered=["Design"], opted_in=True, visibility="members"
    )
    services.save_help_profile(luc, skills_sought=["Design"], opted_in=True, visibility="members")
    request = services.request_contact(luc, roald, "Un conseil pour un logo ?")
    mailbox.deliver()
    (message,) = mailbox.to("roald@example.org")
    assert "luc@example.org" not in message.as_string()
    assert services.contact_email(request, luc) is None
    assert services.contact_email(request, roald) is None
    with pytest.raises(InvalidAction):
        services.answer_contact(request, by=luc, accept=True)  # only the recipient answers
    services.answer_contact(request, by=roald, accept=True)
    assert services.contact_email(request, luc) == "roald@example.org"
    assert services.contact_email(request, roald) == "luc@example.org"
    assert services.contact_email(request, _dan) is None
    mailbox.deliver()
    (accepted,) = mailbox.to("luc@example.org")
    assert "roald@example.org" in mailbox.body(accepted)


def test_a_declined_request_reveals_nothing(people, mailbox):
    roald, luc, _dan = people
    services.save_help_profile(roald, opted_in=True, visibility="members")
    services.save_help_profile(luc, opted_in=True)
    request = services.request_contact(luc, roald, "Bonjour")
    services.answer_contact(request, by=roald, accept=False)
    assert services.contact_email(request, luc) is None
    mailbox.deliver()
    assert mailbox.to("luc@example.org") == []


def test_deleting_a_profile_deletes_its_data(people, mailbox):
    roald, luc, dan = people
    services.save_help_profile(
        roald, skills_offered=["Design"], bio="Designer", opted_in=True, visibility="members"
    )
    services.save_help_profile(luc, opted_in=True, visibility="members")
    services.save_help_profile(dan, opted_in=True)
    services.request_contact(luc, roald, "Bonjour")
    services.request_contact(roald, dan, "Hello") if dan.help_profile.is_visible else None
    services.delete_help_profile(roald)
    assert not HelpProfile.objects.filter(user=roald).exists()
    assert not ContactRequest.objects.filter(sender=roald).exists()
    assert not ContactRequest.objects.filter(recipient=roald).exists()
    assert HelpProfile.objects.filter(user=luc).exists()  # others keep theirs
    assert User.objects.filter(pk=roald.pk).exists()  # the account itself stays


def test_skills_are_cleaned_and_bounded(people):
    roald, *_ = people
    profile = services.save_help_profile(
        roald, skills_offered=["  Design  graphique ", "design graphique", "", *map(str, range(30))]
    )
    assert profile.skills_offered[0] == "Design graphique"
    assert len(profile.skills_offered) == services.MAX_SKILLS


def test_personas_luc_is_suggested_to_roald_and_to_the_villefort_project(people, db):
    """Luc can be an expert resource (Villefort coworking project); Roald learns
    peer to peer, give and take (seed document, workshop 2)."""
    roald, luc, _dan = people
    basile = person("basile")
    services.save_help_profile(
        luc,
        opted_in=True,
        visibility="members",
        mentoring=True,
        skills_offered=["Services numériques", "Réponse aux appels d'offres"],
        skills_sought=["Design"],
    )
    services.save_help_profile(
        roald,
        opted_in=True,
        visibility="members",
        peer_learning=True,
        skills_offered=["Design"],
        skills_sought=["Réponse aux appels d'offres"],
    )
    services.save_help_profile(
        basile, opted_in=True, skills_sought=["services numériques"], visibility="hidden"
    )
    (profile, skills, why), *_ = services.suggestions(roald)
    assert profile.user == luc and "Réponse aux appels d'offres" in skills
    assert "cherche Design" in why  # give and take
    assert [p.user for p, _s, _w in services.suggestions(basile)] == [luc]
    # Basile's hidden profile is suggested to nobody
    assert all(p.user != basile for p, _s, _w in services.suggestions(luc))
