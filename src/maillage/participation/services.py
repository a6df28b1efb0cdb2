"""The verbs of participation: every write about proposals, flags, claims,
host editing and stale reminders goes through one of these functions.

Each runs in one transaction, checks who may do it (``PermissionDenied``) and
that the object is in the right state (``InvalidAction``); e-mails are sent
after the transaction, so a mail server failure never loses a decision.
Places' changes are recorded by django-simple-history with who did them
(``history_user``) and why (``history_change_reason``).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _

from maillage.core import clock, mail
from maillage.core.mail import absolute
from maillage.places.models import (
    Closure,
    Function,
    MobileStop,
    Notice,
    Place,
    PlaceFunction,
)

from .models import Claim, DecisionStatus, Flag, Proposal, StaleReminder

# The fields of a place that anyone may propose (the main ones), in form order.
PROPOSABLE_FIELDS: tuple[str, ...] = (
    "name",
    "type",
    "summary",
    "description",
    "operator",
    "address",
    "postal_code",
    "commune",
    "latitude",
    "longitude",
    "email",
    "phone",
    "website",
    "opening_hours",
    "hours_note",
    "appointment_only",
    "wheelchair",
    "accessibility_note",
    "fee",
    "fee_note",
)
# What a host edits directly: the proposable fields plus the place's story.
EDITABLE_FIELDS: tuple[str, ...] = (
    *PROPOSABLE_FIELDS[:4],
    "people",
    "communities",
    *PROPOSABLE_FIELDS[4:],
    "is_mobile",
)
FUNCTIONS = "functions"
CHANGE_REASON_MAX = 100  # simple_history's history_change_reason column


class InvalidAction(Exception):
    """The object is not in a state that allows this (already decided, nothing changed...)."""


# --- values ----------------------------------------------------------------------------


def _plain(value: Any) -> Any:
    """A JSON-friendly value: model instances become their key, querysets lists of slugs."""
    if isinstance(value, models.Model):
        return getattr(value, "slug", None) or value.pk
    if isinstance(value, models.QuerySet | list | tuple | set):
        return sorted(_plain(v) for v in value)
    return value


def normalise(values: Mapping[str, Any]) -> dict[str, Any]:
    """Keep the proposable keys of ``values`` (form data), as JSON: communes by INSEE
    code, functions as a sorted list of slugs."""
    allowed = set(PROPOSABLE_FIELDS) | {FUNCTIONS}
    return {key: _plain(value) for key, value in values.items() if key in allowed}


def place_values(place: Place) -> dict[str, Any]:
    """The current proposable values of ``place``, in the same shape as a proposal's changes."""
    values = {field: getattr(place, field) for field in PROPOSABLE_FIELDS if field != "commune"}
    values["commune"] = place.commune_id
    values[FUNCTIONS] = sorted(place.place_functions.values_list("function__slug", flat=True))
    return values


def _history(instance: models.Model, by, reason: str) -> models.Model:
    instance._history_user = by
    instance._change_reason = reason[:CHANGE_REASON_MAX]
    return instance


def _check_moderator(by) -> None:
    if not getattr(by, "can_moderate", False):
        raise PermissionDenied(_("Seule la coordination du réseau peut faire cela."))


def _unique_slug(name: str, commune_code: str | None) -> str:
    base = slugify(name)[:200] or "lieu"
    candidates = [base]
    if commune_code:
        from maillage.territory.models import Commune

        commune = Commune.objects.filter(pk=commune_code).first()
        if commune:
            candidates.append(f"{base}-{slugify(commune.name)}"[:210])
    for candidate in candidates:
        if not Place.objects.filter(slug=candidate).exists():
            return candidate
    number = 2
    while Place.objects.filter(slug=f"{candidates[-1]}-{number}").exists():
        number += 1
    return f"{candidates[-1]}-{number}"


def _apply_fields(place: Place, values: Mapping[str, Any], fields: Iterable[str]) -> None:
    for field in fields:
        if field not in values:
            continue
        value = values[field]
        if field == "commune":
            place.commune_id = _plain(value) or None
        else:
            setattr(place, field, value)


def _validate(instance: models.Model, fields: Iterable[str]) -> None:
    """Validate only ``fields`` of ``instance``: a correction must not be refused
    because of an old value it does not touch (imported data is what it is)."""
    fields = set(fields)
    instance.full_clean(
        exclude=[f.name for f in instance._meta.fields if f.name not in fields],
        validate_unique=False,
    )


