"""``maillage sync-calendars``: refresh every agenda a place imports from an iCalendar URL
(run from cron, e.g. every hour: ``17 * * * * maillage sync-calendars --older-than 50``)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from maillage.events.calendar_sync import refresh_all


class Command(BaseCommand):
    help = "Actualise les agendas importés (adresses iCalendar) des lieux."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--older-than",
            type=int,
            default=None,
            metavar="MINUTES",
            help="Seulement les agendas non actualisés depuis ce nombre de minutes.",
        )

    def handle(self, *args, older_than=None, **options):
        if older_than is not None and not 0 <= older_than <= 60 * 24 * 365:
            raise CommandError("--older-than : un nombre de minutes entre 0 et 525600.")
        delay = dt.timedelta(minutes=older_than) if older_than is not None else None
        results = refresh_all(older_than=delay)
        failed = 0
        for subscription, report in results:
            failed += bool(report.error)
            self.stdout.write(f"{subscription.place.name} · {subscription}: {report.summary()}")
        self.stdout.write(f"{len(results)} agenda(s) actualisé(s), {failed} en erreur.")
