"""Referrals between places, and mutual help between members.

- A :class:`Referral` is a host sending a person on to another place, for a need,
  with the person's consent. The person's first name and a note help the receiving
  host recognise them; both are erased when the referral is followed up (the
  network only ever sees counts: :func:`services.referral_flows`).
- A :class:`HelpProfile` is strictly opt-in: invisible to others until its owner
  opts in, hidden again or deleted (with its contact requests) at any time.
  A :class:`ContactRequest` is relayed by the platform; e-mails are revealed to
  each other only once the request is accepted.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .needs import NEEDS

NEED_CHOICES = [(n.slug, n.label) for n in NEEDS]


class Referral(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("Envoyée")
        FOLLOWED_UP = "followed-up", _("Suivie")

    from_place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        related_name="referrals_sent",
        verbose_name=_("lieu qui oriente"),
    )
    to_place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        related_name="referrals_received",
        verbose_name=_("lieu vers lequel on oriente"),
    )
    need = models.CharField(_("besoin"), max_length=40, choices=NEED_CHOICES)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SENT, db_index=True
    )
    consent_at = models.DateTimeField(_("consentement de la personne le"))
    person_name = models.CharField(
        _("prénom de la personne (effacé une fois suivie)"), max_length=60, blank=True
    )
    note = models.CharField(_("message (effacé une fois suivie)"), max_length=500, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("envoyée par"),
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    followed_up_at = models.DateTimeField(_("suivie le"), null=True, blank=True)
    followed_up_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suivie par"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("orientation entre lieux")
        verbose_name_plural = _("orientations entre lieux")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_place=models.F("to_place")), name="referral_two_places"
            )
        ]

    def __str__(self) -> str:
        return f"{self.from_place} → {self.to_place} ({self.need})"


class HelpProfile(models.Model):
    """A member's mutual-help profile. Nobody else sees it unless ``opted_in`` and
    ``visibility`` is not ``hidden``."""

    class Visibility(models.TextChoices):
        MEMBERS = "members", _("Visible des membres connectés")
        HIDDEN = "hidden", _("Masqué (visible de moi seul)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_profile",
        verbose_name=_("personne"),
    )
    opted_in = models.BooleanField(_("je participe à l'entraide"), default=False)
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.HIDDEN
    )
    skills_offered = models.JSONField(_("compétences que je propose"), default=list, blank=True)
    skills_sought = models.JSONField(_("compétences que je cherche"), default=list, blank=True)
    mentoring = models.BooleanField(_("je propose du mentorat"), default=False)
    peer_learning = models.BooleanField(_("j'aime apprendre entre pairs"), default=False)
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("commune"),
    )
    places = models.ManyToManyField(
        "places.Place", blank=True, related_name="+", verbose_name=_("lieux que je fréquente")
    )
    bio = models.CharField(_("en quelques mots"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("profil d'entraide")
        verbose_name_plural = _("profils d'entraide")

    def __str__(self) -> str:
        return str(self.user)

    @property
    def is_visible(self) -> bool:
        return self.opted_in and self.visibility != self.Visibility.HIDDEN and self.user.is_active


class ContactRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Refusée")

    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_requests_sent",
        verbose_name=_("de"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="help_requests_received",
        verbose_name=_("à"),
    )
    message = models.CharField(_("message"), max_length=1000)
    status = models.CharField(
        _("statut"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("envoyée le"), auto_now_add=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("demande de mise en relation")
        verbose_name_plural = _("demandes de mise en relation")
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "recipient"],
                condition=models.Q(status="pending"),
                name="one_pending_contact_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.sender} → {self.recipient}"
