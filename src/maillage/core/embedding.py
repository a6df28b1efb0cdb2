"""Letting a page be framed by the web sites a host lists, and no other.

Widgets (a place's agenda, hours, rooms, map) are meant to sit in an
``<iframe>`` on the place's own site. Every other page keeps the platform's
``frame-ancestors 'none'``; a widget answers with ``frame-ancestors`` set to the
origins its place lists (``'none'`` when it lists none), through django-csp's
per-response override, and is exempted from the older ``X-Frame-Options: DENY``
(which cannot name an origin; browsers that know CSP ignore it when
``frame-ancestors`` is present).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

MAX_ORIGINS = 20
_HOST = re.compile(
    r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$"
)


class OriginError(ValueError):
    """A line that is not a web site's origin; the message says which, in French."""


def normalise_origin(text: str) -> str:
    """``https://www.example.org/agenda`` → ``https://www.example.org`` (scheme, host, port)."""
    text = text.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        port = parts.port
    except ValueError as exc:
        raise OriginError(f"« {text[:100]} » n'est pas l'adresse d'un site.") from exc
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host or parts.username or parts.password:
        raise OriginError(f"« {text[:100]} » n'est pas l'adresse d'un site (https://…).")
    if "*" in text or not (_HOST.match(host) or re.fullmatch(r"[\d.]+", host)):
        raise OriginError(f"« {text[:100]} » : un nom de site précis, sans joker.")
    default = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def parse_origins(text: str) -> list[str]:
    """The origins of a host's list (one per line or separated by spaces or commas)."""
    items = [i for i in re.split(r"[\s,]+", text or "") if i]
    origins = list(dict.fromkeys(normalise_origin(i) for i in items))
    if len(origins) > MAX_ORIGINS:
        raise OriginError(f"{MAX_ORIGINS} sites au plus.")
    return origins


def allow_framing(response, origins: list[str]):
    """Let ``response`` be framed by ``origins`` only (none: by no one)."""
    response._csp_replace = {"frame-ancestors": list(origins) or ["'none'"]}
    if origins:
        response.xframe_options_exempt = True
    return response


def render_widget(request, place, template: str, context: dict):
    """Render a widget of ``place`` (anything with ``embed_origin_list()``), frameable
    by the origins it lists only."""
    from django.shortcuts import render

    response = render(request, template, {"place": place, **context})
    return allow_framing(response, place.embed_origin_list())
