"""Forms of the agora: each field bounded, each refusal said in words."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.core import clock, french
from maillage.events.models import Occurrence
from maillage.places.models import Function

from .models import COMMENT_MAX, REASON_MAX, TEXT_MAX, TITLE_MAX, Status

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTO_MAX_SIDE = 6000  # pixels
SORTS = {
    "recentes": _("les plus récentes"),
    "soutiens": _("les plus soutenues"),
    "etat": _("par état"),
}


def check_photo(photo) -> None:
    """A real image (Django's ImageField has Pillow open it), of bounded weight and size."""
    if photo is None or photo is False:
        return
    if photo.size > PHOTO_MAX_BYTES:
        raise forms.ValidationError(_("La photo pèse plus de 5 Mo : réduisez-la, s'il vous plaît."))
    image = getattr(photo, "image", None)
    if image is not None and max(image.size) > PHOTO_MAX_SIDE:
        raise forms.ValidationError(
            _("La photo dépasse %(side)s pixels de côté.") % {"side": PHOTO_MAX_SIDE}
        )


class IdeaForm(forms.Form):
    title = forms.CharField(label=_("Votre idée en une phrase"), max_length=TITLE_MAX)
    text = forms.CharField(
        label=_("Racontez"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Ce qui manque, ce que vous aimeriez voir naître, qui pourrait s'y mettre."),
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=Function.objects.select_related("family"),
        required=False,
        empty_label=_("(aucun en particulier)"),
    )
    photo = forms.ImageField(
        label=_("Photo (facultatif)"),
        required=False,
        help_text=_("JPEG, PNG ou WebP, 5 Mo au plus."),
    )
    photo_alt = forms.CharField(label=_("Que montre la photo ?"), max_length=200, required=False)
    latitude = forms.FloatField(
        label=_("Latitude (facultatif)"), required=False, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        label=_("Longitude (facultatif)"), required=False, min_value=-180, max_value=180
    )

    def __init__(self, *args, paper: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.paper = paper
        if paper:
            self.fields["on_paper"] = forms.BooleanField(
                label=_("Idée déposée sur papier au lieu (je la saisis pour la personne)"),
                required=False,
            )
            self.fields["paper_signature"] = forms.CharField(
                label=_("Signée (prénom ou pseudonyme écrit sur le papier, facultatif)"),
                max_length=150,
                required=False,
            )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        check_photo(photo)
        return photo

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise forms.ValidationError(_("La position demande une latitude et une longitude."))
        if data.get("photo") and not data.get("photo_alt"):
            self.add_error("photo_alt", _("Décrivez la photo en quelques mots."))
        return data


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Votre commentaire"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class FlagForm(forms.Form):
    reason = forms.CharField(
        label=_("Qu'est-ce qui ne va pas ?"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


class HideForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif (affiché publiquement)"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    comment = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)


def debate_dates(idea):
    """Dates where the idea may be debated: the coming ones at its place's commune (or its
    commune's), every coming one for a network idea."""
    now = clock.now()
    dates = (
        Occurrence.objects.active()
        .filter(end__gte=now, start__lte=now + dt.timedelta(days=366))
        .select_related("event__place")
        .order_by("start")
    )
    commune_id = idea.place.commune_id if idea.place_id else idea.commune_id
    if idea.place_id:
        dates = (
            dates.filter(event__place__commune_id=commune_id)
            if commune_id
            else dates.filter(event__place=idea.place)
        )
    elif commune_id:
        dates = dates.filter(event__place__commune_id=commune_id)
    return dates[:200]


class OccurrenceChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        when = french.datetime_label(obj.start, year=True)
        return f"{obj.event.title} · {obj.event.place.name} · {when}"


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouvel état"), choices=())
    occurrence = OccurrenceChoice(
        label=_("Débattue à (un événement de l'agenda)"),
        queryset=Occurrence.objects.none(),
        required=False,
        empty_label=_("(choisir une date)"),
    )
    reason = forms.CharField(
        label=_("Explication (publique ; obligatoire si l'idée n'est pas retenue)"),
        max_length=REASON_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, idea, **kwargs):
        super().__init__(*args, **kwargs)
        labels = dict(Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in idea.next_statuses()]
        self.fields["occurrence"].queryset = Occurrence.objects.filter(
            pk__in=[o.pk for o in debate_dates(idea)]
        ).select_related("event__place")
