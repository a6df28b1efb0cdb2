"""Template filters for :mod:`maillage.core.french`: a builtin library (settings'
``TEMPLATES.OPTIONS.builtins``), usable in every template without ``{% load %}``.

    {{ occurrence.start|fr_day }}            jeudi 1er avril
    {{ occurrence.start|fr_day:"year" }}     jeudi 1er avril 2027
    {{ closure.start_date|fr_date }}         1er avril 2027
    {{ booking.start|fr_short_day }}         jeu. 1er avr.
    {{ occurrence.start|fr_time }}           10 h 30
    {{ occurrence.start|fr_datetime }}       jeudi 1er avril à 10 h 30
    {{ occurrence.start|fr_datetime:"year" }} jeudi 1er avril 2027 à 10 h 30
    {{ occurrence.start|fr_span:occurrence.end }}  jeudi 1er avril, 10 h – 12 h
    {{ a|fr_range:b }}                       10 h – 12 h
    {{ total|fr_count:_("lieu|lieux") }}     0 lieu, 1 lieu, 2 lieux
    {{ total|fr_number }}                    1 200

An empty value (None, "") gives "" rather than an error.
"""

from __future__ import annotations

from django import template

from maillage.core import french

register = template.Library()


def _year(arg) -> bool:
    return arg in ("year", "Y", "annee", True)


@register.filter
def fr_day(value, arg=""):
    return french.day_label(value, year=_year(arg)) if value else ""


@register.filter
def fr_date(value):
    return french.date_label(value) if value else ""


@register.filter
def fr_short_day(value, arg=""):
    return french.short_day_label(value, year=_year(arg)) if value else ""


@register.filter
def fr_month(value):
    return french.month_label(value) if value else ""


@register.filter
def fr_time(value):
    return french.time_label(value) if value else ""


@register.filter
def fr_datetime(value, arg=""):
    return french.datetime_label(value, year=_year(arg)) if value else ""


@register.filter
def fr_date_time(value):
    """« 1er avril 2027 à 10 h 30 »: when something was done (no weekday)."""
    return french.datetime_label(value, year=True, weekday=False) if value else ""


@register.filter
def fr_range(start, end):
    return french.interval_label(start, end) if start and end else ""


@register.filter
def fr_span(start, end):
    return french.span_label(start, end) if start and end else ""


@register.filter
def fr_count(value, forms):
    """``forms``: "singular|plural" (translatable: ``_("lieu|lieux")``)."""
    if value in (None, ""):
        return ""
    singular, _bar, plural = str(forms).partition("|")
    return french.count_label(int(value), singular, plural or singular)


@register.filter
def fr_number(value):
    return french.number_label(value) if value not in (None, "") else ""


@register.filter
def fr_de(value):
    """« du Malzieu-Ville », « d'Ispagnac », « de Mende » (:func:`french.of_name`)."""
    return french.of_name(str(value))


@register.filter
def fr_a(value):
    """« au Malzieu-Ville », « aux Vans », « à Mende » (:func:`french.at_name`)."""
    return french.at_name(str(value))
