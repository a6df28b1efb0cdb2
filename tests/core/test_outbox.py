"""The outbox (maillage.core.mail): written with the transaction, retried with
backoff, failures shown to coordinators and sent again by hand, bodies
forgotten, a dead worker's message handed on."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import transaction

from maillage.accounts.models import Role, User
from maillage.core import clock, mail
from maillage.core.models import OutboundMessage

pytestmark = pytest.mark.django_db

TEMPLATE = "accounts/emails/confirm_email"


def queue(*addresses: str) -> list[OutboundMessage]:
    person = SimpleNamespace(display_name="Zoé d'Aubrac")
    return mail.enqueue(
        list(addresses), TEMPLATE, {"user": person, "confirm_url": mail.absolute("/x/")}
    )


def test_one_row_per_recipient_with_text_and_html(mailbox):
    rows = queue("b@example.org", "a@example.org", "A@example.org ", "")
    assert [r.to for r in rows] == ["a@example.org", "b@example.org"]
    assert "Zoé d'Aubrac" in rows[0].body_text  # plain text, not HTML-escaped
    assert "Zoé d&#x27;Aubrac" in rows[0].body_html
    mailbox.deliver()
    assert sorted(mailbox.recipients()) == ["a@example.org", "b@example.org"]
    message = mailbox.only(to="a@example.org")
    assert message["Message-ID"] == rows[0].message_id
    assert message.get_body(preferencelist=("html",)) is not None
    assert "http://127.0.0.1:8000/x/" in mailbox.body(message) or mailbox.links(message)


def test_a_rolled_back_change_sends_nothing(mailbox):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue("a@example.org")
        raise RuntimeError("the change fails")
    assert not OutboundMessage.objects.exists()
    mailbox.deliver()
    assert mailbox.messages == []


def test_temporary_failures_back_off_then_fail_visibly(mailbox, frozen_clock, settings):
    settings.MAILLAGE_MAIL_MAX_ATTEMPTS = 3
    settings.MAILLAGE_MAIL_RETRY_SECONDS = 60
    [row] = queue("a@example.org")
    mailbox.answer("451 4.3.0 Try again later")
    mailbox.deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("queued", 1)
    assert "451" in row.last_error
    first_retry = row.next_attempt_at
    mailbox.deliver()  # not due yet: nothing happens
    row.refresh_from_db()
    assert row.attempts == 1
    frozen_clock.shift(dt.timedelta(seconds=61))
    mailbox.deliver()
    row.refresh_from_db()
    assert row.attempts == 2 and row.next_attempt_at - first_retry >= dt.timedelta(seconds=119)
    frozen_clock.shift(dt.timedelta(seconds=121))
    mailbox.deliver()
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("failed", 3)
    assert mailbox.messages == []


def test_a_permanent_refusal_fails_at_once(mailbox):
    [row] = queue("a@example.org")
    mailbox.answer("550 5.1.1 No such user")
    mailbox.deliver()
    row.refresh_from_db()
    assert row.status == "failed" and row.last_error.startswith("550")


def test_coordinators_see_failures_and_send_them_again(client, mailbox):
    [row] = queue("a@example.org")
    mailbox.answer("550 5.7.1 Relaying denied")
    mailbox.deliver()
    coordinator = User.objects.create_user(
        "coord", "coord@example.org", "pw", role=Role.COORDINATOR
    )
    client.force_login(coordinator)
    page = client.get("/admin/core/outboundmessage/?status__exact=failed")
    assert page.status_code == 200
    text = page.content.decode()
    assert "a@example.org" in text and "Relaying denied" in text
    detail = client.get(f"/admin/core/outboundmessage/{row.pk}/change/").content.decode()
    assert "/x/" not in detail  # bodies (private links) are not shown
    mailbox.answer(None)
    response = client.post(
        "/admin/core/outboundmessage/",
        {"action": "send_again", "_selected_action": [row.pk]},
    )
    assert response.status_code == 302
    mailbox.deliver()
    assert mailbox.recipients() == ["a@example.org"]
    row.refresh_from_db()
    assert row.status == "sent" and row.last_error == ""


def test_sent_bodies_are_forgotten_after_the_configured_days(mailbox, frozen_clock, settings):
    settings.MAILLAGE_MAIL_KEEP_DAYS = 30
    [row] = queue("a@example.org")
    mailbox.deliver()
    frozen_clock.shift(dt.timedelta(days=29))
    assert mail.sweep()["forgotten"] == 0
    frozen_clock.shift(dt.timedelta(days=2))
    assert mail.sweep()["forgotten"] == 1
    row.refresh_from_db()
    assert row.body_text == row.body_html == "" and row.attachments == []
    assert row.to == "a@example.org" and row.sent_at is not None


def test_finished_task_results_are_pruned(mailbox, frozen_clock):
    from django_tasks_db.models import DBTaskResult

    from maillage.core.worker import prune_results

    queue("a@example.org")
    mail.deliver.enqueue()  # delivery as a task, as code outside the worker may ask
    mailbox.deliver()
    assert DBTaskResult.objects.successful().exists()
    assert mailbox.recipients() == ["a@example.org"]
    assert prune_results() == 0
    frozen_clock.shift(dt.timedelta(days=2))
    assert prune_results() >= 1
    assert not DBTaskResult.objects.successful().exists()


def test_a_message_held_by_a_dead_worker_is_handed_on_after_its_lease(
    mailbox, frozen_clock, settings
):
    settings.MAILLAGE_MAIL_LEASE_SECONDS = 300
    [row] = queue("a@example.org")
    # a worker claimed it, then died (kill -9) before sending
    OutboundMessage.objects.filter(pk=row.pk).update(
        status="sending", attempts=1, claimed_until=clock.now() + dt.timedelta(seconds=300)
    )
    mailbox.deliver()
    assert mailbox.messages == []  # still within its lease: nobody else takes it
    frozen_clock.shift(dt.timedelta(seconds=301))
    mailbox.deliver()
    assert mailbox.recipients() == ["a@example.org"]
    row.refresh_from_db()
    assert (row.status, row.attempts) == ("sent", 2)
    mailbox.deliver()
    assert len(mailbox.messages) == 1


def test_only_the_outbox_talks_to_the_mail_server():
    """One rule, one place: no module but maillage.core.mail uses django.core.mail."""
    import re
    from pathlib import Path

    import maillage

    imports = re.compile(
        r"^\s*(from django\.core\.mail\b|from django\.core import mail\b|import smtplib)", re.M
    )
    root = Path(maillage.__file__).parent
    users = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if imports.search(path.read_text())
    )
    assert users == ["core/mail.py"]
