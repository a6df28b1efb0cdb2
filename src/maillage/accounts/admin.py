"""People in the Django admin: admins manage accounts, coordinators may look them up."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from .models import User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "email", "display_name", "role", "is_active", "date_joined")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("username", "email", "display_name", "first_name", "last_name")
    readonly_fields = ("hosted_places_list", "email_confirmed_at", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personne"),
            {"fields": ("display_name", "email", "email_confirmed_at", "first_name", "last_name")},
        ),
        (_("Rôle"), {"fields": ("role", "hosted_places_list", "is_active")}),
        (
            _("Permissions Django"),
            {
                "classes": ("collapse",),
                "fields": ("is_staff", "is_superuser", "groups", "user_permissions"),
            },
        ),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "display_name",
                    "role",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    @admin.display(description=_("lieux animés"))
    def hosted_places_list(self, obj):
        places = obj.hosted_places.order_by("name") if obj.pk else []
        return format_html_join(", ", "{}", ((p.name,) for p in places)) or "—"
