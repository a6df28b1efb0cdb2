"""A commune's page: what is near it, function by function."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404, render
from django.urls import reverse

from maillage.core import clock
from maillage.places import display
from maillage.places.models import FunctionFamily, Place
from maillage.places.search import PlaceFilter, PlaceHit, search_places
from maillage.territory.models import Commune
from maillage.web.maps import commune_view, map_config, marker_data, round_markers


@dataclass(frozen=True)
class Nearest:
    function: object
    hit: PlaceHit | None


def nearest_by_function(commune: Commune, families) -> list[tuple[object, list[Nearest]]]:
    """For each function of the taxonomy, the nearest place offering it (from the centroid)."""
    wanted = {f.slug for family in families for f in family.functions.all()}
    found: dict[str, PlaceHit] = {}
    if commune.centroid_lat is not None and commune.centroid_lon is not None:
        near = (commune.centroid_lat, commune.centroid_lon)
        for hit in search_places(PlaceFilter(near=near)):
            if hit.distance_km is None:
                break  # places without coordinates come last
            for pf in hit.place.place_functions.all():
                found.setdefault(pf.function.slug, hit)
            if wanted <= found.keys():
                break
    return [
        (family, [Nearest(f, found.get(f.slug)) for f in family.functions.all()])
        for family in families
    ]


def commune(request, code):
    commune = get_object_or_404(Commune, code=code)
    now = clock.now()
    families = list(FunctionFamily.objects.prefetch_related("functions"))
    hits = list(search_places(PlaceFilter(commune=commune.code, mobile=False)))
    places = [display.place_row(h.place, None, now) for h in hits]
    units = display.stopping_units(commune.code)
    markers = marker_data(hits)
    # the mobile units where they stop in this commune, by a weekly or a dated stop
    unit_places = Place.objects.filter(pk__in=[u.id for u in units]).prefetch_related(
        "place_functions__function__family"
    )
    markers["stops"] = [
        m for unit in unit_places for m in round_markers(unit, commune=commune.code)
    ]
    context = {
        "commune": commune,
        "nearest": nearest_by_function(commune, families),
        "places": places,
        "visits": display.stop_visits(units, now, commune=commune.code),
        "units": units,
        "map": map_config(),
        "map_data": {**markers, "fit": True},
        "map_commune": commune_view(commune),
        "sprite_icons": sorted({m["icon"] for m in markers["places"] + markers["stops"]}),
        "map_link": reverse("web:home") + f"?ou={commune.code}",
    }
    return render(request, "web/commune.html", context)
