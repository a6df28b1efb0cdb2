from django.contrib import admin

from .models import Block, Booking, Resource, ResourcePhoto, Season


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

    list_display = ["resource", "start", "end", "seats", "status", "user"]
    list_filter = ["status"]
    raw_id_fields = ["resource", "user"]
    date_hierarchy = "start"
