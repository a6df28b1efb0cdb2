"""Pages: my bookings, a place's calendar for its hosts, iCalendar feeds."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from maillage.core import clock, csvsafe, params
from maillage.core.maps import map_config
from maillage.places import display as place_display
from maillage.places.models import Place
from maillage.places.search import FilterError, parse_near

from . import availability, ical, occupancy, search, services
from .forms import BlockFormSet, BookForm, ResourceForm, SearchForm, SeasonFormSet, tomorrow
from .models import Block, Booking, FeedToken, Resource, new_token


def _ics(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


PAST_BOOKINGS_SHOWN = 30  # the rest stays in the data export and the calendar feed


@login_required
def mine(request):
    """A person's bookings: coming ones soonest first, then the last past ones; each
    with its object, its place's address and price, and what can be done with it."""
    feed, _ = FeedToken.objects.get_or_create(user=request.user)
    now = clock.now()
    mine = Booking.objects.filter(user=request.user).select_related("resource__place__commune")
    # What is coming first, soonest on top; then the past, latest on top.
    upcoming = mine.filter(end__gte=now).order_by("start")[:200]
    past = mine.filter(end__lt=now).order_by("-start")[:PAST_BOOKINGS_SHOWN]
    return render(
        request,
        "booking/mine.html",
        {"upcoming": upcoming, "past": past, "feed": feed, "past_shown": PAST_BOOKINGS_SHOWN},
    )


@login_required
@require_POST
def revoke_feed(request):
    feed, _ = FeedToken.objects.get_or_create(user=request.user)
    feed.token = new_token()
    feed.save()
    messages.success(request, "Nouvelle adresse de calendrier : l'ancienne ne fonctionne plus.")
    return redirect("booking:mine")


@login_required
def host_calendar(request, slug):
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    since = clock.now() - dt.timedelta(days=1)
    resources = list(place.resources.all())
    bookings = (
        Booking.objects.filter(resource__place=place, end__gte=since)
        .select_related("resource", "user")
        .order_by("start")
    )
    conflicts = [c for r in resources for c in services.conflicts(r)]
    return render(
        request,
        "booking/host_calendar.html",
        {
            "place": place,
            "resources": resources,
            "bookings": bookings,
            "conflicts": conflicts,
            **_week(request, resources),
        },
    )


def _week(request, resources) -> dict:
    """The week grid of the host's calendar: a row per resource, a cell per day."""
    day = timezone.localdate()
    if request.GET.get("semaine"):
        try:
            day = params.parse_date(request.GET["semaine"], "semaine")
        except params.ParameterError as error:
            messages.error(request, error.message)
    monday = day - dt.timedelta(days=day.weekday())
    days = [monday + dt.timedelta(days=i) for i in range(7)]
    start = dt.datetime.combine(monday, dt.time(), availability.PARIS)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), availability.PARIS)
    held = {}
    for b in (
        Booking.objects.filter(resource__in=resources, start__lt=end, end__gt=start)
        .exclude(status__in=["cancelled", "declined", "released"])
        .select_related("user")
    ):
        held.setdefault((b.resource_id, availability.paris(b.start).date()), []).append(b)
    rows = []
    for r in resources:
        windows = availability.open_windows(r, start, end)
        open_days = {availability.paris(a).date() for a, _b in windows}
        cells = [
            {"day": d, "open": d in open_days, "bookings": held.get((r.pk, d), [])} for d in days
        ]
        rows.append({"resource": r, "cells": cells})
    return {
        "days": days,
        "week_rows": rows,
        "previous_week": (monday - dt.timedelta(days=7)).isoformat(),
        "next_week": (monday + dt.timedelta(days=7)).isoformat(),
    }


