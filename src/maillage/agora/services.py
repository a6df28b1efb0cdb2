"""The verbs of the agora: propose, support, follow, comment, flag, moderate, move an
idea along its life cycle; and what it holds about a person (export, deletion).

Views and the API only parse and call these. Followers are told of each step
through ``notify.tell_followers`` (the one place mail leaves the agora), after
the change is saved.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from maillage.core import clock
from maillage.core.mail import absolute

from . import notify
from .models import (
    COMMENT_MAX,
    REASON_MAX,
    TEXT_MAX,
    TITLE_MAX,
    Comment,
    Flag,
    Follow,
    Idea,
    Status,
    Step,
    Support,
)


class AgoraError(Exception):
    """The action is not allowed, or its input is not acceptable (the message says why)."""


class NotAllowed(AgoraError):
    """The person may not do this (not a moderator of this idea, not a host of this place)."""


def _bounded(value: str, limit: int, what: str, *, required: bool = True) -> str:
    value = (value or "").strip()
    if required and not value:
        raise AgoraError(_("%(what)s est obligatoire.") % {"what": what})
    if len(value) > limit:
        raise AgoraError(
            _("%(what)s : %(limit)s caractères au plus.") % {"what": what, "limit": limit}
        )
    return value


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


# --- proposing ---------------------------------------------------------------------------


def propose_idea(
    *,
    by,
    title: str,
    text: str,
    place=None,
    commune=None,
    theme=None,
    photo=None,
    photo_alt: str = "",
    latitude: float | None = None,
    longitude: float | None = None,
    on_paper: bool = False,
    paper_signature: str = "",
    is_example: bool = False,
) -> Idea:
    """A new idea by ``by``; with ``on_paper``, ``by`` is the host typing in a paper form
    handed in at ``place`` (the idea has no author account, it is marked as on paper)."""
    if not _active(by):
        raise NotAllowed(_("Il faut un compte pour proposer une idée."))
    if place is not None and commune is not None:
        raise AgoraError(_("Une idée concerne un lieu, une commune ou tout le réseau, pas deux."))
    if on_paper and (place is None or not (by.is_coordinator or by.hosts_place(place))):
        raise NotAllowed(_("Seuls les hôtes d'un lieu saisissent les idées déposées sur papier."))
    if (latitude is None) != (longitude is None):
        raise AgoraError(_("La position demande une latitude et une longitude."))
    if latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise AgoraError(_("Cette position n'existe pas."))
    idea = Idea(
        title=_bounded(title, TITLE_MAX, _("Le titre")),
        text=_bounded(text, TEXT_MAX, _("Le texte")),
        place=place,
        commune=commune,
        theme=theme,
        photo_alt=_bounded(photo_alt, 200, _("La description de la photo"), required=False),
        latitude=latitude,
        longitude=longitude,
        author=None if on_paper else by,
        on_paper=on_paper,
        paper_signature=_bounded(paper_signature, 150, _("La signature"), required=False)
        if on_paper
        else "",
        typed_by=by if on_paper else None,
        is_example=is_example,
    )
    if photo:
        idea.photo = photo
    idea._history_user = by
    with transaction.atomic():
        idea.save()
        Step.objects.create(idea=idea, status=Status.PROPOSED, by=by, at=idea.created_at)
        if not on_paper:
            Follow.objects.get_or_create(idea=idea, user=by)
    return idea


# --- support and follow --------------------------------------------------------------------


def support(idea: Idea, user) -> bool:
    """``user`` supports ``idea`` (and follows it); False when they already did.

    The database's unique constraint decides between concurrent clicks."""
    if not _active(user):
        raise NotAllowed(_("Il faut un compte pour soutenir une idée."))
    if idea.is_hidden or not idea.is_open:
        raise AgoraError(_("Cette idée ne recueille plus de soutiens."))
    try:
        with transaction.atomic():
            Support.objects.create(idea=idea, user=user)
    except IntegrityError:
        return False
    follow(idea, user)
    return True


