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

from dataclasses import dataclass, field

from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from maillage.places.search import FilterError, PlaceFilter, parse_filter
from maillage.territory.geo import resolve_commune
from maillage.territory.models import Commune

RADIUS_CHOICES = (5, 10, 20, 30, 50)
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
    elif when != "le":
        params.pop("open_at", None)
    if form.commune is not None:
        if form.commune.centroid_lat is not None and form.commune.centroid_lon is not None:
            params["near"] = f"{form.commune.centroid_lat},{form.commune.centroid_lon}"
        if values.get("dans_commune"):
            params["commune"] = form.commune.code
    if not params.get("near"):
        params.pop("radius_km", None)  # a distance means nothing without a starting point
    return params


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
    if values.get("quand") == "le" and not values.get("open_at"):
        form.errors["open_at"] = _("Choisissez le jour et l'heure.")
    try:
        form.place_filter = parse_filter(_as_params(values, form))
    except FilterError as error:
        form.errors[error.field] = str(FIELD_MESSAGES.get(error.field, error.message))
    return form
