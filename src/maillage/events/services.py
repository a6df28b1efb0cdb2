"""The verbs of the agenda: every write about events, their dates and
registrations goes through one of these functions.

Seats are given under a lock on the date's row (``select_for_update``, and
SQLite's ``BEGIN IMMEDIATE`` serialises writers anyway): two people confirming
at the same instant never both take the last seat. E-mails are queued in the
same transaction (``maillage.core.mail``, one per person) and sent by the
worker: a slow or failing mail server never delays or loses a registration.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from maillage.core import clock, mail
from maillage.core.mail import absolute

from .models import Event, Occurrence, Registration, Subscriber
from .recurrence import local_naive

# How far ahead a recurring event's dates are materialised.
HORIZON = dt.timedelta(days=400)
# How far back (dates older than this are left as they are).
HISTORY = dt.timedelta(days=60)


class RegistrationError(ValueError):
    """A registration that cannot be made (closed, cancelled date, duplicate)."""


def unique_slug(title: str, exclude_pk=None) -> str:
    base = slugify(title)[:200] or "evenement"
    slug, n = base, 2
    while Event.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def create_event(*, place, title, start, end, functions=(), now=None, **fields) -> Event:
    """Create an event and its dates."""
    with transaction.atomic():
        event = Event(place=place, title=title, start=start, end=end, **fields)
        if not event.slug:
            event.slug = unique_slug(title)
        event.save()
        if functions:
            event.functions.set(functions)
        sync_occurrences(event, now=now)
    return event


def save_event(form, user=None) -> Event:
    """Save a host's form (new or changed event) and sync its dates."""
    with transaction.atomic():
        event = form.save(commit=False)
        if not event.slug:
            event.slug = unique_slug(event.title)
        if event.pk:
            event.sequence += 1
        elif user is not None and user.is_authenticated:
            event.created_by = user
        event.save()
        form.save_m2m()
        sync_occurrences(event)
    return event


def sync_occurrences(event: Event, now: dt.datetime | None = None) -> None:
    """Make the dates match the event's start, rule and exceptions.

    Dates moved or cancelled alone keep their change; dates no longer in the
    rule are deleted when nobody registered, else cancelled.
    """
    now = now or clock.now()
    low = now - HISTORY
    if event.recurrence_rule:
        starts = event.starts_between(low, now + HORIZON)
    else:
        starts = [event.start]
    duration = event.duration
    with transaction.atomic():
        existing = {o.original_start: o for o in event.occurrences.all()}
        wanted = set(starts)
        for start in starts:
            occurrence = existing.get(start)
            if occurrence is None:
                Occurrence.objects.create(
                    event=event, original_start=start, start=start, end=start + duration
                )
            elif not occurrence.is_modified and occurrence.end - occurrence.start != duration:
                occurrence.end = occurrence.start + duration
                occurrence.save(update_fields=["end"])
        for original, occurrence in existing.items():
            if original in wanted or original < low or occurrence.end < now:
                continue
            if occurrence.registrations.exists():
                if occurrence.status != Occurrence.Status.CANCELLED:
                    occurrence.status = Occurrence.Status.CANCELLED
                    occurrence.sequence += 1
                    occurrence.save(update_fields=["status", "sequence"])
            else:
                occurrence.delete()


def exclude_date(occurrence: Occurrence) -> None:
    """Add the date to the rule's exceptions (EXDATE) and cancel it."""
    event = occurrence.event
    key = local_naive(occurrence.original_start).isoformat(timespec="minutes")
    if key not in event.exdates:
        event.exdates = [*event.exdates, key]
        event.sequence += 1
        event.save(update_fields=["exdates", "sequence", "updated_at"])
    cancel_occurrence(occurrence)


def cancel_occurrence(occurrence: Occurrence, note: str = "") -> None:
    """Cancel one date alone: it stays in feeds as STATUS:CANCELLED; registrants are told."""
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        occurrence.status = Occurrence.Status.CANCELLED
        occurrence.is_modified = True
        occurrence.note = note or occurrence.note
        occurrence.sequence += 1
        occurrence.save()
        people = list(
            occurrence.registrations.filter(
                status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING]
            )
        )
        for person in people:
            _notify(person, "events/email/occurrence_cancelled")


def move_occurrence(occurrence: Occurrence, start: dt.datetime, end: dt.datetime) -> None:
    """Move one date alone (its RECURRENCE-ID stays the rule's date); registrants are told."""
    if end <= start:
        raise ValueError("end before start")
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=occurrence.pk)
        occurrence.start, occurrence.end = start, end
        occurrence.is_modified = True
        occurrence.sequence += 1
        occurrence.save()
        people = list(
            occurrence.registrations.filter(
                status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING]
            )
        )
        for person in people:
            _notify(person, "events/email/occurrence_moved")


