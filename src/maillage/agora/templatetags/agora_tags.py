from django import template

from ..listing import Listing, list_ideas
from ..models import Idea

register = template.Library()


@register.simple_tag
def ideas_for_place(place, limit: int = 3):
    """The place's most recent visible ideas, with their counts."""
    return list(list_ideas(Idea.objects.filter(place=place), Listing())[:limit])


@register.simple_tag
def ideas_for_commune(commune, limit: int = 3):
    return list(list_ideas(Idea.objects.in_commune(commune), Listing())[:limit])


@register.simple_tag(takes_context=True)
def may_moderate(context, idea) -> bool:
    user = getattr(context.get("request"), "user", None)
    return idea.can_be_moderated_by(user)
