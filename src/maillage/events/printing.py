"""Printed communication: one-page posters and flyers (A4, A5) as PDF.

- a place: name, photo, its functions' pictograms, hours (or a mobile unit's
  next stops), next events, a QR code to its page;
- an event: title, where, its next dates, price, accessibility, pictograms, QR code;
- a commune: "the shared places near you", nearest first, QR code to its page;
- the pictogram legend.

Made like the analysis report (``analysis/report.py``): HTML and CSS rendered
by WeasyPrint with DejaVu (Debian's fonts-dejavu-core, no font fetched from
anywhere), pictograms as Lucide's SVG inline, QR codes by segno as SVG.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import lucide
import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from maillage.core.mail import absolute
from maillage.places.models import FunctionFamily, Place
from maillage.places.search import haversine_km
from maillage.territory.models import Commune
from maillage.web.display import stop_visits, weekly_summary
from maillage.web.pictograms import icon_name

from .models import Event, Occurrence

SIZES = ("A4", "A5")
NEAR_KM = 20.0
NEAR_MAX = 12


def _svg_icon(name: str, colour: str = "#154650") -> str:
    svg = lucide._render_icon(icon_name(name), 24, aria_hidden="true")
    return mark_safe(str(svg).replace("currentColor", colour))  # noqa: S308 (Lucide's own SVG)


def qr_data_uri(url: str) -> str:
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_data_uri(scale=4, border=2, dark="#1c2430")


def _photo_uri(place: Place) -> str:
    photo = place.photos.first()
    if photo is None or not photo.image:
        return ""
    try:
        path = Path(photo.image.path)
    except (NotImplementedError, ValueError):
        return ""
    return path.as_uri() if path.is_file() else ""


def _functions(place_functions) -> list[dict]:
    return [
        {
            "name": pf.function.name,
            "icon": _svg_icon(pf.function.icon, pf.function.family.color),
        }
        for pf in place_functions
    ]


def _monday():
    """Hours on paper read Monday to Sunday (the week that starts this Monday)."""
    today = timezone.localdate()
    return today - dt.timedelta(days=today.weekday())


def _next_occurrences(limit: int, **filters) -> list[Occurrence]:
    return list(
        Occurrence.objects.active()
        .upcoming()
        .filter(**filters)
        .select_related("event__place__commune", "event__stop__commune")
        .order_by("start")[:limit]
    )


# Lists a page may shorten to fit on one page, and how far (fractions kept).
SHRINKABLE = ("occurrences", "visits", "near")
FIT_LEVELS = (1.0, 0.7, 0.5, 0.3)


def _first_of_each_event(occurrences: list[Occurrence], limit: int) -> list[Occurrence]:
    seen, kept = set(), []
    for occurrence in occurrences:
        if occurrence.event_id not in seen:
            seen.add(occurrence.event_id)
            kept.append(occurrence)
    return kept[:limit]


def _render(template: str, context: dict, size: str) -> bytes:
    """One page, always: when the content overflows, the lists are shortened
    and the type made tighter, step by step; as a last resort only the first
    page is kept."""
    from weasyprint import CSS, HTML

    if size not in SIZES:
        raise ValueError(size)
    stylesheet = finders.find("events/print.css")
    stylesheets = [CSS(filename=stylesheet), CSS(string=f"@page {{ size: {size}; }}")]
    document = None
    for level in FIT_LEVELS:
        shortened = {
            key: value[: max(1, math.ceil(len(value) * level))]
            for key, value in context.items()
            if key in SHRINKABLE and isinstance(value, list) and value
        }
        html = render_to_string(
            template,
            {
                "size": size,
                "tight": level < 1.0,
                "network_name": settings.MAILLAGE_NETWORK_NAME,
                **context,
                **shortened,
            },
        )
        document = HTML(string=html, base_url=str(Path(stylesheet).parent)).render(
            stylesheets=stylesheets
        )
        if len(document.pages) == 1:
            break
    return document.copy(document.pages[:1]).write_pdf()


def place_poster(place: Place, size: str = "A4") -> bytes:
    url = absolute(place.get_absolute_url())
    place_functions = place.place_functions.select_related("function__family")
    stops = list(place.stops.select_related("commune", "place")) if place.is_mobile else []
    return _render(
        "events/print/place.html",
        {
            "place": place,
            "photo": _photo_uri(place),
            "functions": _functions(place_functions),
            "hours": weekly_summary(place.opening_hours, _monday())
            if place.opening_hours and not stops
            else [],
            "visits": stop_visits(stops)[:6] if stops else [],
            "occurrences": _next_occurrences(5 if size == "A4" else 3, event__place=place),
            "qr": qr_data_uri(url),
            "url": url,
        },
        size,
    )


def event_poster(event: Event, size: str = "A4") -> bytes:
    url = absolute(event.get_absolute_url())
    return _render(
        "events/print/event.html",
        {
            "event": event,
            "photo": _photo_uri(event.place),
            "functions": [
                {"name": f.name, "icon": _svg_icon(f.icon, f.family.color)}
                for f in event.functions.select_related("family")
            ],
            "occurrences": _next_occurrences(6 if size == "A4" else 4, event=event),
            "qr": qr_data_uri(url),
            "url": url,
        },
        size,
    )


@dataclass
class NearPlace:
    place: Place
    distance_km: float
    functions: list[dict]


def places_near(commune: Commune, radius_km: float = NEAR_KM, limit: int = NEAR_MAX):
    if commune.centroid_lat is None:
        return []
    lat, lon = commune.centroid_lat, commune.centroid_lon
    dlat = radius_km / 111.0
    dlon = radius_km / (111.0 * max(0.1, math.cos(math.radians(lat))))
    candidates = list(
        Place.objects.published()
        .filter(
            latitude__gte=lat - dlat,
            latitude__lte=lat + dlat,
            longitude__gte=lon - dlon,
            longitude__lte=lon + dlon,
        )
        .select_related("commune")
        .prefetch_related("place_functions__function__family")
    )
    if not candidates:
        return []
    distances = haversine_km(
        lat, lon, [p.latitude for p in candidates], [p.longitude for p in candidates]
    )
    rows = sorted(
        ((float(d), p) for d, p in zip(distances, candidates, strict=True) if d <= radius_km),
        key=lambda row: (row[0], row[1].name),
    )
    return [NearPlace(p, round(d, 1), _functions(p.place_functions.all())) for d, p in rows[:limit]]


def commune_flyer(commune: Commune, size: str = "A4") -> bytes:
    url = absolute(f"/communes/{commune.code}/")
    return _render(
        "events/print/commune.html",
        {
            "commune": commune,
            "near": places_near(commune, limit=NEAR_MAX if size == "A4" else 6),
            "radius_km": int(NEAR_KM),
            "occurrences": _first_of_each_event(
                _next_occurrences(20, event__place__commune=commune), 4
            ),
            "qr": qr_data_uri(url),
            "url": url,
        },
        size,
    )


def legend(size: str = "A4") -> bytes:
    families = [
        {
            "family": family,
            "functions": [
                {
                    "name": f.name,
                    "description": f.description,
                    "icon": _svg_icon(f.icon, family.color),
                }
                for f in family.functions.all()
            ],
        }
        for family in FunctionFamily.objects.prefetch_related("functions")
    ]
    return _render(
        "events/print/legend.html",
        {"families": families, "today": timezone.localdate()},
        size,
    )
