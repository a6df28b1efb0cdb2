"""``maillage send-newsletter --frequency weekly|monthly``: this period's digest to
every confirmed subscriber who has not received it (safe to run again)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from maillage.events.models import Subscriber
from maillage.events.newsletter import send_newsletter
from maillage.events.recurrence import PARIS


class Command(BaseCommand):
    help = "Envoie la lettre de l'agenda (hebdomadaire ou mensuelle) ; sans doublon."
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--frequency", choices=Subscriber.Frequency.values, default="weekly")
        parser.add_argument(
            "--now",
            type=dt.datetime.fromisoformat,
            default=None,
            help="Le moment de l'envoi (ISO 8601, heure de Paris) ; défaut : maintenant.",
        )

    def handle(self, *args, frequency: str, now, **options):
        if now is not None and now.tzinfo is None:
            now = now.replace(tzinfo=PARIS)
        sent, skipped = send_newsletter(frequency, now=now)
        self.stdout.write(
            f"{sent} lettre(s) mise(s) en file d'envoi, {skipped} sans événement correspondant."
        )
