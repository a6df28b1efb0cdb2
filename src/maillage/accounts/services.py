"""The verbs of accounts: sign up, confirm an address, export and delete one's data."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.core import clock, mail
from maillage.core.mail import absolute

from .models import User


class AccountError(Exception):
    """The account cannot be created or changed this way."""


class EmailConfirmationTokenGenerator(PasswordResetTokenGenerator):
    """One-use links to confirm an address: confirming changes the hashed state."""

    key_salt = "maillage.accounts.EmailConfirmationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{user.pk}{user.email}{user.is_active}{user.email_confirmed_at}{timestamp}"


email_confirmation_token = EmailConfirmationTokenGenerator()


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _free_username(email: str) -> str:
    base = re.sub(r"[^\w.+-]", "", email.split("@")[0])[:30] or "membre"
    candidate, number = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def confirmation_path(user: User) -> str:
    return reverse(
        "accounts:confirm_email",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": email_confirmation_token.make_token(user),
        },
    )


def sign_up(
    *,
    email: str,
    password: str,
    display_name: str,
    base_url: str | None = None,
    next_path: str = "",
) -> User:
    """Create a member account, inactive until the link e-mailed to ``email`` is followed;
    ``next_path`` (a page of this site, checked by the caller): where that link leads
    once the address is confirmed (the booking the person was making)."""
    email = normalise_email(email)
    if User.objects.filter(email__iexact=email).exists():
        raise AccountError(_("Un compte existe déjà avec cette adresse e-mail."))
    try:
        with transaction.atomic():
            user = User(
                username=_free_username(email),
                email=email,
                display_name=display_name.strip(),
                is_active=False,
            )
            user.set_password(password)
            user.save()
            send_confirmation(user, base_url=base_url, next_path=next_path)
    except IntegrityError as error:  # the same address, signed up at the same moment
        raise AccountError(_("Un compte existe déjà avec cette adresse e-mail.")) from error
    return user


def send_confirmation(user: User, *, base_url: str | None = None, next_path: str = "") -> bool:
    """Queue the confirmation link (sent by the worker); True when queued."""
    path = confirmation_path(user)
    if next_path:
        path = f"{path}?{urlencode({'next': next_path})}"
    return bool(
        mail.enqueue(
            user.email,
            "accounts/emails/confirm_email",
            {"user": user, "confirm_url": absolute(path, base_url)},
        )
    )


def confirm_email(user: User, token: str) -> bool:
    """Activate the account if ``token`` is the valid one; False otherwise."""
    if not email_confirmation_token.check_token(user, token):
        return False
    with transaction.atomic():
        user.is_active = True
        user.email_confirmed_at = clock.now()
        user.save(update_fields=["is_active", "email_confirmed_at"])
    return True


@transaction.atomic
def update_profile(user: User, *, display_name: str) -> User:
    user.display_name = display_name.strip()
    user.save(update_fields=["display_name"])
    return user


def _iso(moment) -> str | None:
    return moment.isoformat() if moment else None


HISTORY_MODELS = ("Place", "PlaceFunction", "Closure", "MobileStop")


def _authored_history(user: User) -> list[dict[str, Any]]:
    from maillage.places import models as places

    entries = []
    for name in HISTORY_MODELS:
        for record in getattr(places, name).history.filter(history_user=user):
            entries.append(
                {
                    "model": name,
                    "object": str(record.instance) if name == "Place" else f"{name} {record.id}",
                    "object_id": record.id,
                    "date": _iso(record.history_date),
                    "type": {"+": "created", "~": "changed", "-": "deleted"}[record.history_type],
                    "reason": record.history_change_reason or "",
                }
            )
    return sorted(entries, key=lambda e: e["date"])


def _hooks(setting: str) -> list:
    """The callables named by a setting: how accounts reaches the apps above it
    (participation, ...) without importing them."""
    return [import_string(path) for path in getattr(settings, setting, ())]


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything Maillage keeps about ``user``, as JSON-ready data (what the apps
    above accounts hold comes from the ``MAILLAGE_PERSONAL_DATA_PROVIDERS``)."""
    others: dict[str, Any] = {}
    for provider in _hooks("MAILLAGE_PERSONAL_DATA_PROVIDERS"):
        others.update(provider(user))
    return {
        "exported_at": clock.now().isoformat(),
        "account": {
            "username": user.username,
            "email": user.email,
            "display_name": user.display_name,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "role": user.role,
            "date_joined": _iso(user.date_joined),
            "last_login": _iso(user.last_login),
            "email_confirmed_at": _iso(user.email_confirmed_at),
        },
        "hosted_places": [
            {"name": place.name, "slug": place.slug, "url": absolute(place.get_absolute_url())}
            for place in user.hosted_places.order_by("name")
        ],
        **others,
        "history": _authored_history(user),
        "emails": mail.sent_to(user.email),
    }


@transaction.atomic
def delete_account(user: User) -> None:
    """Delete the account: the person stops hosting their places, their claims go,
    their proposals and flags stay without them, their ideas and comments in the
    agora stay anonymised, their bookings and registrations to come are cancelled
    and the past ones keep only their dates, their newsletter subscription ends,
    the history keeps the changes without saying who made them (the
    ``MAILLAGE_FORGET_PERSON_HOOKS`` of the apps above accounts), and the e-mails to
    them are deleted from the outbox."""
    user.hosted_places.clear()
    for forget in _hooks("MAILLAGE_FORGET_PERSON_HOOKS"):
        forget(user)
    mail.forget_address(user.email)
    user.delete()


#: What waits for a person who logs in or signs up on the way to something (``next``):
#: the first path prefix that matches says it; another page gets no promise.
_WAITING = (
    ("/reserver/", _lazy("votre réservation vous attend, il restera à la confirmer")),
    ("/agenda/", _lazy("vous pourrez alors vous inscrire à l'événement")),
    ("/agora/", _lazy("vous pourrez alors proposer, soutenir ou suivre une idée")),
    ("/contribuer/", _lazy("vous pourrez alors proposer ou corriger un lieu")),
)


def what_waits(next_path: str) -> str:
    """In words, what a person comes back to after logging in or confirming their
    account: only what the page they came from is for (no booking promised to
    someone who wanted to support an idea)."""
    path = urlsplit(next_path or "").path
    for prefix, words in _WAITING:
        if path.startswith(prefix):
            return str(words)
    return ""