def cancel_event(event: Event) -> None:
    """Cancel every date: the event stays in feeds as STATUS:CANCELLED."""
    with transaction.atomic():
        event.status = Event.Status.CANCELLED
        event.sequence += 1
        event.save(update_fields=["status", "sequence", "updated_at"])
        people = list(
            Registration.objects.filter(
                occurrence__event=event,
                occurrence__end__gte=clock.now(),
                status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
            ).select_related("occurrence__event")
        )
        for person in people:
            _notify(person, "events/email/occurrence_cancelled")


# --- registration ---------------------------------------------------------------


def _links(registration: Registration) -> dict:
    token = registration.token
    return {
        "confirm_url": absolute(reverse("events:confirm", kwargs={"token": token})),
        "cancel_url": absolute(reverse("events:cancel", kwargs={"token": token})),
        "event_url": absolute(registration.occurrence.get_absolute_url()),
    }


def _notify(registration: Registration, prefix: str) -> None:
    """Queue ``prefix``'s e-mail to the registered person, in the current transaction."""
    context = {
        "registration": registration,
        "occurrence": registration.occurrence,
        "event": registration.occurrence.event,
        **_links(registration),
    }
    mail.enqueue(registration.email, prefix, context)


def _check_open(occurrence: Occurrence, now: dt.datetime) -> None:
    if occurrence.is_cancelled:
        raise RegistrationError("cancelled")
    if occurrence.end < now:
        raise RegistrationError("past")
    if not occurrence.event.registration_required:
        raise RegistrationError("no registration")


def _seat(registration: Registration, occurrence: Occurrence, now: dt.datetime) -> None:
    """Give a seat or a waiting place; the caller holds the occurrence's lock."""
    capacity = occurrence.event.capacity
    taken = occurrence.registrations.filter(status=Registration.Status.REGISTERED).count()
    registration.status = (
        Registration.Status.REGISTERED
        if capacity is None or taken < capacity
        else Registration.Status.WAITING
    )
    registration.confirmed_at = now
    registration.save(update_fields=["status", "confirmed_at"])


def register(
    occurrence: Occurrence, *, name: str = "", email: str = "", user=None, now=None
) -> Registration:
    """Register someone to a date.

    With an account, the seat (or waiting place) is given at once. Without one,
    the registration waits for the confirmation link sent by e-mail.
    """
    now = now or clock.now()
    if user is not None and user.is_authenticated:
        email = user.email
        name = name or str(user)
    else:
        user = None
    email = (email or "").strip().lower()
    name = (name or "").strip()
    if not email or not name:
        raise RegistrationError("name and e-mail are required")
    with transaction.atomic():
        locked = (
            Occurrence.objects.select_for_update().select_related("event").get(pk=occurrence.pk)
        )
        _check_open(locked, now)
        existing = (
            locked.registrations.exclude(status=Registration.Status.CANCELLED)
            .filter(email=email)
            .first()
        )
        if existing is not None and existing.status != Registration.Status.PENDING:
            raise RegistrationError("already registered")
        if existing is not None:  # the confirmation e-mail was lost: send it again, or seat
            registration = existing
            if user is not None:
                registration.user = user
                registration.save(update_fields=["user"])
        else:
            registration = Registration.objects.create(
                occurrence=locked, user=user, name=name, email=email
            )
        if user is not None:
            _seat(registration, locked, now)
            _notify(registration, f"events/email/{registration.status}")
        else:
            _notify(registration, "events/email/confirm")
    return registration


def confirm_registration(token: str, now=None) -> Registration:
    """Follow the e-mailed link: a seat if one is left, else the waiting list."""
    now = now or clock.now()
    with transaction.atomic():
        registration = Registration.objects.select_related("occurrence__event").get(token=token)
        if registration.status != Registration.Status.PENDING:
            return registration
        occurrence = Occurrence.objects.select_for_update().get(pk=registration.occurrence_id)
        registration.refresh_from_db()
        if registration.status != Registration.Status.PENDING:
            return registration
        _check_open(occurrence, now)
        _seat(registration, occurrence, now)
        _notify(registration, f"events/email/{registration.status}")
    return registration


def registration_of(occurrence: Occurrence, user) -> Registration | None:
    """``user``'s registration to ``occurrence`` that still holds (made with their
    account, or with its address before they had one), if any."""
    if not getattr(user, "is_authenticated", False):
        return None
    return (
        _registrations_of(user)
        .filter(occurrence=occurrence)
        .exclude(status=Registration.Status.CANCELLED)
        .first()
    )


