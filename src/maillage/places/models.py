"""Places, their functions, hours, closures and mobile stops.

Opening hours use the OpenStreetMap ``opening_hours`` syntax everywhere (the
place, a function within it, a mobile unit's stop), so seasons (``Jun-Sep``),
public holidays (``PH off``) and alternating weeks are expressed once, in a
standard that exports as is. Time logic lives in ``places.hours``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from maillage.core import clock
from maillage.core.geo import point_or_centroid
from maillage.core.params import validate_bounded_date

from . import hours


class FunctionFamily(models.Model):
    """A family of the workshop's taxonomy (social link, infrastructure, ...)."""

    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    color = models.CharField(_("couleur"), max_length=7, default="#335c67")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "slug"]
        verbose_name = _("famille de fonctions")
        verbose_name_plural = _("familles de fonctions")

    def __str__(self) -> str:
        return str(self.name)


class Function(models.Model):
    """A function a place offers, with its pictogram (a Lucide icon name)."""

    slug = models.SlugField(_("identifiant"), unique=True)
    family = models.ForeignKey(
        FunctionFamily,
        on_delete=models.PROTECT,
        related_name="functions",
        verbose_name=_("famille"),
    )
    name = models.CharField(_("nom"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    icon = models.CharField(_("pictogramme"), max_length=50)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["family__position", "position", "slug"]
        verbose_name = _("fonction")
        verbose_name_plural = _("fonctions")

    def __str__(self) -> str:
        return str(self.name)


class CharterItem(models.Model):
    """An item of the network charter: the common base or a specialisation."""

    class Kind(models.TextChoices):
        COMMON = "common", _("Socle commun")
        SPECIALISATION = "specialisation", _("Spécialisation")

    slug = models.SlugField(_("identifiant"), unique=True)
    kind = models.CharField(_("nature"), max_length=20, choices=Kind.choices)
    category = models.CharField(_("catégorie"), max_length=60, blank=True)
    name = models.CharField(_("nom"), max_length=120)
    icon = models.CharField(_("pictogramme"), max_length=50, default="check")
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["kind", "position", "slug"]
        verbose_name = _("élément de la charte")
        verbose_name_plural = _("éléments de la charte")

    def __str__(self) -> str:
        return str(self.name)


class Network(models.Model):
    """A network places belong to (Solozère, France Services, ...)."""

    slug = models.SlugField(_("identifiant"), unique=True)
    name = models.CharField(_("nom"), max_length=120)
    url = models.URLField(_("site web"), blank=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("réseau")
        verbose_name_plural = _("réseaux")

    def __str__(self) -> str:
        return self.name


class PlaceType(models.TextChoices):
    FRANCE_SERVICES = "france-services", _("France Services")
    TELECENTRE = "telecentre", _("Télécentre")
    TIERS_LIEU = "tiers-lieu", _("Tiers-lieu")
    COWORKING = "coworking", _("Coworking")
    FABLAB = "fablab", _("Fablab, hackerspace")
    CAFE = "cafe", _("Café, bar")
    FARM = "farm", _("Ferme")
    RADIO = "radio", _("Radio")
    SPORTS_CLUB = "sports-club", _("Club de sport")
    CULTURAL_VENUE = "cultural-venue", _("Lieu culturel")
    HOTEL = "hotel", _("Hôtel, gîte")
    SCHOOL = "school", _("École, établissement scolaire")
    TOWN_HALL = "town-hall", _("Mairie")
    YOUTH_SERVICE = "youth-service", _("Service jeunesse (mission locale, PAEJ, CIO)")
    PUBLIC_SERVICE = "public-service", _("Autre service public")
    ASSOCIATION = "association", _("Association")
    CO_HOME = "co-home", _("Maison ouverte aux travailleurs (co-home)")
    MOBILE_UNIT = "mobile-unit", _("Unité mobile")
    VIRTUAL = "virtual", _("Lieu virtuel")


class Wheelchair(models.TextChoices):
    """OpenStreetMap's ``wheelchair`` values."""

    YES = "yes", _("Accessible")
    LIMITED = "limited", _("Accessibilité partielle")
    NO = "no", _("Non accessible")
    UNKNOWN = "", _("Non renseigné")


class Fee(models.TextChoices):
    FREE = "free", _("Gratuit")
    PAID = "paid", _("Payant")
    MIXED = "mixed", _("En partie gratuit")
    UNKNOWN = "", _("Non renseigné")


class Audience(models.TextChoices):
    ALL = "all", _("Tout public")
    NEWCOMERS = "newcomers", _("Nouveaux arrivants")
    INDEPENDENTS = "independents", _("Indépendants")
    TELEWORKERS = "teleworkers", _("Télétravailleurs")
    STUDENTS = "students", _("Étudiants")
    JOB_SEEKERS = "job-seekers", _("Demandeurs d'emploi")
    YOUNG = "young", _("Jeunes")
    SENIORS = "seniors", _("Seniors")
    FARMERS = "farmers", _("Agriculteurs")
    TOURISTS = "tourists", _("Visiteurs, touristes")
    BUSINESSES = "businesses", _("Entreprises")
    ASSOCIATIONS = "associations", _("Associations")


class PlaceQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Place.Status.PUBLISHED)

    def in_bbox(self, min_lat, max_lat, min_lon, max_lon):
        return self.filter(
            latitude__gte=min_lat,
            latitude__lte=max_lat,
            longitude__gte=min_lon,
            longitude__lte=max_lon,
        )

    def offering(self, function_slug: str):
        return self.filter(place_functions__function__slug=function_slug)

    def in_family(self, family_slug: str):
        return self.filter(place_functions__function__family__slug=family_slug).distinct()

    def hosted_by(self, user):
        return self.filter(hosts=user)

    def not_checked_since(self, when):
        return self.filter(models.Q(last_checked_at__lt=when) | models.Q(last_checked_at=None))


class Place(models.Model):
    class Status(models.TextChoices):
        PUBLISHED = "published", _("Publié")
        ARCHIVED = "archived", _("Archivé")

    name = models.CharField(_("nom"), max_length=200)
    slug = models.SlugField(_("identifiant dans l'adresse"), max_length=220, unique=True)
    type = models.CharField(_("type"), max_length=30, choices=PlaceType.choices, db_index=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.PUBLISHED, db_index=True
    )
    summary = models.CharField(_("en une phrase"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    people = models.TextField(_("les personnes qui le font vivre"), blank=True)
    communities = models.TextField(_("les communautés autour du lieu"), blank=True)
    operator = models.CharField(_("porteur du lieu"), max_length=200, blank=True)

    address = models.CharField(_("adresse"), max_length=300, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="places",
        verbose_name=_("commune"),
    )
    #: a municipal arrondissement of Paris, Lyon or Marseille, for display (the commune
    #: is the city: see maillage.territory.codes)
    arrondissement = models.CharField(
        _("arrondissement municipal"),
        max_length=80,
        blank=True,
        help_text=_(
            "Paris, Lyon, Marseille : l'arrondissement du lieu, par exemple « Paris 18e »."
        ),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True, db_index=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    position_approximate = models.BooleanField(
        _("position approximative"),
        default=False,
        help_text=_("Le lieu est placé au centre de sa commune, faute de position précise."),
    )
    is_mobile = models.BooleanField(_("unité mobile"), default=False)

    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=40, blank=True)
    website = models.URLField(_("site web"), blank=True)
    embed_origins = models.TextField(
        _("sites autorisés à intégrer les widgets"),
        blank=True,
        help_text=_(
            "Un site par ligne (par ex. https://www.mon-tiers-lieu.fr). Aucun : les widgets "
            "ne peuvent être intégrés nulle part."
        ),
    )

    opening_hours = models.CharField(
        _("horaires (syntaxe OpenStreetMap)"),
        max_length=500,
        blank=True,
        help_text=_("Par exemple : Mo-Fr 09:00-12:00,14:00-17:00; PH off"),
    )
    hours_note = models.CharField(_("précisions sur les horaires"), max_length=300, blank=True)
    appointment_only = models.BooleanField(_("sur rendez-vous"), default=False)
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
    fee = models.CharField(
        _("gratuité"), max_length=10, choices=Fee.choices, blank=True, default=""
    )
    fee_note = models.CharField(
        _("ce qui est gratuit, ce qui est payant"), max_length=300, blank=True
    )

    networks = models.ManyToManyField(
        Network, blank=True, related_name="places", verbose_name=_("réseaux")
    )
    charter_items = models.ManyToManyField(
        CharterItem, blank=True, related_name="places", verbose_name=_("charte")
    )
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="hosted_places", verbose_name=_("hôtes")
    )

    # Where the record comes from, so that a re-import updates instead of duplicating.
    source = models.CharField(_("source"), max_length=40, blank=True, default="")
    source_id = models.CharField(
        _("identifiant à la source"), max_length=60, blank=True, default=""
    )
    official_kind = models.CharField(
        _("type France Services"), max_length=30, blank=True
    )  # Principal / Antenne
    official_format = models.CharField(_("format France Services"), max_length=30, blank=True)
    is_example = models.BooleanField(
        _("exemple"), default=False, help_text=_("Données inventées pour la démonstration.")
    )

    last_checked_at = models.DateTimeField(_("vérifié le"), null=True, blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = PlaceQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~models.Q(source=""),
                name="place_unique_source_record",
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__isnull=True)
                | (models.Q(latitude__gte=-90) & models.Q(latitude__lte=90)),
                name="place_latitude_range",
            ),
            models.CheckConstraint(
                condition=models.Q(longitude__isnull=True)
                | (models.Q(longitude__gte=-180) & models.Q(longitude__lte=180)),
                name="place_longitude_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("web:place", kwargs={"slug": self.slug})

    def embed_origin_list(self) -> list[str]:
        """The origins allowed to frame this place's widgets (normalised; bad lines left out)."""
        from maillage.core.embedding import OriginError, normalise_origin

        out = []
        for line in self.embed_origins.split():
            try:
                out.append(normalise_origin(line))
            except OriginError:
                continue
        return list(dict.fromkeys(out))

    def set_position(self, lat: float | None, lon: float | None) -> None:
        """Stand at (lat, lon), or, without them, at the commune's centroid flagged
        approximate (THE centroid fallback, :func:`maillage.core.geo.point_or_centroid`).
        The caller saves."""
        commune = self.commune if self.commune_id else None
        centroid = (commune.centroid_lat, commune.centroid_lon) if commune else (None, None)
        self.latitude, self.longitude, approximate = point_or_centroid(lat, lon, *centroid)
        self.position_approximate = approximate and self.latitude is not None

    def closure_ranges(self) -> list[hours.DateRange]:
        return [hours.DateRange(c.start_date, c.end_date) for c in self.closures.all()]

    def is_open_at(self, moment) -> bool:
        """Open at ``moment`` by its hours, unless a dated closure covers that day."""
        return hours.is_open_at(self.opening_hours, moment, self.closure_ranges())

    def is_open_during(self, start, end) -> bool:
        return hours.is_open_during(self.opening_hours, start, end, self.closure_ranges())

    def current_notices(self, today=None):
        today = today or timezone.localdate()
        return self.notices.filter(starts_on__lte=today, ends_on__gte=today)

    def upcoming_closures(self, today=None):
        today = today or timezone.localdate()
        return self.closures.filter(end_date__gte=today)

    def mark_checked(self, when=None) -> None:
        self.last_checked_at = when or clock.now()
        self.save(update_fields=["last_checked_at"])


class PlaceFunction(models.Model):
    """A function offered at a place, with its own hours, audiences and
    conditions when they differ from the place's (as data·inclusion models a
    service within a structure: the digital help desk on Tuesday afternoons)."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="place_functions", verbose_name=_("lieu")
    )
    function = models.ForeignKey(
        Function,
        on_delete=models.PROTECT,
        related_name="place_functions",
        verbose_name=_("fonction"),
    )
    opening_hours = models.CharField(
        _("horaires propres (syntaxe OpenStreetMap)"),
        max_length=500,
        blank=True,
        help_text=_("Vide : les horaires du lieu."),
    )
    audiences = models.JSONField(_("publics"), default=list, blank=True)
    conditions = models.CharField(_("conditions"), max_length=300, blank=True)
    fee = models.CharField(
        _("gratuité"), max_length=10, choices=Fee.choices, blank=True, default=""
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["function__family__position", "function__position"]
        verbose_name = _("fonction du lieu")
        verbose_name_plural = _("fonctions du lieu")
        constraints = [
            models.UniqueConstraint(fields=["place", "function"], name="place_function_once")
        ]

    def __str__(self) -> str:
        return f"{self.place} · {self.function}"

    @property
    def effective_hours(self) -> str:
        return self.opening_hours or self.place.opening_hours

    def is_available_at(self, moment) -> bool:
        """Within its own hours if it has some, else the place's; closures apply."""
        return hours.is_open_at(self.effective_hours, moment, self.place.closure_ranges())


class Closure(models.Model):
    """A dated temporary closure, announced ahead ("fermé du 12 au 26 août")."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="closures", verbose_name=_("lieu")
    )
    start_date = models.DateField(_("du"), validators=[validate_bounded_date])
    end_date = models.DateField(_("au (inclus)"), validators=[validate_bounded_date])
    reason = models.CharField(_("motif"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["start_date"]
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="closure_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.place}: {self.start_date} → {self.end_date}"


class Notice(models.Model):
    """A short notice shown on the place's page between two dates, then gone by itself."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="notices", verbose_name=_("lieu")
    )
    message = models.CharField(_("message"), max_length=300)
    starts_on = models.DateField(_("à partir du"), validators=[validate_bounded_date])
    ends_on = models.DateField(_("jusqu'au (inclus)"), validators=[validate_bounded_date])

    history = HistoricalRecords()

    class Meta:
        ordering = ["starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="notice_dates_ordered"
            )
        ]
        verbose_name = _("annonce")
        verbose_name_plural = _("annonces")

    def __str__(self) -> str:
        return self.message


class MobileStop(models.Model):
    """Where and when a mobile unit stops. ``opening_hours`` says the days and
    hours in OSM syntax (``Tu 09:00-12:00``, ``week 1-53/2 Th 14:00-17:00``)."""

    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="stops", verbose_name=_("lieu")
    )
    commune = models.ForeignKey(
        "territory.Commune",
        on_delete=models.PROTECT,
        related_name="mobile_stops",
        verbose_name=_("commune"),
    )
    spot = models.CharField(_("emplacement"), max_length=200, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    opening_hours = models.CharField(_("jours et horaires (syntaxe OpenStreetMap)"), max_length=300)
    note = models.CharField(_("précisions"), max_length=300, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["commune__name", "spot"]
        verbose_name = _("arrêt")
        verbose_name_plural = _("arrêts")

    def __str__(self) -> str:
        return f"{self.place} @ {self.commune.name} {self.spot}".strip()


class PlacePhoto(models.Model):
    place = models.ForeignKey(
        Place, on_delete=models.CASCADE, related_name="photos", verbose_name=_("lieu")
    )
    image = models.ImageField(_("image"), upload_to="places/%Y/")
    alt = models.CharField(_("description de l'image"), max_length=200)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")

    def __str__(self) -> str:
        return self.alt or f"{self.place} #{self.position}"


class NetworkVersion(models.Model):
    """One row: the version of the published network, bumped by database triggers in
    the writer's own transaction (see :mod:`maillage.places.network`)."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("version du réseau")

    def __str__(self) -> str:
        return str(self.version)


class NetworkChange(models.Model):
    """Which place a version changed (NULL: everything, a commune or the taxonomy),
    written by the same triggers, read by the read model to update incrementally."""

    version = models.BigIntegerField(db_index=True)
    place_id = models.BigIntegerField(null=True)

    class Meta:
        verbose_name = _("changement du réseau")

    def __str__(self) -> str:
        return f"{self.version}: {self.place_id}"
