"""Bookable resources of places and their bookings.

A :class:`Resource` is a room, a desk, a pool of N seats or a piece of
equipment of a :class:`~maillage.places.models.Place`. A :class:`Booking` holds
it from ``start`` to ``end`` (UTC, aware); ``blocked_until`` is ``end`` plus the
resource's buffer, so two holding bookings of a unit resource never come
closer than the buffer.

Never a double booking, whatever the path (service, API, admin, import):
the database refuses it (see migration ``0002_no_double_booking``):

- PostgreSQL: an exclusion constraint ``EXCLUDE USING gist (resource_id WITH =,
  tstzrange(start, blocked_until) WITH &&)`` on holding bookings of unit
  resources; a trigger that locks the resource row (``FOR UPDATE``) and counts
  seats for pools.
- SQLite: triggers with the same rules; write transactions are ``BEGIN
  IMMEDIATE`` (settings), so they run one at a time.

The guards read the resource's kind and capacity, never a row's copy
(migration ``0003_guards_read_the_resource``): bulk writes and kind or
capacity changes are checked too.
"""

from __future__ import annotations

import datetime as dt
import secrets
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from maillage.core import french
from maillage.core.params import validate_bounded_date


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Kind(models.TextChoices):
    DESK = "desk", _("Poste de travail")
    DESK_POOL = "desk-pool", _("Espace de postes partagés")
    OFFICE = "office", _("Bureau privatif")
    MEETING_ROOM = "meeting-room", _("Salle de réunion")
    VISIO_ROOM = "visio-room", _("Salle de visioconférence")
    WORKSHOP = "workshop", _("Atelier")
    WHOLE_PLACE = "whole-place", _("Lieu entier")
    EQUIPMENT = "equipment", _("Équipement")


# Which kinds answer a search for a kind: a person looking for a desk ("Poste de
# travail") is as well served by a seat of a desk pool (an open space, the
# télécentre's desks), which is how most places describe their desks.
SEARCH_KINDS = {Kind.DESK: [Kind.DESK, Kind.DESK_POOL]}


def kinds_for_search(kind: str) -> list[str]:
    return [str(k) for k in SEARCH_KINDS.get(kind, [kind])]


EQUIPMENT = {
    "visio": _("Visioconférence"),
    "thd": _("Internet très haut débit"),
    "wifi": _("Wi-Fi"),
    "projector": _("Vidéoprojecteur"),
    "screen": _("Écran"),
    "whiteboard": _("Tableau blanc"),
    "kitchen": _("Cuisine"),
    "accessible": _("Accessible en fauteuil"),
    "printer": _("Imprimante"),
    "parking": _("Stationnement"),
}

CHARM = {
    "view": _("Vue"),
    "nature": _("Nature"),
    "heritage": _("Patrimoine"),
    "chateau": _("Château"),
    "river": _("Bord de rivière"),
    "garden": _("Jardin"),
    "fireplace": _("Cheminée"),
}


