"""A place's ideas on one printed page (A4 or A5): each open idea with its support
count and its own QR code to support it, and one QR code to the place's agora.

Made like the event posters (``events/printing.py``): HTML and CSS rendered by
WeasyPrint with Debian's DejaVu fonts, QR codes by segno as SVG data URIs;
nothing fetched from anywhere. When the ideas do not fit, fewer are printed
(most supported first, the count printed beside each), never a second page.
"""

from __future__ import annotations

from pathlib import Path

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from maillage.core.mail import absolute

from .listing import Listing, list_ideas
from .models import OPEN_STATUSES, Idea

SIZES = ("A4", "A5")
MAX_IDEAS = {"A4": 8, "A5": 4}


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m", micro=False).svg_data_uri(scale=4, border=2, dark="#1c2430")


def poster_ideas(place, size: str) -> list[Idea]:
    ideas = list_ideas(Idea.objects.filter(status__in=OPEN_STATUSES), Listing(sort="soutiens"))
    return list(ideas.filter(place=place)[: MAX_IDEAS[size]])


def place_poster(place, size: str = "A4") -> bytes:
    from weasyprint import CSS, HTML

    if size not in SIZES:
        raise ValueError(size)
    stylesheet = finders.find("agora/print.css")
    sheets = [CSS(filename=stylesheet), CSS(string=f"@page {{ size: {size}; }}")]
    ideas = [
        {"idea": idea, "url": absolute(idea.get_absolute_url())}
        for idea in poster_ideas(place, size)
    ]
    list_url = absolute(reverse("agora:place", args=[place.slug]))
    document = None
    for count in range(len(ideas), -1, -1):
        shown = [{**item, "qr": qr_data_uri(item["url"])} for item in ideas[:count]]
        html = render_to_string(
            "agora/print/place.html",
            {
                "place": place,
                "ideas": shown,
                "left_out": len(ideas) - count,
                "size": size,
                "qr": qr_data_uri(list_url),
                "url": list_url,
                "network_name": settings.MAILLAGE_NETWORK_NAME,
            },
        )
        document = HTML(string=html, base_url=str(Path(stylesheet).parent)).render(
            stylesheets=sheets
        )
        if len(document.pages) == 1:
            break
    return document.copy(document.pages[:1]).write_pdf()