def cancel_registration(registration: Registration, now=None) -> Registration | None:
    """Cancel; if a seat is freed, the first on the waiting list takes it and is
    e-mailed. Returns the promoted registration, if any."""
    now = now or clock.now()
    promoted = None
    with transaction.atomic():
        occurrence = Occurrence.objects.select_for_update().get(pk=registration.occurrence_id)
        registration = Registration.objects.get(pk=registration.pk)
        if registration.status == Registration.Status.CANCELLED:
            return None
        freed = registration.status == Registration.Status.REGISTERED
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.save(update_fields=["status", "cancelled_at"])
        if freed:
            promoted = _promote(occurrence, now)
    return promoted


def _promote(occurrence: Occurrence, now) -> Registration | None:
    capacity = occurrence.event.capacity
    taken = occurrence.registrations.filter(status=Registration.Status.REGISTERED).count()
    if capacity is not None and taken >= capacity:
        return None
    promoted = (
        occurrence.registrations.filter(status=Registration.Status.WAITING)
        .order_by("confirmed_at", "pk")
        .first()
    )
    if promoted is None:
        return None
    promoted.status = Registration.Status.REGISTERED
    promoted.promoted_at = now
    promoted.save(update_fields=["status", "promoted_at"])
    _notify(promoted, "events/email/promoted")
    return promoted


def check_in(registration: Registration, present: bool = True, now=None) -> None:
    registration.checked_in_at = (now or clock.now()) if present else None
    registration.save(update_fields=["checked_in_at"])


def send_reminders(now=None) -> int:
    """Queue a reminder to the registered people of tomorrow's dates, once each
    (recorded in the transaction that queues it). Returns how many."""
    now = now or clock.now()
    tomorrow = timezone.localtime(now).date() + dt.timedelta(days=1)
    sent = 0
    pending = Registration.objects.filter(
        status=Registration.Status.REGISTERED,
        reminded_at=None,
        occurrence__status=Occurrence.Status.SCHEDULED,
        occurrence__event__status=Event.Status.SCHEDULED,
        occurrence__start__gte=now,
    ).select_related("occurrence__event__place")
    for registration in pending:
        if timezone.localtime(registration.occurrence.start).date() != tomorrow:
            continue
        with transaction.atomic():
            claimed = Registration.objects.filter(pk=registration.pk, reminded_at=None).update(
                reminded_at=now
            )
            if claimed:
                _notify(registration, "events/email/reminder")
                sent += 1
    return sent


# --------------------------------------------------------------------------- personal data


def _registrations_of(user):
    """The registrations a person made: with their account, or with its e-mail
    address before they had one (the address is theirs: they confirmed it)."""
    from django.db.models import Q

    return Registration.objects.filter(Q(user=user) | Q(email__iexact=user.email))


def personal_data(user) -> dict:
    """What events hold about ``user`` (``MAILLAGE_PERSONAL_DATA_PROVIDERS``)."""
    registrations = _registrations_of(user).select_related("occurrence__event")
    return {
        "event_registrations": [
            {
                "id": r.pk,
                "event": r.occurrence.event.title,
                "start": r.occurrence.start.isoformat(),
                "name": r.name,
                "email": r.email,
                "status": r.status,
                "created_at": r.created_at.isoformat(),
            }
            for r in registrations.order_by("occurrence__start")
        ],
        "newsletter": [
            {
                "email": s.email,
                "communes": s.communes,
                "themes": s.themes,
                "frequency": s.frequency,
                "confirmed": s.confirmed_at is not None,
            }
            for s in Subscriber.objects.filter(email__iexact=user.email)
        ],
    }


def forget_person(user, now=None) -> None:
    """Before an account is deleted (``MAILLAGE_FORGET_PERSON_HOOKS``): registrations to
    come are cancelled (a seat freed goes to the first on the waiting list), and every
    registration keeps only its count in the event's figures: no name, no address."""
    now = now or clock.now()
    coming = _registrations_of(user).filter(
        occurrence__end__gt=now,
        status__in=[Registration.Status.REGISTERED, Registration.Status.WAITING],
    )
    for registration in coming:
        cancel_registration(registration, now)
    for registration in _registrations_of(user):
        registration.user = None
        registration.name = FORGOTTEN_NAME
        # unique per date among active registrations: one placeholder per row
        registration.email = f"supprime-{registration.pk}@invalid"
        registration.save(update_fields=["user", "name", "email"])
    Subscriber.objects.filter(email__iexact=user.email).delete()


FORGOTTEN_NAME = "Personne (compte supprimé)"
