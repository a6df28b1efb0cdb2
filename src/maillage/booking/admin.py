from django import forms
from django.contrib import admin

from . import availability
from .models import HOLDING, Block, Booking, Resource, ResourcePhoto, Season


class BookingAdminForm(forms.ModelForm):
    """A coordinator's booking over a taken slot is a form error (not the
    database's IntegrityError): the same "taken"/"full" rule as the API."""

    def clean(self):
        data = super().clean()
        resource, start, end = data.get("resource"), data.get("start"), data.get("end")
        if resource and start and end and end > start and data.get("status") in HOLDING:
            reasons = availability.check(
                resource,
                start,
                end,
                data.get("seats") or 1,
                exclude=self.instance.pk,
                rules=False,
            )
            taken = [r for r in reasons if r.code in {"taken", "full", "seats"}]
            if taken:
                raise forms.ValidationError([r.message for r in taken])
        return data


class SeasonInline(admin.TabularInline):
    model = Season
    extra = 0


class BlockInline(admin.TabularInline):
    model = Block
    extra = 0


class PhotoInline(admin.TabularInline):
    model = ResourcePhoto
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "place", "kind", "capacity", "approval_required", "is_active"]
    list_filter = ["kind", "approval_required", "is_active"]
    search_fields = ["name", "place__name"]
    autocomplete_fields = ["place"]
    inlines = [SeasonInline, BlockInline, PhotoInline]
    exclude = ["feed_token"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    """Saves go through the same database guards as the API (no double booking)."""

    form = BookingAdminForm

    list_display = ["resource", "start", "end", "seats", "status", "user"]
    list_filter = ["status"]
    raw_id_fields = ["resource", "user"]
    date_hierarchy = "start"