def _set_functions(place: Place, slugs: Iterable[str], by, reason: str) -> None:
    """Make ``place`` offer exactly the functions ``slugs`` (unknown slugs are ignored)."""
    wanted = set(slugs)
    current = {pf.function.slug: pf for pf in place.place_functions.select_related("function")}
    for slug, place_function in current.items():
        if slug not in wanted:
            _history(place_function, by, reason).delete()
    for function in Function.objects.filter(slug__in=wanted - set(current)):
        _history(PlaceFunction(place=place, function=function), by, reason).save()


# --- proposals -------------------------------------------------------------------------


def _proposer(by, email: str, name: str) -> dict[str, Any]:
    if by is not None and by.is_authenticated:
        return {"proposer": by, "proposer_email": "", "proposer_name": ""}
    if not email:
        raise InvalidAction(_("Une adresse e-mail est nécessaire pour vous répondre."))
    return {"proposer": None, "proposer_email": email.strip().lower(), "proposer_name": name}


@transaction.atomic
def propose_place(
    values: Mapping[str, Any], *, by=None, email: str = "", name: str = "", message: str = ""
) -> Proposal:
    """Propose a forgotten place. Anonymous visitors give an e-mail for the answer."""
    changes = normalise(values)
    if not changes.get("name") or not changes.get("type"):
        raise InvalidAction(_("Un lieu a au moins un nom et un type."))
    return Proposal.objects.create(
        kind=Proposal.Kind.NEW_PLACE,
        changes=changes,
        position_approximate=not has_point(changes),
        message=message,
        **_proposer(by, email, name),
    )


def has_point(values: Mapping[str, Any]) -> bool:
    """Whether ``values`` give a position of their own (both coordinates)."""
    return values.get("latitude") is not None and values.get("longitude") is not None


def set_proposal_position(
    proposal: Proposal, *, by, latitude: float | None, longitude: float | None
) -> Proposal:
    """A coordinator moves a pending proposal's point (or removes it: the place will
    then stand at its commune's centre, approximate) before deciding."""
    _check_moderator(by)
    with transaction.atomic():
        proposal = _locked_pending(Proposal, proposal)
        changes = dict(proposal.changes)
        changes["latitude"], changes["longitude"] = latitude, longitude
        if proposal.kind == Proposal.Kind.CORRECTION:
            current = place_values(proposal.place)
            for key in ("latitude", "longitude"):
                if changes[key] == current.get(key):
                    del changes[key]
                else:
                    proposal.original[key] = current.get(key)
            if not changes:
                raise InvalidAction(_("Cette position est déjà celle du lieu."))
        proposal.changes = changes
        proposal.position_approximate = not has_point(changes)
        proposal.save(update_fields=["changes", "original", "position_approximate"])
    return proposal


def _locate(place: Place, changes: Mapping[str, Any]) -> None:
    """The position rule on acceptance: the point given, else the commune's centre
    (approximate). A correction that moves an approximate place's commune moves it too."""
    if "latitude" in changes or "longitude" in changes or place.pk is None:
        place.set_position(place.latitude, place.longitude)  # the changes are applied
    elif "commune" in changes and (place.position_approximate or place.latitude is None):
        place.set_position(None, None)


@transaction.atomic
def propose_correction(
    place: Place,
    values: Mapping[str, Any],
    *,
    by=None,
    email: str = "",
    name: str = "",
    message: str = "",
) -> Proposal:
    """Propose to change some values of ``place``; only what differs is kept."""
    current = place_values(place)
    changes = {k: v for k, v in normalise(values).items() if current.get(k) != v}
    if not changes:
        raise InvalidAction(_("Vous n'avez rien modifié."))
    return Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        place=place,
        changes=changes,
        original={k: current.get(k) for k in changes},
        message=message,
        **_proposer(by, email, name),
    )


def proposal_reason(proposal: Proposal) -> str:
    """The history entry's reason, crediting the proposer."""
    return _("Proposition n°%(number)s de %(credit)s") % {
        "number": proposal.pk,
        "credit": proposal.credit,
    }


def _locked_pending(model, obj):
    locked = model.objects.select_for_update().get(pk=obj.pk)
    if locked.status != DecisionStatus.PENDING:
        raise InvalidAction(_("Cette demande a déjà été traitée."))
    return locked


