"""``maillage remind-stale [--days N]``: e-mail the hosts of places whose page was not
checked for N days (MAILLAGE_STALE_AFTER_DAYS by default). Safe to run daily."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from maillage.participation.services import remind_stale


class Command(BaseCommand):
    help = "Rappelle aux hôtes de vérifier la page de leurs lieux non vérifiés depuis longtemps."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.MAILLAGE_STALE_AFTER_DAYS,
            help="Jours sans vérification après lesquels on rappelle (défaut : %(default)s).",
        )

    def handle(self, *args, days: int, **options):
        reminders = remind_stale(days=days)
        hosts = (
            get_user_model()
            .objects.filter(hosted_places__in=[r.place_id for r in reminders], is_active=True)
            .distinct()
            .count()
        )
        self.stdout.write(f"{len(reminders)} lieu(x) rappelé(s) à {hosts} hôte(s).")
