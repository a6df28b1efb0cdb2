"""Hosts are reminded, at most once per period, to check pages nobody checked for long."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command
from django.utils import timezone

from maillage.participation import services
from maillage.participation.models import StaleReminder

from .fixtures import make_user

NOW = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)


def test_hosts_of_places_not_checked_are_reminded(atelier, host, mailbox, settings):
    settings.MAILLAGE_STALE_AFTER_DAYS = 180
    atelier.mark_checked(NOW - dt.timedelta(days=200))
    reminders = services.remind_stale(now=NOW)
    assert [r.place for r in reminders] == [atelier]
    mailbox.deliver()
    message = mailbox.only(to=host.email)
    assert "L'Atelier" in message["Subject"]
    assert "/contribuer/lieux/l-atelier/modifier/" in mailbox.body(message)
    assert "180 jours" in mailbox.body(message)


def test_a_place_never_checked_counts_as_stale(atelier, host, mailbox):
    assert atelier.last_checked_at is None
    assert len(services.remind_stale(days=30, now=NOW)) == 1


def test_reminders_are_sent_once_per_period(atelier, host, mailbox):
    services.remind_stale(days=30, now=NOW)
    services.remind_stale(days=30, now=NOW + dt.timedelta(days=1))
    services.remind_stale(days=30, now=NOW + dt.timedelta(days=29))
    mailbox.deliver()
    assert len(mailbox.to(host.email)) == 1
    assert StaleReminder.objects.count() == 1
    services.remind_stale(days=30, now=NOW + dt.timedelta(days=31))
    mailbox.deliver()
    assert len(mailbox.to(host.email)) == 2


def test_checked_places_and_places_without_hosts_are_not_reminded(
    atelier, telecentre, host, mailbox
):
    atelier.mark_checked(NOW - dt.timedelta(days=3))
    telecentre.mark_checked(NOW - dt.timedelta(days=400))  # stale, but nobody to tell
    assert services.remind_stale(days=30, now=NOW) == []
    mailbox.deliver()
    assert mailbox.messages == []


def test_a_host_gets_one_message_for_all_their_stale_places(atelier, telecentre, host, mailbox):
    telecentre.hosts.add(host)
    other = make_user("luc")
    telecentre.hosts.add(other)
    reminders = services.remind_stale(days=30, now=NOW)
    assert {r.place for r in reminders} == {atelier, telecentre}
    mailbox.deliver()
    body = mailbox.body(mailbox.only(to=host.email))
    assert "L'Atelier" in body and "Télécentre de Florac" in body
    mailbox.deliver()
    assert "L'Atelier" not in mailbox.body(mailbox.only(to=other.email))


def test_checking_the_page_after_a_reminder_restarts_the_period(atelier, host, mailbox):
    services.remind_stale(days=30, now=NOW)
    atelier.mark_checked(NOW + dt.timedelta(days=2))
    services.remind_stale(days=30, now=NOW + dt.timedelta(days=31))
    mailbox.deliver()
    assert len(mailbox.to(host.email)) == 1
    services.remind_stale(days=30, now=NOW + dt.timedelta(days=33))
    mailbox.deliver()
    assert len(mailbox.to(host.email)) == 2


def test_remind_stale_command_takes_days(atelier, host, mailbox):
    atelier.mark_checked(timezone.now() - dt.timedelta(days=10))
    out = io.StringIO()
    call_command("remind_stale", "--days", "30", stdout=out)
    mailbox.deliver()
    assert mailbox.messages == []
    call_command("remind_stale", "--days", "7", stdout=out)
    call_command("remind_stale", "--days", "7", stdout=out)
    mailbox.deliver()
    assert len(mailbox.to(host.email)) == 1
    assert "1 lieu(x) rappelé(s) à 1 hôte(s)." in out.getvalue()
