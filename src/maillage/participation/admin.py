"""Participation in the Django admin. Decisions go through the services (actions),
so that the place's history, the proposer's e-mail and the checks stay the same."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Claim, Flag, Proposal, StaleReminder


def _run(modeladmin, request, queryset, action, done):
    count = 0
    for obj in queryset:
        try:
            action(obj, by=request.user)
        except services.InvalidAction as error:
            modeladmin.message_user(request, f"{obj} : {error}", messages.WARNING)
        else:
            count += 1
    modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "place", "status", "created_at", "decided_by")
    list_filter = ("status", "kind")
    search_fields = ("place__name", "proposer_email", "proposer_name", "message")
    date_hierarchy = "created_at"
    raw_id_fields = ("place", "proposer", "decided_by")
    readonly_fields = ("created_at", "decided_at", "original")
    actions = ["accept"]

    @admin.action(description=_("Accepter les propositions choisies"))
    def accept(self, request, queryset):
        _run(
            self,
            request,
            queryset,
            services.accept_proposal,
            _("%(count)s proposition(s) acceptée(s)."),
        )


@admin.register(Flag)
class FlagAdmin(admin.ModelAdmin):
    list_display = ("place", "comment", "created_at", "resolved_at")
    list_filter = (("resolved_at", admin.EmptyFieldListFilter),)
    search_fields = ("place__name", "comment")
    raw_id_fields = ("place", "reporter", "resolved_by")
    actions = ["resolve"]

    @admin.action(description=_("Marquer comme traités"))
    def resolve(self, request, queryset):
        _run(
            self, request, queryset, services.resolve_flag, _("%(count)s signalement(s) traité(s).")
        )


@admin.register(Claim)
class ClaimAdmin(admin.ModelAdmin):
    list_display = ("claimant", "place", "status", "created_at", "decided_by")
    list_filter = ("status",)
    search_fields = ("place__name", "claimant__email", "claimant__display_name", "message")
    raw_id_fields = ("place", "claimant", "decided_by")
    actions = ["approve"]

    @admin.action(description=_("Approuver les demandes choisies"))
    def approve(self, request, queryset):
        _run(
            self, request, queryset, services.approve_claim, _("%(count)s demande(s) approuvée(s).")
        )


@admin.register(StaleReminder)
class StaleReminderAdmin(admin.ModelAdmin):
    list_display = ("place", "sent_at", "recipients")
    raw_id_fields = ("place",)
    date_hierarchy = "sent_at"
