"""The map page: the filter form, the list of places and the map's markers."""

from __future__ import annotations

from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

from maillage.core import clock
from maillage.places import display
from maillage.places.models import FunctionFamily, PlaceType
from maillage.places.search import search_places
from maillage.web.maps import commune_view, map_config, marker_data, sprite_icons, territory_bounds
from maillage.web.search_form import OPEN_AT_MAX, OPEN_AT_MIN, RADIUS_CHOICES, read_search_form

LIST_LIMIT = 60
MARKERS_LIMIT = 800


def is_htmx(request) -> bool:
    return (
        request.headers.get("HX-Request") == "true"
        and "HX-History-Restore-Request" not in request.headers
    )


def _families():
    return FunctionFamily.objects.prefetch_related("functions")


def home(request):
    form = read_search_form(request.GET)
    hits, total = [], 0
    markers = {"places": [], "stops": []}
    if form.is_valid:
        result = search_places(form.place_filter)
        total = len(result)
        shown = result[:MARKERS_LIMIT]
        now = clock.now()
        hits = [
            display.place_row(h.place, h.distance_km, now, form.place_filter, h.matched_by)
            for h in shown[:LIST_LIMIT]
        ]
        markers = marker_data(shown, form.place_filter)
    near = form.place_filter.near if form.place_filter else None
    context = {
        "form": form,
        "hits": hits,
        "total": total,
        "list_limit": LIST_LIMIT,
        "near": near,
        "map_data": {
            **markers,
            "near": list(near) if near else None,
            "commune": commune_view(form.commune),
        },
    }
    if is_htmx(request):
        response = render(request, "web/_results.html", context)
    else:
        families = list(_families())
        context.update(
            families=families,
            place_types=PlaceType.choices,
            radius_choices=RADIUS_CHOICES,
            open_at_min=OPEN_AT_MIN,
            open_at_max=OPEN_AT_MAX,
            map=map_config(bounds=territory_bounds()),
            sprite_icons=sprite_icons(families),
            page_title=_("Les lieux partagés près de chez vous"),
        )
        response = render(request, "web/home.html", context)
    patch_vary_headers(response, ["HX-Request"])
    return response
