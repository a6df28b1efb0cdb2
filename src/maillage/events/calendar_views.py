"""The host's imported agendas: subscribe a place to a calendar, refresh it, choose
what is published (the rules are in :mod:`maillage.events.calendar_sync`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.places.models import Place

from . import calendar_sync
from .forms import CalendarSubscriptionForm
from .models import CalendarSubscription, Event


def _editable_place(request, slug) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    return place


def _subscription(request, pk) -> CalendarSubscription:
    subscription = get_object_or_404(CalendarSubscription.objects.select_related("place"), pk=pk)
    if not request.user.can_edit_place(subscription.place):
        raise PermissionDenied
    return subscription


def _tell(request, report: calendar_sync.SyncReport) -> None:
    (messages.error if report.error else messages.success)(request, report.summary())
    for warning in report.warnings[:10]:
        messages.warning(request, warning)


@login_required
def calendars(request, slug):
    place = _editable_place(request, slug)
    form = CalendarSubscriptionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        subscription = CalendarSubscription.objects.create(
            place=place,
            name=data["name"] or (data["file"].name if data["file"] else ""),
            url=data["url"],
            publish_new=data["publish_new"],
            created_by=request.user,
        )
        if data["url"]:
            report = calendar_sync.refresh(subscription)
        else:
            report = calendar_sync.import_file(subscription, data["file"].read())
        _tell(request, report)
        return redirect("events:calendars", slug=place.slug)
    subscriptions = place.calendar_subscriptions.all()
    imported = (
        Event.objects.filter(source__place=place)
        .select_related("source")
        .order_by("source_id", "start")
    )
    return render(
        request,
        "events/calendars.html",
        {"place": place, "form": form, "subscriptions": subscriptions, "imported": imported},
    )


@login_required
@require_POST
def calendar_refresh(request, pk):
    subscription = _subscription(request, pk)
    if subscription.url:
        _tell(request, calendar_sync.refresh(subscription, force=True))
    return redirect("events:calendars", slug=subscription.place.slug)


@login_required
@require_POST
def calendar_delete(request, pk):
    subscription = _subscription(request, pk)
    slug = subscription.place.slug
    subscription.delete()  # its imported events go with it
    messages.success(request, _("L'agenda et ses événements importés sont retirés."))
    return redirect("events:calendars", slug=slug)


@login_required
@require_POST
def calendar_publish(request, slug):
    """The host's choice: the imported events ticked are published, the others are drafts."""
    place = _editable_place(request, slug)
    ticked = set(request.POST.getlist("published"))
    for event in Event.objects.filter(source__place=place):
        calendar_sync.set_published(event, str(event.pk) in ticked)
    messages.success(request, _("Vos choix de publication sont enregistrés."))
    return redirect("events:calendars", slug=place.slug)