def accept_proposal(proposal: Proposal, *, by) -> Place:
    """Apply the proposal to its place (or create the place), credit the proposer in
    the history, and tell the proposer."""
    _check_moderator(by)
    now = clock.now()
    with transaction.atomic():
        proposal = _locked_pending(Proposal, proposal)
        reason = proposal_reason(proposal)
        changes = proposal.changes
        if proposal.kind == Proposal.Kind.NEW_PLACE:
            place = Place(
                slug=_unique_slug(changes.get("name", ""), changes.get("commune")),
                last_checked_at=now,
            )
        else:
            place = Place.objects.select_for_update().get(pk=proposal.place_id)
        _apply_fields(place, changes, PROPOSABLE_FIELDS)
        _locate(place, changes)
        _validate(place, PROPOSABLE_FIELDS if place.pk is None else changes)
        _history(place, by, reason).save()
        if FUNCTIONS in changes:
            _set_functions(place, changes[FUNCTIONS], by, reason)
        proposal.place = place
        proposal.record_decision(DecisionStatus.ACCEPTED, by, at=now)
        proposal.save()
        mail.enqueue(
            [proposal.reply_to],
            "participation/emails/proposal_accepted",
            {"proposal": proposal, "place": place, "place_url": absolute(place.get_absolute_url())},
        )
    return place


def reject_proposal(proposal: Proposal, *, by, reason: str) -> Proposal:
    """Reject with a reason, which is e-mailed to the proposer."""
    _check_moderator(by)
    reason = reason.strip()
    if not reason:
        raise InvalidAction(_("Donnez le motif du refus : il est envoyé à la personne."))
    with transaction.atomic():
        proposal = _locked_pending(Proposal, proposal)
        proposal.record_decision(DecisionStatus.REJECTED, by, reason)
        proposal.save()
        mail.enqueue(
            [proposal.reply_to], "participation/emails/proposal_rejected", {"proposal": proposal}
        )
    return proposal


# --- flags -----------------------------------------------------------------------------


@transaction.atomic
def flag_place(place: Place, *, comment: str = "", by=None, email: str = "") -> Flag:
    """ "This page is wrong": anyone, a comment and an e-mail optional."""
    authenticated = by is not None and by.is_authenticated
    return Flag.objects.create(
        place=place,
        comment=comment.strip(),
        reporter=by if authenticated else None,
        reporter_email="" if authenticated else email.strip().lower(),
    )


def resolve_flag(flag: Flag, *, by) -> Flag:
    _check_moderator(by)
    with transaction.atomic():
        flag = Flag.objects.select_for_update().get(pk=flag.pk)
        if not flag.is_open:
            raise InvalidAction(_("Ce signalement a déjà été traité."))
        flag.resolved_by = by
        flag.resolved_at = clock.now()
        flag.save()
        reply_to = flag.reporter.email if flag.reporter_id else flag.reporter_email
        mail.enqueue(
            [reply_to],
            "participation/emails/flag_resolved",
            {"flag": flag, "place_url": absolute(flag.place.get_absolute_url())},
        )
    return flag


# --- claims ----------------------------------------------------------------------------


def claim_place(place: Place, *, by, message: str) -> Claim:
    """A member says they host ``place``; a coordinator will approve."""
    if by is None or not by.is_authenticated:
        raise PermissionDenied(_("Connectez-vous pour dire que vous animez ce lieu."))
    message = message.strip()
    if not message:
        raise InvalidAction(_("Dites en quelques mots votre rôle dans ce lieu."))
    with transaction.atomic():
        if place.hosts.filter(pk=by.pk).exists():
            raise InvalidAction(_("Vous animez déjà ce lieu."))
        if Claim.objects.pending().filter(place=place, claimant=by).exists():
            raise InvalidAction(_("Votre demande pour ce lieu attend déjà la coordination."))
        return Claim.objects.create(place=place, claimant=by, message=message)


def approve_claim(claim: Claim, *, by) -> Claim:
    """The claimant becomes a host of the place, and is told."""
    _check_moderator(by)
    with transaction.atomic():
        claim = _locked_pending(Claim, claim)
        claim.place.hosts.add(claim.claimant)
        claim.record_decision(DecisionStatus.ACCEPTED, by)
        claim.save()
        mail.enqueue(
            [claim.claimant.email],
            "participation/emails/claim_approved",
            {
                "claim": claim,
                "place_url": absolute(claim.place.get_absolute_url()),
                "edit_url": absolute(reverse("participation:edit_place", args=[claim.place.slug])),
            },
        )
    return claim


