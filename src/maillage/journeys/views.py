"""« Trouver mon lieu »: four short questions, one per screen, then the journey.

Plain GET forms (no JavaScript needed): each screen carries the previous answers
as hidden fields, so the back button and a shared link both work. The answers
are the API's parameters; the journey comes from the same service.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from maillage.core import clock
from maillage.places import hours
from maillage.territory.geo import geocode, resolve_commune
from maillage.territory.models import Commune

from . import cards, engine, services
from .needs import NEEDS, NEEDS_BY_SLUG, needs_for

# One voice on every page of the journey: the platform speaks to the person (« vous »).
MOBILITY_CHOICES = [
    ("car", _("Vous avez une voiture (ou quelqu'un vous emmène)")),
    ("no-car", _("Vous n'avez pas de voiture : à pied, en bus")),
    ("reduced", _("Vous vous déplacez difficilement")),
]
#: the summary of the journey: « Vous habitez X et vous vous déplacez … »
MOBILITY_SUMMARY = {
    "car": _("vous vous déplacez en voiture"),
    "no-car": _("vous vous déplacez sans voiture, à pied ou en bus"),
    "reduced": _("vous vous déplacez difficilement"),
}
AGE_CHOICES = [
    ("young", _("Moins de 26 ans")),
    ("adult", _("De 26 à 69 ans")),
    ("senior", _("70 ans ou plus")),
]
MOMENTS = [
    ("morning", _("Le matin"), dt.time(10, 0)),
    ("afternoon", _("L'après-midi"), dt.time(14, 30)),
    ("evening", _("Le soir"), dt.time(18, 30)),
]
WEEKDAYS = [_("lundi"), _("mardi"), _("mercredi"), _("jeudi"), _("vendredi")]
WEEKDAYS += [_("samedi"), _("dimanche")]
STEPS = 4


def _days(today: dt.date) -> list[tuple[str, str]]:
    days = []
    for offset in range(7):
        day = today + dt.timedelta(days=offset)
        name = {0: _("Aujourd'hui"), 1: _("Demain")}.get(offset)
        label = f"{WEEKDAYS[day.weekday()].capitalize()} {day.day}"
        days.append((day.isoformat(), f"{name} ({label})" if name else label))
    return days


def wizard(request):
    params = request.GET
    today = clock.today()
    context = {
        "needs_choices": NEEDS,
        "mobility_choices": MOBILITY_CHOICES,
        "age_choices": AGE_CHOICES,
        "moment_choices": [(v, label) for v, label, _t in MOMENTS],
        "day_choices": _days(today),
        "steps": STEPS,
        "errors": [],
    }
    answered = {}

    needs = [n for n in params.getlist("needs") if n in NEEDS_BY_SLUG]
    # what the person wrote in their own words, read through the search vocabulary
    text = " ".join(params.get("words", "").split())[:200]
    from_words = needs_for(text) if text else ()
    needs = list(dict.fromkeys([*needs, *from_words]))[: services.MAX_NEEDS]
    if not needs:
        context["words"] = text
        if text:
            context["errors"].append(
                _(
                    "Nous n'avons pas reconnu de besoin dans « %(words)s » : "
                    "essayez d'autres mots, ou cochez ce qui s'en approche."
                )
                % {"words": text}
            )
        elif "needs" in params or "step" in params:
            context["errors"].append(_("Choisissez au moins une chose dont vous avez besoin."))
        return _question(request, context, 1, answered)
    answered["needs"] = needs
    if text and from_words:
        answered["words"] = text
        context["words"] = text

    commune = None
    code = params.get("commune", "").strip().upper()
    if code:
        commune = Commune.objects.filter(code=code).exclude(centroid_lat=None).first()
    if commune is None:
        where = params.get("lieu", "").strip()[:100]
        context["lieu"] = where
        if where:
            commune, found = resolve_commune(where, settings.MAILLAGE_DEPARTEMENTS, located=True)
            if commune is None and found:
                context["commune_choices"] = found
            elif commune is None:
                context["errors"].append(
                    _(
                        "Nous ne trouvons pas « %(lieu)s » : essayez le nom de la commune ou son code postal."
                    )
                    % {"lieu": where}
                )
        elif params.get("step") == "2":
            context["errors"].append(_("Dites-nous où vous habitez."))
        if commune is None:
            return _question(request, context, 2, answered)
    answered["commune"] = commune.code
    context["commune"] = commune

    mobility = params.get("mobility")
    if mobility not in engine.MOBILITIES:
        if params.get("step") == "3":
            context["errors"].append(_("Choisissez comment vous vous déplacez."))
        return _question(request, context, 3, answered)
    answered["mobility"] = mobility
    age_group = params.get("age_group")
    if age_group in engine.AGE_GROUPS:
        answered["age_group"] = age_group
    else:
        age_group = None

    day, moment = params.get("day"), params.get("moment")
    valid_days = {d for d, _label in context["day_choices"]}
    times = {v: t for v, _label, t in MOMENTS}
    if day not in valid_days or moment not in times:
        if params.get("step") == "4":
            context["errors"].append(_("Choisissez un jour et un moment de la journée."))
        return _question(request, context, 4, answered)
    free_at = dt.datetime.combine(dt.date.fromisoformat(day), times[moment], hours.PARIS)

    query = engine.Query(
        tuple(needs),
        (commune.centroid_lat, commune.centroid_lon),
        mobility,
        free_at,
        age_group,
        commune.name,
        commune.code,
    )
    journey = services.orientation(query)
    context.update(
        journey=journey,
        cards=cards.journey_cards(journey, today),
        free_at=free_at,
        free_at_text=engine.moment_text(free_at),
        needs_labels=[NEEDS_BY_SLUG[n].label for n in needs],
        mobility_summary=MOBILITY_SUMMARY[mobility],
    )
    if request.user.is_authenticated and request.user.is_staff:
        # a developer's link, for the platform's staff only: the same journey from the API
        context["api_params"] = (
            f"needs={','.join(needs)}&commune={commune.code}&mobility={mobility}"
            f"&free_at={free_at.strftime('%Y-%m-%dT%H:%M')}"
        )
    return render(request, "journeys/journey.html", context)


def _question(request, context, step: int, answered: dict):
    hidden = []
    for name, value in answered.items():
        for v in value if isinstance(value, list) else [value]:
            hidden.append((name, v))
    context.update(step=step, hidden=hidden, answered=answered)
    return render(request, "journeys/wizard.html", context, status=200)


# --------------------------------------------------------------------------- referrals


def _hosted_places(user):
    from maillage.places.models import Place

    places = Place.objects.published()
    if user.is_coordinator:
        return places.order_by("name")
    return places.filter(hosts=user).order_by("name")


@login_required
def referrals(request):
    from maillage.places.models import Place

    from .models import Referral

    mine = list(_hosted_places(request.user))
    errors = []
    if request.method == "POST":
        try:
            from_place = next(p for p in mine if str(p.pk) == request.POST.get("from_place"))
            to_place = Place.objects.published().get(pk=int(request.POST.get("to_place", "")))
            services.send_referral(
                from_place,
                to_place,
                request.POST.get("need", ""),
                by=request.user,
                consent=request.POST.get("consent") == "on",
                person_name=request.POST.get("person_name", ""),
                note=request.POST.get("note", ""),
            )
        except (StopIteration, ValueError, Place.DoesNotExist):
            errors.append(_("Choisissez le lieu d'où vous orientez et celui vers lequel."))
        except services.InvalidAction as error:
            errors.append(str(error))
        else:
            messages.success(request, _("La personne est orientée ; le lieu est prévenu."))
            return redirect("journeys:referrals")
    received = Referral.objects.filter(to_place__in=mine).select_related("from_place", "to_place")
    sent = Referral.objects.filter(from_place__in=mine).select_related("from_place", "to_place")
    return render(
        request,
        "journeys/referrals.html",
        {
            "mine": mine,
            "all_places": Place.objects.published().order_by("name").only("id", "name"),
            "needs_choices": NEEDS,
            "received": received[:100],
            "sent": sent[:100],
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@login_required
@require_POST
def referral_followed_up(request, pk: int):
    from .models import Referral

    referral = get_object_or_404(Referral, pk=pk)
    try:
        services.mark_followed_up(referral, by=request.user)
    except services.InvalidAction as error:
        return HttpResponseForbidden(str(error))
    messages.success(request, _("Orientation marquée comme suivie."))
    return redirect("journeys:referrals")


def referral_network(request):
    """How places orient people to each other: counts only."""
    return render(
        request,
        "journeys/referral_network.html",
        {"flows": services.referral_flows(), "need_labels": {n.slug: n.label for n in NEEDS}},
    )


# --------------------------------------------------------------------------- mutual help


def _pk(value: str | None, what: str) -> int:
    """An identifier sent by the page's own buttons; anything else is refused plainly."""
    if value is None or not value.isdigit() or len(value) > 18:
        raise services.InvalidAction(f"{what} introuvable.")
    return int(value)


