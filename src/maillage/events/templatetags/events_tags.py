from django import template

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
