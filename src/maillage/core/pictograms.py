"""Pictogram names: Lucide icons shipped by django-lucide, checked before use."""

from __future__ import annotations

import re

import lucide

FALLBACK_ICON = "circle-dot"
_ICON_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def icon_name(name: str) -> str:
    """``name`` if Lucide has it, else a neutral fallback (a typo in the admin breaks no page)."""
    name = str(name or "")
    if not _ICON_NAME.match(name):
        return FALLBACK_ICON
    try:
        lucide._load_icon(name)
    except lucide.IconDoesNotExist:
        return FALLBACK_ICON
    return name
