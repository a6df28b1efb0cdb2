"""``maillage load-demo-events``: example events at the demo places (after ``load-demo``;
safe to run again)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.events.demo import load_demo_events


class Command(BaseCommand):
    help = "Ajoute des événements d'exemple aux lieux de la démonstration (idempotent)."
    requires_system_checks = []

    def handle(self, *args, **options):
        events = load_demo_events()
        dates = sum(e.occurrences.count() for e in events)
        self.stdout.write(f"{len(events)} événement(s) d'exemple, {dates} date(s).")
