"""``maillage sync-busy-calendars``: refresh the outside calendars bookable resources
follow (run from cron, e.g. every 15 minutes:
``*/15 * * * * maillage sync-busy-calendars --older-than 10``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from maillage.booking.busy import refresh_all


class Command(BaseCommand):
    help = "Actualise les calendriers d'occupation suivis par les ressources réservables."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="MINUTES",
            help="Seulement les calendriers non actualisés depuis ce nombre de minutes.",
        )

    def handle(self, *args, older_than=None, **options):
        if older_than is not None and not 0 <= older_than <= 60 * 24 * 365:
            raise CommandError("--older-than : un nombre de minutes entre 0 et 525600.")
        delay = dt.timedelta(minutes=older_than) if older_than is not None else None
        results = refresh_all(older_than=delay)
        failed = 0
        for calendar, report in results:
            failed += bool(report.error)
            self.stdout.write(f"{calendar.resource} · {calendar}: {report.summary()}")
        self.stdout.write(f"{len(results)} calendrier(s) actualisé(s), {failed} en erreur.")
