"""Every e-mail the platform sends goes through :func:`enqueue`.

``enqueue(to=..., template=..., context=...)`` renders the message now and
writes one outbox row per recipient (:class:`~maillage.core.models.OutboundMessage`)
in the caller's transaction: if the change that causes the message is rolled
back, so is the message; if it commits, the message will be sent. No SMTP
connection is opened in the request. ``maillage worker`` looks at the outbox
on every turn (each second when idle, a read that takes no lock): it claims due
rows in batches and sends them over one SMTP connection. The outbox is the
queue of mail; the worker also runs the tasks of Django's Tasks framework
(``django-tasks``, database backend) for other background work.

Templates: ``<template>_subject.txt`` (one line), ``<template>_body.txt``
(plain text) and, optionally, ``<template>_body.html``; without it the HTML
version is the text one in ``core/email/message.html``. Text templates are
rendered without HTML escaping (a subject says ``l'Atelier``, not
``l&#x27;Atelier``); the HTML version is escaped as any page.

Delivery: a temporary failure (SMTP 4xx, connection refused, timeout) is
retried with exponential backoff (``MAILLAGE_MAIL_RETRY_SECONDS`` × 2^n, up to
``MAILLAGE_MAIL_MAX_ATTEMPTS`` attempts); a permanent one (5xx) or the last
attempt marks the row failed, with the reason, for coordinators to see and
retry in the admin (:func:`retry`). Rows are claimed (``SELECT … FOR UPDATE
SKIP LOCKED``, then a status and a lease) before they are sent and each is
marked sent right after the relay accepted it, so two workers never send one
twice; a worker killed while sending leaves its rows claimed until
``claimed_until``, after which the next run takes them. The only window where a
message can go twice is a kill between the relay's "250 OK" and the update
that follows it (well under a millisecond); the copy then carries the same
``Message-ID``.
"""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
import time
from collections.abc import Iterable
from email.utils import make_msgid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template import TemplateDoesNotExist
from django.template.backends.django import DjangoTemplates
from django.template.loader import render_to_string
from django_tasks import task

from . import clock
from .models import OutboundMessage

logger = logging.getLogger(__name__)

Status = OutboundMessage.Status


# --- links -----------------------------------------------------------------------