class Resource(models.Model):
    place = models.ForeignKey(
        "places.Place", on_delete=models.CASCADE, related_name="resources", verbose_name=_("lieu")
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    capacity = models.PositiveIntegerField(
        _("capacité"), default=1, help_text=_("Personnes, ou places pour un espace partagé.")
    )
    equipment = models.JSONField(_("équipements"), default=list, blank=True)
    price_hour = models.DecimalField(
        _("prix de l'heure (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_half_day = models.DecimalField(
        _("prix de la demi-journée (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    price_day = models.DecimalField(
        _("prix de la journée (€)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    description = models.TextField(_("description"), blank=True)
    charm = models.TextField(_("son charme"), blank=True)
    charm_tags = models.JSONField(_("étiquettes de charme"), default=list, blank=True)

    opening_hours = models.CharField(
        _("horaires propres (syntaxe OpenStreetMap)"),
        max_length=500,
        blank=True,
        help_text=_("Vide : les horaires du lieu."),
    )
    slot_minutes = models.PositiveSmallIntegerField(_("pas des créneaux (minutes)"), default=30)
    min_minutes = models.PositiveIntegerField(_("durée minimale (minutes)"), default=30)
    max_minutes = models.PositiveIntegerField(_("durée maximale (minutes)"), default=600)
    buffer_minutes = models.PositiveSmallIntegerField(
        _("battement entre deux réservations (minutes)"), default=0
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("réservable jusqu'à (jours à l'avance)"), default=90
    )
    approval_required = models.BooleanField(_("validation par l'hôte"), default=True)
    checkin_required = models.BooleanField(_("présence à confirmer sur place"), default=False)
    checkin_grace_minutes = models.PositiveSmallIntegerField(
        _("délai pour confirmer sa présence (minutes)"), default=15
    )
    is_active = models.BooleanField(_("réservable"), default=True)
    feed_token = models.CharField(_("jeton du calendrier"), max_length=64, default=new_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["place__name", "name"]
        verbose_name = _("ressource réservable")
        verbose_name_plural = _("ressources réservables")
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="resource_capacity"),
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=5), name="resource_slot_minutes"
            ),
            models.CheckConstraint(
                condition=models.Q(max_minutes__gte=models.F("min_minutes")),
                name="resource_min_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.place}"

    @property
    def is_pool(self) -> bool:
        return self.kind == Kind.DESK_POOL

    @property
    def is_free(self) -> bool:
        return not any((self.price_hour, self.price_half_day, self.price_day))

    @property
    def hours(self) -> str:
        return self.opening_hours or self.place.opening_hours

    def cheapest_hour_price(self) -> float:
        """A comparable price: per hour (half-day / 4, day / 8); 0 when free."""
        prices = []
        if self.price_hour:
            prices.append(float(self.price_hour))
        if self.price_half_day:
            prices.append(float(self.price_half_day) / 4)
        if self.price_day:
            prices.append(float(self.price_day) / 8)
        return min(prices) if prices else 0.0

    def charm_score(self) -> int:
        return 2 * len(self.charm_tags or []) + (1 if self.charm.strip() else 0)

    def clean(self):
        """Say why a change of kind or capacity is refused (the database refuses it anyway)."""
        super().clean()
        if self.pk is None or not self.kind or not self.capacity:
            return
        before = Resource.objects.filter(pk=self.pk).values("kind", "capacity").first()
        if before is None:
            return
        kind_changes = (before["kind"] == Kind.DESK_POOL) != self.is_pool
        if not kind_changes and (not self.is_pool or self.capacity >= before["capacity"]):
            return
        if self.is_pool and self.peak_seats() > self.capacity:
            raise ValidationError(
                {"capacity": _("Des réservations en cours tiennent plus de places que cela.")}
            )
        if not self.is_pool and self.peak_seats(whole=True) > 1:
            raise ValidationError(
                {
                    "kind": _(
                        "Des réservations en cours se chevauchent : cette ressource ne peut pas "
                        "devenir une ressource à usage exclusif (annulez-les, ou créez une "
                        "nouvelle ressource)."
                    )
                }
            )

    def peak_seats(self, *, whole: bool = False) -> int:
        """The most seats its holding bookings hold at one instant (each counts 1 if ``whole``)."""
        events = []
        for start, until, seats in self.bookings.filter(status__in=HOLDING).values_list(
            "start", "blocked_until", "seats"
        ):
            events += [(start, 1, 1 if whole else seats), (until, 0, -(1 if whole else seats))]
        peak = load = 0
        for _moment, _order, delta in sorted(events):  # an end before a start at one instant
            load += delta
            peak = max(peak, load)
        return peak


class Season(models.Model):
    """A window of the year when the resource is bookable (1 Nov → 31 Mar wraps)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="seasons", verbose_name=_("ressource")
    )
    start_month = models.PositiveSmallIntegerField(_("du mois"))
    start_day = models.PositiveSmallIntegerField(_("du jour"), default=1)
    end_month = models.PositiveSmallIntegerField(_("au mois"))
    end_day = models.PositiveSmallIntegerField(_("au jour (inclus)"), default=31)

    class Meta:
        verbose_name = _("saison")
        verbose_name_plural = _("saisons")

    def __str__(self) -> str:
        return (
            f"{self.start_day:02d}/{self.start_month:02d} → {self.end_day:02d}/{self.end_month:02d}"
        )

    def contains(self, day) -> bool:
        key, a, b = (
            (day.month, day.day),
            (self.start_month, self.start_day),
            (self.end_month, self.end_day),
        )
        return a <= key <= b if a <= b else (key >= a or key <= b)


class BusyCalendar(models.Model):
    """An outside calendar the resource follows (its hotel's booking system, the
    host's own agenda): its busy times become :class:`Block` rows of the resource,
    written under the resource's lock (``booking.busy``). Only times are kept,
    never what the busy time is about."""

    resource = models.ForeignKey(
        Resource,
        on_delete=models.CASCADE,
        related_name="busy_calendars",
        verbose_name=_("ressource"),
    )
    name = models.CharField(_("nom"), max_length=200, blank=True)
    url = models.URLField(_("adresse iCalendar"), max_length=1000)
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_attempt_at = models.DateTimeField(_("dernière tentative"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("dernière mise à jour réussie"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_report = models.CharField(_("dernier bilan"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("calendrier d'occupation suivi")
        verbose_name_plural = _("calendriers d'occupation suivis")

    def __str__(self) -> str:
        return self.name or self.url


class Block(models.Model):
    """An exception: the resource is not bookable between two moments (works, private
    use, or a busy time of an outside calendar it follows: ``source``)."""

    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("ressource")
    )
    start = models.DateTimeField(_("du"), validators=[validate_bounded_date])
    end = models.DateTimeField(_("au"), validators=[validate_bounded_date])
    reason = models.CharField(_("motif"), max_length=200, blank=True)
    source = models.ForeignKey(
        BusyCalendar,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="blocks",
        verbose_name=_("calendrier suivi"),
    )
    source_key = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["start"]
        verbose_name = _("indisponibilité")
        verbose_name_plural = _("indisponibilités")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="block_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.resource}: {self.start} → {self.end}"


class ResourcePhoto(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, related_name="photos", verbose_name=_("ressource")
    )
    image = models.ImageField(_("image"), upload_to="resources/%Y/")
    alt = models.CharField(_("description de l'image"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt


class Status(models.TextChoices):
    PENDING = "pending", _("En attente de l'hôte")
    CONFIRMED = "confirmed", _("Confirmée")
    DECLINED = "declined", _("Refusée")
    CANCELLED = "cancelled", _("Annulée")
    RELEASED = "released", _("Libérée (présence non confirmée)")


HOLDING = (Status.PENDING, Status.CONFIRMED)


class BookingQuerySet(models.QuerySet):
    def holding(self):
        return self.filter(status__in=HOLDING)

    def overlapping(self, start, end):
        return self.filter(start__lt=end, blocked_until__gt=start)


class Booking(models.Model):
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="bookings", verbose_name=_("ressource")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="bookings",
        verbose_name=_("personne"),
    )
    start = models.DateTimeField(_("début"), db_index=True, validators=[validate_bounded_date])
    end = models.DateTimeField(_("fin"), validators=[validate_bounded_date])
    blocked_until = models.DateTimeField(_("bloqué jusqu'à (fin + battement)"), editable=False)
    seats = models.PositiveIntegerField(_("places"), default=1)
    is_unit = models.BooleanField(editable=False, default=True)
    status = models.CharField(
        _("statut"), max_length=12, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    series = models.UUIDField(_("série"), null=True, blank=True, db_index=True)
    reason = models.CharField(_("motif (refus, annulation)"), max_length=300, blank=True)
    cancelled_by_host = models.BooleanField(default=False)
    checked_in_at = models.DateTimeField(_("présence confirmée le"), null=True, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="booking_ordered"
            ),
            models.CheckConstraint(
                condition=models.Q(blocked_until__gte=models.F("end")), name="booking_buffer"
            ),
            models.CheckConstraint(condition=models.Q(seats__gte=1), name="booking_seats"),
        ]
        indexes = [models.Index(fields=["resource", "start"], name="booking_resource_start")]

    def __str__(self) -> str:
        return f"{self.resource} · {french.datetime_label(self.start, year=True)} ({self.get_status_display()})"

    def save(self, *args, **kwargs):
        # Derived from the resource; the database derives them again on every
        # write, whatever the path (bulk writes skip save()): see migration 0003.
        resource = self.resource
        self.blocked_until = self.end + dt.timedelta(minutes=resource.buffer_minutes)
        self.is_unit = not resource.is_pool  # a unit is held whole, whatever the seats
        super().save(*args, **kwargs)

    @property
    def is_holding(self) -> bool:
        return self.status in HOLDING


class FeedToken(models.Model):
    """A person's private, revocable iCalendar feed address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_feed"
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)

    def __str__(self) -> str:
        return f"feed of {self.user}"
