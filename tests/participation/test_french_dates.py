"""Moderation, host editing and reminders write their dates the platform's one French
way (maillage.core.french): « 1er novembre 2026 à 10 h 05 », never « 1 novembre 2026 à 10:05 »."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from maillage.core.french import PARIS
from maillage.participation import services
from maillage.participation.models import Claim, Flag, Proposal

NB = "\u00a0"
FIRST_OF_NOVEMBER = dt.datetime(2026, 11, 1, 10, 5, tzinfo=PARIS)


def text(html: str) -> str:
    return re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_moderation_queue_says_1er_and_10_h_05(client, atelier, member, coordinator):
    services.propose_correction(atelier, {"phone": "04 66 00 00 00"}, email="a@example.org")
    services.flag_place(atelier, comment="Fermé ?", email="b@example.org")
    services.claim_place(atelier, by=member, message="J'y anime les ateliers.")
    for model in (Proposal, Flag, Claim):
        model.objects.update(created_at=FIRST_OF_NOVEMBER)
    client.force_login(coordinator)
    page = text(client.get(reverse("participation:moderation")).content.decode())
    assert f"Proposé le 1er novembre 2026 à 10{NB}h{NB}05" in page
    assert f"Signalé le 1er novembre 2026 à 10{NB}h{NB}05" in page
    assert f"{member.email} · 1er novembre 2026 ·" in page
    assert not re.search(r"\b\d\d:\d\d\b", page)
    assert str(Flag.objects.get()) == "L'Atelier · 1er novembre 2026"  # the admin's lists


def test_a_decided_proposal_says_when_the_french_way(client, atelier, coordinator):
    proposal = services.propose_correction(atelier, {"phone": "04 66 00 00 00"}, email="a@b.org")
    services.reject_proposal(proposal, by=coordinator, reason="Numéro inconnu.")
    Proposal.objects.update(decided_at=FIRST_OF_NOVEMBER)
    client.force_login(coordinator)
    page = text(client.get(reverse("participation:proposal", args=[proposal.pk])).content.decode())
    assert "· 1er novembre 2026 ·" in page


def test_the_edit_page_and_the_reminder_say_when_the_page_was_checked(
    client, atelier, host, mailbox
):
    atelier.mark_checked(FIRST_OF_NOVEMBER - dt.timedelta(days=365))
    client.force_login(host)
    page = text(
        client.get(reverse("participation:edit_place", args=[atelier.slug])).content.decode()
    )
    assert "Page vérifiée le 1er novembre 2025." in page
    services.remind_stale(days=180)
    mailbox.deliver()
    assert "(vérifiée le 1er novembre 2025)" in mailbox.body(mailbox.only(to=host.email))
