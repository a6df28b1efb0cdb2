"""Reading what a person asks for: thresholds, travel, dates, candidates, weekdays.

The commands, the API and the web page read their parameters with these
functions, so that a parameter means the same everywhere and a bad one gets
the same French explanation (:class:`ParameterError` names the parameter).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from maillage.core import params as core_params
from maillage.core.params import ParameterError
from maillage.mesh import PRESETS, EstimatedTime, ODMatrix, StraightLine, TravelModel
from maillage.places.models import PlaceType
from maillage.places.taxonomy import FAMILIES

FUNCTION_SLUGS: tuple[str, ...] = tuple(f[0] for fam in FAMILIES for f in fam[3])
FAMILY_FUNCTIONS: dict[str, tuple[str, ...]] = {
    fam[0]: tuple(f[0] for f in fam[3]) for fam in FAMILIES
}
FUNCTION_LABELS: dict[str, str] = {f[0]: str(f[1]) for fam in FAMILIES for f in fam[3]}
FAMILY_LABELS: dict[str, str] = {fam[0]: str(fam[1]) for fam in FAMILIES}
TYPE_SLUGS: tuple[str, ...] = tuple(PlaceType.values)
#: travel models by name: straight line (km) or an estimated time preset (minutes)
TRAVEL_CHOICES: tuple[str, ...] = ("straight", *PRESETS)
TRAVEL_LABELS: dict[str, str] = {
    "straight": "distance à vol d'oiseau",
    "urban": "temps estimé, milieu urbain",
    "periurban": "temps estimé, milieu périurbain",
    "rural": "temps estimé, milieu rural",
    "mountain": "temps estimé, montagne",
    "od-matrix": "temps de trajet d'une matrice origine-destination",
}
WEEKDAYS = ("Mo", "Tu", "We", "Th", "Fr", "Sa", "Su")
WEEKDAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
_DEPT = re.compile(r"^(?:\d{2,3}|2[AB])$")
# A number as people write it (« 7,5 ») or as programs do (« 7.5e0 »), then an optional unit.
_THRESHOLD = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?(?:e[+-]?\d+)?)\s*(km|min|mn|minutes?)?\s*$", re.IGNORECASE
)
MAX_THRESHOLD = {"km": 200.0, "min": 240.0}


def departements(values: Iterable[str] | None, parameter: str = "dept") -> list[str]:
    """Département codes from repeated and/or comma-separated values (may be empty)."""
    codes = [c.strip().upper() for v in (values or ()) for c in str(v).split(",") if c.strip()]
    for c in codes:
        if not _DEPT.match(c):
            raise ParameterError(
                parameter, f"un code de département est attendu (48, 2A, 974), pas « {c[:20]} »."
            )
    return list(dict.fromkeys(codes))


def functions_of(function: str | None, family: str | None) -> tuple[tuple[str, ...] | None, str]:
    """The function slugs asked for (None: every place) and a French label.

    ``function`` and ``family`` together combine like every other filter: the
    functions named that belong to the family (none, when none does: then no
    place is counted, which the figures say)."""
    slugs = None
    if function:
        slugs = tuple(dict.fromkeys(s.strip() for s in function.split(",") if s.strip()))
        for s in slugs:
            if s not in FUNCTION_LABELS:
                raise ParameterError(
                    "function",
                    f"fonction inconnue « {s[:40]} » ; les fonctions : {', '.join(FUNCTION_SLUGS)}.",
                )
    if family and family not in FAMILY_FUNCTIONS:
        raise ParameterError(
            "family",
            f"famille inconnue « {family[:40]} » ; les familles : {', '.join(FAMILY_FUNCTIONS)}.",
        )
    if slugs and family:
        kept = tuple(s for s in slugs if s in FAMILY_FUNCTIONS[family])
        named = " ou ".join(FUNCTION_LABELS[s] for s in slugs)
        return kept, f"{named}, dans la famille « {FAMILY_LABELS[family]} »"
    if slugs:
        return slugs, " ou ".join(FUNCTION_LABELS[s] for s in slugs)
    if family:
        return FAMILY_FUNCTIONS[family], f"famille « {FAMILY_LABELS[family]} »"
    return None, "tous les lieux"


def place_types(values: Iterable[str] | None, parameter: str = "type") -> tuple[str, ...]:
    types = tuple(
        dict.fromkeys(t.strip() for v in (values or ()) for t in str(v).split(",") if t.strip())
    )
    for t in types:
        if t not in TYPE_SLUGS:
            raise ParameterError(
                parameter, f"type inconnu « {t[:40]} » ; les types : {', '.join(TYPE_SLUGS)}."
            )
    return types


def date(value: str | None, parameter: str = "date") -> dt.date | None:
    if value is None or not str(value).strip():
        return None
    return core_params.parse_date(str(value), parameter)


def threshold(value: str | float, parameter: str = "threshold", unit: str | None = None):
    """``"10km"``, ``"20min"``, ``"10"`` (in ``unit``) -> (value, unit or None)."""
    if isinstance(value, int | float):
        number, u = float(value), unit
    else:
        m = _THRESHOLD.match(str(value))
        if not m:
            raise ParameterError(
                parameter,
                f"un seuil comme 10km ou 20min est attendu, pas « {str(value)[:30]} ».",
            )
        number = float(m.group(1).replace(",", "."))
        raw = (m.group(2) or "").lower()
        u = "km" if raw == "km" else ("min" if raw else unit)
    if unit is not None and u is not None and u != unit:
        raise ParameterError(parameter, f"tous les seuils doivent être en {unit}.")
    if not number > 0:
        raise ParameterError(parameter, "un seuil doit être positif.")
    top = MAX_THRESHOLD.get(u or "km", 200.0)
    if number > top:
        raise ParameterError(parameter, f"un seuil de {number:g} {u or ''} est trop grand.")
    return number, u


def thresholds(
    values: Sequence[str | float] | None, parameter: str = "threshold", unit: str | None = None
) -> tuple[tuple[float, ...], str | None]:
    """Several thresholds, all in the same unit: (sorted values, unit or None)."""
    out: list[float] = []
    for v in values or ():
        number, u = threshold(v, parameter, unit)
        if u is not None:
            if unit is not None and u != unit:
                raise ParameterError(parameter, "tous les seuils doivent être dans la même unité.")
            unit = u
        out.append(number)
    return tuple(sorted(set(out))), unit


def travel_model(
    travel: str | None, od_matrix: str | Path | None = None, unit: str | None = None
) -> tuple[TravelModel, str]:
    """The travel model and its name (``straight``, a preset, ``od-matrix``).

    Without ``travel``: straight line, unless thresholds are in minutes (then an
    error says to choose how times are estimated)."""
    if od_matrix:
        if travel and travel != "od-matrix":
            raise ParameterError("travel", "--travel et --od-matrix s'excluent.")
        path = Path(od_matrix)
        if not path.is_file():
            raise ParameterError("od-matrix", f"fichier introuvable : {path}.")
        try:
            model = ODMatrix.from_csv(path)
        except (ValueError, IndexError, OSError) as exc:
            raise ParameterError("od-matrix", f"matrice illisible : {exc}.") from None
        name = "od-matrix"
    else:
        name = (travel or "straight").strip()
        if name not in TRAVEL_CHOICES:
            raise ParameterError(
                "travel", f"« {name[:30]} » inconnu ; au choix : {', '.join(TRAVEL_CHOICES)}."
            )
        if name == "straight" and unit == "min":
            raise ParameterError(
                "threshold",
                "un seuil en minutes demande un temps de trajet : travel "
                f"{'|'.join(PRESETS)} ou une matrice origine-destination.",
            )
        model = StraightLine() if name == "straight" else EstimatedTime.preset(name)
    if unit is not None and unit != model.unit:
        raise ParameterError(
            "threshold",
            f"les seuils sont en {unit} mais ce mode de trajet compte en {model.unit}.",
        )
    return model, name


@dataclass(frozen=True)
class CandidateSpec:
    """Where new places may open: every commune, or existing places of some types."""

    communes: bool = True
    types: tuple[str, ...] = field(default_factory=tuple)

    @property
    def label(self) -> str:
        if self.communes:
            return "toute commune, en son centre"
        return "lieux existants : " + " · ".join(
            str(PlaceType(t).label).lower() for t in self.types
        )


def candidates(value: str | None, parameter: str = "candidates") -> CandidateSpec:
    """``communes`` (default) or ``types:hotel,school,town-hall,cafe``."""
    v = (value or "communes").strip()
    if v == "communes":
        return CandidateSpec()
    if v.startswith("types:"):
        types = place_types([v[len("types:") :]], parameter)
        if not types:
            raise ParameterError(parameter, "indiquez au moins un type après « types: ».")
        return CandidateSpec(communes=False, types=types)
    raise ParameterError(
        parameter,
        f"« {v[:40]} » : « communes » ou « types:hotel,school,town-hall,cafe » est attendu.",
    )


def weekdays(value: str | None, parameter: str = "weekdays") -> tuple[int, ...]:
    """``Mo,Tu,We`` (OSM abbreviations, or French day names) -> (0, 1, 2)."""
    if not value:
        return (0, 1, 2, 3, 4)
    out: list[int] = []
    for raw in str(value).split(","):
        token = raw.strip()
        if not token:
            continue
        key = token[:2].capitalize()
        if key in WEEKDAYS and len(token) == 2:
            out.append(WEEKDAYS.index(key))
        elif token.lower() in WEEKDAY_NAMES:
            out.append(WEEKDAY_NAMES.index(token.lower()))
        else:
            raise ParameterError(
                parameter, f"« {token[:20]} » : des jours comme Mo,Tu,We,Th,Fr sont attendus."
            )
    if not out:
        raise ParameterError(parameter, "au moins un jour est attendu.")
    return tuple(dict.fromkeys(out))


def integer(value, parameter: str, low: int, high: int, default: int | None = None) -> int:
    if value is None or str(value).strip() == "":
        if default is None:
            raise ParameterError(parameter, "valeur manquante.")
        return default
    try:
        n = int(str(value).strip())
    except ValueError:
        raise ParameterError(
            parameter, f"un nombre entier est attendu, pas « {str(value)[:20]} »."
        ) from None
    if not low <= n <= high:
        raise ParameterError(parameter, f"doit être entre {low} et {high}.")
    return n


def number(value, parameter: str, low: float, high: float, default: float | None = None) -> float:
    if value is None or str(value).strip() == "":
        if default is None:
            raise ParameterError(parameter, "valeur manquante.")
        return default
    try:
        x = float(str(value).strip().replace(",", "."))
    except ValueError:
        raise ParameterError(
            parameter, f"un nombre est attendu, pas « {str(value)[:20]} »."
        ) from None
    if not (low <= x <= high):
        raise ParameterError(parameter, f"doit être entre {low:g} et {high:g}.")
    return x


def share(value, parameter: str = "target_share") -> float:
    """``0.95`` or ``95%`` -> 0.95."""
    text = str(value).strip()
    if text.endswith("%"):
        return number(text[:-1], parameter, 0, 100) / 100
    x = number(text, parameter, 0, 100)
    return x / 100 if x > 1 else x


__all__ = [
    "FAMILY_FUNCTIONS",
    "FUNCTION_SLUGS",
    "TRAVEL_CHOICES",
    "CandidateSpec",
    "ParameterError",
    "candidates",
    "date",
    "departements",
    "functions_of",
    "integer",
    "number",
    "place_types",
    "share",
    "threshold",
    "thresholds",
    "travel_model",
    "weekdays",
]