def reject_claim(claim: Claim, *, by, reason: str) -> Claim:
    _check_moderator(by)
    reason = reason.strip()
    if not reason:
        raise InvalidAction(_("Donnez le motif du refus : il est envoyé à la personne."))
    with transaction.atomic():
        claim = _locked_pending(Claim, claim)
        claim.record_decision(DecisionStatus.REJECTED, by, reason)
        claim.save()
        mail.enqueue(
            [claim.claimant.email], "participation/emails/claim_rejected", {"claim": claim}
        )
    return claim


# --- host editing ----------------------------------------------------------------------

Row = Mapping[str, Any]

CHILDREN: dict[str, tuple[type[models.Model], str, tuple[str, ...]]] = {
    "functions": (
        PlaceFunction,
        "place_functions",
        ("function", "opening_hours", "audiences", "conditions", "fee"),
    ),
    "closures": (Closure, "closures", ("start_date", "end_date", "reason")),
    "notices": (Notice, "notices", ("message", "starts_on", "ends_on")),
    "stops": (
        MobileStop,
        "stops",
        ("commune", "spot", "latitude", "longitude", "opening_hours", "note"),
    ),
}


def _check_editor(place: Place, by) -> None:
    if by is None or not getattr(by, "is_authenticated", False) or not by.can_edit_place(place):
        raise PermissionDenied(_("Seuls les hôtes du lieu et la coordination peuvent le modifier."))


def _sync_children(place: Place, kind: str, rows: Sequence[Row], by, reason: str) -> None:
    """Make the ``kind`` rows of ``place`` exactly ``rows``: a row with an ``id`` updates
    that row, one without creates a row, and rows left out are deleted."""
    model, related_name, fields = CHILDREN[kind]
    existing = {obj.pk: obj for obj in getattr(place, related_name).all()}
    kept = {row["id"] for row in rows if row.get("id") in existing}
    for pk, obj in existing.items():
        if pk not in kept:
            _history(obj, by, reason).delete()
    for row in rows:
        obj = existing.get(row.get("id")) or model(place=place)
        changed = obj.pk is None
        for field in fields:
            if field not in row:
                continue
            if changed or getattr(obj, field) != row[field]:
                setattr(obj, field, row[field])
                changed = True
        if changed:
            obj.full_clean(exclude=["place"], validate_unique=False)
            _history(obj, by, reason).save()


def edit_place(
    place: Place,
    *,
    by,
    fields: Mapping[str, Any],
    functions: Sequence[Row] | None = None,
    closures: Sequence[Row] | None = None,
    notices: Sequence[Row] | None = None,
    stops: Sequence[Row] | None = None,
    now: dt.datetime | None = None,
) -> Place:
    """A host or coordinator edits a place directly; saving marks it checked.

    ``fields`` holds values of ``EDITABLE_FIELDS``; each list of rows, when
    given, replaces that collection (see ``_sync_children``).
    """
    _check_editor(place, by)
    reason = _("Modifié par %(person)s") % {"person": by}
    with transaction.atomic():
        place = Place.objects.select_for_update().get(pk=place.pk)
        moved = any(
            key in fields and fields[key] != getattr(place, key)
            for key in ("latitude", "longitude")
        )
        _apply_fields(place, fields, EDITABLE_FIELDS)
        if moved:  # a host's point is a real one; without one, the commune's centre
            place.set_position(place.latitude, place.longitude)
        place.last_checked_at = now or clock.now()
        _validate(place, fields)
        _history(place, by, reason).save()
        for kind, rows in (
            ("functions", functions),
            ("closures", closures),
            ("notices", notices),
            ("stops", stops),
        ):
            if rows is not None:
                _sync_children(place, kind, rows, by, reason)
    return place


def mark_up_to_date(place: Place, *, by, now: dt.datetime | None = None) -> Place:
    """ "Tout est à jour": the page is checked, nothing changed."""
    _check_editor(place, by)
    with transaction.atomic():
        _history(place, by, _("Vérifié : tout est à jour")).mark_checked(now)
    return place


# --- stale reminders -------------------------------------------------------------------


