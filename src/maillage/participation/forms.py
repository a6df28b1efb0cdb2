"""Forms of participation: they validate and re-show what was typed; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.places import hours, weekly
from maillage.places.models import (
    Audience,
    Closure,
    Function,
    MobileStop,
    Notice,
    Place,
    PlaceFunction,
)
from maillage.territory.geo import point_problem, resolve_commune
from maillage.territory.models import Commune
from maillage.territory.widgets import CommuneSuggestInput

from .services import EDITABLE_FIELDS, PROPOSABLE_FIELDS

HONEYPOT = "fax"
HOURS_EXAMPLE = "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"


def validate_hours(expression: str) -> str:
    """``expression`` stripped, or a French error that quotes what was typed."""
    expression = (expression or "").strip()
    try:
        hours.validate(expression)
    except hours.InvalidOpeningHours:
        raise ValidationError(
            _(
                "Ces horaires ne sont pas compris : « %(typed)s ». Écrivez-les dans la syntaxe "
                "OpenStreetMap, par exemple « %(example)s » (Mo = lundi, Tu = mardi, We = "
                "mercredi, Th = jeudi, Fr = vendredi, Sa = samedi, Su = dimanche, PH = jours "
                "fériés)."
            ),
            code="invalid_opening_hours",
            params={"typed": expression, "example": HOURS_EXAMPLE},
        ) from None
    return expression


def territory_communes():
    return Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS).order_by("name")


def formfield(db_field, **kwargs):
    """Model fields' form fields, links assumed https (Django 6's default) when typed bare."""
    if isinstance(db_field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return db_field.formfield(**kwargs)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class HoneypotMixin(forms.Form):
    """A field people never see (hidden by CSS, skipped by screen readers and the
    keyboard) and spam bots fill in."""

    fax = forms.CharField(
        label=_("Ne remplissez pas ce champ"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get(self.add_prefix(HONEYPOT), "").strip())

    def visible_fields(self):
        return [f for f in super().visible_fields() if f.name != HONEYPOT]


def latitude_field() -> forms.FloatField:
    return forms.FloatField(
        label=_("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=_("Facultatif : cliquez sur la carte, ou tapez-la en degrés décimaux (44.3736)."),
        error_messages={
            "invalid": _("Une latitude est un nombre en degrés décimaux, par exemple 44.3736."),
            "min_value": _("La latitude va de -90 à 90."),
            "max_value": _("La latitude va de -90 à 90."),
        },
    )


def longitude_field() -> forms.FloatField:
    return forms.FloatField(
        label=_("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=_("Facultatif, en degrés décimaux (3.8064)."),
        error_messages={
            "invalid": _("Une longitude est un nombre en degrés décimaux, par exemple 3.8064."),
            "min_value": _("La longitude va de -180 à 180."),
            "max_value": _("La longitude va de -180 à 180."),
        },
    )


def clean_position(form, commune) -> None:
    """Both coordinates or none, and a point in the territory and in ``commune``."""
    if "latitude" in form.errors or "longitude" in form.errors:
        return
    lat, lon = form.cleaned_data.get("latitude"), form.cleaned_data.get("longitude")
    if (lat is None) != (lon is None):
        form.add_error(
            "longitude" if lon is None else "latitude",
            _("Donnez la latitude et la longitude, ou cliquez sur la carte ; ou aucune des deux."),
        )
    elif lat is not None:
        problem = point_problem(lat, lon, commune, settings.MAILLAGE_DEPARTEMENTS)
        if problem:
            form.add_error("latitude", problem)


class PositionForm(forms.Form):
    """A coordinator's correction of a proposal's point (empty: the commune's centre)."""

    latitude = latitude_field()
    longitude = longitude_field()

    def __init__(self, *args, commune=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune

    def clean(self):
        cleaned = super().clean()
        clean_position(self, self.commune)
        return cleaned


# --- where and when: a position and a weekly form for the hours --------------------------

DAY_NAMES = (
    _("Lundi"),
    _("Mardi"),
    _("Mercredi"),
    _("Jeudi"),
    _("Vendredi"),
    _("Samedi"),
    _("Dimanche"),
)
WEEK, RAW = "week", "raw"


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def _slot(day: int, position: int, end: str) -> str:
    return f"hours_{day}_{position}_{end}"


class WeeklyHoursMixin:
    """Hours typed day by day (closed, or one or two ranges), written as the
    OpenStreetMap syntax by :func:`maillage.places.weekly.to_expression`; the raw
    syntax stays available (``hours_mode``) and is the only way for hours a simple
    week cannot say. Read back with :func:`weekly.from_expression`."""

    def _add_week_fields(self) -> None:
        self.fields["hours_mode"] = forms.ChoiceField(
            label=_("Comment donner les horaires ?"),
            choices=[
                (WEEK, _("Jour par jour")),
                (RAW, _("Dans la syntaxe OpenStreetMap")),
            ],
            initial=WEEK,
            required=False,  # not sent (a script posting the raw field): the raw syntax
            widget=forms.RadioSelect,
        )
        ordinal = (_("1re plage"), _("2e plage"))
        for day, name in enumerate(DAY_NAMES):
            for position in range(weekly.MAX_RANGES):
                for end, word in (("start", _("de")), ("end", _("à"))):
                    field = forms.TimeField(
                        label=word,
                        required=False,
                        widget=TimeInput(
                            attrs={"aria-label": f"{name}, {ordinal[position]}, {word}"}
                        ),
                        error_messages={"invalid": _("Heure au format 09:30.")},
                    )
                    self.fields[_slot(day, position, end)] = field
        self.fields["hours_holidays_off"] = forms.BooleanField(
            label=_("Fermé les jours fériés"), required=False
        )
        if not self.is_bound:
            expression = self.initial.get("opening_hours")
            if expression is None and getattr(self.instance, "pk", None):
                expression = self.instance.opening_hours
            week = weekly.from_expression(expression or "")
            if week is None:
                self.initial["hours_mode"] = RAW
            else:
                self.initial["hours_mode"] = WEEK
                self.initial["hours_holidays_off"] = week.holidays_off
                for day, ranges in enumerate(week.days):
                    for position, (start, end) in enumerate(ranges):
                        self.initial[_slot(day, position, "start")] = start
                        self.initial[_slot(day, position, "end")] = end

    @property
    def hours_mode(self) -> str:
        if self.is_bound:
            return WEEK if self.data.get(self.add_prefix("hours_mode")) == WEEK else RAW
        return RAW if self.initial.get("hours_mode") == RAW else WEEK

    def week_days(self):
        """For the template: (day name, [(start field, end field), ...]) for each day."""
        return [
            (
                name,
                [
                    (self[_slot(day, p, "start")], self[_slot(day, p, "end")])
                    for p in range(weekly.MAX_RANGES)
                ],
            )
            for day, name in enumerate(DAY_NAMES)
        ]

    def clean_opening_hours(self):
        typed = self.cleaned_data.get("opening_hours", "")
        if self.hours_mode == WEEK:
            return typed  # replaced by the week's expression in clean()
        return validate_hours(typed)

    def _clean_week(self) -> None:
        """Every day's mistakes at once (French, beside the day), else the expression."""
        if self.hours_mode != WEEK:
            return
        cleaned = self.cleaned_data
        days, wrong = [], False
        for day, name in enumerate(DAY_NAMES):
            ranges = []
            for position in range(weekly.MAX_RANGES):
                start_name, end_name = _slot(day, position, "start"), _slot(day, position, "end")
                if start_name not in cleaned or end_name not in cleaned:
                    wrong = True  # an hour not understood: its own error says so
                    continue
                start, end = cleaned[start_name], cleaned[end_name]
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    wrong = True
                    self.add_error(
                        start_name if start is None else end_name,
                        _("%(day)s : donnez le début et la fin de la plage.") % {"day": name},
                    )
                    continue
                ranges.append((start, end))
            one_day = [()] * len(DAY_NAMES)
            one_day[day] = tuple(ranges)
            try:
                weekly.validate(weekly.Week(tuple(one_day)))
            except weekly.WeekError as error:
                wrong = True
                self.add_error(_slot(day, error.position or 0, "end"), f"{name} : {error.message}")
            days.append(tuple(ranges))
        if not wrong:
            week = weekly.Week(tuple(days), bool(cleaned.get("hours_holidays_off")))
            cleaned["opening_hours"] = weekly.to_expression(week)


def place_groups(form) -> list[tuple[str, list, str]]:
    """(legend, fields, kind) of a place form's fieldsets; ``kind`` says which one is
    drawn its own way: "where" (with a map) or "hours" (the weekly form)."""
    out = []
    for legend, names in form.GROUPS:
        kind = "where" if "latitude" in names else "hours" if "opening_hours" in names else ""
        fields = [form[name] for name in names if name in form.fields]
        if kind == "hours":
            fields = [f for f in fields if f.name != "opening_hours"]
        out.append((legend, fields, kind))
    return out


class PlaceProposalForm(WeeklyHoursMixin, HoneypotMixin, forms.ModelForm):
    """A forgotten place, or a correction when given the current values as ``initial``."""

    functions = forms.ModelMultipleChoiceField(
        label=_("Ce qu'on y trouve"),
        queryset=Function.objects.select_related("family"),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    message = forms.CharField(
        label=_("Un mot pour la coordination (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    proposer_email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        help_text=_("Pour vous dire si la proposition est acceptée. Elle n'est pas publiée."),
    )
    proposer_name = forms.CharField(
        label=_("Votre nom ou pseudonyme (facultatif)"),
        help_text=_("Pour vous remercier dans l'historique du lieu."),
        required=False,
        max_length=150,
    )
    commune = forms.CharField(
        label=_("Commune"),
        max_length=100,
        widget=CommuneSuggestInput(),
        help_text=_("Sans point sur la carte, le lieu sera placé au centre de la commune."),
    )
    latitude = latitude_field()
    longitude = longitude_field()

    GROUPS = (
        (_("Le lieu"), ("name", "type", "summary", "description", "operator")),
        (_("Où"), ("address", "postal_code", "commune", "latitude", "longitude")),
        (_("Contact"), ("email", "phone", "website")),
        (_("Horaires"), ("opening_hours", "hours_note", "appointment_only")),
        (_("Accueil"), ("wheelchair", "accessibility_note", "fee", "fee_note")),
        (_("Fonctions"), ("functions",)),
        (_("Vous"), ("message", "proposer_email", "proposer_name")),
    )

    class Meta:
        model = Place
        fields = PROPOSABLE_FIELDS
        formfield_callback = formfield
        help_texts = {
            "opening_hours": _("Par exemple : %(example)s. Laissez vide si vous ne savez pas.")
            % {"example": HOURS_EXAMPLE},
            "latitude": _("Facultatif, en degrés décimaux (44.5176)."),
            "longitude": _("Facultatif, en degrés décimaux (3.5019)."),
        }
        labels = {"latitude": _("Latitude"), "longitude": _("Longitude")}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        code = self.initial.get("commune")
        if code and not self.is_bound:  # a correction: show the commune's name, not its code
            commune = Commune.objects.filter(pk=code).first()
            self.initial["commune"] = commune.name if commune else code
        if user is not None and user.is_authenticated:
            del self.fields["proposer_email"]
            del self.fields["proposer_name"]
        self._add_week_fields()

    def clean_commune(self) -> Commune:
        """The commune typed (a name, a postal code or an INSEE code), one of the territory's."""
        text = self.cleaned_data.get("commune") or ""
        commune, candidates = resolve_commune(text, settings.MAILLAGE_DEPARTEMENTS)
        if commune is not None:
            return commune
        if candidates:
            raise ValidationError(
                _("Plusieurs communes correspondent : %(names)s. Précisez laquelle.")
                % {"names": ", ".join(c.name for c in candidates[:6])}
            )
        raise ValidationError(
            _("Aucune commune du territoire ne s'appelle « %(text)s » : vérifiez l'orthographe.")
            % {"text": text.strip()}
        )

    def clean(self):
        cleaned = super().clean()
        self._clean_week()
        clean_position(self, cleaned.get("commune"))
        return cleaned

    def groups(self):
        return place_groups(self)

    def place_values(self) -> dict:
        names = (*PROPOSABLE_FIELDS, "functions")
        return {name: self.cleaned_data[name] for name in names if name in self.cleaned_data}


class FlagForm(HoneypotMixin):
    comment = forms.CharField(
        label=_("Qu'est-ce qui ne va pas ? (facultatif)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    email = forms.EmailField(
        label=_("Votre e-mail, pour être prévenu (facultatif)"), required=False
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated:
            del self.fields["email"]


class ClaimForm(forms.Form):
    message = forms.CharField(
        label=_("Votre rôle dans ce lieu"),
        help_text=_(
            "Par exemple : « J'anime le café associatif depuis 2021 », « agente France "
            "Services ». Aucun numéro SIRET n'est demandé."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé à la personne)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- host editing ----------------------------------------------------------------------


class PlaceEditForm(WeeklyHoursMixin, forms.ModelForm):
    """A host's or coordinator's page of a place. Its position is set like a proposal's,
    on the same map (``participation/_position_map.html``): a point in the commune, or
    none for the commune's centre, flagged approximate (an approximate position is shown
    as no point, so saving it unchanged keeps it approximate)."""

    latitude = latitude_field()
    longitude = longitude_field()

    GROUPS = (
        (
            _("Identité"),
            ("name", "type", "summary", "description", "people", "communities", "operator"),
        ),
        (_("Où"), ("address", "postal_code", "commune", "latitude", "longitude", "is_mobile")),
        (_("Contact"), ("email", "phone", "website")),
        (_("Horaires"), ("opening_hours", "hours_note", "appointment_only")),
        (_("Accueil"), ("wheelchair", "accessibility_note", "fee", "fee_note")),
    )

    class Meta:
        model = Place
        fields = EDITABLE_FIELDS
        formfield_callback = formfield
        help_texts = {"opening_hours": PlaceProposalForm.Meta.help_texts["opening_hours"]}
        labels = PlaceProposalForm.Meta.labels

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        communes = territory_communes()
        if self.instance.commune_id:
            communes = communes | Commune.objects.filter(pk=self.instance.commune_id)
        self.fields["commune"].queryset = communes.order_by("name")
        if self.instance.position_approximate:  # the commune's centre is not a point given
            self.initial["latitude"] = self.initial["longitude"] = None
        self._add_week_fields()

    def clean(self):
        cleaned = super().clean()
        self._clean_week()
        # A point kept as it was is not checked again (imported points may lie just
        # across a simplified boundary); a new point, or a new commune, is.
        if {"latitude", "longitude", "commune"} & set(self.changed_data):
            clean_position(self, cleaned.get("commune"))
        return cleaned

    def groups(self):
        return place_groups(self)


class PlaceFunctionForm(forms.ModelForm):
    audiences = forms.MultipleChoiceField(
        label=_("Publics"),
        choices=Audience.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = PlaceFunction
        fields = ("function", "opening_hours", "audiences", "conditions", "fee")
        labels = {"function": _("Fonction")}

    def clean_opening_hours(self):
        return validate_hours(self.cleaned_data.get("opening_hours", ""))


class DatedForm(forms.ModelForm):
    """Checks that a period ends on or after it starts, in French."""

    start_field, end_field = "start_date", "end_date"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get(self.start_field), cleaned.get(self.end_field)
        if start and end and end < start:
            self.add_error(self.end_field, _("La fin doit être le même jour ou après le début."))
        return cleaned


class ClosureForm(DatedForm):
    class Meta:
        model = Closure
        fields = ("start_date", "end_date", "reason")
        widgets = {"start_date": DateInput(), "end_date": DateInput()}


class NoticeForm(DatedForm):
    start_field, end_field = "starts_on", "ends_on"

    class Meta:
        model = Notice
        fields = ("message", "starts_on", "ends_on")
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}


class MobileStopForm(forms.ModelForm):
    class Meta:
        model = MobileStop
        fields = ("commune", "spot", "latitude", "longitude", "opening_hours", "note")
        help_texts = {
            "opening_hours": _("Par exemple : Tu 09:00-12:00 ou week 1-53/2 Th 14:00-17:00")
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = territory_communes()

    def clean_opening_hours(self):
        return validate_hours(self.cleaned_data.get("opening_hours", ""))


def _formset(form, model, prefix_extra=1):
    return forms.inlineformset_factory(Place, model, form=form, extra=prefix_extra, can_delete=True)


FunctionFormSet = _formset(PlaceFunctionForm, PlaceFunction)
ClosureFormSet = _formset(ClosureForm, Closure)
NoticeFormSet = _formset(NoticeForm, Notice)
MobileStopFormSet = _formset(MobileStopForm, MobileStop)

FORMSETS = (
    ("functions", _("Fonctions et leurs horaires propres"), FunctionFormSet),
    ("closures", _("Fermetures exceptionnelles"), ClosureFormSet),
    ("notices", _("Annonces"), NoticeFormSet),
    ("stops", _("Arrêts de l'unité mobile"), MobileStopFormSet),
)


def formset_rows(formset) -> list[dict]:
    """The rows a valid formset keeps, as dicts with ``id`` (None for a new row)."""
    rows = []
    for form in formset.forms:
        if form.instance.pk is None and not form.has_changed():
            continue
        if formset.can_delete and formset._should_delete_form(form):
            continue
        row = {k: v for k, v in form.cleaned_data.items() if k not in {"id", "DELETE", "place"}}
        row["id"] = form.instance.pk
        rows.append(row)
    return rows
