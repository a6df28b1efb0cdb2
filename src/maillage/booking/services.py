"""The verbs of booking: every write goes through one of these functions.

Each runs in one transaction that first locks the resource row
(``SELECT ... FOR UPDATE`` on PostgreSQL; on SQLite every write transaction
is ``BEGIN IMMEDIATE``), checks the rules in Python to say *why* a request is
refused, then writes; the database's own guards (exclusion constraint,
triggers: see ``models``) refuse whatever slips through, and that refusal
becomes the same :class:`BookingRefused`. E-mails leave after the commit.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from dateutil import rrule
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from maillage.core import clock
from maillage.places import display, hours

from . import availability, mail
from .availability import Reason, paris, utc
from .models import HOLDING, Booking, Resource, Status

MAX_OCCURRENCES = 60  # weekly or monthly repeats
MAX_DAYS = 10  # consecutive working days in one request
# How a booking repeats (the form's and the API's ``repeat``) and at most how often.
REPEATS = {"weekly": MAX_OCCURRENCES, "monthly": MAX_OCCURRENCES, "days": MAX_DAYS}


def repeat_limit_message(freq: str) -> str:
    """What a person is told when ``count`` is beyond :data:`REPEATS` for ``freq``."""
    if freq == "days":
        return f"Au plus {MAX_DAYS} jours ouvrés consécutifs par demande."
    return f"Au plus {MAX_OCCURRENCES} répétitions par demande."


class BookingRefused(Exception):
    def __init__(self, reasons: list[Reason], alternatives=(), occurrences=()):
        super().__init__("; ".join(r.message for r in reasons))
        self.reasons = list(reasons)
        self.alternatives = list(alternatives)
        self.occurrences = list(occurrences)  # (start, end, reasons) of a series

    def as_dict(self) -> dict:
        return {
            "error": "unavailable",
            "message": str(self),
            "reasons": [r.as_dict() for r in self.reasons],
            "alternatives": [
                {"start": a.isoformat(), "end": b.isoformat()} for a, b in self.alternatives
            ],
            "occurrences": [
                {"start": a.isoformat(), "end": b.isoformat(), "reasons": [r.as_dict() for r in rs]}
                for a, b, rs in self.occurrences
            ],
        }


class InvalidAction(Exception):
    pass


TAKEN = Reason("taken", "Ce créneau vient d'être réservé par quelqu'un d'autre.")


def _notify(booking: Booking, step: str, *, person=True, hosts=False, together=()) -> None:
    """Queue the e-mails of ``step`` in the current transaction (one per recipient);
    ``together``: the bookings of one request, summed up in one message."""
    to = [booking.user.email] if person and booking.user_id and booking.user.email else []
    mail.send(
        booking,
        step,
        to,
        together=together,
        hosts=mail.host_addresses(booking) if hosts else [],
    )


def _locked(resource: Resource) -> Resource:
    return (
        Resource.objects.select_for_update(of=("self",)).select_related("place").get(pk=resource.pk)
    )


def _insert(resource, user, start, end, seats, purpose, series) -> Booking:
    # No savepoint: the callers' transaction is rolled back whole on a refusal
    # (two round trips fewer per booking; see docs/booking.md, Bench).
    try:
        with transaction.atomic(savepoint=False):
            return Booking.objects.create(
                resource=resource,
                user=user,
                start=start,
                end=end,
                seats=seats,
                purpose=purpose,
                series=series,
                status=Status.PENDING if resource.approval_required else Status.CONFIRMED,
            )
    except IntegrityError as error:
        if "booking" in str(error) or "overlap" in str(error) or "exclusion" in str(error).lower():
            raise BookingRefused([TAKEN]) from error
        raise


def book(
    user,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    seats: int = 1,
    purpose: str = "",
    *,
    now: dt.datetime | None = None,
) -> Booking:
    """Book ``[start, end)``: confirmed at once, or pending when the host approves."""
    start, end = utc(start), utc(end)
    try:
        with transaction.atomic():
            locked = _locked(resource)
            if locked.checkin_required:  # a no-show's slot is offered again at once
                release_unchecked(now, resource=locked)
            reasons = availability.check(locked, start, end, seats, now=now)
            if reasons:
                raise BookingRefused(reasons)
            booking = _insert(locked, user, start, end, seats, purpose, None)
            _notify(booking, booking.status, hosts=True)
    except BookingRefused as refused:
        refused.alternatives = availability.nearest_free(resource, start, end, seats, now=now)
        raise
    return booking


def occurrences(start, end, freq: str, count: int) -> list[tuple[dt.datetime, dt.datetime]]:
    """The same Paris wall-clock time (DST-proof) repeated ``count`` times: each
    week, each month, or on consecutive working days (``places.hours``: Monday to
    Friday, public holidays off) from the first day on."""
    if freq not in REPEATS:
        raise ValueError("freq")
    if not 1 <= count <= REPEATS[freq]:
        raise ValueError("count")
    local_start, local_end = paris(start), paris(end)
    first = local_start.replace(tzinfo=None)
    length_wall = local_end.replace(tzinfo=None) - first
    if freq == "days":
        starts = [
            dt.datetime.combine(day, first.time())
            for day in hours.working_days_from(first.date(), count)
        ]
    else:
        rule = rrule.WEEKLY if freq == "weekly" else rrule.MONTHLY
        starts = list(rrule.rrule(rule, dtstart=first, count=count))
    return [(utc(s), utc(s + length_wall)) for s in starts]


def _refusal(refused) -> Reason:
    """One sentence naming the days that are not free, and why."""
    days = "; ".join(
        f"{display.day_label(paris(a).date())} : {' '.join(r.message for r in rs)}"
        for a, _b, rs in refused
    )
    return Reason(
        "series", f"Rien n'est réservé, {len(refused)} jour(s) ne sont pas libres — {days}"
    )


def book_series(
    user,
    resource: Resource,
    start: dt.datetime,
    end: dt.datetime,
    *,
    freq: str,
    count: int,
    seats: int = 1,
    purpose: str = "",
    now: dt.datetime | None = None,
) -> list[Booking]:
    """Several bookings in one request (``occurrences``: weekly, monthly, or
    consecutive working days): one row per occurrence, each guarded by the
    database as any booking, all in one transaction: all or nothing. A refusal
    names every day that is not free and why; one e-mail sums up the days."""
    series = uuid.uuid4()
    slots = occurrences(start, end, freq, count)
    with transaction.atomic():
        locked = _locked(resource)
        if locked.checkin_required:  # as book(): a no-show's slot is offered again
            release_unchecked(now, resource=locked)
        refused = [(a, b, availability.check(locked, a, b, seats, now=now)) for a, b in slots]
        refused = [r for r in refused if r[2]]
        if refused:
            raise BookingRefused([_refusal(refused)], occurrences=refused)
        bookings = [_insert(locked, user, a, b, seats, purpose, series) for a, b in slots]
        _notify(bookings[0], bookings[0].status, hosts=True, together=bookings)
    return bookings


# --------------------------------------------------------------------------- decisions


def may_host(actor, resource: Resource) -> bool:
    return bool(actor and actor.is_authenticated and actor.can_edit_place(resource.place))


def _require_host(actor, booking: Booking) -> None:
    if not may_host(actor, booking.resource):
        raise PermissionDenied("Seuls les hôtes du lieu et la coordination décident.")


def _reload(booking: Booking) -> Booking:
    return (
        Booking.objects.select_for_update(of=("self",))
        .select_related("resource__place", "user")
        .get(pk=booking.pk)
    )


def approve(actor, booking: Booking) -> Booking:
    with transaction.atomic():
        booking = _reload(booking)
        _require_host(actor, booking)
        if booking.status != Status.PENDING:
            raise InvalidAction("Seule une demande en attente peut être acceptée.")
        booking.status = Status.CONFIRMED
        booking.sequence += 1
        booking.save()
        _notify(booking, "approved")
    return booking


def decline(actor, booking: Booking, reason: str) -> Booking:
    with transaction.atomic():
        booking = _reload(booking)
        _require_host(actor, booking)
        if booking.status != Status.PENDING:
            raise InvalidAction("Seule une demande en attente peut être refusée.")
        booking.status = Status.DECLINED
        booking.reason = reason[:300]
        booking.sequence += 1
        booking.save()
        _notify(booking, "declined")
    return booking


def cancel(
    actor, booking: Booking, reason: str = "", *, rest_of_series: bool = False
) -> list[Booking]:
    """Cancel one booking (or it and the later ones of its series); frees the slot."""
    with transaction.atomic():
        booking = _reload(booking)
        by_host = actor.pk != booking.user_id
        if by_host:
            _require_host(actor, booking)
        targets = [booking]
        if rest_of_series and booking.series:
            targets = list(
                Booking.objects.select_for_update(of=("self",))
                .select_related("resource__place", "user")
                .filter(series=booking.series, start__gte=booking.start, status__in=HOLDING)
            )
        elif booking.status not in HOLDING:
            raise InvalidAction("Cette réservation n'est plus active.")
        for target in targets:
            target.status = Status.CANCELLED
            target.reason = reason[:300]
            target.cancelled_by_host = by_host
            target.sequence += 1
            target.save()
        if targets:
            _notify(targets[0], "cancelled", person=True, hosts=not by_host, together=targets)
    return targets


def check_in(actor, booking: Booking, *, now: dt.datetime | None = None) -> Booking:
    now = now or clock.now()
    with transaction.atomic():
        booking = _reload(booking)
        if actor.pk != booking.user_id:
            _require_host(actor, booking)
        if booking.status != Status.CONFIRMED:
            raise InvalidAction("Seule une réservation confirmée se pointe.")
        if not booking.start - dt.timedelta(minutes=30) <= now <= booking.end:
            raise InvalidAction("La présence se confirme sur place, au début du créneau.")
        booking.checked_in_at = now
        booking.save()
    return booking


def release_unchecked(now: dt.datetime | None = None, resource=None) -> list[Booking]:
    """Release confirmed bookings not checked in within the grace time: the slot is free again."""
    now = now or clock.now()
    released = []
    candidates = Booking.objects.filter(
        **({"resource": resource} if resource is not None else {}),
        status=Status.CONFIRMED,
        checked_in_at=None,
        resource__checkin_required=True,
        start__lte=now,
        end__gt=now - dt.timedelta(days=1),
    ).select_related("resource")
    for booking in candidates:
        if booking.start + dt.timedelta(minutes=booking.resource.checkin_grace_minutes) > now:
            continue
        with transaction.atomic():
            booking = _reload(booking)
            if booking.status != Status.CONFIRMED or booking.checked_in_at:
                continue
            booking.status = Status.RELEASED
            booking.reason = "Présence non confirmée à temps."
            booking.sequence += 1
            booking.save()
            _notify(booking, "released")
            released.append(booking)
    return released


# --------------------------------------------------------------------------- changes


def conflicts(
    resource: Resource, *, now: dt.datetime | None = None
) -> list[tuple[Booking, list[Reason]]]:
    """Future holding bookings that no longer fit the resource (after a new
    closure, a shorter season, a block, a withdrawal). Nothing is cancelled:
    the host sees them and decides (:func:`cancel_conflicts`)."""
    now = now or clock.now()
    resource = Resource.objects.select_related("place").get(pk=resource.pk)
    found = []
    for booking in resource.bookings.holding().filter(end__gt=now).select_related("user"):
        reasons = availability.check(
            resource,
            booking.start,
            booking.end,
            booking.seats,
            now=now,
            exclude=booking.pk,
            rules=False,
        )
        if reasons:
            found.append((booking, reasons))
    return found


def cancel_conflicts(actor, bookings: Iterable[Booking], reason: str) -> list[Booking]:
    """The host's decision on conflicts: cancel them, each person gets an e-mail."""
    done = []
    for booking in bookings:
        done.extend(cancel(actor, booking, reason))
    return done


