from __future__ import annotations

import datetime as dt

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from maillage.core.params import validate_bounded_date

from .models import Event


class RegistrationForm(forms.Form):
    name = forms.CharField(label=_("Votre nom"), max_length=150)
    email = forms.EmailField(label=_("Votre e-mail"))


class SubscribeForm(forms.Form):
    """The newsletter's wishes: communes, or around one commune within a distance; themes."""

    email = forms.EmailField(label=_("Votre e-mail"))
    communes = forms.MultipleChoiceField(
        label=_("Dans ces communes"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    around = forms.ChoiceField(label=_("Ou autour de"), required=False)
    radius_km = forms.IntegerField(
        label=_("à moins de (km)"), required=False, min_value=1, max_value=200, initial=20
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes (aucun : tous)"), required=False, widget=forms.CheckboxSelectMultiple
    )
    frequency = forms.ChoiceField(label=_("Fréquence"), initial="weekly")

    def __init__(self, *args, **kwargs):
        from maillage.places.models import Function
        from maillage.territory.models import Commune

        from .models import Subscriber

        super().__init__(*args, **kwargs)
        communes = [
            (c.code, c.name)
            for c in Commune.objects.in_departements(settings.MAILLAGE_DEPARTEMENTS).only(
                "code", "name"
            )
        ]
        self.fields["communes"].choices = communes
        self.fields["around"].choices = [("", "—"), *communes]
        self.fields["themes"].choices = [(f.slug, f.name) for f in Function.objects.all()]
        self.fields["frequency"].choices = Subscriber.Frequency.choices


WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class EventForm(forms.ModelForm):
    """A host's event at one of their places: the repetition is chosen from
    presets (built into an RFC 5545 rule) or typed as a rule."""

    REPEAT_CHOICES = [
        ("", _("Une seule fois")),
        ("weekly", _("Chaque semaine, le même jour")),
        ("biweekly", _("Toutes les deux semaines")),
        ("monthly", _("Chaque mois, le même jour de la semaine (par ex. le premier jeudi)")),
        ("custom", _("Règle RFC 5545 (avancé)")),
    ]

    start = forms.DateTimeField(
        label=_("Début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[validate_bounded_date],
    )
    end = forms.DateTimeField(
        label=_("Fin"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[validate_bounded_date],
    )
    repeat = forms.ChoiceField(label=_("Répétition"), choices=REPEAT_CHOICES, required=False)
    until = forms.DateField(
        label=_("Jusqu'au (inclus)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_bounded_date],
    )
    rule = forms.CharField(
        label=_("Règle (si « avancé »)"),
        required=False,
        max_length=300,
        help_text=_("Par exemple : FREQ=MONTHLY;BYDAY=1TH"),
    )
    skipped = forms.CharField(
        label=_("Dates sans séance"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Une date AAAA-MM-JJ par ligne (vacances, jours fériés)."),
    )
    audiences = forms.MultipleChoiceField(
        label=_("Pour qui"), required=False, widget=forms.CheckboxSelectMultiple
    )

    field_order = [
        "title",
        "description",
        "stop",
        "start",
        "end",
        "repeat",
        "until",
        "rule",
        "skipped",
        "functions",
        "audiences",
    ]

    class Meta:
        model = Event
        fields = [
            "title",
            "description",
            "stop",
            "functions",
            "audiences",
            "start",
            "end",
            "is_free",
            "price",
            "price_note",
            "wheelchair",
            "accessibility_note",
            "registration_required",
            "capacity",
        ]
        widgets = {"functions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, place, **kwargs):
        from maillage.places.models import Audience

        super().__init__(*args, **kwargs)
        self.place = place
        self.fields["audiences"].choices = Audience.choices
        if place.is_mobile:
            self.fields["stop"].queryset = place.stops.select_related("commune")
        else:
            del self.fields["stop"]
        if self.instance.pk:
            self._initial_repeat()

    def _initial_repeat(self):
        from .recurrence import local_naive

        rule = self.instance.recurrence_rule
        self.initial["start"] = local_naive(self.instance.start)
        self.initial["end"] = local_naive(self.instance.end)
        if rule:
            self.initial["repeat"] = "custom"
            self.initial["rule"] = rule
        self.initial["skipped"] = "\n".join(d[:10] for d in self.instance.exdates)

    def clean(self):
        from .recurrence import RuleError, clean_rule, local_naive

        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end <= start:
            self.add_error("end", _("La fin doit être après le début."))
        if not start:
            return data
        local = local_naive(start)
        day = WEEKDAYS[local.weekday()]
        repeat = data.get("repeat")
        rule = ""
        if repeat == "weekly":
            rule = f"FREQ=WEEKLY;BYDAY={day}"
        elif repeat == "biweekly":
            rule = f"FREQ=WEEKLY;INTERVAL=2;BYDAY={day}"
        elif repeat == "monthly":
            nth = (local.day - 1) // 7 + 1
            rule = f"FREQ=MONTHLY;BYDAY={-1 if nth == 5 else nth}{day}"
        elif repeat == "custom":
            rule = data.get("rule", "")
        if rule and data.get("until") and "UNTIL=" not in rule and "COUNT=" not in rule:
            rule += f";UNTIL={data['until']:%Y%m%d}T235959"
        try:
            data["recurrence_rule"] = clean_rule(rule)
        except RuleError as error:
            self.add_error("rule", _("Règle illisible : %(e)s") % {"e": error})
        skipped = []
        for line in (data.get("skipped") or "").split():
            try:
                date = dt.date.fromisoformat(line.strip())
            except ValueError:
                self.add_error(
                    "skipped", _("« %(d)s » n'est pas une date AAAA-MM-JJ.") % {"d": line}
                )
                continue
            skipped.append(dt.datetime.combine(date, local.time()).isoformat(timespec="minutes"))
        data["exdates"] = sorted(set(skipped))
        if data.get("registration_required") is False:
            data["capacity"] = None
        return data

    def save(self, commit=True):
        event = super().save(commit=False)
        event.place = self.place
        event.recurrence_rule = self.cleaned_data["recurrence_rule"]
        event.exdates = self.cleaned_data["exdates"]
        event.audiences = self.cleaned_data["audiences"]
        if commit:
            event.save()
            self.save_m2m()
        return event


class MoveForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Nouveau début"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[validate_bounded_date],
    )
    end = forms.DateTimeField(
        label=_("Nouvelle fin"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        validators=[validate_bounded_date],
    )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("La fin doit être après le début."))
        return data


class CalendarSubscriptionForm(forms.Form):
    """A host's own calendar to import: its iCalendar address, or an exported ``.ics``."""

    name = forms.CharField(label=_("Nom de cet agenda"), max_length=200, required=False)
    url = forms.CharField(
        label=_("Adresse iCalendar (https://… ou webcal://…)"),
        max_length=1000,
        required=False,
        help_text=_(
            "Le lien d'abonnement ou d'export public de votre agenda (Nextcloud, Google, "
            "Outlook, Thunderbird…)."
        ),
    )
    file = forms.FileField(label=_("Ou un fichier .ics"), required=False)
    publish_new = forms.BooleanField(
        label=_("Publier d'office les nouveaux événements"),
        required=False,
        help_text=_("Sinon, chaque événement importé attend que vous le publiiez."),
    )

    def clean_url(self):
        from maillage.core import fetch

        from .ical_import import normalise_url

        url = self.cleaned_data["url"].strip()
        if url:
            try:
                fetch.check_url(normalise_url(url))
            except fetch.FetchError as error:
                raise forms.ValidationError(str(error)) from error
        return url

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and upload.size > settings.MAILLAGE_FETCH_MAX_BYTES:
            raise forms.ValidationError(
                _("Fichier trop gros : %(size)s Mo au plus.")
                % {"size": f"{settings.MAILLAGE_FETCH_MAX_BYTES / 1_000_000:g}"}
            )
        return upload

    def clean(self):
        data = super().clean()
        if not data.get("url") and not data.get("file") and not self.errors:
            raise forms.ValidationError(_("Indiquez une adresse iCalendar ou un fichier .ics."))
        return data
