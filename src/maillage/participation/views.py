"""Pages of participation: parse the form, call a service, render or redirect."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import ratelimit
from maillage.core.maps import map_config
from maillage.places.models import Place

from . import services
from .display import change_rows, position_communes, proposal_position
from .forms import (
    FORMSETS,
    ClaimForm,
    FlagForm,
    PlaceEditForm,
    PlaceProposalForm,
    PositionForm,
    ReasonForm,
    formset_rows,
)
from .models import Claim, Flag, Proposal

# How many times per hour one IP address or one e-mail address may do each thing.
LIMITS = {"proposal": 5, "flag": 10, "claim": 5}


def _over_limit(request, scope: str, email: str = "") -> bool:
    keys = [ratelimit.client_address(request), email]
    if request.user.is_authenticated:
        keys.append(f"user:{request.user.pk}")
    return not ratelimit.hit(scope, keys, limit=LIMITS[scope])


def _too_many(request) -> None:
    messages.error(
        request,
        _("Vous avez fait beaucoup d'envois en peu de temps. Réessayez dans une heure, merci."),
    )


def _public_place(slug: str) -> Place:
    return get_object_or_404(Place.objects.published(), slug=slug)


def _next_or(request, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def coordinator_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not request.user.can_moderate:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


# --- proposals -------------------------------------------------------------------------


def index(request):
    return render(request, "participation/index.html")


def _position_map() -> dict:
    """What a page with the position map (``participation/_position_map.html``) needs."""
    return {"position_map": True, "map": map_config(), "position_communes": position_communes()}


def _propose(request, place: Place | None):
    initial = services.place_values(place) if place else {}
    form = PlaceProposalForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST":
        if form.is_spam:  # say thanks, keep nothing
            return redirect("participation:thanks")
        email = request.POST.get("proposer_email", "")
        if form.is_valid():
            if _over_limit(request, "proposal", email):
                _too_many(request)
            else:
                try:
                    kwargs = {
                        "by": request.user,
                        "email": form.cleaned_data.get("proposer_email", ""),
                        "name": form.cleaned_data.get("proposer_name", ""),
                        "message": form.cleaned_data["message"],
                    }
                    if place is None:
                        services.propose_place(form.place_values(), **kwargs)
                    else:
                        services.propose_correction(place, form.place_values(), **kwargs)
                except services.InvalidAction as error:
                    form.add_error(None, str(error))
                else:
                    return redirect("participation:thanks")
    return render(
        request,
        "participation/propose.html",
        {
            "form": form,
            "place": place,
            **_position_map(),
        },
    )


def propose_place(request):
    return _propose(request, None)


def propose_correction(request, slug):
    return _propose(request, _public_place(slug))


def thanks(request):
    return render(request, "participation/thanks.html")


# --- flags and claims ------------------------------------------------------------------


def flag_place(request, slug):
    place = _public_place(slug)
    form = FlagForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_spam:
            messages.success(request, _("Merci, votre signalement est envoyé."))
            return redirect(place)
        if form.is_valid():
            email = form.cleaned_data.get("email", "")
            if _over_limit(request, "flag", email):
                _too_many(request)
            else:
                services.flag_place(
                    place, comment=form.cleaned_data["comment"], by=request.user, email=email
                )
                messages.success(
                    request,
                    _("Merci, votre signalement est envoyé : la coordination va vérifier."),
                )
                return redirect(place)
    return render(request, "participation/flag.html", {"form": form, "place": place})


@login_required
def claim_place(request, slug):
    place = _public_place(slug)
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _over_limit(request, "claim"):
            _too_many(request)
        else:
            try:
                services.claim_place(place, by=request.user, message=form.cleaned_data["message"])
            except services.InvalidAction as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Merci ! La coordination va confirmer que vous animez ce lieu."),
                )
                return redirect(place)
    return render(request, "participation/claim.html", {"form": form, "place": place})


# --- host editing ----------------------------------------------------------------------


def _editable_place(request, slug) -> Place:
    place = get_object_or_404(Place, slug=slug)
    if not request.user.can_edit_place(place):
        raise PermissionDenied
    return place


@login_required
def edit_place(request, slug):
    place = _editable_place(request, slug)
    data = request.POST or None
    form = PlaceEditForm(data, instance=Place.objects.get(pk=place.pk))
    # Stops only matter to mobile units: other places do not see that section.
    shows_stops = place.is_mobile or place.stops.exists()
    formsets = [
        (name, legend, formset_class(data, instance=place, prefix=name))
        for name, legend, formset_class in FORMSETS
        if name != "stops" or shows_stops
    ]
    if (
        request.method == "POST"
        and form.is_valid()
        and all(fs.is_valid() for _n, _l, fs in formsets)
    ):
        try:
            services.edit_place(
                place,
                by=request.user,
                fields=form.cleaned_data,
                **{name: formset_rows(formset) for name, _legend, formset in formsets},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Modifications enregistrées. La page est marquée comme vérifiée.")
            )
            return redirect(place)
    return render(
        request,
        "participation/edit_place.html",
        {"form": form, "formsets": formsets, "place": place, **_position_map()},
    )


@login_required
@require_POST
def mark_up_to_date(request, slug):
    place = _editable_place(request, slug)
    services.mark_up_to_date(place, by=request.user)
    messages.success(request, _("Merci ! La page est marquée comme vérifiée aujourd'hui."))
    return redirect(_next_or(request, place.get_absolute_url()))


# --- moderation ------------------------------------------------------------------------


@coordinator_required
def moderation(request):
    proposals = Proposal.objects.pending().select_related("place", "proposer")
    return render(
        request,
        "participation/moderation/queue.html",
        {
            "proposals": [(p, change_rows(p)) for p in proposals],
            "flags": Flag.objects.open().select_related("place", "reporter"),
            "claims": Claim.objects.pending().select_related("place", "claimant"),
        },
    )


@coordinator_required
def proposal_detail(request, pk):
    proposal = get_object_or_404(Proposal.objects.select_related("place", "proposer"), pk=pk)
    return _proposal_page(request, proposal)


def _proposal_page(request, proposal, position_form=None, status=200):
    position = proposal_position(proposal)
    if position_form is None:
        position_form = PositionForm(
            initial={"latitude": position.latitude, "longitude": position.longitude}
            if not position.approximate
            else {}
        )
    return render(
        request,
        "participation/moderation/proposal.html",
        {
            "proposal": proposal,
            "rows": change_rows(proposal),
            "reason_form": ReasonForm(),
            "position": position,
            "position_form": position_form,
            "map": map_config(),
        },
        status=status,
    )


@coordinator_required
@require_POST
def move_proposal(request, pk):
    """The coordinator corrects the point of a proposal (or removes it) before deciding."""
    proposal = get_object_or_404(Proposal.objects.select_related("place", "proposer"), pk=pk)
    clear = "clear" in request.POST
    data = {} if clear else request.POST
    form = PositionForm(data, commune=proposal_position(proposal).commune)
    if not form.is_valid():
        return _proposal_page(request, proposal, form, status=400)
    try:
        services.set_proposal_position(
            proposal,
            by=request.user,
            latitude=form.cleaned_data.get("latitude"),
            longitude=form.cleaned_data.get("longitude"),
        )
    except services.InvalidAction as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("Position retirée : le lieu sera placé au centre de sa commune.")
            if clear
            else _("Position enregistrée."),
        )
    return redirect("participation:proposal", pk=proposal.pk)


def _decide(request, action, obj, success: str):
    try:
        action(obj, by=request.user)
    except (services.InvalidAction, ValidationError) as error:
        messages.error(request, "; ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.success(request, success)
    return redirect("participation:moderation")


def _reject(request, action, obj, template: str, success: str):
    form = ReasonForm(request.POST)
    if form.is_valid():
        try:
            action(obj, by=request.user, reason=form.cleaned_data["reason"])
        except services.InvalidAction as error:
            messages.error(request, str(error))
        else:
            messages.success(request, success)
        return redirect("participation:moderation")
    return render(request, template, {"object": obj, "reason_form": form}, status=400)


@coordinator_required
@require_POST
def accept_proposal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    name = proposal.changes.get("name") or str(proposal.place)
    return _decide(
        request,
        services.accept_proposal,
        proposal,
        _("Proposition acceptée : « %(name)s » est à jour.") % {"name": name},
    )


@coordinator_required
@require_POST
def reject_proposal(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    return _reject(
        request,
        services.reject_proposal,
        proposal,
        "participation/moderation/reject.html",
        _("Proposition refusée ; le motif est envoyé à la personne."),
    )


@coordinator_required
@require_POST
def resolve_flag(request, pk):
    return _decide(
        request,
        services.resolve_flag,
        get_object_or_404(Flag, pk=pk),
        _("Signalement marqué comme traité."),
    )


@coordinator_required
@require_POST
def approve_claim(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("claimant", "place"), pk=pk)
    return _decide(
        request,
        services.approve_claim,
        claim,
        _("%(person)s anime désormais « %(place)s ».")
        % {"person": claim.claimant, "place": claim.place},
    )


@coordinator_required
@require_POST
def reject_claim(request, pk):
    claim = get_object_or_404(Claim.objects.select_related("claimant", "place"), pk=pk)
    return _reject(
        request,
        services.reject_claim,
        claim,
        "participation/moderation/reject.html",
        _("Demande refusée ; le motif est envoyé à la personne."),
    )