def site_url(request=None) -> str:
    """The site's address without a trailing slash: ``MAILLAGE_SITE_URL``
    (from the request only when it is not configured)."""
    configured = getattr(settings, "MAILLAGE_SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    return f"http://{hosts[0] if hosts else 'localhost'}:8000"


def absolute(path: str, base_url: str | None = None) -> str:
    return f"{(base_url or site_url()).rstrip('/')}{path}"


# --- rendering --------------------------------------------------------------------

_text_engine: DjangoTemplates | None = None


def _text() -> DjangoTemplates:
    """The apps' templates, rendered without HTML escaping (plain text)."""
    global _text_engine
    if _text_engine is None:
        _text_engine = DjangoTemplates(
            {
                "NAME": "maillage-mail-text",
                "DIRS": [],
                "APP_DIRS": True,
                # the pages' builtin filters too (French dates: fr_day, fr_time…)
                "OPTIONS": {
                    "autoescape": False,
                    "builtins": settings.TEMPLATES[0].get("OPTIONS", {}).get("builtins", []),
                },
            }
        )
    return _text_engine


def render(template: str, context: dict) -> tuple[str, str, str]:
    """(subject, plain text, HTML) of ``template`` with ``context``."""
    engine = _text()
    subject = " ".join(engine.get_template(f"{template}_subject.txt").render(context).split())
    text = engine.get_template(f"{template}_body.txt").render(context)
    try:
        html = render_to_string(f"{template}_body.html", context)
    except TemplateDoesNotExist:
        # The text engine marks its output safe; in HTML it is text to escape.
        plain = "".join(text)
        html = render_to_string(
            "core/email/message.html", {**context, "subject": subject, "text": plain}
        )
    return subject[:900], text, html


def _domain() -> str:
    return urlsplit(site_url()).hostname or "maillage.localhost"


# --- enqueue ----------------------------------------------------------------------


def enqueue(
    to: str | Iterable[str],
    template: str,
    context: dict | None = None,
    *,
    attachments: Iterable[tuple[str, str | bytes, str]] = (),
    headers: dict[str, str] | None = None,
) -> list[OutboundMessage]:
    """Queue one message per distinct address in ``to``; returns the outbox rows.

    Call it inside the transaction of the change the message tells about.
    ``attachments`` are ``(filename, text content, mimetype)``. The context gets
    ``site_url`` and ``network_name``; build links with :func:`absolute`.
    """
    addresses = [to] if isinstance(to, str) else list(to)
    distinct: dict[str, str] = {}
    for address in addresses:
        if address and address.strip():
            distinct.setdefault(address.strip().lower(), address.strip())
    recipients = [distinct[key] for key in sorted(distinct)]
    if not recipients:
        return []
    context = {
        "site_url": site_url(),
        "network_name": settings.MAILLAGE_NETWORK_NAME,
        **(context or {}),
    }
    subject, text, html = render(template, context)
    files = [
        {
            "filename": name,
            "content": content.decode() if isinstance(content, bytes) else content,
            "mimetype": mimetype,
        }
        for name, content, mimetype in attachments
    ]
    now = clock.now()
    domain = _domain()
    rows = OutboundMessage.objects.bulk_create(
        OutboundMessage(
            to=address,
            subject=subject,
            body_text=text,
            body_html=html,
            headers=dict(headers or {}),
            attachments=files,
            template=template,
            message_id=make_msgid(domain=domain),
            next_attempt_at=now,
            created_at=now,
        )
        for address in recipients
    )
    # No task is enqueued per message: the worker looks at the outbox on every
    # turn (each second when idle), so a wake-up task would add a write and a
    # second commit to every booking without sending anything sooner.
    return rows


# --- delivery ---------------------------------------------------------------------


def _setting(name: str, default):
    return getattr(settings, name, default)


def backoff(attempt: int) -> dt.timedelta:
    """Delay before attempt ``attempt + 1``: base × 2^(attempt-1), at most 6 hours."""
    base = _setting("MAILLAGE_MAIL_RETRY_SECONDS", 60)
    return dt.timedelta(seconds=min(base * 2 ** max(attempt - 1, 0), 6 * 3600))


def is_temporary(error: BaseException) -> bool:
    """SMTP 4xx, a dropped or refused connection, a timeout: worth trying again."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _msg in error.recipients.values()]
        return bool(codes) and all(400 <= code < 500 for code in codes)
    if isinstance(error, smtplib.SMTPResponseException):
        return 400 <= error.smtp_code < 500
    return isinstance(error, smtplib.SMTPException | OSError)


def reason(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return "; ".join(
            f"{address}: {code} {msg.decode(errors='replace') if isinstance(msg, bytes) else msg}"
            for address, (code, msg) in error.recipients.items()
        )
    if isinstance(error, smtplib.SMTPResponseException):
        message = error.smtp_error
        if isinstance(message, bytes):
            message = message.decode(errors="replace")
        return f"{error.smtp_code} {message}"
    return f"{type(error).__name__}: {error}"[:2000]


class _Relay:
    """One SMTP connection per worker process, reused from message to message
    and closed after a few idle seconds or any error."""

    IDLE_SECONDS = 10

    def __init__(self) -> None:
        self.connection = None
        self.key = None
        self.used = 0.0

    def _key(self):
        return (settings.EMAIL_BACKEND, settings.EMAIL_HOST, settings.EMAIL_PORT)

    def get(self):
        stale = time.monotonic() - self.used > self.IDLE_SECONDS
        if self.connection is not None and (stale or self.key != self._key()):
            self.close()
        if self.connection is None:
            self.connection = get_connection(fail_silently=False)
            self.connection.open()
            self.key = self._key()
        self.used = time.monotonic()
        return self.connection

    def close(self) -> None:
        if self.connection is not None:
            try:
                self.connection.close()
            except Exception:  # noqa: S110 (a broken connection is dropped either way)
                pass
        self.connection = None

    def send(self, message) -> None:
        reused = self.connection is not None
        try:
            self.get().send_messages([message])
        except (smtplib.SMTPServerDisconnected, ConnectionError) as error:
            self.close()
            if not reused:
                raise
            logger.info("SMTP connection dropped (%s), reconnecting", error)
            self.get().send_messages([message])
        except BaseException:
            self.close()
            raise


relay = _Relay()


def build(row: OutboundMessage) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        row.subject,
        row.body_text,
        settings.DEFAULT_FROM_EMAIL,
        [row.to],
        headers={**row.headers, "Message-ID": row.message_id},
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    for item in row.attachments:
        message.attach(item["filename"], item["content"], item["mimetype"])
    return message


def _claimable(now: dt.datetime) -> Q:
    """Due queued rows, and rows whose sender's claim expired (a dead worker)."""
    return Q(status=Status.QUEUED, next_attempt_at__lte=now) | Q(
        status=Status.SENDING, claimed_until__lt=now
    )


def _lease() -> dt.timedelta:
    return dt.timedelta(seconds=_setting("MAILLAGE_MAIL_LEASE_SECONDS", 300))


def _claim(limit: int) -> list[OutboundMessage]:
    """Claim up to ``limit`` due rows for this worker: ``SELECT … FOR UPDATE SKIP
    LOCKED`` on PostgreSQL (two workers never take the same row), the write lock
    of ``BEGIN IMMEDIATE`` on SQLite."""
    now = clock.now()
    with transaction.atomic():
        rows = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(_claimable(now))
            .order_by("next_attempt_at", "pk")[:limit]
        )
        if rows:
            until = now + _lease()
            OutboundMessage.objects.filter(pk__in=[r.pk for r in rows]).update(
                status=Status.SENDING, attempts=F("attempts") + 1, claimed_until=until
            )
            for row in rows:
                row.status, row.attempts, row.claimed_until = (
                    Status.SENDING,
                    row.attempts + 1,
                    until,
                )
    return rows


