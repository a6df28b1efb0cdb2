"""Events at a place or at a mobile unit's stop, their occurrences and registrations.

An ``Event`` holds what is shared by all its dates: title, description,
functions, audiences, price, accessibility, capacity, and its start (DTSTART)
with an optional RFC 5545 rule and exceptions (``recurrence``). Each date is an
``Occurrence`` row, materialised from the rule (``services.sync_occurrences``),
so that one date can be moved or cancelled alone, and so that registration
locks one row (``select_for_update``) to never seat more people than the
capacity.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from maillage.core import clock, french
from maillage.core.geo import point_or_centroid
from maillage.core.params import bounded, validate_bounded_date
from maillage.places.models import Audience, Function, MobileStop, Place, Wheelchair

from . import recurrence


def new_token() -> str:
    return secrets.token_urlsafe(24)


class EventQuerySet(models.QuerySet):
    def published(self):
        return self.within_bounds().filter(
            status__in=[Event.Status.SCHEDULED, Event.Status.CANCELLED]
        )

    def within_bounds(self):
        return self.filter(bounded("start"))


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SCHEDULED = "scheduled", _("Programmé")
        CANCELLED = "cancelled", _("Annulé")

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="events", verbose_name=_("lieu")
    )
    stop = models.ForeignKey(
        MobileStop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("arrêt de l'unité mobile"),
    )
    title = models.CharField(_("titre"), max_length=200)
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=220, unique=True)
    description = models.TextField(_("description"), blank=True)
    functions = models.ManyToManyField(
        Function, blank=True, related_name="events", verbose_name=_("fonctions")
    )
    audiences = models.JSONField(_("publics"), default=list, blank=True)
    start = models.DateTimeField(_("début"), validators=[validate_bounded_date])
    end = models.DateTimeField(_("fin"), validators=[validate_bounded_date])
    recurrence_rule = models.CharField(
        _("récurrence (règle RFC 5545)"),
        max_length=300,
        blank=True,
        help_text=_("Par exemple : FREQ=MONTHLY;BYDAY=1TH (le premier jeudi du mois)."),
    )
    exdates = models.JSONField(
        _("dates exclues"),
        default=list,
        blank=True,
        help_text=_("Débuts (heure locale, AAAA-MM-JJTHH:MM) des dates qui n'ont pas lieu."),
    )
    is_free = models.BooleanField(_("gratuit"), default=True)
    price = models.DecimalField(
        _("prix (€)"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    price_note = models.CharField(_("précisions sur le prix"), max_length=200, blank=True)
    wheelchair = models.CharField(
        _("accessibilité fauteuil"),
        max_length=10,
        choices=Wheelchair.choices,
        blank=True,
        default="",
    )
    accessibility_note = models.CharField(
        _("accessibilité : précisions"), max_length=300, blank=True
    )
    registration_required = models.BooleanField(_("sur inscription"), default=False)
    capacity = models.PositiveIntegerField(
        _("places"), null=True, blank=True, help_text=_("Vide : sans limite.")
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    all_day = models.BooleanField(_("toute la journée"), default=False)
    # Imported from a host's calendar (CalendarSubscription): its UID there, and a
    # digest of what was imported (an unchanged event is not written again).
    source = models.ForeignKey(
        "CalendarSubscription",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("agenda importé"),
    )
    source_uid = models.CharField(_("UID dans l'agenda importé"), max_length=500, blank=True)
    source_digest = models.CharField(max_length=64, blank=True, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("événement")
        verbose_name_plural = _("événements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="event_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["source", "source_uid"],
                condition=models.Q(source__isnull=False),
                name="event_once_per_source_uid",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:event", kwargs={"slug": self.slug})

    @property
    def duration(self) -> dt.timedelta:
        return self.end - self.start

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED

    def excluded_starts(self) -> list[dt.datetime]:
        return [dt.datetime.fromisoformat(text) for text in self.exdates]

    def starts_between(self, low: dt.datetime, high: dt.datetime) -> list[dt.datetime]:
        return recurrence.expand(
            self.start, self.recurrence_rule, low, high, self.excluded_starts()
        )

    def audience_labels(self) -> list[str]:
        labels = dict(Audience.choices)
        return [str(labels.get(a, a)) for a in self.audiences]

    def _point(self) -> tuple[float | None, float | None]:
        """At its stop (the stop's commune centroid when the stop has no coordinates:
        the one fallback of :func:`maillage.core.geo.point_or_centroid`), else at its place."""
        if self.stop:
            c = self.stop.commune
            lat, lon, _approx = point_or_centroid(
                self.stop.latitude, self.stop.longitude, c.centroid_lat, c.centroid_lon
            )
            if lat is not None:
                return lat, lon
        return self.place.latitude, self.place.longitude

    @property
    def latitude(self):
        return self._point()[0]

    @property
    def longitude(self):
        return self._point()[1]

    @property
    def commune(self):
        return self.stop.commune if self.stop else self.place.commune

    @property
    def location_label(self) -> str:
        if self.stop:
            parts = [self.place.name, self.stop.spot, self.stop.commune.name]
        else:
            parts = [self.place.name, self.place.address]
            if self.place.commune:
                parts.append(self.place.commune.name)
        return ", ".join(p for p in parts if p)


class CalendarSubscription(models.Model):
    """A place's agenda kept in the host's own calendar (Nextcloud, Google, Outlook,
    Thunderbird...): an iCalendar URL refreshed on a schedule, or an uploaded
    ``.ics`` (no URL). Its events become the place's events, matched by UID."""

    place = models.ForeignKey(
        Place,
        on_delete=models.CASCADE,
        related_name="calendar_subscriptions",
        verbose_name=_("lieu"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    url = models.URLField(_("adresse iCalendar"), max_length=1000, blank=True)
    publish_new = models.BooleanField(
        _("publier d'office les nouveaux événements"),
        default=False,
        help_text=_("Sinon, chaque événement importé attend que vous le publiiez."),
    )
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernière mise à jour réussie"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_report = models.CharField(_("dernier bilan"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("agenda importé")
        verbose_name_plural = _("agendas importés")

    def __str__(self) -> str:
        return self.name or self.url or f"#{self.pk}"


class OccurrenceQuerySet(models.QuerySet):
    def visible(self):
        return self.within_bounds().filter(
            bounded("event__start"),
            event__status__in=[Event.Status.SCHEDULED, Event.Status.CANCELLED],
        )

    def within_bounds(self):
        return self.filter(bounded("start"))

    def upcoming(self, now=None):
        return self.filter(end__gte=now or clock.now())

    def active(self):
        return self.filter(status=Occurrence.Status.SCHEDULED, event__status=Event.Status.SCHEDULED)


class Occurrence(models.Model):
    """One date of an event. ``original_start`` is its place in the rule (the
    iCalendar RECURRENCE-ID); ``start``/``end`` differ from it when moved."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Programmée")
        CANCELLED = "cancelled", _("Annulée")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="occurrences", verbose_name=_("événement")
    )
    original_start = models.DateTimeField(_("début prévu par la règle"))
    start = models.DateTimeField(_("début"), db_index=True, validators=[validate_bounded_date])
    end = models.DateTimeField(_("fin"), validators=[validate_bounded_date])
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.SCHEDULED
    )
    note = models.CharField(_("précision"), max_length=300, blank=True)
    is_modified = models.BooleanField(_("déplacée ou annulée à part"), default=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)

    objects = OccurrenceQuerySet.as_manager()

    class Meta:
        ordering = ["start", "pk"]
        verbose_name = _("date")
        verbose_name_plural = _("dates")
        constraints = [
            models.UniqueConstraint(
                fields=["event", "original_start"], name="occurrence_once_per_rule_instance"
            ),
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="occurrence_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {french.datetime_label(self.start, year=True)}"

    def get_absolute_url(self) -> str:
        return reverse("events:occurrence", kwargs={"slug": self.event.slug, "pk": self.pk})

    @property
    def is_cancelled(self) -> bool:
        return self.status == self.Status.CANCELLED or self.event.is_cancelled

    @property
    def is_moved(self) -> bool:
        return self.start != self.original_start

    def seats_taken(self) -> int:
        return self.registrations.filter(status=Registration.Status.REGISTERED).count()

    def seats_left(self) -> int | None:
        if self.event.capacity is None:
            return None
        return max(0, self.event.capacity - self.seats_taken())

    def waiting_count(self) -> int:
        return self.registrations.filter(status=Registration.Status.WAITING).count()


class Registration(models.Model):
    """Someone's registration to one date. Without an account it waits for the
    e-mail confirmation (``pending``) before taking a seat or a waiting place."""

    class Status(models.TextChoices):
        PENDING = "pending", _("À confirmer par e-mail")
        REGISTERED = "registered", _("Inscrit·e")
        WAITING = "waiting", _("Liste d'attente")
        CANCELLED = "cancelled", _("Annulée")

    occurrence = models.ForeignKey(
        Occurrence,
        on_delete=models.CASCADE,
        related_name="registrations",
        verbose_name=_("date"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="event_registrations",
        verbose_name=_("compte"),
    )
    name = models.CharField(_("nom"), max_length=150)
    email = models.EmailField(_("e-mail"))
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("sortie de la liste d'attente le"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("annulée le"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("présence notée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    class Meta:
        ordering = ["confirmed_at", "pk"]
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["occurrence", "email"],
                condition=~models.Q(status="cancelled"),
                name="registration_once_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.occurrence}"


class Subscriber(models.Model):
    """Someone who receives the agenda's newsletter (double opt-in: nothing is
    sent before the e-mailed link is followed)."""

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", _("Chaque semaine")
        MONTHLY = "monthly", _("Chaque mois")

    email = models.EmailField(_("e-mail"), unique=True)
    communes = models.JSONField(_("communes (codes INSEE)"), default=list, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    radius_km = models.FloatField(_("distance (km)"), null=True, blank=True)
    themes = models.JSONField(_("thèmes (fonctions)"), default=list, blank=True)
    frequency = models.CharField(
        _("fréquence"), max_length=10, choices=Frequency.choices, default=Frequency.WEEKLY
    )
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("inscrit le"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmé le"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("désinscrit le"), null=True, blank=True)

    class Meta:
        verbose_name = _("abonné·e à la lettre")
        verbose_name_plural = _("abonné·es à la lettre")

    def __str__(self) -> str:
        return self.email

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None


class NewsletterIssue(models.Model):
    """One issue of the newsletter: a frequency and a period (``2026-W49``, ``2026-12``)."""

    frequency = models.CharField(max_length=10, choices=Subscriber.Frequency.choices)
    period = models.CharField(max_length=10)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("numéro de la lettre")
        verbose_name_plural = _("numéros de la lettre")
        constraints = [
            models.UniqueConstraint(fields=["frequency", "period"], name="newsletter_issue_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_frequency_display()} {self.period}"


class NewsletterDelivery(models.Model):
    """That one subscriber received one issue: the unique pair makes sending idempotent."""

    issue = models.ForeignKey(NewsletterIssue, on_delete=models.CASCADE, related_name="deliveries")
    subscriber = models.ForeignKey(Subscriber, on_delete=models.CASCADE, related_name="deliveries")
    sent_at = models.DateTimeField(auto_now_add=True)
    occurrences = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["issue", "subscriber"], name="newsletter_delivered_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.issue} → {self.subscriber}"