@login_required
@require_POST
def decide(request, pk, action):
    booking = get_object_or_404(Booking.objects.select_related("resource__place"), pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if action == "approve":
            services.approve(request.user, booking)
        elif action == "decline":
            services.decline(request.user, booking, reason)
        elif action == "checkin":
            services.check_in(request.user, booking)
        elif action == "cancel":
            services.cancel(
                request.user, booking, reason, rest_of_series=bool(request.POST.get("series"))
            )
        else:
            raise Http404
    except services.InvalidAction as error:
        messages.error(request, str(error))
    nxt = request.POST.get("next", "")
    if nxt.startswith("/") and not nxt.startswith("//"):
        return redirect(nxt)
    return redirect("booking:mine")


def person_feed(request, token):
    feed = get_object_or_404(FeedToken.objects.select_related("user"), token=token)
    bookings = Booking.objects.filter(user=feed.user).select_related(
        "resource__place__commune", "user"
    )
    return _ics(ical.calendar(bookings, name="Mes réservations"), "reservations.ics")


def resource_feed(request, pk, token=None):
    resource = get_object_or_404(Resource.objects.select_related("place"), pk=pk)
    private = token is not None
    if private and token != resource.feed_token:
        raise Http404
    bookings = resource.bookings.select_related("resource__place__commune", "user")
    return _ics(
        ical.calendar(bookings, private=private, name=f"{resource.name} · {resource.place.name}"),
        f"ressource-{resource.pk}.ics",
    )


# --------------------------------------------------------------------------- search and booking


def search_page(request):
    form = SearchForm(request.GET or None)
    hits, start, end = [], None, None
    if form.is_bound and form.is_valid():
        start, end, duration = form.window()
        d = form.cleaned_data
        query = search.Query(
            commune=d["commune"] or None,
            start=start,
            end=end,
            duration=duration,
            seats=d["seats"],
            equipment=d["equipment"],
            kind=d["kind"] or None,
            rank=d["rank"] or "functional",
        )
        try:
            if d["near"]:
                query.near = parse_near(d["near"])
            search.validate(query)
            hits = search.find(query)[:50]
        except FilterError as error:
            form.add_error(None, error.message)
    rows = []
    for hit in hits:
        first = hit.free[0] if hit.free else None
        length = dt.timedelta(minutes=max(hit.resource.min_minutes, 60))
        if first and form.cleaned_data.get("period") != "half-day-next-week":
            length = min(first[1] - first[0], end - start)
        elif first:
            length = dt.timedelta(minutes=240)
        prefill = ""
        if first:
            a = availability.paris(first[0])
            b = availability.paris(min(first[1], first[0] + length))
            prefill = urlencode(
                {
                    "date": a.date().isoformat(),
                    "start": f"{a:%H:%M}",
                    "end": f"{b:%H:%M}",
                    "seats": form.cleaned_data["seats"],
                }
            )
        rows.append({"hit": hit, "prefill": prefill})
    points = [
        {
            "lat": h.resource.place.latitude,
            "lon": h.resource.place.longitude,
            "name": f"{h.resource.name} · {h.resource.place.name}",
            "url": reverse("booking:resource", args=[h.resource.pk]),
            "type": str(h.resource.get_kind_display()),
            "where": h.resource.place.commune.name if h.resource.place.commune_id else "",
            "icon": "map-pin",
        }
        for h in hits
        if h.resource.place.latitude is not None
    ]
    return render(
        request,
        "booking/search.html",
        {
            "form": form,
            "rows": rows,
            "points": points,
            "searched": form.is_bound,
            "map": map_config(),
            "map_icons": ["map-pin"],
        },
    )


def resource_page(request, pk):
    resource = get_object_or_404(
        Resource.objects.select_related("place__commune").prefetch_related("photos", "seasons"),
        pk=pk,
    )
    refused = None
    if request.method == "POST" and not request.user.is_authenticated:
        # Log in or sign up, then come back here with the chosen slot kept.
        chosen = {k: v for k, v in request.POST.items() if k in BookForm.base_fields and v}
        return redirect_to_login(f"{request.path}?{urlencode(chosen)}")
    if request.method == "POST":
        form = BookForm(request.POST)
        if form.is_valid():
            start, end = form.moments()
            d = form.cleaned_data
            try:
                if d["repeat"]:
                    made = services.book_series(
                        request.user,
                        resource,
                        start,
                        end,
                        freq=d["repeat"],
                        count=d["count"] or 1,
                        seats=d["seats"],
                        purpose=d["purpose"],
                    )
                else:
                    made = [
                        services.book(request.user, resource, start, end, d["seats"], d["purpose"])
                    ]
            except services.BookingRefused as error:
                refused = error
            else:
                if resource.approval_required:
                    message = ngettext(
                        "Demande envoyée à l'hôte.",
                        "Demande envoyée à l'hôte pour %(n)d dates.",
                        len(made),
                    )
                else:
                    message = ngettext(
                        "Réservation confirmée.", "Réservation confirmée : %(n)d dates.", len(made)
                    )
                messages.success(request, message % {"n": len(made)})
                return redirect("booking:mine")
    else:
        chosen = {k: v for k, v in request.GET.items() if k in BookForm.base_fields}
        form = BookForm(initial=chosen or {"date": tomorrow(), "start": "14:00", "end": "16:00"})
    today = clock.now()
    week = availability.free_intervals(resource, today, today + dt.timedelta(days=7))
    alternatives = [
        {
            "date": availability.paris(a).date().isoformat(),
            "start": f"{availability.paris(a):%H:%M}",
            "end": f"{availability.paris(b):%H:%M}",
            "a": a,
            "b": b,
        }
        for a, b in (refused.alternatives if refused else [])
    ]
    return render(
        request,
        "booking/resource.html",
        {
            "resource": resource,
            "form": form,
            "refused": refused,
            "alternatives": alternatives,
            "week": week[:30],
            # the place as every page says it (the read model's one rule): a hotel
            # closed to the public off-season whose room is still bookable
            "status": place_display.place_status(resource.place),
            "can_host": request.user.is_authenticated
            and request.user.can_edit_place(resource.place),
        },
    )


# --------------------------------------------------------------------------- network view


def _month(request, name: str, default: dt.date) -> dt.date:
    """The month ``name`` (AAAA-MM) asked for, or ``default`` with a message saying why not."""
    text = request.GET.get(name)
    if not text:
        return default
    try:
        return params.parse_month(text, name)
    except params.ParameterError as error:
        messages.error(request, error.message)
        return default


@login_required
def network(request):
    if not request.user.is_coordinator:
        raise PermissionDenied
    first, last = occupancy.default_period()
    first = _month(request, "from", first)
    last = _month(request, "to", last)
    data = occupancy.rows(first, last)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="occupation-ressources.csv"'
        writer = csvsafe.writer(response)
        writer.writerow(
            ["mois", "lieu", "ressource", "nature", "heures_ouvertes", "heures_reservees", "taux"]
        )
        for row in data:
            writer.writerow(
                [
                    row.month,
                    row.resource.place.name,
                    row.resource.name,
                    row.resource.kind,
                    f"{row.open_minutes / 60:.1f}",
                    f"{row.booked_minutes / 60:.1f}",
                    "" if row.rate is None else f"{row.rate:.3f}",
                ]
            )
        return response
    by_resource = occupancy.summarise(data, lambda r: (r.resource.place.name, r.resource.name))
    return render(
        request,
        "booking/network.html",
        {
            "first": first,
            "last": last,
            "by_place": occupancy.summarise(data, lambda r: r.resource.place.name),
            "by_kind": occupancy.summarise(data, lambda r: r.resource.get_kind_display()),
            "by_month": sorted(
                occupancy.summarise(data, lambda r: r.month), key=lambda d: d["key"]
            ),
            "by_season": occupancy.summarise(data, lambda r: occupancy.season_of(r.month)),
            "least_used": [d for d in by_resource if d["rate"] is not None][:10],
        },
    )


# --------------------------------------------------------------------------- hosts' resources


@login_required
def edit_resource(request, slug, pk=None):
    """Hosts describe their resources. A change never cancels a booking: the
    bookings it hits are listed on the place's calendar for the host to decide."""
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    resource = get_object_or_404(Resource, pk=pk, place=place) if pk else Resource(place=place)
    form = ResourceForm(request.POST or None, instance=resource)
    seasons = SeasonFormSet(request.POST or None, instance=resource, prefix="seasons")
    blocks = BlockFormSet(
        request.POST or None,
        instance=resource,
        prefix="blocks",
        queryset=Block.objects.filter(source=None),  # busy times are the followed calendars'
    )
    if request.method == "POST" and form.is_valid() and seasons.is_valid() and blocks.is_valid():
        with transaction.atomic():
            resource = form.save()
            seasons.instance = blocks.instance = resource
            seasons.save()
            blocks.save()
        hit = services.conflicts(resource)
        if hit:
            messages.warning(
                request,
                f"{len(hit)} réservation(s) ne tiennent plus avec ce changement : rien n'est annulé, "
                "à vous de décider ci-dessous.",
            )
        else:
            messages.success(request, "Ressource enregistrée.")
        return redirect("booking:host_calendar", slug=place.slug)
    return render(
        request,
        "booking/edit_resource.html",
        {"place": place, "resource": resource, "form": form, "seasons": seasons, "blocks": blocks},
    )


@login_required
@require_POST
def revoke_resource_feed(request, slug, pk):
    resource = get_object_or_404(Resource.objects.select_related("place"), pk=pk, place__slug=slug)
    if not request.user.can_edit_place(resource.place):
        raise PermissionDenied
    resource.feed_token = new_token()
    resource.save(update_fields=["feed_token"])
    messages.success(request, "Nouvelle adresse d'agenda : l'ancienne ne fonctionne plus.")
    return redirect("booking:host_calendar", slug=slug)


def widget(request, slug):
    """The place's bookable resources with a booking button, for its own web site."""
    from maillage.core.embedding import render_widget

    place = get_object_or_404(Place.objects.published(), slug=slug)
    resources = place.resources.filter(is_active=True).order_by("name")
    return render_widget(request, place, "booking/widget.html", {"resources": resources})
