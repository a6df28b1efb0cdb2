"""``maillage load-demo-agora``: example ideas at the demo places (after ``load-demo`` and
``load-demo-events``; safe to run again)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.agora.demo import load_demo_agora


class Command(BaseCommand):
    help = "Ajoute des idées d'exemple à l'agora des lieux de la démonstration (idempotent)."
    requires_system_checks = []

    def handle(self, *args, **options):
        ideas = load_demo_agora()
        self.stdout.write(f"{len(ideas)} idée(s) d'exemple dans l'agora.")
