"""Agenda pages: the network's agenda, a place's, a commune's; an event and one
of its dates with registration; the host's participant list; the feeds."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from maillage.core import clock, csvsafe, ratelimit
from maillage.core.html import json_ld_script
from maillage.core.mail import absolute
from maillage.places.models import Audience, Function, Place
from maillage.places.search import FilterError
from maillage.territory.models import Commune

from . import feeds, jsonld, printing, services
from . import newsletter as newsletter_services
from .agenda import (
    AgendaFilter,
    distance_km,
    event_conditions,
    find_occurrences,
    is_empty,
    parse_agenda_filter,
)
from .forms import EventForm, MoveForm, RegistrationForm, SubscribeForm
from .models import Event, Occurrence, Registration, Subscriber

REGISTRATIONS_PER_HOUR = 10
PER_EVENT = 3  # dates of one event shown in the network's and a commune's agenda


#: The agenda's filters a calendar subscription keeps (not its dates).
FEED_FILTERS = ("commune", "near", "around", "radius_km", "function", "audience")


def _filter_context(request, f: AgendaFilter | None, error=None) -> dict:
    feed_query = urlencode([(k, request.GET[k]) for k in FEED_FILTERS if request.GET.get(k)])
    return {
        "feed_query": feed_query if error is None else "",
        "functions": Function.objects.select_related("family"),
        "audiences": Audience.choices,
        "communes": Commune.objects.filter(places__isnull=False).distinct().order_by("name"),
        "all_communes": Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS)
        .exclude(centroid_lat=None)
        .only("code", "name")
        .order_by("name"),
        "params": request.GET,
        "filter": f,
        "error": error,
    }


def agenda(request):
    error = None
    try:
        f = parse_agenda_filter(request.GET)
    except FilterError as exc:
        f, error = AgendaFilter(), exc
    # Without an end date, the first dates of each event (a weekly one does not fill the page).
    per_event = None if f.date_to else PER_EVENT
    hits = find_occurrences(f, per_event=per_event) if error is None else []
    return render(
        request,
        "events/agenda.html",
        {"hits": hits, "title": _("L'agenda du réseau"), **_filter_context(request, f, error)},
    )


def place_agenda(request, slug):
    place = get_object_or_404(Place.objects.published(), slug=slug)
    hits = find_occurrences(AgendaFilter(place_id=place.pk))
    return render(
        request,
        "events/agenda.html",
        {
            "hits": hits,
            "place": place,
            "title": _("L'agenda de %(name)s") % {"name": place.name},
            "ics_url": absolute(f"/agenda/lieux/{place.slug}.ics", request.build_absolute_uri("/")),
        },
    )


def commune_agenda(request, code):
    commune = get_object_or_404(Commune, code=code)
    hits = find_occurrences(AgendaFilter(commune=commune.code), per_event=PER_EVENT)
    return render(
        request,
        "events/agenda.html",
        {
            "hits": hits,
            "commune": commune,
            "title": _("L'agenda de %(name)s") % {"name": commune.name},
        },
    )


def _event_or_404(slug) -> Event:
    return get_object_or_404(
        Event.objects.published().select_related("place__commune", "stop__commune"), slug=slug
    )


def event(request, slug):
    ev = _event_or_404(slug)
    upcoming = list(ev.occurrences.upcoming().order_by("start")[:20])
    return render(
        request,
        "events/event.html",
        {
            "event": ev,
            "occurrences": upcoming,
            "jsonld": json_ld_script(jsonld.event_jsonld(ev, upcoming, request)),
            "can_edit": request.user.is_authenticated and request.user.can_edit_place(ev.place),
        },
    )


def occurrence(request, slug, pk):
    ev = _event_or_404(slug)
    occ = get_object_or_404(ev.occurrences, pk=pk)
    return render(
        request,
        "events/occurrence.html",
        {
            "event": ev,
            "occurrence": occ,
            "form": RegistrationForm(),
            "open": _registration_open(occ),
            "mine": services.registration_of(occ, request.user),
            "jsonld": json_ld_script(jsonld.event_jsonld(ev, [occ], request)),
            "can_edit": request.user.is_authenticated and request.user.can_edit_place(ev.place),
        },
    )


def _registration_open(occ: Occurrence) -> bool:
    return occ.event.registration_required and not occ.is_cancelled and occ.end >= clock.now()


@require_POST
def register(request, pk):
    occ = get_object_or_404(Occurrence.objects.visible().select_related("event"), pk=pk)
    user = request.user if request.user.is_authenticated else None
    form = RegistrationForm(request.POST)
    if user is None and not form.is_valid():
        return render(
            request,
            "events/occurrence.html",
            {"event": occ.event, "occurrence": occ, "form": form, "open": _registration_open(occ)},
            status=400,
        )
    email = user.email if user else form.cleaned_data["email"]
    if not ratelimit.hit(
        "event-registration",
        [ratelimit.client_address(request), email],
        limit=REGISTRATIONS_PER_HOUR,
    ):
        messages.error(request, _("Trop d'inscriptions en peu de temps : réessayez plus tard."))
        return redirect(occ)
    try:
        registration = services.register(
            occ,
            name=form.cleaned_data.get("name", "") if form.is_valid() else "",
            email=email,
            user=user,
        )
    except services.RegistrationError:
        messages.error(
            request, _("L'inscription n'est pas possible (déjà inscrit·e, complet ou annulé).")
        )
        return redirect(occ)
    if registration.status == Registration.Status.PENDING:
        messages.success(
            request,
            _("Presque fini : suivez le lien envoyé à %(email)s pour confirmer.")
            % {"email": email},
        )
    elif registration.status == Registration.Status.WAITING:
        messages.success(request, _("C'est complet : vous êtes sur la liste d'attente."))
    else:
        messages.success(request, _("Vous êtes inscrit·e."))
    return redirect(occ)


def confirm(request, token):
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), token=token
    )
    if request.method == "POST":
        try:
            registration = services.confirm_registration(token)
        except services.RegistrationError:
            messages.error(request, _("Cette date n'est plus ouverte aux inscriptions."))
            return redirect(registration.occurrence)
        if registration.status == Registration.Status.WAITING:
            messages.success(request, _("C'est complet : vous êtes sur la liste d'attente."))
        elif registration.status == Registration.Status.REGISTERED:
            messages.success(request, _("Votre inscription est confirmée."))
        return redirect(registration.occurrence)
    return render(request, "events/confirm.html", {"registration": registration})


def cancel(request, token):
    registration = get_object_or_404(
        Registration.objects.select_related("occurrence__event"), token=token
    )
    if request.method == "POST":
        services.cancel_registration(registration)
        messages.success(request, _("Votre inscription est annulée. Merci de nous avoir prévenus."))
        return redirect(registration.occurrence)
    return render(request, "events/cancel.html", {"registration": registration})


def _host_occurrence(request, pk) -> Occurrence:
    occ = get_object_or_404(Occurrence.objects.select_related("event__place"), pk=pk)
    if not request.user.can_edit_place(occ.event.place):
        raise PermissionDenied
    return occ


@login_required
def participants(request, pk):
    occ = _host_occurrence(request, pk)
    if request.method == "POST":
        registration = get_object_or_404(occ.registrations, pk=request.POST.get("registration"))
        services.check_in(registration, present=request.POST.get("present") == "1")
        return HttpResponseRedirect(request.path + f"#r{registration.pk}")
    registrations = occ.registrations.exclude(status=Registration.Status.CANCELLED).order_by(
        "status", "confirmed_at", "pk"
    )
    return render(
        request,
        "events/participants.html",
        {"occurrence": occ, "event": occ.event, "registrations": registrations},
    )


@login_required
def participants_csv(request, pk):
    occ = _host_occurrence(request, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    stamp = timezone.localtime(occ.start).strftime("%Y-%m-%d")
    response["Content-Disposition"] = (
        f'attachment; filename="participants-{occ.event.slug}-{stamp}.csv"'
    )
    response.write("\ufeff")  # spreadsheets read UTF-8 with a BOM
    writer = csvsafe.writer(response, delimiter=";")
    writer.writerow(["nom", "e-mail", "statut", "confirmée le", "présence"])
    labels = dict(Registration.Status.choices)
    for r in occ.registrations.exclude(status=Registration.Status.CANCELLED).order_by(
        "status", "confirmed_at", "pk"
    ):
        writer.writerow(
            [
                r.name,
                r.email,
                str(labels[r.status]),
                timezone.localtime(r.confirmed_at).strftime("%Y-%m-%d %H:%M")
                if r.confirmed_at
                else "",
                "oui" if r.checked_in_at else "",
            ]
        )
    return response


# --- feeds ---------------------------------------------------------------------------


def _ics(events, name: str, filename: str) -> HttpResponse:
    body = feeds.calendar(events, name).to_ical()
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def ics_all(request):
    """The network's calendar; with the agenda's filters (``?commune=``, ``near=`` or
    ``around=`` and ``radius_km=``, ``function=``, ``audience=``), only what they keep:
    a person subscribes to the agenda they are looking at. Dates are not filters of a
    subscription: it follows the events as they come."""
    try:
        f = parse_agenda_filter(request.GET)
    except FilterError as error:
        return HttpResponseBadRequest(
            f"{error.field} : {error.message}", content_type="text/plain; charset=utf-8"
        )
    f.date_from = f.date_to = None
    events = feeds.feed_events()
    if is_empty(f):
        return _ics(events, "Agenda des lieux partagés", "agenda.ics")
    conditions = event_conditions(f)
    if conditions:
        events = events.filter(conditions).distinct()
    if f.near is not None:
        events = [e for e in events if distance_km(f, e) is not None]
    return _ics(events, "Agenda des lieux partagés (sélection)", "agenda-selection.ics")


def ics_place(request, slug):
    place = get_object_or_404(Place, slug=slug)
    return _ics(feeds.feed_events(place=place), place.name, f"{place.slug}.ics")


def ics_function(request, slug):
    function = get_object_or_404(Function, slug=slug)
    return _ics(feeds.feed_events(functions=function), str(function.name), f"{function.slug}.ics")


def ics_event(request, slug):
    ev = _event_or_404(slug)
    return _ics(feeds.feed_events(pk=ev.pk), ev.title, f"{ev.slug}.ics")


# --- newsletter ----------------------------------------------------------------------


def newsletter(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not ratelimit.hit(
            "newsletter-subscribe", [ratelimit.client_address(request), data["email"]], limit=5
        ):
            messages.error(request, _("Trop de demandes en peu de temps : réessayez plus tard."))
            return redirect("events:newsletter")
        near = None
        if data.get("around"):
            commune = Commune.objects.filter(code=data["around"]).first()
            if commune and commune.centroid_lat is not None:
                near = (commune.centroid_lat, commune.centroid_lon)
        newsletter_services.subscribe(
            data["email"],
            communes=data["communes"],
            near=near,
            radius_km=float(data.get("radius_km") or 20),
            themes=data["themes"],
            frequency=data["frequency"],
        )
        messages.success(
            request,
            _("Presque fini : suivez le lien envoyé à %(email)s pour confirmer votre abonnement.")
            % {"email": data["email"]},
        )
        return redirect("events:newsletter")
    return render(request, "events/newsletter.html", {"form": form})


def newsletter_confirm(request, token):
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST":
        newsletter_services.confirm(token)
        messages.success(request, _("Votre abonnement est confirmé."))
        return redirect("events:agenda")
    return render(request, "events/newsletter_confirm.html", {"subscriber": subscriber})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" without a session
def newsletter_unsubscribe(request, token):
    subscriber = get_object_or_404(Subscriber, token=token)
    if request.method == "POST":
        newsletter_services.unsubscribe(token)
        return render(request, "events/newsletter_unsubscribed.html", {"subscriber": subscriber})
    return render(request, "events/newsletter_unsubscribe.html", {"subscriber": subscriber})


# --- printed communication -----------------------------------------------------------


def _size(request) -> str:
    size = request.GET.get("format", "A4").upper()
    return size if size in printing.SIZES else "A4"


def _pdf(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def print_place(request, slug):
    place = get_object_or_404(Place.objects.published(), slug=slug)
    size = _size(request)
    return _pdf(printing.place_poster(place, size), f"{place.slug}-{size}.pdf")


def print_event(request, slug):
    ev = _event_or_404(slug)
    size = _size(request)
    return _pdf(printing.event_poster(ev, size), f"{ev.slug}-{size}.pdf")


def print_commune(request, code):
    commune = get_object_or_404(Commune, code=code)
    size = _size(request)
    return _pdf(printing.commune_flyer(commune, size), f"lieux-pres-de-{commune.code}-{size}.pdf")


def print_legend(request):
    size = _size(request)
    return _pdf(printing.legend(size), f"pictogrammes-{size}.pdf")


# --- hosts: their events and dates ---------------------------------------------------


def _editable_place(request, slug) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    return place


@login_required
def manage_place(request, slug):
    place = _editable_place(request, slug)
    events = (
        Event.objects.within_bounds()
        .filter(place=place)
        .prefetch_related(Prefetch("occurrences", Occurrence.objects.within_bounds()))
        .order_by("-start")
    )
    return render(request, "events/manage.html", {"place": place, "events": events})


@login_required
def event_new(request, slug):
    place = _editable_place(request, slug)
    form = EventForm(request.POST or None, place=place)
    if request.method == "POST" and form.is_valid():
        event = services.save_event(form, request.user)
        messages.success(request, _("L'événement est publié."))
        return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "place": place})


@login_required
def event_edit(request, slug):
    event = get_object_or_404(Event, slug=slug)
    place = _editable_place(request, event.place.slug)
    form = EventForm(request.POST or None, instance=event, place=place)
    if request.method == "POST" and form.is_valid():
        event = services.save_event(form, request.user)
        messages.success(request, _("L'événement est modifié."))
        return redirect(event)
    return render(request, "events/event_form.html", {"form": form, "place": place, "event": event})


@login_required
@require_POST
def event_cancel(request, slug):
    event = get_object_or_404(Event, slug=slug)
    _editable_place(request, event.place.slug)
    services.cancel_event(event)
    messages.success(request, _("L'événement est annulé ; les inscrits sont prévenus."))
    return redirect(event)


@login_required
def occurrence_manage(request, pk):
    occ = _host_occurrence(request, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "cancel":
            services.cancel_occurrence(occ, note=request.POST.get("note", "")[:300])
            messages.success(request, _("Cette date est annulée ; les inscrits sont prévenus."))
            return redirect(occ)
        if form.is_valid():
            services.move_occurrence(occ, form.cleaned_data["start"], form.cleaned_data["end"])
            messages.success(request, _("Cette date est déplacée ; les inscrits sont prévenus."))
            return redirect(occ)
    return render(
        request,
        "events/occurrence_manage.html",
        {"occurrence": occ, "event": occ.event, "form": form},
    )


def widget(request, slug):
    """The place's coming dates, for its own web site."""
    from maillage.core.embedding import render_widget

    place = get_object_or_404(Place.objects.published(), slug=slug)
    hits = find_occurrences(AgendaFilter(place_id=place.pk), limit=12)
    return render_widget(request, place, "events/widget.html", {"hits": hits})
