"""« Trouver mon lieu »: four short questions, one per screen, then the journey.

Plain GET forms (no JavaScript needed): each screen carries the previous answers
as hidden fields, so the back button and a shared link both work. The answers
are the API's parameters; the journey comes from the same service.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.places import hours
from maillage.territory.geo import find_communes, normalize
from maillage.territory.models import Commune

from . import engine, services
from .needs import NEEDS, NEEDS_BY_SLUG

MOBILITY_CHOICES = [
    ("car", _("J'ai une voiture (ou quelqu'un m'emmène)")),
    ("no-car", _("Je n'ai pas de voiture : à pied, en bus")),
    ("reduced", _("Je me déplace difficilement")),
]
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
    today = timezone.localdate()
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

    needs = [n for n in params.getlist("needs") if n in NEEDS_BY_SLUG][:8]
    if not needs:
        if "needs" in params or "step" in params:
            context["errors"].append(_("Choisissez au moins une chose dont vous avez besoin."))
        return _question(request, context, 1, answered)
    answered["needs"] = needs

    commune = None
    code = params.get("commune", "").strip().upper()
    if code:
        commune = Commune.objects.filter(code=code).exclude(centroid_lat=None).first()
    if commune is None:
        where = params.get("lieu", "").strip()[:100]
        context["lieu"] = where
        if where:
            found = find_communes(where, limit=8, departements=settings.MAILLAGE_DEPARTEMENTS)
            found = [c for c in found if c.centroid_lat is not None]
            if len(found) == 1 or (found and normalize(found[0].name) == normalize(where)):
                commune = found[0]
            elif found:
                context["commune_choices"] = found
            else:
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
    )
    journey = services.orientation(query)
    context.update(
        journey=journey,
        free_at=free_at,
        needs_labels=[NEEDS_BY_SLUG[n].label for n in needs],
        mobility_label=dict(MOBILITY_CHOICES)[mobility],
        api_params=f"needs={','.join(needs)}&commune={commune.code}&mobility={mobility}"
        f"&free_at={free_at.strftime('%Y-%m-%dT%H:%M')}",
    )
    return render(request, "journeys/journey.html", context)


def _question(request, context, step: int, answered: dict):
    hidden = []
    for name, value in answered.items():
        for v in value if isinstance(value, list) else [value]:
            hidden.append((name, v))
    context.update(step=step, hidden=hidden, answered=answered)
    return render(request, "journeys/wizard.html", context, status=200)