def withdraw_support(idea: Idea, user) -> bool:
    if not _active(user):
        return False
    return Support.objects.filter(idea=idea, user=user).delete()[0] > 0


def follow(idea: Idea, user) -> bool:
    if not _active(user):
        raise NotAllowed(_("Il faut un compte pour suivre une idée."))
    try:
        with transaction.atomic():
            Follow.objects.create(idea=idea, user=user)
    except IntegrityError:
        return False
    return True


def unfollow(idea: Idea, user) -> bool:
    if not _active(user):
        return False
    return Follow.objects.filter(idea=idea, user=user).delete()[0] > 0


def follower_addresses(idea: Idea) -> list[str]:
    """Who is told of each step: the author, supporters and those who follow (one each)."""
    return sorted(
        {
            address
            for address in idea.follows.filter(user__is_active=True).values_list(
                "user__email", flat=True
            )
            if address
        }
    )


# --- discussion -----------------------------------------------------------------------------


def comment(idea: Idea, user, text: str, parent: Comment | None = None) -> Comment:
    """A comment, or an answer to one (answers are one level deep: answering an answer
    answers the comment it belongs to)."""
    if not _active(user):
        raise NotAllowed(_("Il faut un compte pour commenter."))
    if idea.is_hidden:
        raise AgoraError(_("Cette idée est masquée."))
    if parent is not None:
        if parent.idea_id != idea.pk:
            raise AgoraError(_("Ce commentaire appartient à une autre idée."))
        parent = parent.parent or parent
    item = Comment(
        idea=idea, author=user, parent=parent, text=_bounded(text, COMMENT_MAX, _("Le texte"))
    )
    item._history_user = user
    item.save()
    return item


def flag(idea: Idea, user, reason: str = "", comment: Comment | None = None) -> Flag:
    if not _active(user):
        raise NotAllowed(_("Il faut un compte pour signaler."))
    if comment is not None and comment.idea_id != idea.pk:
        raise AgoraError(_("Ce commentaire appartient à une autre idée."))
    return Flag.objects.create(
        idea=idea,
        comment=comment,
        reporter=user,
        reason=_bounded(reason, REASON_MAX, _("Le motif"), required=False),
    )


# --- moderation -----------------------------------------------------------------------------


def _check_moderator(idea: Idea, by) -> None:
    if not idea.can_be_moderated_by(by):
        raise NotAllowed(
            _("Seuls les hôtes de ce lieu et la coordination du réseau modèrent cette idée.")
        )


def hide_idea(idea: Idea, by, reason: str) -> Idea:
    """Hide ``idea`` from lists; its page shows the reason, publicly."""
    _check_moderator(idea, by)
    reason = _bounded(reason, REASON_MAX, _("Le motif"))
    now = clock.now()
    with transaction.atomic():
        idea.hidden_at, idea.hidden_reason, idea.hidden_by = now, reason, by
        idea._history_user = by
        idea._change_reason = "moderation"
        idea.save()
        idea.flags.filter(comment=None, resolved_at=None).update(resolved_at=now, resolved_by=by)
    return idea


def restore_idea(idea: Idea, by) -> Idea:
    _check_moderator(idea, by)
    idea.hidden_at, idea.hidden_reason, idea.hidden_by = None, "", None
    idea._history_user = by
    idea.save()
    return idea


def hide_comment(item: Comment, by, reason: str) -> Comment:
    _check_moderator(item.idea, by)
    reason = _bounded(reason, REASON_MAX, _("Le motif"))
    now = clock.now()
    with transaction.atomic():
        item.hidden_at, item.hidden_reason, item.hidden_by = now, reason, by
        item._history_user = by
        item.save()
        item.flags.filter(resolved_at=None).update(resolved_at=now, resolved_by=by)
    return item


