"""Communes in the Django admin: read what the import wrote; boundaries are not hand-edited."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Commune


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "departement", "population", "postal_codes_display")
    list_filter = ("departement",)
    search_fields = ("name", "code", "postal_codes")
    ordering = ("name",)
    exclude = ("geometry",)
    readonly_fields = (
        "boundary",
        "centroid_lat",
        "centroid_lon",
        "min_lat",
        "max_lat",
        "min_lon",
        "max_lon",
        "updated_at",
    )

    @admin.display(description=_("codes postaux"))
    def postal_codes_display(self, commune: Commune) -> str:
        return ", ".join(commune.postal_codes or [])

    @admin.display(description=_("contour"))
    def boundary(self, commune: Commune) -> str:
        if not commune.geometry:
            return _("aucun (source sans contour)")
        kind = commune.geometry.get("type", "")
        rings = commune.geometry.get("coordinates") or []
        points = (
            sum(len(ring) for ring in rings)
            if kind == "Polygon"
            else sum(len(ring) for polygon in rings for ring in polygon)
        )
        return _("%(kind)s de %(points)s points (importé, non modifiable ici)") % {
            "kind": kind,
            "points": points,
        }
