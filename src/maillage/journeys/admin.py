from django.contrib import admin

from .models import ContactRequest, HelpProfile, Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ("created_at", "from_place", "to_place", "need", "status")
    list_filter = ("status", "need")
    raw_id_fields = ("from_place", "to_place", "sent_by", "followed_up_by")


@admin.register(HelpProfile)
class HelpProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "opted_in", "visibility", "updated_at")
    list_filter = ("opted_in", "visibility")
    raw_id_fields = ("user", "commune")
    filter_horizontal = ("places",)


@admin.register(ContactRequest)
class ContactRequestAdmin(admin.ModelAdmin):
    list_display = ("created_at", "sender", "recipient", "status")
    list_filter = ("status",)
    raw_id_fields = ("sender", "recipient")
