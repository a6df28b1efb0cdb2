"""The legend of the pictograms, the network charter, and the families' colours."""

from __future__ import annotations

import re

from django.db.models import Count, Prefetch, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from maillage.places.models import CharterItem, Function, FunctionFamily, Place

_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DEFAULT_COLOUR = "#335c67"


@require_safe
def favicon(request):
    """The icon, for browsers that ask /favicon.ico where a page names none (a PDF,
    a feed, an error page)."""
    return redirect(static("web/favicon.svg"), permanent=True)


def legend(request):
    published = Q(place_functions__place__status=Place.Status.PUBLISHED)
    families = FunctionFamily.objects.prefetch_related(
        Prefetch(
            "functions",
            queryset=Function.objects.annotate(
                place_count=Count("place_functions__place", filter=published, distinct=True)
            ),
        )
    )
    items = list(CharterItem.objects.all())
    context = {
        "families": families,
        "charter_common": [i for i in items if i.kind == CharterItem.Kind.COMMON],
        "charter_special": [i for i in items if i.kind == CharterItem.Kind.SPECIALISATION],
    }
    return render(request, "web/legend.html", context)


def charter(request):
    items = list(CharterItem.objects.all())
    places = (
        Place.objects.published()
        .filter(charter_items__isnull=False)
        .distinct()
        .select_related("commune")
        .prefetch_related("charter_items")
    )
    rows = []
    for place in places:
        held = {item.pk for item in place.charter_items.all()}
        rows.append(
            {
                "place": place,
                "cells": [item.pk in held for item in items],
                "common": sum(
                    1 for item in items if item.pk in held and item.kind == CharterItem.Kind.COMMON
                ),
            }
        )
    common_total = sum(1 for item in items if item.kind == CharterItem.Kind.COMMON)
    context = {
        "items": items,
        "rows": rows,
        "common_total": common_total,
        "charter_common": [i for i in items if i.kind == CharterItem.Kind.COMMON],
        "charter_special": [i for i in items if i.kind == CharterItem.Kind.SPECIALISATION],
    }
    return render(request, "web/charter.html", context)


@require_safe
@cache_control(max_age=300, public=True)
def family_colours(request):
    """One CSS class per family, ``.fam-SLUG``, setting ``--family-colour`` (data, not code)."""
    rules = [f":root {{ --family-colour: {DEFAULT_COLOUR}; }}"]
    for slug, colour in FunctionFamily.objects.values_list("slug", "color"):
        if _SLUG.match(slug) and _COLOUR.match(colour or ""):
            rules.append(f".fam-{slug} {{ --family-colour: {colour}; }}")
    return HttpResponse("\n".join(rules) + "\n", content_type="text/css; charset=utf-8")