def _bio(text: str) -> str:
    from .models import HelpProfile

    limit = HelpProfile._meta.get_field("bio").max_length
    if len(text) > limit:
        raise services.InvalidAction(
            f"« En quelques mots » fait {len(text)} caractères : au plus {limit}, raccourcissez-le."
        )
    return text


def _split(text: str) -> list[str]:
    return [part for part in (text or "").replace(";", ",").split(",") if part.strip()]


@login_required
def mutual_help(request):
    from .models import ContactRequest, HelpProfile

    user = request.user
    errors = []
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "save":
                commune = None
                where = request.POST.get("lieu", "").strip()[:100]
                if where:
                    commune = geocode(where, settings.MAILLAGE_DEPARTEMENTS)
                services.save_help_profile(
                    user,
                    opted_in=request.POST.get("opted_in") == "on",
                    visibility=request.POST.get("visibility")
                    if request.POST.get("visibility") in HelpProfile.Visibility.values
                    else HelpProfile.Visibility.HIDDEN,
                    skills_offered=_split(request.POST.get("skills_offered", "")),
                    skills_sought=_split(request.POST.get("skills_sought", "")),
                    mentoring=request.POST.get("mentoring") == "on",
                    peer_learning=request.POST.get("peer_learning") == "on",
                    bio=_bio(request.POST.get("bio", "")),
                    commune=commune,
                )
                messages.success(request, _("Votre profil d'entraide est enregistré."))
            elif action == "hide":
                services.hide_help_profile(user)
                messages.success(request, _("Votre profil est masqué."))
            elif action == "delete":
                services.delete_help_profile(user)
                messages.success(request, _("Votre profil et vos demandes sont supprimés."))
            elif action == "contact":
                recipient = get_object_or_404(
                    HelpProfile, pk=_pk(request.POST.get("profile"), _("Profil"))
                ).user
                services.request_contact(user, recipient, request.POST.get("message", ""))
                messages.success(request, _("Votre demande est transmise."))
            elif action in ("accept", "decline"):
                contact = get_object_or_404(
                    ContactRequest, pk=_pk(request.POST.get("request"), _("Demande"))
                )
                services.answer_contact(contact, by=user, accept=action == "accept")
            else:
                errors.append(_("Action inconnue."))
        except services.InvalidAction as error:
            errors.append(str(error))
        except ValidationError as error:
            errors.extend(error.messages)
        if not errors:
            return redirect("journeys:mutual-help")
    profile = HelpProfile.objects.filter(user=user).first()
    contacts = []
    for c in ContactRequest.objects.filter(Q(sender=user) | Q(recipient=user)).select_related(
        "sender", "recipient"
    ):
        contacts.append((c, services.contact_email(c, user)))
    return render(
        request,
        "journeys/mutual_help.html",
        {
            "profile": profile,
            "suggestions": services.suggestions(user),
            "contacts": contacts,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