# --------------------------------------------------------------------------- account page


def account_context(user) -> dict:
    """What "Mon compte" shows of booking (``MAILLAGE_ACCOUNT_CONTEXT_PROVIDERS``): the
    requests waiting for this host's decision, in the places they host."""
    pending = (
        Booking.objects.filter(
            status=Status.PENDING, end__gt=clock.now(), resource__place__hosts=user
        )
        .select_related("resource__place", "user")
        .order_by("start")
        .distinct()
    )
    return {"booking_requests": list(pending[:100])}


# --------------------------------------------------------------------------- personal data


def personal_data(user) -> dict:
    """What booking holds about ``user`` (``MAILLAGE_PERSONAL_DATA_PROVIDERS``): every
    booking, with its object as typed."""
    bookings = Booking.objects.filter(user=user).select_related("resource__place")
    return {
        "bookings": [
            {
                "id": b.pk,
                "resource": b.resource.name,
                "place": b.resource.place.name,
                "start": b.start.isoformat(),
                "end": b.end.isoformat(),
                "seats": b.seats,
                "status": b.status,
                "purpose": b.purpose,
                "reason": b.reason,
                "created_at": b.created_at.isoformat(),
            }
            for b in bookings.order_by("start")
        ]
    }


def forget_person(user) -> None:
    """Before an account is deleted (``MAILLAGE_FORGET_PERSON_HOOKS``): the bookings to
    come are cancelled (their hosts are told, the slots free up: nobody could be
    reached about them any more); every booking keeps its times for the places'
    occupancy figures, without the person or what they typed."""
    now = clock.now()
    for booking in Booking.objects.filter(user=user, status__in=HOLDING, end__gt=now):
        cancel(user, booking, "Compte supprimé.")
    Booking.objects.filter(user=user).update(purpose="", reason="")
