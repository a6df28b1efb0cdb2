"""What a step of a journey shows a person who wants to go there: the hours of
today and of the day they are free, the address, the phone number; for a mobile
unit, its next passage near home.

Nothing here decides a rule: the hours come from the read model of the network
(:func:`maillage.places.network.intervals` and ``state_at``, through
:func:`maillage.places.display.place_week`), their wording from
:mod:`maillage.places.display`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from maillage.core import clock
from maillage.places import display, hours, network

from .engine import Journey, Step, passage_text
from .needs import NEEDS_BY_SLUG

#: steps that are a place to go to (an event or a mobile unit is shown otherwise)
PLACE_KINDS = ("first", "next", "onward", "beyond")


@dataclass(frozen=True)
class DayLine:
    """One day of hours: « Aujourd'hui (mercredi 25 novembre) » · « 9 h – 12 h »."""

    label: str
    hours: str
    is_open: bool


@dataclass(frozen=True)
class Card:
    step: Step
    days: list[DayLine] = field(default_factory=list)
    hours_unknown: bool = False
    hours_note: str = ""
    address: str = ""
    phone: str = ""
    passage: str = ""  # a mobile unit: « jeudi 26 novembre, 14 h – 17 h, à Saint-Alban »

    @property
    def phone_href(self) -> str:
        """``tel:+33466317879``-style link: digits (and a leading +) only."""
        digits = re.sub(r"[^\d+]", "", self.phone)
        return f"tel:{digits}" if digits else ""


def _functions(rec: network.PlaceRec, step: Step) -> list[str] | None:
    """The functions of the place that answer the step's needs (their own hours), or
    None for the place's hours."""
    wanted: set[str] = set()
    for slug in step.needs:
        need = NEEDS_BY_SLUG.get(slug)
        if need is not None:
            wanted |= set(need.functions) | set(need.onward_functions)
    found = [o.slug for o in rec.offers if o.slug in wanted]
    return found or None


def _hours_text(row: display.DayHours) -> str:
    if row.closure:
        return _("fermé (%(reason)s)") % {"reason": row.closure}
    if row.intervals:
        return ", ".join(row.intervals)
    return _("fermé")


def day_lines(
    rec: network.PlaceRec, functions, today: dt.date, free_day: dt.date | None
) -> list[DayLine]:
    """Today's hours, then those of the day the person is free (when it is another
    day of the coming week)."""
    week = display.place_week(rec, today, functions)
    rows = {row.day: row for row in week}
    lines = []
    today_row = rows[today]
    if free_day == today:
        label = _("Aujourd'hui (%(day)s), quand vous êtes libre")
    else:
        label = _("Aujourd'hui (%(day)s)")
    lines.append(
        DayLine(label % {"day": today_row.label}, _hours_text(today_row), today_row.is_open)
    )
    if free_day is not None and free_day != today and free_day in rows:
        row = rows[free_day]
        lines.append(
            DayLine(
                _("%(day)s, quand vous êtes libre") % {"day": row.label.capitalize()},
                _hours_text(row),
                row.is_open,
            )
        )
    return lines


def _address(rec: network.PlaceRec) -> str:
    town = f"{rec.postal_code} {rec.commune_name}".strip()
    return ", ".join(part for part in (rec.address.strip(), town) if part)


def card(step: Step, free_at: dt.datetime | None, today: dt.date) -> Card:
    rec = network.current().get(step.place_id) if step.place_id is not None else None
    if rec is None:
        return Card(step)
    if step.kind == "mobile":
        passage = ""
        if step.start is not None and step.end is not None:
            passage = _("%(when)s, à %(where)s") % {
                "when": passage_text(step.start, step.end),
                "where": step.stop,
            }
        return Card(step, passage=passage, phone=rec.phone)
    if step.kind not in PLACE_KINDS:
        return Card(step, address=_address(rec), phone=rec.phone)
    functions = _functions(rec, step)
    moment = free_at or clock.now()
    unknown = network.state_at(rec, moment, functions) == network.UNKNOWN
    free_day = hours._aware(free_at).astimezone(hours.PARIS).date() if free_at else None
    return Card(
        step,
        days=[] if unknown else day_lines(rec, functions, today, free_day),
        hours_unknown=unknown,
        hours_note=rec.hours_note,
        address=_address(rec),
        phone=rec.phone,
    )


def journey_cards(journey: Journey, today: dt.date | None = None) -> list[Card]:
    """One card per step of ``journey``, in its order."""
    today = today or clock.today()
    return [card(step, journey.query.free_at, today) for step in journey.steps]
