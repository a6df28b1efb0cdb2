"""The search form of the map page: what the person typed, as the web shows it.

The form speaks the API's parameter names (``function``, ``family``, ``type``,
``open_at``, ``free``...), so :func:`maillage.places.search.parse_filter` reads
it directly. The web adds three conveniences on top, resolved here before
parsing:

- ``ou``: a commune name or postal code, turned into ``near`` (its centroid);
- ``dans_commune``: only the places of that commune (``commune``);
- ``quand``: "now" or "at a given moment" (radio buttons work without JavaScript).

Nothing here filters places: that is ``places.search``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.core import french
from maillage.core.params import MAX_YEAR, MIN_YEAR, in_bounds
from maillage.places.search import FilterError, PlaceFilter, parse_filter
from maillage.territory.geo import resolve_commune
from maillage.territory.models import Commune

RADIUS_CHOICES = (5, 10, 20, 30, 50)
#: the datetime-local field's bounds (the platform's years, core.params)
OPEN_AT_MIN = f"{MIN_YEAR:04d}-01-01T00:00"
OPEN_AT_MAX = f"{MAX_YEAR:04d}-12-31T23:59"
_LONG_YEAR = re.compile(r"^[+-]?\d{5,}-")
MAX_COMMUNE_CHOICES = 12

# What the person reads when a value is not understood: plain words about the
# form's own fields (FilterError's message speaks of API parameters).
FIELD_MESSAGES = {
    "near": _lazy(
        "Le point choisi n'est pas compris. Cliquez à nouveau sur la carte ou tapez une commune."
    ),
    "radius_km": _lazy("La distance choisie n'est pas comprise. Choisissez-la dans la liste."),
    "function": _lazy("Cette fonction n'existe pas. Choisissez-en une dans la liste."),
    "family": _lazy("Cette famille de fonctions n'existe pas. Choisissez-en une dans la liste."),
    "type": _lazy("Ce type de lieu n'existe pas. Choisissez-en un dans la liste."),
    "commune": _lazy("Cette commune n'est pas reconnue."),
    "open_at": _lazy(
        "La date et l'heure ne sont pas comprises. Choisissez-les dans le calendrier, "
        "par exemple le 26/11/2026 à 10:30."
    ),
    "open_now": _lazy("La case « Ouvert maintenant » n'a pas une valeur comprise."),
    "free": _lazy("La case « Gratuit » n'a pas une valeur comprise."),
    "accessible": _lazy("La case « Accessible » n'a pas une valeur comprise."),
    "mobile": _lazy("La case « Unités mobiles » n'a pas une valeur comprise."),
    "q": _lazy("Le texte cherché est trop long (200 caractères au plus)."),
}


@dataclass
class SearchForm:
    values: QueryDict
    errors: dict[str, str] = field(default_factory=dict)
    commune: Commune | None = None  # the commune "ou" designates
    commune_choices: list[Commune] = field(default_factory=list)  # when "ou" is ambiguous
    place_filter: PlaceFilter | None = None

    # ---- what the template re-shows, as typed
    @property
    def data(self) -> dict[str, str]:
        return {name: self.values.get(name, "") for name in self.values}

    @property
    def checks(self) -> dict[str, bool]:
        return {name: self.values.get(name, "") not in ("", "0") for name in self.values}

    @property
    def when(self) -> str:
        return self.values.get("quand", "")

    @property
    def functions(self) -> list[str]:
        return self.values.getlist("function")

    @property
    def types(self) -> list[str]:
        return self.values.getlist("type")

    @property
    def has_more_criteria(self) -> bool:
        """Whether the secondary criteria (hidden in a disclosure on phones) are in use."""
        names = ("family", "type", "free", "accessible", "mobile", "q", "radius_km", "dans_commune")
        return any(self.values.get(n) for n in names) or self.when == "le"

    @property
    def is_valid(self) -> bool:
        return self.place_filter is not None and not self.errors


def find_commune(text: str) -> tuple[Commune | None, list[Commune]]:
    """(the commune, []) when ``text`` designates one; (None, candidates) otherwise."""
    return resolve_commune(text, settings.MAILLAGE_DEPARTEMENTS, limit=MAX_COMMUNE_CHOICES)


def _as_params(values: QueryDict, form: SearchForm) -> QueryDict:
    """The query parameters for ``parse_filter``, the web conveniences resolved."""
    params = values.copy()
    for name in ("ou", "dans_commune", "quand", "page"):
        params.pop(name, None)
    when = values.get("quand", "")
    params.pop("open_now", None)
    if when == "maintenant":
        params["open_now"] = "1"
    elif when != "le" or not values.get("open_at", "").strip():
        params.pop("open_at", None)
    if form.commune is not None:
        if form.commune.centroid_lat is not None and form.commune.centroid_lon is not None:
            params["near"] = f"{form.commune.centroid_lat},{form.commune.centroid_lon}"
        if values.get("dans_commune"):
            params["commune"] = form.commune.code
    if not params.get("near"):
        params.pop("radius_km", None)  # a distance means nothing without a starting point
    return params


def open_at_errors(text: str) -> dict[str, str]:
    """What is wrong with the day and hour typed for « Ouvert le… », in plain words."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        moment = None
        if not _LONG_YEAR.match(text):  # 10000-01-01: understood, out of bounds
            return {"open_at": str(FIELD_MESSAGES["open_at"])}
    if moment is None or not in_bounds(moment):
        return {
            "open_at": _("Choisissez une date entre %(first)s et %(last)s.")
            % {
                "first": french.date_label(dt.date(MIN_YEAR, 1, 1)),
                "last": french.date_label(dt.date(MAX_YEAR, 12, 31)),
            }
        }
    return {}


def read_search_form(values: QueryDict) -> SearchForm:
    form = SearchForm(values=values)
    where = values.get("ou", "").strip()
    if where:
        form.commune, form.commune_choices = find_commune(where)
        if form.commune is None and not form.commune_choices:
            form.errors["ou"] = _(
                "Aucune commune ne correspond à « %(text)s ». Vérifiez l'orthographe "
                "ou essayez le code postal (par exemple 48000)."
            ) % {"text": where[:60]}
    # « Ouvert le… » without a date yet is no error: the list stays as it is until
    # the person has given a day and an hour (then checked, within the platform's years).
    open_at = values.get("open_at", "").strip()
    if values.get("quand") == "le" and open_at:
        form.errors.update(open_at_errors(open_at))
    try:
        form.place_filter = parse_filter(_as_params(values, form))
    except FilterError as error:
        form.errors.setdefault(error.field, str(FIELD_MESSAGES.get(error.field, error.message)))
    return form