def places_due_for_reminder(*, days: int, now: dt.datetime):
    """Published places with hosts, not checked for ``days`` days and not reminded since."""
    cutoff = now - dt.timedelta(days=days)
    recent = StaleReminder.objects.filter(place=models.OuterRef("pk"), sent_at__gt=cutoff)
    return (
        Place.objects.published()
        .not_checked_since(cutoff)
        .filter(hosts__is_active=True)
        .exclude(models.Exists(recent))
        .distinct()
    )


@transaction.atomic
def remind_stale(*, days: int | None = None, now: dt.datetime | None = None) -> list[StaleReminder]:
    """E-mail the hosts of places not checked for ``days`` days (the
    ``MAILLAGE_STALE_AFTER_DAYS`` setting by default). Idempotent: a place gets
    at most one reminder per period, recorded in the transaction that queues the mails."""
    days = days or settings.MAILLAGE_STALE_AFTER_DAYS
    now = now or clock.now()
    reminders: list[StaleReminder] = []
    places_of_host: dict[Any, list[Place]] = defaultdict(list)
    for place in places_due_for_reminder(days=days, now=now).order_by("pk"):
        with transaction.atomic():
            locked = Place.objects.select_for_update().get(pk=place.pk)
            if not places_due_for_reminder(days=days, now=now).filter(pk=locked.pk).exists():
                continue  # another run got there first
            hosts = [h for h in locked.hosts.filter(is_active=True) if h.email]
            reminders.append(
                StaleReminder.objects.create(place=locked, sent_at=now, recipients=len(hosts))
            )
        for host in hosts:
            places_of_host[host].append(locked)
    for host, places in places_of_host.items():
        mail.enqueue(
            [host.email],
            "participation/emails/stale_reminder",
            {
                "host": host,
                "days": days,
                "places": [
                    {
                        "place": p,
                        "url": absolute(p.get_absolute_url()),
                        "edit_url": absolute(reverse("participation:edit_place", args=[p.slug])),
                    }
                    for p in places
                ],
            },
        )
    return reminders


# --- personal data ---------------------------------------------------------------------


def personal_data(user) -> dict[str, list[dict[str, Any]]]:
    """What participation holds about ``user``: proposals, flags, claims."""
    return {
        "proposals": [
            {
                "id": p.pk,
                "kind": p.kind,
                "place": p.place.slug if p.place_id else None,
                "changes": p.changes,
                "message": p.message,
                "created_at": p.created_at.isoformat(),
                "status": p.status,
                "decided_at": p.decided_at.isoformat() if p.decided_at else None,
                "rejection_reason": p.rejection_reason,
            }
            for p in Proposal.objects.by_person(user).select_related("place")
        ],
        "flags": [
            {
                "place": f.place.slug,
                "comment": f.comment,
                "created_at": f.created_at.isoformat(),
                "resolved_at": f.resolved_at.isoformat() if f.resolved_at else None,
            }
            for f in Flag.objects.filter(
                models.Q(reporter=user) | models.Q(reporter_email__iexact=user.email)
            ).select_related("place")
        ],
        "claims": [
            {
                "place": c.place.slug,
                "message": c.message,
                "created_at": c.created_at.isoformat(),
                "status": c.status,
                "rejection_reason": c.rejection_reason,
            }
            for c in user.claims.select_related("place")
        ],
    }


def forget_person(user) -> None:
    """Anonymise what ``user`` contributed (proposals and flags stay, without them);
    their claims go. The history's credit becomes anonymous too."""
    anonymous = {"credit": _("une personne dont le compte a été supprimé")}
    for proposal in Proposal.objects.by_person(user).filter(status=DecisionStatus.ACCEPTED):
        old = proposal_reason(proposal)[:CHANGE_REASON_MAX]
        new = (_("Proposition n°%(number)s de %(credit)s") % {"number": proposal.pk, **anonymous})[
            :CHANGE_REASON_MAX
        ]
        for model in (Place, PlaceFunction):
            model.history.filter(history_change_reason=old).update(history_change_reason=new)
    Proposal.objects.by_person(user).update(proposer=None, proposer_email="", proposer_name="")
    Flag.objects.filter(
        models.Q(reporter=user) | models.Q(reporter_email__iexact=user.email)
    ).update(reporter=None, reporter_email="")
    user.claims.all().delete()


def account_context(user) -> dict[str, Any]:
    """What the account page shows of participation (``MAILLAGE_ACCOUNT_CONTEXT_PROVIDERS``)."""
    return {
        "proposals": Proposal.objects.by_person(user).select_related("place"),
        "claims": user.claims.select_related("place"),
    }
