"""Tables of the shared infrastructure (no domain data): the mail outbox and the
rate-limit counters.

The outbox: one row per e-mail per recipient, written in the transaction of
the change that causes it, sent by the worker (``maillage worker``).

A row is the message's whole life: queued, being sent (claimed by one worker
until ``claimed_until``), sent, or failed after its last attempt (with the
reason, for coordinators to see and retry from the admin). A sent message's
body is forgotten after ``MAILLAGE_MAIL_KEEP_DAYS`` days; its recipient, subject
and dates stay as the record that it went.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import clock


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("En attente")
        SENDING = "sending", _("En cours d'envoi")
        SENT = "sent", _("Envoyé")
        FAILED = "failed", _("Échec")

    to = models.EmailField(_("destinataire"), max_length=254)
    subject = models.CharField(_("objet"), max_length=998)
    body_text = models.TextField(_("texte"), blank=True)
    body_html = models.TextField(_("HTML"), blank=True)
    headers = models.JSONField(_("en-têtes"), default=dict, blank=True)
    # [{"filename": ..., "content": ..., "mimetype": ...}] (text attachments, e.g. .ics)
    attachments = models.JSONField(_("pièces jointes"), default=list, blank=True)
    template = models.CharField(_("modèle"), max_length=200)
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    status = models.CharField(
        _("état"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=clock.now)
    claimed_until = models.DateTimeField(_("réservé jusqu'à"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=clock.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    forgotten_at = models.DateTimeField(_("contenu effacé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["status", "sent_at"], name="outbox_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {self.to}"


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
