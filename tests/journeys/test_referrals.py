"""Referrals between places: a host sends a person on, with consent and the need;
the receiving host sees it and marks it followed up; the network sees counts only."""

from __future__ import annotations

import pytest

from maillage.accounts.models import Role, User
from maillage.journeys import services
from maillage.journeys.models import Referral
from maillage.journeys.services import InvalidAction
from maillage.places.models import Place


@pytest.fixture
def atelier(db):
    return Place.objects.create(name="L'Atelier", slug="l-atelier", type="cafe")


@pytest.fixture
def cio(db):
    return Place.objects.create(name="CIO de Mende", slug="cio", type="youth-service")


def host(place, name):
    user = User.objects.create_user(
        username=name, email=f"{name}@example.org", password="x-long-password-48"
    )
    place.hosts.add(user)
    return user


def test_a_host_sends_a_person_on_with_consent_and_the_receiving_host_follows_up(
    atelier, cio, mailbox
):
    murielle, conseillere = host(atelier, "murielle"), host(cio, "conseillere")
    referral = services.send_referral(
        atelier,
        cio,
        "orientation-studies-work",
        by=murielle,
        consent=True,
        person_name="Justine",
        note="Cherche une filière numérique.",
    )
    assert referral.status == Referral.Status.SENT and referral.consent_at
    mailbox.deliver()
    (message,) = mailbox.to("conseillere@example.org")
    body = mailbox.body(message)
    assert "L'Atelier" in body and "Justine" not in body  # the mail carries no name
    with pytest.raises(InvalidAction):
        services.mark_followed_up(referral, by=murielle)  # not the receiving host
    services.mark_followed_up(referral, by=conseillere)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.FOLLOWED_UP and referral.followed_up_at
    assert referral.person_name == "" and referral.note == ""  # erased once followed up


def test_no_referral_without_consent_or_by_someone_else(atelier, cio):
    murielle = host(atelier, "murielle")
    stranger = User.objects.create_user(
        username="x", email="x@example.org", password="x-long-password-48"
    )
    with pytest.raises(InvalidAction, match="accord"):
        services.send_referral(atelier, cio, "admin-help", by=murielle, consent=False)
    with pytest.raises(InvalidAction):
        services.send_referral(atelier, cio, "admin-help", by=stranger, consent=True)
    with pytest.raises(InvalidAction):
        services.send_referral(atelier, atelier, "admin-help", by=murielle, consent=True)
    with pytest.raises(InvalidAction):
        services.send_referral(atelier, cio, "nope", by=murielle, consent=True)
    assert not Referral.objects.exists()


def test_the_network_sees_counts_only(atelier, cio):
    murielle, conseillere = host(atelier, "murielle"), host(cio, "conseillere")
    for name in ("Justine", "Léa", "Tom"):
        r = services.send_referral(
            atelier, cio, "orientation-studies-work", by=murielle, consent=True, person_name=name
        )
    services.mark_followed_up(r, by=conseillere)
    services.send_referral(atelier, cio, "time-with-friends", by=murielle, consent=True)
    flows = services.referral_flows()
    assert flows[0] == {
        "from_place": {"id": atelier.id, "name": "L'Atelier"},
        "to_place": {"id": cio.id, "name": "CIO de Mende"},
        "need": "orientation-studies-work",
        "count": 3,
        "followed_up": 1,
    }
    assert len(flows) == 2
    assert "Justine" not in repr(flows) and "murielle" not in repr(flows)


def test_a_coordinator_may_refer_and_follow_up_for_any_place(atelier, cio):
    coordination = User.objects.create_user(
        username="coord",
        email="coord@example.org",
        password="x-long-password-48",
        role=Role.COORDINATOR,
    )
    r = services.send_referral(atelier, cio, "admin-help", by=coordination, consent=True)
    services.mark_followed_up(r, by=coordination)
    assert r.status == Referral.Status.FOLLOWED_UP
