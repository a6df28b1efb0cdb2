"""Reading request parameters, the same way for every API and page: repeated or
comma-separated values, booleans, a point, an ISO 8601 moment; a bad value raises
:class:`FilterError` naming the parameter and saying why, in French (the API
answers 400 with it, pages show it beside the field).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from .clock import PARIS

_TRUE = {"1", "true", "yes", "on", "oui", "vrai"}
_FALSE = {"0", "false", "no", "off", "non", "faux"}


class FilterError(ValueError):
    """A bad search parameter: ``field`` names it, ``message`` says why (in French)."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message

    def as_dict(self) -> dict[str, str]:
        return {"parameter": self.field, "message": self.message}


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
    if text is None:
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


def parse_datetime(name: str, text: str) -> dt.datetime:
    """ISO 8601 (``2026-11-26T10:30``, ``...+01:00``, ``...Z``); naive means Europe/Paris."""
    try:
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        raise FilterError(
            name,
            f"{name} doit être une date et heure ISO 8601, par exemple 2026-11-26T10:30 "
            f"(heure de Paris) ou 2026-11-26T10:30+01:00 (reçu « {text[:40]} »).",
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=PARIS)
    return moment
