"""Widgets a place puts on its own web site (in an ``<iframe>``), and the host's page
that gives their snippets and lists the sites allowed to frame them.

Each widget answers with ``frame-ancestors`` set to its place's origins
(``maillage.core.embedding``); the agenda and rooms widgets live in their apps
(``events``, ``booking``) and use the same base template and helper.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core import clock, embedding
from maillage.places import display
from maillage.places.models import Place
from maillage.web.maps import map_config, place_markers


def hours(request, slug):
    place = get_object_or_404(Place.objects.published().prefetch_related("closures"), slug=slug)
    now = clock.now()
    today = timezone.localdate(now)
    return embedding.render_widget(
        request,
        place,
        "web/widgets/hours.html",
        {
            "status": display.place_status(place, now),
            "week": display.week_hours(place.opening_hours, place.closures.all(), today),
        },
    )


def network_map(request, slug):
    """The network's places on a map, from the place whose site shows it."""
    place = get_object_or_404(Place.objects.published(), slug=slug)
    others = (
        Place.objects.published()
        .select_related("commune")
        .prefetch_related("place_functions__function__family", "stops__commune")
    )
    shown = [place_markers(p) for p in others]
    markers = [m for x in shown for m in x["places"]]
    stops = [m for x in shown for m in x["stops"]]
    return embedding.render_widget(
        request,
        place,
        "web/widgets/map.html",
        {
            "map": map_config(),
            "map_data": {"places": markers, "stops": stops, "fit": True},
            "sprite_icons": sorted({m["icon"] for m in markers + stops}),
        },
    )


class EmbedForm(forms.Form):
    origins = forms.CharField(
        label=_("Sites autorisés à intégrer vos widgets"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Un site par ligne, par exemple https://www.mon-tiers-lieu.fr"),
    )

    def clean_origins(self):
        try:
            return embedding.parse_origins(self.cleaned_data["origins"])
        except embedding.OriginError as error:
            raise forms.ValidationError(str(error)) from error


@login_required
def embed(request, slug):
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    form = EmbedForm(request.POST or None, initial={"origins": place.embed_origins})
    if request.method == "POST" and form.is_valid():
        place.embed_origins = "\n".join(form.cleaned_data["origins"])
        place.save(update_fields=["embed_origins"])
        messages.success(request, _("Les sites autorisés sont enregistrés."))
        return redirect("web:embed", slug=place.slug)
    base = request.build_absolute_uri("/").rstrip("/")
    widgets = [
        (_("Agenda"), reverse("events:widget", kwargs={"slug": place.slug}), 480),
        (_("Horaires"), reverse("web:widget-hours", kwargs={"slug": place.slug}), 380),
        (_("Salles et réservation"), reverse("booking:widget", kwargs={"slug": place.slug}), 420),
        (_("Carte du réseau"), reverse("web:widget-map", kwargs={"slug": place.slug}), 420),
    ]
    snippets = [
        (
            title,
            base + path,
            f'<iframe src="{base}{path}" title="{title} · {place.name}" '
            f'style="width:100%;max-width:640px;height:{height}px;border:0" loading="lazy"></iframe>',
        )
        for title, path, height in widgets
    ]
    return render(
        request,
        "web/embed.html",
        {"place": place, "form": form, "snippets": snippets, "origins": place.embed_origin_list()},
    )
