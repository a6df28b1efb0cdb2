"""Pages: my bookings, a place's calendar for its hosts, iCalendar feeds."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from maillage.places.models import Place

from . import ical, services
from .models import Booking, FeedToken, Resource, new_token


def _ics(payload: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(payload, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response


@login_required
def mine(request):
    feed, _ = FeedToken.objects.get_or_create(user=request.user)
    bookings = (
        Booking.objects.filter(user=request.user)
        .select_related("resource__place")
        .order_by("-start")[:200]
    )
    return render(request, "booking/mine.html", {"bookings": bookings, "feed": feed})


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
    since = timezone.now() - dt.timedelta(days=1)
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
        {"place": place, "resources": resources, "bookings": bookings, "conflicts": conflicts},
    )


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
