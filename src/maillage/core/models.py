"""Tables of the shared infrastructure (no domain data here)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RateLimitCounter(models.Model):
    """How many times ``key`` (a keyed hash of an address, an account...) did ``scope`` in a window."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("compteur anti-abus")
        verbose_name_plural = _("compteurs anti-abus")
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "key", "window_start"], name="core_ratelimit_one_per_window"
            )
        ]
        indexes = [models.Index(fields=["window_start"], name="core_ratelimit_window")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… {self.count}"
