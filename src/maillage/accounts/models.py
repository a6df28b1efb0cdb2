"""People and their roles.

Roles, from least to most: a visitor is anonymous; a member has an account; a
host edits the places they host (``Place.hosts``); a coordinator edits every
place and moderates; an admin also manages accounts. Hosting is a relation to
places, not a role, so a member becomes host of a place when a claim is
approved.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

# Apps whose every permission a coordinator holds in the Django admin: they keep
# the shared directory true. Accounts are only viewed; admins manage them.
# Coordinators run the network: its directory, moderation, bookings and agenda.
# Mutual-help profiles (journeys) stay out: personal data seen only by their owners.
# "core" is the outbox of e-mails: coordinators see failures and send them again.
COORDINATED_APPS = frozenset(
    {"territory", "places", "participation", "booking", "events", "core", "agora"}
)
COORDINATOR_EXTRA_PERMS = frozenset({"accounts.view_user"})


class Role(models.TextChoices):
    MEMBER = "member", _("Membre")
    COORDINATOR = "coordinator", _("Coordination du réseau")
    ADMIN = "admin", _("Administration")


class User(AbstractUser):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)
    email_confirmed_at = models.DateTimeField(_("adresse confirmée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and (self.role in {Role.COORDINATOR, Role.ADMIN} or self.is_superuser)

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    @property
    def can_moderate(self) -> bool:
        """Coordinators moderate proposals, flags and claims."""
        return self.is_coordinator

    @property
    def awaits_email_confirmation(self) -> bool:
        """Signed up but has not followed the confirmation link yet."""
        return not self.is_active and self.email_confirmed_at is None

    def can_edit_place(self, place) -> bool:
        """Coordinators edit every place; a host edits only the places they host."""
        if not self.is_authenticated or not self.is_active:
            return False
        return self.is_coordinator or place.hosts.filter(pk=self.pk).exists()

    def hosts_place(self, place) -> bool:
        return self.is_authenticated and place.hosts.filter(pk=self.pk).exists()

    def has_perm(self, perm, obj=None) -> bool:
        """Admins hold every permission; coordinators those of the directory's apps."""
        if self.is_admin:
            return True
        if self.is_coordinator and (
            perm.partition(".")[0] in COORDINATED_APPS or perm in COORDINATOR_EXTRA_PERMS
        ):
            return True
        return super().has_perm(perm, obj)

    def has_module_perms(self, app_label) -> bool:
        if self.is_admin:
            return True
        if self.is_coordinator and (
            app_label in COORDINATED_APPS
            or any(p.startswith(f"{app_label}.") for p in COORDINATOR_EXTRA_PERMS)
        ):
            return True
        return super().has_module_perms(app_label)

    def save(self, *args, **kwargs):
        # Coordinators and admins use the Django admin.
        if self.role in {Role.COORDINATOR, Role.ADMIN}:
            self.is_staff = True
        super().save(*args, **kwargs)
