"""Pages of the agora: lists (a place, a commune, the network), one idea, proposing,
the moderators' forms, the poster and the open-data export. Thin: parse, call
services, render."""

from __future__ import annotations

import csv
import io
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import ratelimit
from maillage.core.maps import map_config
from maillage.core.pictograms import icon_name
from maillage.participation.display import position_communes
from maillage.places.models import Place
from maillage.places.search import FilterError
from maillage.territory.models import Commune

from . import exports, printing, services
from .forms import SORTS, CommentForm, FlagForm, HideForm, IdeaForm, StatusForm
from .listing import Listing, list_ideas, parse_listing
from .models import Comment, Idea, Status

# How many times per hour one person (account and address) may do each thing.
LIMITS = {"idea": 5, "comment": 30, "flag": 10, "support": 120}
LIST_MAX = 200


def allowed(request, scope: str) -> bool:
    """Count one ``scope`` action; False (and a message) when over the hour's limit."""
    keys = [ratelimit.client_address(request), f"user:{request.user.pk}"]
    if ratelimit.hit(f"agora-{scope}", keys, limit=LIMITS[scope]):
        return True
    messages.error(
        request,
        _("Vous avez fait beaucoup d'envois en peu de temps. Réessayez dans une heure, merci."),
    )
    return False


def _listing(request, **fixed) -> Listing:
    try:
        listing = parse_listing(request.GET)
    except FilterError:
        listing = Listing()
    return Listing(sort=listing.sort, status=listing.status, **fixed)


def _list_page(request, *, title, place=None, commune=None, listing: Listing, propose_url):
    ideas = list(list_ideas(Idea.objects.all(), listing)[:LIST_MAX])
    return render(
        request,
        "agora/list.html",
        {
            "title": title,
            "place": place,
            "commune": commune,
            "ideas": ideas,
            "listing": listing,
            "sorts": SORTS,
            "statuses": Status.choices,
            "propose_url": propose_url,
            "may_type_paper": place is not None
            and request.user.is_authenticated
            and request.user.can_edit_place(place),
        },
    )


def network(request):
    return _list_page(
        request,
        title=_("L'agora du réseau"),
        listing=_listing(request),
        propose_url=reverse("agora:propose"),
    )


def place_ideas(request, slug):
    place = get_object_or_404(Place.objects.published().select_related("commune"), slug=slug)
    return _list_page(
        request,
        title=_("La parole aux habitants"),
        place=place,
        listing=_listing(request, place=place.slug),
        propose_url=reverse("agora:propose-place", args=[place.slug]),
    )


def commune_ideas(request, code):
    commune = get_object_or_404(Commune, code=code)
    return _list_page(
        request,
        title=_("Les idées de %(name)s") % {"name": commune.name},
        commune=commune,
        listing=_listing(request, commune=commune.code),
        propose_url=reverse("agora:propose-commune", args=[commune.code]),
    )


# --- proposing ---------------------------------------------------------------------------


def _propose(request, *, place=None, commune=None):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    paper = place is not None and request.user.can_edit_place(place)
    form = IdeaForm(request.POST or None, request.FILES or None, paper=paper)
    if request.method == "POST" and form.is_valid() and allowed(request, "idea"):
        data = form.cleaned_data
        try:
            idea = services.propose_idea(
                by=request.user,
                title=data["title"],
                text=data["text"],
                place=place,
                commune=commune,
                theme=data.get("theme"),
                photo=data.get("photo"),
                photo_alt=data.get("photo_alt", ""),
                latitude=data.get("latitude"),
                longitude=data.get("longitude"),
                on_paper=bool(data.get("on_paper")),
                paper_signature=data.get("paper_signature", ""),
            )
        except services.AgoraError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Merci, votre idée est publiée."))
            return redirect(idea)
    where = place.name if place else commune.name if commune else _("tout le réseau")
    return render(
        request,
        "agora/propose.html",
        {
            "form": form,
            "place": place,
            "commune": commune,
            "where": where,
            **_idea_map(place, commune),
        },
    )


def _idea_map(place, commune) -> dict:
    """The small map that places an idea, framed on its place or commune."""
    if place is not None and place.latitude is not None:
        framing = {"center": f"{place.latitude},{place.longitude}", "zoom": "15"}
    elif commune is not None and commune.centroid_lat is not None:
        framing = {"center": f"{commune.centroid_lat},{commune.centroid_lon}", "zoom": "13"}
    else:
        framing = {}
    return {
        "position_map": True,
        "map": map_config(**framing),
        "position_communes": position_communes(),
    }


def propose(request):
    return _propose(request)


def propose_place(request, slug):
    return _propose(request, place=get_object_or_404(Place.objects.published(), slug=slug))


def propose_commune(request, code):
    return _propose(request, commune=get_object_or_404(Commune, code=code))


# --- one idea ----------------------------------------------------------------------------


def _idea(pk) -> Idea:
    return get_object_or_404(
        Idea.objects.with_counts().select_related(
            "place__commune", "commune", "theme__family", "author", "occurrence__event__place"
        ),
        pk=pk,
    )


def _where_map(item: Idea) -> dict:
    """The small map of the spot an idea speaks of (its theme's pictogram), if it has one."""
    if item.latitude is None or item.longitude is None or item.is_hidden:
        return {}
    theme = item.theme
    marker = {
        "name": item.title,
        "url": item.get_absolute_url(),
        "lat": round(item.latitude, 6),
        "lon": round(item.longitude, 6),
        "type": _("Idée"),
        "where": item.where,
        "icon": icon_name(theme.icon) if theme else "megaphone",
        "family": theme.family.slug if theme else "",
    }
    return {
        "idea_map": {"places": [marker], "stops": []},
        "map": map_config(),
        "sprite_icons": [marker["icon"]],
    }


