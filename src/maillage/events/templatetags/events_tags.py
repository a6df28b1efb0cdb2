from django import template

from ..agenda import AgendaFilter, find_occurrences
from ..models import Occurrence

register = template.Library()


@register.simple_tag
def upcoming_for_place(place, limit: int = 5):
    """The next dates of events at ``place`` (cancelled ones included, marked)."""
    return list(
        Occurrence.objects.visible()
        .upcoming()
        .filter(event__place=place)
        .select_related("event__place__commune", "event__stop__commune")
        .order_by("start")[:limit]
    )


@register.simple_tag
def upcoming_in_commune(commune, limit: int = 5):
    """The next dates in ``commune`` (at its places and mobile stops), one or two per event."""
    return find_occurrences(AgendaFilter(commune=commune.code), limit=limit, per_event=2)


@register.simple_tag(takes_context=True)
def may_edit_place(context, place) -> bool:
    """The signed-in person hosts ``place`` or coordinates the network."""
    user = getattr(context.get("request"), "user", None)
    return bool(user is not None and user.is_authenticated and user.can_edit_place(place))
