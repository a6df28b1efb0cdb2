"""The outbox for coordinators: what is waiting, what failed and why, and a
"send again" action. Bodies are not shown: they may hold a person's private
links (account confirmation, password reset)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import mail
from .models import OutboundMessage, RateLimitCounter


@admin.register(RateLimitCounter)
class RateLimitCounterAdmin(admin.ModelAdmin):
    list_display = ("scope", "window_start", "count")
    list_filter = ("scope",)


@admin.register(OutboundMessage)
class OutboundMessageAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "to",
        "subject",
        "status",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    )
    list_filter = ("status", "template")
    search_fields = ("to", "subject")
    date_hierarchy = "created_at"
    fields = (
        "to",
        "subject",
        "template",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "forgotten_at",
        "message_id",
    )
    readonly_fields = fields
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Renvoyer les courriels en échec sélectionnés"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        count = mail.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d courriel remis dans la file d'envoi.",
                "%(count)d courriels remis dans la file d'envoi.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )
