"""Communes and the geometry needed to place things on them.

Geometries are kept as GeoJSON (a JSON field), with a bounding box and a
centroid in plain columns: this works the same on SQLite and PostgreSQL, with
no spatial extension to install; shapely does the geometry when needed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommuneQuerySet(models.QuerySet):
    def in_departements(self, codes):
        return self.filter(departement__in=list(codes))

    def containing_bbox(self, lat: float, lon: float):
        return self.filter(min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon)


class Commune(models.Model):
    code = models.CharField(_("code INSEE"), max_length=5, primary_key=True)
    name = models.CharField(_("nom"), max_length=120, db_index=True)
    departement = models.CharField(_("département"), max_length=3, db_index=True)
    population = models.PositiveIntegerField(_("population municipale"), null=True, blank=True)
    postal_codes = models.JSONField(_("codes postaux"), default=list, blank=True)
    geometry = models.JSONField(_("contour (GeoJSON)"), null=True, blank=True)
    centroid_lat = models.FloatField(_("latitude du centroïde"), null=True, blank=True)
    centroid_lon = models.FloatField(_("longitude du centroïde"), null=True, blank=True)
    min_lat = models.FloatField(_("latitude minimale"), null=True, blank=True, db_index=True)
    max_lat = models.FloatField(_("latitude maximale"), null=True, blank=True)
    min_lon = models.FloatField(_("longitude minimale"), null=True, blank=True)
    max_lon = models.FloatField(_("longitude maximale"), null=True, blank=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("commune")
        verbose_name_plural = _("communes")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def main_postal_code(self) -> str:
        return self.postal_codes[0] if self.postal_codes else ""
