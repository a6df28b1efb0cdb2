from django.contrib import admin

from . import services
from .models import Event, Occurrence, Registration, Subscriber


class OccurrenceInline(admin.TabularInline):
    model = Occurrence
    extra = 0
    fields = ("original_start", "start", "end", "status", "note")
    readonly_fields = ("original_start",)


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("title", "place", "start", "recurrence_rule", "status")
    list_filter = ("status", "registration_required")
    search_fields = ("title", "place__name")
    prepopulated_fields = {"slug": ("title",)}
    autocomplete_fields = ("place",)
    filter_horizontal = ("functions",)
    inlines = [OccurrenceInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for occurrence in form.instance.occurrences.all():
            original = Occurrence.objects.get(pk=occurrence.pk)
            if not occurrence.is_modified and (
                original.start != original.original_start
                or original.status != Occurrence.Status.SCHEDULED
            ):
                Occurrence.objects.filter(pk=occurrence.pk).update(is_modified=True)
        services.sync_occurrences(form.instance)


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "occurrence", "status", "checked_in_at")
    list_filter = ("status",)
    search_fields = ("name", "email", "occurrence__event__title")
    readonly_fields = ("token",)


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    list_display = ("email", "frequency", "confirmed_at", "unsubscribed_at")
    list_filter = ("frequency",)
    search_fields = ("email",)
    readonly_fields = ("token",)
