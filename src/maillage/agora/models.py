"""The citizen agora: ideas for a place, a commune or the whole network.

- An ``Idea`` has a title, a text, an optional photo and position, a theme (a
  function of the workshop's taxonomy) and a status in its life cycle
  (proposed → discussed at an event → adopted → in progress → done, or not
  retained with the reason). It belongs to a place, a commune, or neither (the
  network). An idea handed on paper is typed in by a host and marked as such.
- A ``Support`` is one person backing an idea: one per person (a unique
  constraint, so concurrent clicks make one row).
- A ``Follow`` is a person told by e-mail of each step; authors and supporters
  follow by themselves.
- A ``Comment`` may answer another comment, one level deep.
- A ``Flag`` says an idea or a comment breaks the rules; moderators (the place's
  hosts for its ideas, coordinators for all) hide it with a public reason.
- A ``Step`` is one change of status, shown as the idea's public timeline.

Every change to ideas, comments and steps is kept (django-simple-history).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core import clock
from maillage.events.models import Occurrence
from maillage.places.models import Function, Place
from maillage.territory.models import Commune

TITLE_MAX = 150
TEXT_MAX = 5000
COMMENT_MAX = 2000
REASON_MAX = 1000


class Status(models.TextChoices):
    PROPOSED = "proposed", _("Proposée")
    DISCUSSED = "discussed", _("En discussion")
    ADOPTED = "adopted", _("Adoptée")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Réalisée")
    NOT_RETAINED = "not_retained", _("Non retenue")


# Where an idea may go from each status (its life cycle).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.PROPOSED: (Status.DISCUSSED, Status.ADOPTED, Status.NOT_RETAINED),
    Status.DISCUSSED: (Status.DISCUSSED, Status.ADOPTED, Status.NOT_RETAINED),
    Status.ADOPTED: (Status.IN_PROGRESS, Status.DONE, Status.NOT_RETAINED),
    Status.IN_PROGRESS: (Status.DONE, Status.NOT_RETAINED),
    Status.DONE: (),
    Status.NOT_RETAINED: (Status.PROPOSED,),
}
# Statuses still open to support (done or not retained ideas are history).
OPEN_STATUSES = (Status.PROPOSED, Status.DISCUSSED, Status.ADOPTED, Status.IN_PROGRESS)


class IdeaQuerySet(models.QuerySet):
    def visible(self):
        """Ideas shown in lists: not hidden by moderation."""
        return self.filter(hidden_at__isnull=True)

    def at_place(self, place):
        return self.filter(place=place)

    def in_commune(self, commune):
        """The commune's own ideas and those of the places in it."""
        return self.filter(models.Q(commune=commune) | models.Q(place__commune=commune))

    def in_commune_code(self, code: str):
        return self.filter(models.Q(commune_id=code) | models.Q(place__commune_id=code))

    def with_counts(self):
        return self.annotate(
            support_count=models.Count("supports", distinct=True),
            comment_count=models.Count(
                "comments", filter=models.Q(comments__hidden_at__isnull=True), distinct=True
            ),
        )


