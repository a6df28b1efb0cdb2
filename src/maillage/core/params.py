"""Reading what a person or an API client sends, the same way for every API and page.

Repeated or comma-separated values, booleans, a point, dates and moments. Every
date the platform accepts from outside (a form, a query parameter, a JSON body)
falls between :data:`MIN_YEAR` and :data:`MAX_YEAR`. Beyond them a date is a
mistake, and it breaks things far from where it was typed: year 1 stored by
PostgreSQL as 1 BC, timezone conversions overflowing, calendar feeds failing for
everyone. A bad value is a :class:`ParameterError` naming the parameter and
saying why in French; the API turns it into a 400 (:mod:`maillage.core.api_errors`),
pages show it beside the field.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import Q

from .clock import PARIS

MIN_YEAR, MAX_YEAR = 1970, 2200
_D = TypeVar("_D", dt.date, dt.datetime)


class ParameterError(ValueError):
    """A bad parameter: ``parameter`` names it, ``message`` says why (in French).
    The API answers it with ``status`` and the error code ``code``."""

    status = 400
    code = "bad_parameter"

    def __init__(self, parameter: str, message: str):
        super().__init__(f"{parameter} : {message}")
        self.parameter = parameter
        self.message = message

    @property
    def field(self) -> str:
        return self.parameter

    def as_dict(self) -> dict[str, str]:
        return {"error": self.code, "parameter": self.parameter, "message": self.message}


class UnknownReference(ParameterError):
    """A parameter well formed that names nothing the platform knows (a commune code
    of no commune): the API answers 404 naming the parameter, like an unknown id in a
    path, not 400 (the request was valid; the thing is missing)."""

    status = 404
    code = "not_found"


def year_message() -> str:
    return f"la date doit tomber entre {MIN_YEAR} et {MAX_YEAR}."


def in_bounds(value: dt.date | dt.datetime) -> bool:
    return MIN_YEAR <= value.year <= MAX_YEAR


def check_bounds(value: _D, parameter: str) -> _D:
    """``value`` if its year is within the platform's bounds, else a ParameterError."""
    if not in_bounds(value):
        raise ParameterError(parameter, f"{parameter} doit tomber entre {MIN_YEAR} et {MAX_YEAR}.")
    return value


def bounded(field: str) -> Q:
    """Rows whose moment ``field`` lies within the bounds. A row written before the
    bounds were enforced (year 1 BC on PostgreSQL cannot even be read) stays out of
    sight instead of failing every page and feed that would list it."""
    return Q(
        **{
            f"{field}__gte": dt.datetime(MIN_YEAR, 1, 1, tzinfo=PARIS),
            f"{field}__lt": dt.datetime(MAX_YEAR + 1, 1, 1, tzinfo=PARIS),
        }
    )


def validate_bounded_date(value) -> None:
    """Django validator for model and form date/datetime fields."""
    if isinstance(value, dt.date) and not in_bounds(value):
        raise ValidationError(year_message().capitalize(), code="date_out_of_bounds")


def parse_date(text: str, parameter: str) -> dt.date:
    """``AAAA-MM-JJ`` within the bounds."""
    try:
        day = dt.date.fromisoformat(str(text).strip())
    except ValueError:
        raise ParameterError(
            parameter, f"une date AAAA-MM-JJ est attendue, pas « {str(text)[:30]} »."
        ) from None
    return check_bounds(day, parameter)


def parse_datetime(text: str, parameter: str) -> dt.datetime:
    """ISO 8601 (``2026-11-26T10:30``, ``...+01:00``, ``...Z``) within the bounds;
    naive means the territory's civil time (Europe/Paris)."""
    text = str(text).strip()
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise ParameterError(
            parameter,
            f"{parameter} doit être une date et heure ISO 8601, par exemple 2026-11-26T10:30 "
            f"(heure de Paris) ou 2026-11-26T10:30+01:00 (reçu « {text[:40]} »).",
        ) from None
    check_bounds(moment, parameter)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment


def parse_month(text: str, parameter: str) -> dt.date:
    """``AAAA-MM`` within the bounds: the first day of that month."""
    try:
        year, month = (int(part) for part in str(text).strip().split("-"))
        day = dt.date(year, month, 1)
    except ValueError:
        raise ParameterError(
            parameter, f"un mois AAAA-MM est attendu, pas « {str(text)[:30]} »."
        ) from None
    return check_bounds(day, parameter)


_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux"}


#: The directory's name for the same error: one error for every bad parameter.
FilterError = ParameterError


def values(params: Mapping[str, Any], name: str) -> list[str]:
    """Every value given for ``name``: repeated parameters and comma lists alike."""
    if hasattr(params, "getlist"):
        raw = params.getlist(name)
    else:
        raw = params.get(name)
        if raw is None:
            raw = []
        elif isinstance(raw, str):
            raw = [raw]
    out: list[str] = []
    for item in raw:
        out += [part.strip() for part in str(item).split(",") if part.strip()]
    return out


def single(params: Mapping[str, Any], name: str) -> str | None:
    if hasattr(params, "getlist"):
        values = params.getlist(name)
    else:
        value = params.get(name)
        values = [] if value is None else value if isinstance(value, list | tuple) else [value]
    values = [str(v).strip() for v in values]
    values = [v for v in values if v]
    if not values:
        return None
    if len(set(values)) > 1:
        raise FilterError(name, f"{name} ne peut être donné qu'une fois.")
    return values[0]


def number(name: str, text: str, what: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise FilterError(name, f"{name} doit être {what} (reçu « {text[:40]} »).") from None
    if not math.isfinite(value):
        raise FilterError(name, f"{name} doit être {what} (reçu « {text[:40]} »).")
    return value


def parse_bool(name: str, text: str | None) -> bool | None:
    """1/0, oui/non, true/false…; None when absent or empty (``?geometry=``: as absent)."""
    if text is None or not text.strip():
        return None
    value = text.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise FilterError(name, f"{name} doit valoir 1 ou 0 (oui ou non), pas « {text[:40]} ».")


def parse_near(text: str, name: str = "near") -> tuple[float, float]:
    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 2:
        raise FilterError(
            name,
            f"{name} doit être « latitude,longitude » en degrés décimaux, par exemple 44.5215,3.4965.",
        )
    lat = number(name, parts[0], "« latitude,longitude » en degrés décimaux")
    lon = number(name, parts[1], "« latitude,longitude » en degrés décimaux")
    if not -90 <= lat <= 90:
        raise FilterError(
            name, f"la latitude de {name} doit être comprise entre -90 et 90 (reçu {lat:g})."
        )
    if not -180 <= lon <= 180:
        raise FilterError(
            name, f"la longitude de {name} doit être comprise entre -180 et 180 (reçu {lon:g})."
        )
    return lat, lon
