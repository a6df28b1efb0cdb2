"""Forms of participation: they validate and re-show what was typed; services write."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.places import hours
from maillage.places.models import (
    Audience,
    Closure,
    Function,
    MobileStop,
    Notice,
    Place,
    PlaceFunction,
)
from maillage.territory.models import Commune

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


class PlaceProposalForm(HoneypotMixin, forms.ModelForm):
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
        self.fields["commune"].queryset = territory_communes()
        self.fields["commune"].required = True
        if user is not None and user.is_authenticated:
            del self.fields["proposer_email"]
            del self.fields["proposer_name"]

    def clean_opening_hours(self):
        return validate_hours(self.cleaned_data.get("opening_hours", ""))

    def groups(self):
        return [
            (legend, [self[name] for name in names if name in self.fields])
            for legend, names in self.GROUPS
        ]

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


class PlaceEditForm(forms.ModelForm):
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

    def clean_opening_hours(self):
        return validate_hours(self.cleaned_data.get("opening_hours", ""))

    def groups(self):
        return [(legend, [self[name] for name in names]) for legend, names in self.GROUPS]


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
