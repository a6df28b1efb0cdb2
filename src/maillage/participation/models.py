"""What the public and hosts contribute, and what coordinators decide about it.

- A ``Proposal`` is a forgotten place or a correction of an existing one, kept
  as JSON changes (field name → proposed value) until a coordinator accepts or
  rejects it. Anyone may propose, with or without an account.
- A ``Flag`` says "this page is wrong", with an optional comment.
- A ``Claim`` is a member saying "I host this place"; approved, they become one
  of its ``Place.hosts``.
- A ``StaleReminder`` records that the hosts of a place were reminded to check
  its page, so a reminder is sent at most once per period.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core import clock, french


class DecisionStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")


class DecidedQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=DecisionStatus.PENDING)


class Decided(models.Model):
    """What a coordinator accepts or rejects (a proposal, a claim): who decided, when, why not."""

    status = models.CharField(
        _("état"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("décidée par"),
    )
    decided_at = models.DateTimeField(_("décidée le"), null=True, blank=True)
    rejection_reason = models.TextField(_("motif du refus"), blank=True)

    class Meta:
        abstract = True

    @property
    def is_pending(self) -> bool:
        return self.status == DecisionStatus.PENDING

    def can_be_decided_by(self, user) -> bool:
        return self.is_pending and getattr(user, "can_moderate", False)

    def record_decision(self, status: str, by, reason: str = "", at=None) -> None:
        """Set the decision fields (the caller saves, inside its transaction)."""
        self.status = status
        self.decided_by = by
        self.decided_at = at or clock.now()
        if reason:
            self.rejection_reason = reason


class ProposalQuerySet(DecidedQuerySet):
    def by_person(self, user):
        """Proposals made with the account, or anonymously with its e-mail address."""
        return self.filter(models.Q(proposer=user) | models.Q(proposer_email__iexact=user.email))


class Proposal(Decided):
    class Kind(models.TextChoices):
        NEW_PLACE = "new", _("Nouveau lieu")
        CORRECTION = "correction", _("Correction")

    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("lieu"),
        help_text=_("Le lieu corrigé, ou le lieu créé quand la proposition est acceptée."),
    )
    changes = models.JSONField(_("modifications proposées"), default=dict)
    position_approximate = models.BooleanField(
        _("position approximative"),
        default=False,
        help_text=_("Aucun point n'est donné : le lieu sera placé au centre de sa commune."),
    )
    original = models.JSONField(_("valeurs au moment de la proposition"), default=dict, blank=True)
    message = models.TextField(_("message à la coordination"), blank=True)

    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("auteur"),
    )
    proposer_email = models.EmailField(_("e-mail pour la réponse"), blank=True)
    proposer_name = models.CharField(_("nom de l'auteur"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("proposée le"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        name = self.changes.get("name") or (self.place.name if self.place_id else "?")
        return f"{self.get_kind_display()} · {name}"

    @property
    def reply_to(self) -> str:
        """Where the answer goes: the account's address, else the one given."""
        if self.proposer_id and self.proposer.email:
            return self.proposer.email
        return self.proposer_email

    @property
    def credit(self) -> str:
        """How the proposer is credited in the place's history."""
        if self.proposer_id:
            return str(self.proposer)
        return self.proposer_name or str(_("un visiteur"))


class FlagQuerySet(models.QuerySet):
    def open(self):
        return self.filter(resolved_at=None)


class Flag(models.Model):
    """ "This page is wrong": a visitor's signal, with an optional comment."""

    place = models.ForeignKey(
        "places.Place", on_delete=models.CASCADE, related_name="flags", verbose_name=_("lieu")
    )
    comment = models.TextField(_("commentaire"), blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="flags",
        verbose_name=_("signalé par"),
    )
    reporter_email = models.EmailField(_("e-mail pour la réponse"), blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("traité par"),
    )
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)

    objects = FlagQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")

    def __str__(self) -> str:
        return f"{self.place} · {french.date_label(self.created_at)}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class ClaimQuerySet(DecidedQuerySet):
    pass


class Claim(Decided):
    """A member says they host a place. No SIRET asked: informal places have none."""

    place = models.ForeignKey(
        "places.Place", on_delete=models.CASCADE, related_name="claims", verbose_name=_("lieu")
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="claims",
        verbose_name=_("demandé par"),
    )
    message = models.TextField(_("votre rôle dans le lieu"))
    created_at = models.DateTimeField(_("demandé le"), auto_now_add=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("demande d'animation")
        verbose_name_plural = _("demandes d'animation")
        constraints = [
            models.UniqueConstraint(
                fields=["place", "claimant"],
                condition=models.Q(status="pending"),
                name="claim_one_pending_per_person_and_place",
            )
        ]

    def __str__(self) -> str:
        return f"{self.claimant} → {self.place}"


class StaleReminder(models.Model):
    """The hosts of ``place`` were reminded on ``sent_at`` that its page needs checking."""

    place = models.ForeignKey(
        "places.Place",
        on_delete=models.CASCADE,
        related_name="stale_reminders",
        verbose_name=_("lieu"),
    )
    sent_at = models.DateTimeField(_("envoyé le"), db_index=True)
    recipients = models.PositiveSmallIntegerField(_("nombre de destinataires"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("rappel de vérification")
        verbose_name_plural = _("rappels de vérification")

    def __str__(self) -> str:
        return f"{self.place} · {french.date_label(self.sent_at)}"
