from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _


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
