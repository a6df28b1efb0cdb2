"""The agora as open data (CSV and JSON): every visible idea, its status and counts.

No personal data beyond the public pseudonym shown on the site: no e-mail, no
account id, no supporter's name.
"""

from __future__ import annotations

from maillage.core.csvsafe import cell as safe_cell
from maillage.core.mail import absolute

from .listing import Listing, list_ideas
from .models import Idea

FIELDS = [
    "id",
    "title",
    "text",
    "scope",
    "place",
    "commune",
    "theme",
    "status",
    "status_reason",
    "debated_at",
    "debate_url",
    "supports",
    "comments",
    "signed",
    "on_paper",
    "is_example",
    "latitude",
    "longitude",
    "created_at",
    "status_changed_at",
    "url",
]


def row(idea: Idea) -> dict:
    occurrence = idea.occurrence
    commune = idea.place.commune_id if idea.place_id else idea.commune_id
    return {
        "id": idea.pk,
        "title": idea.title,
        "text": idea.text,
        "scope": idea.scope,
        "place": idea.place.slug if idea.place_id else None,
        "commune": commune,
        "theme": idea.theme.slug if idea.theme_id else None,
        "status": idea.status,
        "status_reason": idea.status_reason,
        "debated_at": occurrence.start.isoformat() if occurrence else None,
        "debate_url": absolute(occurrence.get_absolute_url()) if occurrence else None,
        "supports": idea.support_count,
        "comments": idea.comment_count,
        "signed": idea.signature,
        "on_paper": idea.on_paper,
        "is_example": idea.is_example,
        "latitude": idea.latitude,
        "longitude": idea.longitude,
        "created_at": idea.created_at.isoformat(),
        "status_changed_at": idea.status_changed_at.isoformat(),
        "url": absolute(idea.get_absolute_url()),
    }


def rows() -> list[dict]:
    ideas = list_ideas(Idea.objects.all(), Listing()).select_related("author", "occurrence__event")
    return [row(idea) for idea in ideas.order_by("pk")]


def csv_safe(data: dict) -> dict:
    return {key: safe_cell(value) for key, value in data.items()}
