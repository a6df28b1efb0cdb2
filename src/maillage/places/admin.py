"""Places and the taxonomy in the Django admin (French labels; history kept by simple_history)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import hours
from .models import (
    CharterItem,
    Closure,
    Function,
    FunctionFamily,
    MobileStop,
    Network,
    Notice,
    Place,
    PlaceFunction,
    PlacePhoto,
)

# Django 6 will assume https for URLs typed without a scheme: do so now.
URL_OVERRIDES = {models.URLField: {"assume_scheme": "https"}}


def _validated_hours(value: str) -> str:
    try:
        hours.validate(value)
    except hours.InvalidOpeningHours as exc:
        raise forms.ValidationError(str(exc)) from exc
    return value


class OpeningHoursForm(forms.ModelForm):
    """Rejects opening hours that are not valid OpenStreetMap syntax."""

    def clean_opening_hours(self):
        return _validated_hours(self.cleaned_data.get("opening_hours", ""))


class FunctionInline(admin.TabularInline):
    model = Function
    extra = 0
    fields = ("slug", "name", "icon", "position")


@admin.register(FunctionFamily)
class FunctionFamilyAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "color", "position")
    ordering = ("position",)
    inlines = [FunctionInline]


@admin.register(Function)
class FunctionAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "family", "icon", "position")
    list_filter = ("family",)
    search_fields = ("name", "slug")


@admin.register(CharterItem)
class CharterItemAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "kind", "category", "icon", "position")
    list_filter = ("kind",)
    search_fields = ("name", "slug")


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "url", "place_count")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    formfield_overrides = URL_OVERRIDES

    @admin.display(description=_("lieux"))
    def place_count(self, network: Network) -> int:
        return network.places.count()


class PlaceFunctionInline(admin.TabularInline):
    model = PlaceFunction
    form = OpeningHoursForm
    extra = 0
    fields = ("function", "opening_hours", "audiences", "conditions", "fee")
    verbose_name = _("fonction proposée")
    verbose_name_plural = _("fonctions proposées")


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0
    fields = ("start_date", "end_date", "reason")
    verbose_name = _("fermeture exceptionnelle")
    verbose_name_plural = _("fermetures exceptionnelles")


class NoticeInline(admin.TabularInline):
    model = Notice
    extra = 0
    fields = ("message", "starts_on", "ends_on")
    verbose_name = _("annonce")
    verbose_name_plural = _("annonces")


class MobileStopInline(admin.TabularInline):
    model = MobileStop
    form = OpeningHoursForm
    extra = 0
    fields = ("commune", "spot", "opening_hours", "latitude", "longitude", "note")
    autocomplete_fields = ("commune",)


class PlacePhotoInline(admin.TabularInline):
    model = PlacePhoto
    extra = 0
    fields = ("image", "alt", "position")
    verbose_name = _("photo")
    verbose_name_plural = _("photos")


@admin.register(Place)
class PlaceAdmin(SimpleHistoryAdmin):
    form = OpeningHoursForm
    formfield_overrides = URL_OVERRIDES
    list_display = (
        "name",
        "type",
        "commune",
        "status",
        "is_mobile",
        "is_example",
        "last_checked_at",
    )
    list_filter = (
        "status",
        "type",
        "is_mobile",
        "is_example",
        "networks",
        "source",
        "commune__departement",
    )
    search_fields = ("name", "commune__name", "postal_code", "source_id")
    prepopulated_fields = {"slug": ("name",)}
    autocomplete_fields = ("commune",)
    filter_horizontal = ("networks", "charter_items", "hosts")
    readonly_fields = (
        "source",
        "source_id",
        "official_kind",
        "official_format",
        "created_at",
        "updated_at",
    )
    inlines = [PlaceFunctionInline, ClosureInline, NoticeInline, MobileStopInline, PlacePhotoInline]
    list_select_related = ("commune",)
    fieldsets = [
        (
            _("Identité"),
            {
                "fields": (
                    "name",
                    "slug",
                    "type",
                    "status",
                    "summary",
                    "description",
                    "people",
                    "communities",
                    "operator",
                    "is_example",
                )
            },
        ),
        (
            _("Où"),
            {"fields": ("address", "postal_code", "commune", "latitude", "longitude", "is_mobile")},
        ),
        (_("Contact"), {"fields": ("email", "phone", "website")}),
        (_("Horaires"), {"fields": ("opening_hours", "hours_note", "appointment_only")}),
        (_("Accès"), {"fields": ("wheelchair", "accessibility_note", "fee", "fee_note")}),
        (_("Réseaux, charte et hôtes"), {"fields": ("networks", "charter_items", "hosts")}),
        (
            _("Origine des données"),
            {
                "fields": (
                    "source",
                    "source_id",
                    "official_kind",
                    "official_format",
                    "last_checked_at",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    ]