def idea(request, pk):
    item = _idea(pk)
    user = request.user
    moderator = item.can_be_moderated_by(user)
    comments = list(
        item.comments.filter(parent=None).select_related("author").prefetch_related("answers")
    )
    return render(
        request,
        "agora/idea.html",
        {
            "idea": item,
            **_where_map(item),
            "comments": comments,
            "steps": item.steps.select_related("occurrence__event"),
            "supported": user.is_authenticated and item.supports.filter(user=user).exists(),
            "following": user.is_authenticated and item.follows.filter(user=user).exists(),
            "moderator": moderator,
            "status_form": StatusForm(idea=item) if moderator and item.next_statuses() else None,
            "open_flags": item.flags.filter(resolved_at=None).count() if moderator else 0,
            "comment_form": CommentForm(),
        },
    )


def _acting(request, pk) -> Idea:
    if not request.user.is_authenticated:
        raise PermissionDenied
    return get_object_or_404(Idea, pk=pk)


def _login_first(view):
    def wrapper(request, pk, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(reverse("agora:idea", args=[pk]))
        return view(request, pk, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


@require_POST
@_login_first
def support(request, pk):
    item = _acting(request, pk)
    if request.POST.get("action") == "withdraw":
        services.withdraw_support(item, request.user)
        messages.success(request, _("Votre soutien est retiré."))
    elif allowed(request, "support"):
        try:
            services.support(item, request.user)
        except services.AgoraError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Merci pour votre soutien : vous suivrez cette idée."))
    return redirect(item)


@require_POST
@_login_first
def follow(request, pk):
    item = _acting(request, pk)
    if request.POST.get("action") == "unfollow":
        services.unfollow(item, request.user)
        messages.success(request, _("Vous ne suivez plus cette idée."))
    else:
        services.follow(item, request.user)
        messages.success(
            request, _("Vous suivez cette idée : chaque étape vous sera envoyée par e-mail.")
        )
    return redirect(item)


@require_POST
@_login_first
def comment(request, pk):
    item = _acting(request, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Le commentaire est vide ou trop long (2000 caractères au plus).")
        )
        return redirect(item)
    if allowed(request, "comment"):
        parent = None
        if form.cleaned_data.get("parent"):
            parent = get_object_or_404(Comment, pk=form.cleaned_data["parent"], idea=item)
        try:
            services.comment(item, request.user, form.cleaned_data["text"], parent=parent)
        except services.AgoraError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Votre commentaire est publié."))
    return redirect(item)


@require_POST
@_login_first
def flag(request, pk):
    item = _acting(request, pk)
    form = FlagForm(request.POST)
    if form.is_valid() and allowed(request, "flag"):
        target = None
        if form.cleaned_data.get("comment"):
            target = get_object_or_404(Comment, pk=form.cleaned_data["comment"], idea=item)
        services.flag(item, request.user, form.cleaned_data["reason"], comment=target)
        messages.success(request, _("Merci : les personnes qui modèrent vont regarder."))
    return redirect(item)


# --- moderation --------------------------------------------------------------------------


def _moderated(request, pk) -> Idea:
    item = _acting(request, pk)
    if not item.can_be_moderated_by(request.user):
        raise PermissionDenied
    return item


@require_POST
@_login_first
def change_status(request, pk):
    item = _moderated(request, pk)
    form = StatusForm(request.POST, idea=item)
    if form.is_valid():
        try:
            services.change_status(
                item,
                request.user,
                form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
                occurrence=form.cleaned_data["occurrence"],
            )
        except services.AgoraError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("L'état de l'idée est changé ; ses abonnés sont prévenus."))
            return redirect(item)
    return render(request, "agora/status.html", {"idea": item, "form": form}, status=400)


@require_POST
@_login_first
def hide(request, pk):
    item = _moderated(request, pk)
    form = HideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez le motif : il est affiché publiquement."))
        return redirect(item)
    if form.cleaned_data.get("comment"):
        target = get_object_or_404(Comment, pk=form.cleaned_data["comment"], idea=item)
        services.hide_comment(target, request.user, form.cleaned_data["reason"])
        messages.success(request, _("Le commentaire est masqué, avec son motif."))
    else:
        services.hide_idea(item, request.user, form.cleaned_data["reason"])
        messages.success(request, _("L'idée est masquée, avec son motif."))
    return redirect(item)


@require_POST
@_login_first
def restore(request, pk):
    item = _moderated(request, pk)
    services.restore_idea(item, request.user)
    messages.success(request, _("L'idée est de nouveau visible."))
    return redirect(item)


@require_POST
@_login_first
def dismiss_flags(request, pk):
    item = _moderated(request, pk)
    services.dismiss_flags(item, request.user)
    messages.success(request, _("Les signalements sont classés."))
    return redirect(item)


@login_required
def moderation(request):
    ideas = (
        services.moderated_ideas(request.user)
        .filter(flags__resolved_at=None)
        .distinct()
        .select_related("place", "commune")
    )
    return render(request, "agora/moderation.html", {"ideas": ideas[:LIST_MAX]})


# --- paper and data ----------------------------------------------------------------------


def poster(request, slug):
    place = get_object_or_404(Place.objects.published(), slug=slug)
    size = "A5" if request.GET.get("format") == "A5" else "A4"
    response = HttpResponse(printing.place_poster(place, size), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="idees-{place.slug}-{size}.pdf"'
    return response


def export(request, fmt):
    rows = exports.rows()
    if fmt == "json":
        response = HttpResponse(
            json.dumps(rows, ensure_ascii=False, indent=1), content_type="application/json"
        )
    else:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=exports.FIELDS)
        writer.writeheader()
        writer.writerows(exports.csv_safe(row) for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="agora-idees.{fmt}"'
    return response
