"""The agenda's newsletter: double opt-in subscription by communes, distance and
themes; a digest of what is coming, weekly or monthly.

``send_newsletter`` is idempotent: each (issue, subscriber) pair is claimed by
a unique row (``NewsletterDelivery``) written in the transaction that queues
the message (``maillage.core.mail``), so running it twice, or twice at once,
never queues the same issue to the same person twice; the worker sends it, and
retries it while the SMTP server refuses it for a while. Every message has a one-click unsubscribe link and the ``List-Unsubscribe``
and ``List-Unsubscribe-Post`` headers (RFC 8058).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from maillage.core import clock, mail
from maillage.core.mail import absolute
from maillage.places.search import haversine_km

from .models import NewsletterDelivery, NewsletterIssue, Occurrence, Subscriber

logger = logging.getLogger(__name__)

WINDOWS = {
    Subscriber.Frequency.WEEKLY: dt.timedelta(days=7),
    Subscriber.Frequency.MONTHLY: dt.timedelta(days=31),
}


def period_of(frequency: str, now: dt.datetime) -> str:
    local = timezone.localtime(now)
    if frequency == Subscriber.Frequency.WEEKLY:
        year, week, _day = local.isocalendar()
        return f"{year}-W{week:02d}"
    return f"{local:%Y-%m}"


@transaction.atomic
def subscribe(
    email: str,
    *,
    communes: Iterable[str] = (),
    near: tuple[float, float] | None = None,
    radius_km: float | None = None,
    themes: Iterable[str] = (),
    frequency: str = Subscriber.Frequency.WEEKLY,
) -> Subscriber:
    """Record the wish and e-mail the confirmation link (nothing else is sent before)."""
    email = email.strip().lower()
    subscriber, _created = Subscriber.objects.get_or_create(email=email)
    subscriber.communes = sorted(set(communes))
    subscriber.latitude, subscriber.longitude = near if near else (None, None)
    subscriber.radius_km = radius_km if near else None
    subscriber.themes = sorted(set(themes))
    subscriber.frequency = frequency
    subscriber.unsubscribed_at = None
    subscriber.confirmed_at = None  # a new wish is confirmed again by its owner
    subscriber.save()
    mail.enqueue(
        email,
        "events/email/newsletter_confirm",
        {
            "subscriber": subscriber,
            "confirm_url": absolute(
                reverse("events:newsletter-confirm", kwargs={"token": subscriber.token})
            ),
        },
    )
    return subscriber


def confirm(token: str, now=None) -> Subscriber:
    subscriber = Subscriber.objects.get(token=token)
    if subscriber.confirmed_at is None:
        subscriber.confirmed_at = now or clock.now()
        subscriber.unsubscribed_at = None
        subscriber.save(update_fields=["confirmed_at", "unsubscribed_at"])
    return subscriber


def unsubscribe(token: str, now=None) -> Subscriber:
    subscriber = Subscriber.objects.get(token=token)
    if subscriber.unsubscribed_at is None:
        subscriber.unsubscribed_at = now or clock.now()
        subscriber.save(update_fields=["unsubscribed_at"])
    return subscriber


def occurrences_for(subscriber: Subscriber, now: dt.datetime) -> list[Occurrence]:
    """The dates of the coming period that match the subscriber's communes,
    distance (either) and themes."""
    qs = (
        Occurrence.objects.active()
        .filter(start__gte=now, start__lt=now + WINDOWS[subscriber.frequency])
        .select_related("event__place__commune", "event__stop__commune")
        .prefetch_related("event__functions")
        .order_by("start")
    )
    if subscriber.themes:
        qs = qs.filter(event__functions__slug__in=subscriber.themes).distinct()
    where = bool(subscriber.communes) or subscriber.latitude is not None
    found = []
    for occurrence in qs:
        event = occurrence.event
        if where:
            commune = event.commune
            in_commune = commune is not None and commune.code in subscriber.communes
            near = False
            if subscriber.latitude is not None and event.latitude is not None:
                distance = haversine_km(
                    subscriber.latitude, subscriber.longitude, [event.latitude], [event.longitude]
                )[0]
                near = float(distance) <= (subscriber.radius_km or 20.0)
            if not (in_commune or near):
                continue
        found.append(occurrence)
    return found


def _queue(subscriber: Subscriber, issue: NewsletterIssue, occurrences) -> None:
    unsubscribe_url = absolute(
        reverse("events:newsletter-unsubscribe", kwargs={"token": subscriber.token})
    )
    context = {
        "subscriber": subscriber,
        "issue": issue,
        "occurrences": occurrences,
        "unsubscribe_url": unsubscribe_url,
        "agenda_url": absolute(reverse("events:agenda")),
    }
    mail.enqueue(
        subscriber.email,
        "events/email/newsletter",
        context,
        headers={
            "List-Unsubscribe": f"<{unsubscribe_url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "List-Id": f"Agenda {settings.MAILLAGE_NETWORK_NAME} <agenda.maillage>",
        },
    )


def send_newsletter(frequency: str, now: dt.datetime | None = None) -> tuple[int, int]:
    """Queue this period's issue for the subscribers who have not received it.
    Returns (queued, skipped because nothing matched)."""
    now = now or clock.now()
    issue, _ = NewsletterIssue.objects.get_or_create(
        frequency=frequency, period=period_of(frequency, now)
    )
    subscribers = Subscriber.objects.filter(
        frequency=frequency, confirmed_at__isnull=False, unsubscribed_at=None
    ).exclude(deliveries__issue=issue)
    sent = skipped = 0
    for subscriber in subscribers:
        occurrences = occurrences_for(subscriber, now)
        if not occurrences:
            skipped += 1
            continue
        try:
            with transaction.atomic():
                NewsletterDelivery.objects.create(
                    issue=issue, subscriber=subscriber, occurrences=len(occurrences)
                )
                _queue(subscriber, issue, occurrences)
        except IntegrityError:
            continue  # another run claimed it
        sent += 1
    return sent, skipped
