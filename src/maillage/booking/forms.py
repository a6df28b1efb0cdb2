"""Forms of the booking pages: the search ("when, where, for how many") and a booking."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from maillage.core import clock
from maillage.core.french import interval_label
from maillage.core.params import validate_bounded_date
from maillage.core.widgets import DateInput, DateTimeInput, TimeInput
from maillage.places.hours import PARIS, InvalidOpeningHours
from maillage.places.hours import validate as validate_hours
from maillage.territory.geo import resolve_commune
from maillage.territory.widgets import CommuneSuggestInput

from . import services
from .models import CHARM, EQUIPMENT, Block, Kind, Resource, Season

PERIOD_HOURS = {
    "morning": ((8, 30), (12, 30)),
    "afternoon": ((13, 30), (18, 0)),
    "day": ((8, 30), (18, 0)),
}


def _period(key: str, words: str) -> tuple[str, object]:
    """« le matin (8 h 30 – 12 h 30) »: the hours written from PERIOD_HOURS, the one
    place they are set, so the label cannot say other hours than the search uses."""
    (h1, m1), (h2, m2) = PERIOD_HOURS[key]
    hours = interval_label(dt.time(h1, m1), dt.time(h2, m2))
    return key, format_lazy("{} ({})", words, hours)


PERIODS = [
    _period("afternoon", _("l'après-midi")),
    _period("morning", _("le matin")),
    _period("day", _("la journée")),
    ("half-day-next-week", _("une demi-journée la semaine prochaine")),
]


def tomorrow() -> dt.date:
    return clock.today() + dt.timedelta(days=1)


class SearchForm(forms.Form):
    date = forms.DateField(
        label=_("Le"),
        required=False,
        widget=DateInput(),
        validators=[validate_bounded_date],
    )
    period = forms.ChoiceField(label=_("Quand"), choices=PERIODS, initial="afternoon")
    commune = forms.CharField(
        label=_("Près de"),
        required=False,
        max_length=100,
        help_text=_("Toute commune du territoire ; vide : tout le territoire."),
        widget=CommuneSuggestInput(),
    )
    near = forms.CharField(required=False, widget=forms.HiddenInput)
    seats = forms.IntegerField(
        label=_("Pour combien de personnes"), min_value=1, max_value=200, initial=1
    )
    kind = forms.ChoiceField(
        label=_("Quoi"), required=False, choices=[("", _("Tout"))] + Kind.choices
    )
    equipment = forms.MultipleChoiceField(
        label=_("Avec"),
        required=False,
        choices=list(EQUIPMENT.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    rank = forms.ChoiceField(
        label=_("Classer par"),
        choices=[
            ("functional", _("le plus pratique (distance, puis prix)")),
            ("charm", _("le charme (plus loin)")),
        ],
        initial="functional",
        widget=forms.RadioSelect,
    )

    def clean_commune(self) -> str:
        """The INSEE code of the commune typed (a name, a postal code or a code), or ""."""
        text = self.cleaned_data.get("commune") or ""
        if not text.strip():
            return ""
        commune, candidates = resolve_commune(text, settings.MAILLAGE_DEPARTEMENTS, located=True)
        if commune is not None:
            return commune.code
        if candidates:
            raise forms.ValidationError(
                _("Plusieurs communes correspondent : %(names)s. Précisez laquelle.")
                % {"names": ", ".join(c.name for c in candidates[:6])}
            )
        raise forms.ValidationError(
            _("Aucune commune du territoire ne s'appelle « %(text)s » : vérifiez l'orthographe.")
            % {"text": text.strip()}
        )

    def window(self) -> tuple[dt.datetime, dt.datetime, int]:
        """(from, to, duration in minutes) of the search."""
        period = self.cleaned_data.get("period") or "afternoon"
        if period == "half-day-next-week":
            today = clock.today()
            monday = today + dt.timedelta(days=7 - today.weekday())
            start = dt.datetime.combine(monday, dt.time(0), PARIS)
            return start, start + dt.timedelta(days=6), 240
        day = self.cleaned_data.get("date") or tomorrow()
        (h1, m1), (h2, m2) = PERIOD_HOURS[period]
        start = dt.datetime.combine(day, dt.time(h1, m1), PARIS)
        end = dt.datetime.combine(day, dt.time(h2, m2), PARIS)
        return start, end, 0


class BookForm(forms.Form):
    date = forms.DateField(
        label=_("Le"),
        widget=DateInput(),
        validators=[validate_bounded_date],
    )
    start = forms.TimeField(label=_("de"), widget=TimeInput(attrs={"step": 300}))
    end = forms.TimeField(label=_("à"), widget=TimeInput(attrs={"step": 300}))
    seats = forms.IntegerField(label=_("Personnes"), min_value=1, max_value=500, initial=1)
    purpose = forms.CharField(label=_("Objet (facultatif)"), required=False, max_length=200)
    repeat = forms.ChoiceField(
        label=_("Combien de fois"),
        required=False,
        choices=[
            ("", _("Une seule fois")),
            ("days", _("Plusieurs jours ouvrés de suite")),
            ("weekly", _("Chaque semaine")),
            ("monthly", _("Chaque mois")),
        ],
    )
    count = forms.IntegerField(
        label=_("Nombre de jours ou de fois"),
        help_text=_("Jours ouvrés : du lundi au vendredi, hors jours fériés ; 10 au plus."),
        min_value=1,
        max_value=services.MAX_OCCURRENCES,
        initial=1,
        required=False,
    )

    def clean(self):
        data = super().clean()
        repeat, count = data.get("repeat"), data.get("count")
        if repeat and count and count > services.REPEATS[repeat]:
            self.add_error("count", services.repeat_limit_message(repeat))
        return data

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        d = self.cleaned_data
        return (
            dt.datetime.combine(d["date"], d["start"], PARIS),
            dt.datetime.combine(d["date"], d["end"], PARIS),
        )


class ResourceForm(forms.ModelForm):
    equipment = forms.MultipleChoiceField(
        label=_("Équipements"),
        required=False,
        choices=list(EQUIPMENT.items()),
        widget=forms.CheckboxSelectMultiple,
    )
    charm_tags = forms.MultipleChoiceField(
        label=_("Son charme en mots-clés"),
        required=False,
        choices=list(CHARM.items()),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Resource
        fields = [
            "name",
            "kind",
            "capacity",
            "equipment",
            "price_hour",
            "price_half_day",
            "price_day",
            "description",
            "charm",
            "charm_tags",
            "opening_hours",
            "slot_minutes",
            "min_minutes",
            "max_minutes",
            "buffer_minutes",
            "horizon_days",
            "approval_required",
            "checkin_required",
            "checkin_grace_minutes",
            "is_active",
        ]

    def clean_opening_hours(self):
        value = self.cleaned_data["opening_hours"].strip()
        try:
            validate_hours(value)
        except InvalidOpeningHours as error:
            raise forms.ValidationError(str(error)) from None
        return value


SeasonFormSet = forms.inlineformset_factory(
    Resource,
    Season,
    fields=["start_month", "start_day", "end_month", "end_day"],
    extra=1,
    can_delete=True,
)
BlockFormSet = forms.inlineformset_factory(
    Resource,
    Block,
    fields=["start", "end", "reason"],
    extra=1,
    can_delete=True,
    widgets={"start": DateTimeInput(), "end": DateTimeInput()},
)


class BusyCalendarForm(forms.Form):
    """An outside calendar a resource follows: its busy times make it unavailable here."""

    name = forms.CharField(
        label=_("Nom (par ex. « Logiciel de l'hôtel »)"), max_length=200, required=False
    )
    url = forms.CharField(
        label=_("Adresse iCalendar (https://… ou webcal://…)"),
        max_length=1000,
        help_text=_(
            "Le lien d'export iCalendar de votre système de réservation ou de votre agenda."
        ),
    )

    def clean_url(self):
        from maillage.core import fetch

        url = self.cleaned_data["url"].strip()
        if url.lower().startswith(("webcal://", "webcals://")):
            url = "https://" + url.split("://", 1)[1]
        try:
            fetch.check_url(url)
        except fetch.FetchError as error:
            raise forms.ValidationError(str(error)) from error
        return url
