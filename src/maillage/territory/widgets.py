"""The commune field every form shares: a text box that suggests communes as people type.

The suggestions come from ``web/commune-suggest.js`` (loaded by the base
template) and the API's one rule for finding communes; the form resolves what
was typed with :func:`maillage.territory.geo.resolve_commune`, so the field also
works without JavaScript. The script's words come from here, translated.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class CommuneSuggestInput(forms.TextInput):
    def __init__(self, attrs=None, departements=None):
        codes = departements if departements is not None else settings.MAILLAGE_DEPARTEMENTS
        base = {
            "data-commune-suggest": ",".join(codes),
            "data-label-list": _("Communes proposées"),
            "data-label-none": _("Aucune commune ne correspond."),
            "data-label-one": _("1 commune proposée."),
            "data-label-many": _("%(n)s communes proposées."),
            "data-label-chosen": _("%(name)s choisie."),
            "placeholder": _("Nom de la commune ou code postal"),
            "spellcheck": "false",
            "autocapitalize": "off",
            "maxlength": 100,
        }
        super().__init__({**base, **(attrs or {})})
