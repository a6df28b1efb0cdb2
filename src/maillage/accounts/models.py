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


class Role(models.TextChoices):
    MEMBER = "member", _("Membre")
    COORDINATOR = "coordinator", _("Coordination du réseau")
    ADMIN = "admin", _("Administration")


class User(AbstractUser):
    email = models.EmailField(_("adresse e-mail"), unique=True)
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    display_name = models.CharField(_("nom affiché"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and (
            self.role in {Role.COORDINATOR, Role.ADMIN} or self.is_superuser
        )

    @property
    def is_admin(self) -> bool:
        return self.is_active and (self.role == Role.ADMIN or self.is_superuser)

    def can_edit_place(self, place) -> bool:
        """Coordinators edit every place; a host edits only the places they host."""
        if not self.is_authenticated or not self.is_active:
            return False
        return self.is_coordinator or place.hosts.filter(pk=self.pk).exists()

    def save(self, *args, **kwargs):
        # Coordinators and admins use the Django admin.
        if self.role in {Role.COORDINATOR, Role.ADMIN}:
            self.is_staff = True
        super().save(*args, **kwargs)