class Idea(models.Model):
    title = models.CharField(_("titre"), max_length=TITLE_MAX)
    text = models.TextField(_("texte"))
    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("lieu"),
    )
    commune = models.ForeignKey(
        Commune,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("commune"),
    )
    theme = models.ForeignKey(
        Function,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("thème"),
    )
    photo = models.ImageField(_("photo"), upload_to="agora/%Y/", blank=True)
    photo_alt = models.CharField(_("description de la photo"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agora_ideas",
        verbose_name=_("auteur"),
    )
    # An idea handed on paper: typed in by a host of ``place``, signed as the person wished.
    on_paper = models.BooleanField(_("déposée sur papier"), default=False)
    paper_signature = models.CharField(_("signée (sur papier)"), max_length=150, blank=True)
    typed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("saisie par"),
    )

    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PROPOSED, db_index=True
    )
    status_changed_at = models.DateTimeField(_("état changé le"), default=clock.now)
    occurrence = models.ForeignKey(
        Occurrence,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("débattue à"),
    )
    status_reason = models.TextField(_("explication de l'état"), blank=True)

    hidden_at = models.DateTimeField(_("masquée le"), null=True, blank=True)
    hidden_reason = models.TextField(_("motif de la modération"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("masquée par"),
    )

    is_example = models.BooleanField(_("exemple"), default=False)
    created_at = models.DateTimeField(_("proposée le"), default=clock.now, db_index=True)

    history = HistoricalRecords()
    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("idée")
        verbose_name_plural = _("idées")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(place__isnull=True) | models.Q(commune__isnull=True),
                name="agora_idea_place_or_commune",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | (models.Q(latitude__gte=-90) & models.Q(latitude__lte=90)),
                name="agora_idea_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | (models.Q(longitude__gte=-180) & models.Q(longitude__lte=180)),
                name="agora_idea_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("agora:idea", kwargs={"pk": self.pk})

    @property
    def scope(self) -> str:
        return "place" if self.place_id else "commune" if self.commune_id else "network"

    @property
    def where(self) -> str:
        if self.place_id:
            return self.place.name
        if self.commune_id:
            return self.commune.name
        return str(_("tout le réseau"))

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def signature(self) -> str:
        """Who proposed it, as shown publicly: a pseudonym, never an e-mail address."""
        if self.on_paper:
            if self.paper_signature:
                return str(self.paper_signature)
            return str(_("une personne du lieu"))
        if self.author_id is None:
            return str(_("une personne dont le compte a été supprimé"))
        return public_name(self.author)

    @property
    def paper_label(self) -> str:
        if not self.on_paper:
            return ""
        return str(_("déposée sur papier à %(place)s") % {"place": self.where})

    def next_statuses(self) -> tuple[str, ...]:
        return TRANSITIONS[self.status]

    def can_be_moderated_by(self, user) -> bool:
        """Coordinators moderate every idea; a host only those of the places they host."""
        if user is None or not user.is_authenticated or not user.is_active:
            return False
        if user.is_coordinator:
            return True
        return self.place_id is not None and user.hosts_place(self.place)


def public_name(user) -> str:
    """A person's name in public: the name they chose, else a neutral word (no username:
    it is made from the e-mail address)."""
    if user is None:
        return str(_("une personne dont le compte a été supprimé"))
    return user.display_name or str(_("un membre"))


class Support(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agora_supports"
    )
    created_at = models.DateTimeField(_("le"), default=clock.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="agora_one_support_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Follow(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agora_follows"
    )
    created_at = models.DateTimeField(_("le"), default=clock.now)

    class Meta:
        verbose_name = _("suivi")
        verbose_name_plural = _("suivis")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="agora_one_follow_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"


class Comment(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("en réponse à"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agora_comments",
    )
    text = models.TextField(_("commentaire"))
    created_at = models.DateTimeField(_("le"), default=clock.now)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_reason = models.TextField(_("motif de la modération"), blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")

    def __str__(self) -> str:
        return self.text[:60]

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def signature(self) -> str:
        return public_name(self.author)


class Flag(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="flags")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agora_flags",
    )
    reason = models.TextField(_("motif"), blank=True)
    created_at = models.DateTimeField(_("le"), default=clock.now)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")

    def __str__(self) -> str:
        return f"{self.idea} : {self.reason[:40]}"


class Step(models.Model):
    """One change of an idea's status, with who decided and why (the public timeline)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField(_("état"), max_length=20, choices=Status.choices)
    reason = models.TextField(_("explication"), blank=True)
    occurrence = models.ForeignKey(
        Occurrence, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(_("le"), default=clock.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("étape")
        verbose_name_plural = _("étapes")

    def __str__(self) -> str:
        return f"{self.idea} : {self.get_status_display()}"
