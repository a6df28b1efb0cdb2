"""Demo events at the demo places (``maillage load-demo-events``, after ``load-demo``).

Idempotent: an event is found again by its slug and updated. Dates are
relative to today (the next matching day), so the demo agenda is never empty.
Every event is an example (« exemple » in its description).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from dateutil.rrule import rrulestr
from django.db import transaction
from django.utils import timezone

from maillage.places.hours import is_public_holiday
from maillage.places.models import Function, MobileStop, Place

from . import services
from .models import Event
from .recurrence import MAX_INSTANCES, PARIS, expand, local_naive

EXAMPLE = "(Événement d'exemple.)"

# slug, place, stop commune (mobile units), title, rule (or days from today), time, minutes,
# functions, audiences, registration capacity (None: none; 0: no limit), price, description
EVENTS = [
    (
        "apero-des-independants",
        "l-atelier",
        None,
        "Apéro des indépendants",
        "FREQ=MONTHLY;BYDAY=1TH",
        "18:30",
        120,
        ["professional-network", "conviviality"],
        ["independents", "newcomers", "teleworkers"],
        None,
        None,
        "Chaque premier jeudi du mois, les indépendants et télétravailleurs se retrouvent.",
    ),
    (
        "atelier-impression-3d",
        "polen",
        None,
        "Atelier impression 3D",
        "FREQ=WEEKLY;BYDAY=WE",
        "14:00",
        120,
        ["fablab", "events-training"],
        ["young", "all"],
        8,
        None,
        "Découvrir l'impression 3D : du modèle à l'objet. 8 places par séance.",
    ),
    (
        "cafe-numerique-florac",
        "nouvelle-dimension",
        None,
        "Café numérique : vos démarches en ligne",
        "FREQ=MONTHLY;BYDAY=2TU",
        "10:00",
        120,
        ["digital-mediation", "events-training"],
        ["seniors", "all"],
        6,
        None,
        "Un café, et de l'aide pour les démarches en ligne (impôts, santé, retraite).",
    ),
    (
        "permanence-tiers-truck-florac",
        "tiers-truck",
        "48061",
        "Le tiers-truck à Florac : permanence numérique",
        7,
        "09:00",
        180,
        ["digital-access", "welcome"],
        ["all", "newcomers"],
        0,
        None,
        "Le tiers-truck s'arrête sur l'esplanade : connexion, impression, aide aux démarches.",
    ),
    (
        "cineco-meyrueis",
        "cineco",
        "48096",
        "Cinéco : projection à Meyrueis",
        12,
        "20:30",
        150,
        ["culture"],
        ["all", "tourists"],
        None,
        Decimal("5.00"),
        "Le cinéma itinérant pose son écran à la salle polyvalente.",
    ),
    (
        "accueil-nouveaux-arrivants",
        "telecentre-saint-chely-d-apcher",
        None,
        "Accueil des nouveaux arrivants",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "17:30",
        90,
        ["welcome"],
        ["newcomers"],
        20,
        None,
        "Rencontrer celles et ceux qui font vivre le territoire, trouver ses repères.",
    ),
]


def _first_start(rule_or_days, clock: str, today: dt.date) -> dt.datetime:
    """The first date from ``today`` that is not a public holiday: a one-off event moves
    to the next day, a rule's first date to its next instance."""
    hour, minute = (int(x) for x in clock.split(":"))
    if isinstance(rule_or_days, int):
        day = today + dt.timedelta(days=rule_or_days)
        while is_public_holiday(day):
            day += dt.timedelta(days=1)
        return dt.datetime.combine(day, dt.time(hour, minute), PARIS)
    start = dt.datetime.combine(today, dt.time(hour, minute))
    for first in rrulestr(rule_or_days, dtstart=start).xafter(start, count=MAX_INSTANCES, inc=True):
        if not is_public_holiday(first.date()):
            return first.replace(tzinfo=PARIS)
    raise ValueError(f"no date of {rule_or_days} outside public holidays")


def holiday_exdates(start: dt.datetime, rule: str, until: dt.datetime) -> list[str]:
    """The dates of ``rule`` from ``start`` to ``until`` that fall on a public holiday,
    as exceptions (EXDATE: local « AAAA-MM-JJTHH:MM »): no demo event on 25 December."""
    if not rule:
        return []
    return [
        local_naive(moment).isoformat(timespec="minutes")
        for moment in expand(start, rule, start, until)
        if is_public_holiday(moment.astimezone(PARIS).date())
    ]


def load_demo_events(today: dt.date | None = None) -> list[Event]:
    today = today or timezone.localdate()
    events = []
    with transaction.atomic():
        for (slug, place_slug, stop_commune, title, rule, clock, minutes, functions, audiences,
             capacity, price, description) in EVENTS:  # fmt: skip
            place = Place.objects.filter(slug=place_slug).first()
            if place is None:
                continue
            stop = None
            if stop_commune:
                stop = MobileStop.objects.filter(place=place, commune_id=stop_commune).first()
            start = _first_start(rule, clock, today)
            fields = {
                "place": place,
                "stop": stop,
                "title": title,
                "description": f"{description} {EXAMPLE}",
                "start": start,
                "end": start + dt.timedelta(minutes=minutes),
                "recurrence_rule": rule if isinstance(rule, str) else "",
                "audiences": audiences,
                "registration_required": capacity is not None,
                "capacity": capacity or None,
                "is_free": price is None,
                "price": price,
                "wheelchair": place.wheelchair,
            }
            event = Event.objects.filter(slug=slug).first()
            keeps_start = (
                event is not None
                and event.recurrence_rule
                and event.recurrence_rule == fields["recurrence_rule"]
            )
            first = event.start if keeps_start else start
            until = dt.datetime.combine(today, dt.time(), PARIS) + services.HORIZON * 2
            fields["exdates"] = holiday_exdates(first, fields["recurrence_rule"], until)
            if event is None:
                event = services.create_event(
                    slug=slug, functions=Function.objects.filter(slug__in=functions), **fields
                )
            else:
                if keeps_start:
                    fields.pop("start")  # keep the rule's first date
                    fields.pop("end")
                for name, value in fields.items():
                    setattr(event, name, value)
                event.save()
                event.functions.set(Function.objects.filter(slug__in=functions))
                services.sync_occurrences(event)
            events.append(event)
    return events
