"""Sending e-mails rendered from templates, with links back to the site.

A message is two templates: ``<prefix>_subject.txt`` (one line) and
``<prefix>_body.txt`` (plain text). Links are absolute: from the request when
there is one, else from the ``MAILLAGE_SITE_URL`` setting (commands such as
``remind-stale`` have no request).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


def site_url(request=None) -> str:
    """The site's address without a trailing slash."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    configured = getattr(settings, "MAILLAGE_SITE_URL", "")
    if configured:
        return configured.rstrip("/")
    hosts = [h for h in settings.ALLOWED_HOSTS if h and not h.startswith(".") and h != "*"]
    return f"http://{hosts[0] if hosts else 'localhost'}:8000"


def absolute(path: str, base_url: str | None = None) -> str:
    return f"{(base_url or site_url()).rstrip('/')}{path}"


def send_templated(
    to: Iterable[str], prefix: str, context: dict, *, fail_silently: bool = True
) -> bool:
    """Send one message to ``to``; True when the SMTP server accepted it.

    Failures are logged, not raised, by default: a decision already saved must
    not be lost because the mail server is down.
    """
    recipients = sorted({address for address in to if address})
    if not recipients:
        return False
    context = {"site_url": site_url(), "network_name": settings.MAILLAGE_NETWORK_NAME, **context}
    subject = " ".join(render_to_string(f"{prefix}_subject.txt", context).split())
    body = render_to_string(f"{prefix}_body.txt", context)
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    try:
        return message.send() == 1
    except OSError:
        if not fail_silently:
            raise
        logger.exception("Could not send %s to %d recipient(s)", prefix, len(recipients))
        return False