def _release(rows: list[OutboundMessage]) -> None:
    """Give back claimed rows this worker will not try now (its lease runs out)."""
    OutboundMessage.objects.filter(pk__in=[r.pk for r in rows], status=Status.SENDING).update(
        status=Status.QUEUED, attempts=F("attempts") - 1, claimed_until=None
    )


def has_due(now: dt.datetime | None = None) -> bool:
    """Whether a message is due: a read, so an idle worker's look takes no lock."""
    return OutboundMessage.objects.filter(_claimable(now or clock.now())).exists()


def deliver_due(batch: int = 20) -> dict[str, int]:
    """Send every due message, ``batch`` claimed at a time over one SMTP
    connection, each marked sent as soon as the relay accepted it. Returns the
    counts of ``sent``, ``retry`` and ``failed``."""
    counts = {"sent": 0, "retry": 0, "failed": 0}
    budget = _lease().total_seconds() * 0.8
    while rows := _claim(batch):
        started = time.monotonic()
        for index, row in enumerate(rows):
            if time.monotonic() - started > budget:
                _release(rows[index:])
                break
            try:
                relay.send(build(row))
            except Exception as error:
                counts[_failed(row, error)] += 1
                continue
            OutboundMessage.objects.filter(pk=row.pk, status=Status.SENDING).update(
                status=Status.SENT, sent_at=clock.now(), claimed_until=None, last_error=""
            )
            counts["sent"] += 1
    return counts


def _failed(row: OutboundMessage, error: BaseException) -> str:
    why = reason(error)
    last = row.attempts >= _setting("MAILLAGE_MAIL_MAX_ATTEMPTS", 8)
    if is_temporary(error) and not last:
        row.status = Status.QUEUED
        row.next_attempt_at = clock.now() + backoff(row.attempts)
        outcome = "retry"
    else:
        row.status = Status.FAILED
        outcome = "failed"
    row.claimed_until = None
    row.last_error = why
    row.save(update_fields=["status", "next_attempt_at", "claimed_until", "last_error"])
    log = logger.warning if outcome == "retry" else logger.error
    log("E-mail %s #%s: %s (%s)", row.template, row.pk, outcome, why)
    return outcome


@task()
def deliver() -> dict[str, int]:
    """Send what is due in the outbox, as a task (for code that wants delivery
    through the queue; ``maillage worker`` also looks at the outbox itself on
    every turn)."""
    return deliver_due()


# --- coordinators and upkeep ------------------------------------------------------


def retry(rows) -> int:
    """Queue failed rows again, due now (the admin's action); returns how many."""
    count = rows.filter(status=Status.FAILED).update(
        status=Status.QUEUED, attempts=0, next_attempt_at=clock.now(), claimed_until=None
    )
    return count


def sweep(now: dt.datetime | None = None) -> dict[str, int]:
    """Upkeep the worker runs every minute: count what is due (sending it is
    each turn's work), and forget the bodies of messages sent more than
    ``MAILLAGE_MAIL_KEEP_DAYS`` days ago."""
    now = now or clock.now()
    due = OutboundMessage.objects.filter(_claimable(now)).count()
    keep = dt.timedelta(days=_setting("MAILLAGE_MAIL_KEEP_DAYS", 30))
    forgotten = OutboundMessage.objects.filter(
        status=Status.SENT, sent_at__lt=now - keep, forgotten_at=None
    ).update(body_text="", body_html="", attachments=[], headers={}, forgotten_at=now)
    return {"due": due, "forgotten": forgotten}


def sent_to(address: str) -> list[dict]:
    """What the outbox keeps about the messages to ``address`` (a person's data export)."""
    rows = OutboundMessage.objects.filter(to__iexact=address).order_by("created_at", "pk")
    return [
        {
            "subject": row.subject,
            "status": row.status,
            "created_at": row.created_at.isoformat(),
            "sent_at": row.sent_at.isoformat() if row.sent_at else None,
        }
        for row in rows
    ]


def forget_address(address: str) -> int:
    """Delete every message to ``address`` (a person deletes their account)."""
    deleted, _ = OutboundMessage.objects.filter(to__iexact=address).delete()
    return deleted


def pending_count() -> int:
    return OutboundMessage.objects.filter(status__in=[Status.QUEUED, Status.SENDING]).count()


def close() -> None:
    """Close the worker's SMTP connection (end of a run, tests)."""
    relay.close()