def dismiss_flags(idea: Idea, by) -> int:
    """The moderator read the flags and keeps everything as it is."""
    _check_moderator(idea, by)
    return idea.flags.filter(resolved_at=None).update(resolved_at=clock.now(), resolved_by=by)


def moderated_ideas(user) -> models.QuerySet:
    """The ideas ``user`` moderates (none for a member)."""
    if not _active(user):
        return Idea.objects.none()
    if user.is_coordinator:
        return Idea.objects.all()
    return Idea.objects.filter(place__hosts=user)


# --- life cycle -----------------------------------------------------------------------------


def change_status(idea: Idea, by, status: str, *, reason: str = "", occurrence=None) -> Step:
    """Move ``idea`` to ``status`` (see ``models.TRANSITIONS``); « discussed » names the
    event's date where it is debated, « not retained » says why. Followers are told."""
    _check_moderator(idea, by)
    if status not in idea.next_statuses():
        raise AgoraError(
            _("Une idée « %(current)s » ne peut pas passer à cet état.")
            % {"current": idea.get_status_display()}
        )
    reason = _bounded(reason, REASON_MAX, _("L'explication"), required=False)
    if status == Status.DISCUSSED and occurrence is None:
        raise AgoraError(_("Dites à quel événement l'idée sera débattue."))
    if status == Status.NOT_RETAINED and not reason:
        raise AgoraError(_("Dites pourquoi l'idée n'est pas retenue."))
    now = clock.now()
    with transaction.atomic():
        idea = Idea.objects.select_for_update().get(pk=idea.pk)
        idea.status = status
        idea.status_changed_at = now
        idea.status_reason = reason
        if occurrence is not None:
            idea.occurrence = occurrence
        idea._history_user = by
        idea.save()
        step = Step.objects.create(
            idea=idea, status=status, reason=reason, occurrence=occurrence, by=by, at=now
        )
    notify.tell_followers(idea, step, follower_addresses(idea))
    return step


# --- personal data --------------------------------------------------------------------------


def personal_data(user) -> dict[str, Any]:
    """What the agora holds about ``user`` (for the account's data export)."""

    def url(idea):
        return absolute(idea.get_absolute_url())

    return {
        "agora": {
            "ideas": [
                {
                    "id": i.pk,
                    "title": i.title,
                    "text": i.text,
                    "where": i.where,
                    "status": i.status,
                    "created_at": i.created_at.isoformat(),
                    "url": url(i),
                }
                for i in user.agora_ideas.select_related("place", "commune")
            ],
            "typed_on_paper": [
                {"id": i.pk, "title": i.title, "url": url(i)}
                for i in Idea.objects.filter(typed_by=user)
            ],
            "supports": [
                {"idea": s.idea_id, "title": s.idea.title, "at": s.created_at.isoformat()}
                for s in user.agora_supports.select_related("idea")
            ],
            "follows": [
                {"idea": f.idea_id, "title": f.idea.title, "at": f.created_at.isoformat()}
                for f in user.agora_follows.select_related("idea")
            ],
            "comments": [
                {"idea": c.idea_id, "text": c.text, "at": c.created_at.isoformat()}
                for c in user.agora_comments.all()
            ],
            "flags": [
                {"idea": f.idea_id, "reason": f.reason, "at": f.created_at.isoformat()}
                for f in user.agora_flags.all()
            ],
        }
    }


def forget_person(user) -> None:
    """Before the account goes: its ideas and comments stay, signed « compte supprimé »
    (also in their history); supports and follows go with the account."""
    ideas = Idea.objects.filter(author=user)
    ideas.update(author=None)
    Idea.history.filter(author_id=user.pk).update(author=None)
    Comment.objects.filter(author=user).update(author=None)
    Comment.history.filter(author_id=user.pk).update(author=None)
    Flag.objects.filter(reporter=user).update(reporter=None)
    for model in (Idea, Comment, Step):
        model.history.filter(history_user_id=user.pk).update(history_user=None)
