"""The host's followed calendars of a resource (rules in :mod:`maillage.booking.busy`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import busy
from .forms import BusyCalendarForm
from .models import BusyCalendar, Resource


def _resource(request, slug, pk) -> Resource:
    resource = get_object_or_404(Resource.objects.select_related("place"), pk=pk, place__slug=slug)
    if not request.user.can_edit_place(resource.place):
        raise PermissionDenied
    return resource


def _tell(request, report: busy.BusyReport) -> None:
    if report.error:
        messages.error(request, report.summary())
    elif report.conflicts:
        messages.warning(request, report.summary())
    else:
        messages.success(request, report.summary())


@login_required
def busy_calendars(request, slug, pk):
    resource = _resource(request, slug, pk)
    form = BusyCalendarForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        calendar = BusyCalendar.objects.create(
            resource=resource, url=form.cleaned_data["url"], name=form.cleaned_data["name"]
        )
        _tell(request, busy.refresh(calendar))
        return redirect("booking:busy_calendars", slug=slug, pk=pk)
    return render(
        request,
        "booking/busy_calendars.html",
        {
            "place": resource.place,
            "resource": resource,
            "form": form,
            "calendars": resource.busy_calendars.all(),
        },
    )


def _calendar(request, slug, pk, calendar_pk) -> BusyCalendar:
    resource = _resource(request, slug, pk)
    return get_object_or_404(BusyCalendar, pk=calendar_pk, resource=resource)


@login_required
@require_POST
def busy_calendar_refresh(request, slug, pk, calendar_pk):
    _tell(request, busy.refresh(_calendar(request, slug, pk, calendar_pk), force=True))
    return redirect("booking:busy_calendars", slug=slug, pk=pk)


@login_required
@require_POST
def busy_calendar_delete(request, slug, pk, calendar_pk):
    _calendar(request, slug, pk, calendar_pk).delete()  # its busy times go with it
    messages.success(request, "Ce calendrier n'est plus suivi ; ses occupations sont retirées.")
    return redirect("booking:busy_calendars", slug=slug, pk=pk)
