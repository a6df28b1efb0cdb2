"""Template helpers for the participation snippets (permissions need arguments)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def editable_by(place, user) -> bool:
    """``{% if place|editable_by:user %}``: hosts of the place and coordinators."""
    return bool(getattr(user, "is_authenticated", False) and user.can_edit_place(place))


@register.filter
def hosted_by(place, user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.hosts_place(place))
