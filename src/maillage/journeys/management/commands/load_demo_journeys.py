from django.core.management.base import BaseCommand

from maillage.journeys.demo import load_demo_journeys


class Command(BaseCommand):
    help = "Ajoute les lieux d'exemple des parcours (après maillage load-demo). Idempotent."
    requires_system_checks: list = []

    def handle(self, *args, **options):
        report = load_demo_journeys()
        self.stdout.write(
            "Lieux d'exemple des parcours : "
            f"{len(report['created'])} créés, {len(report['updated'])} mis à jour, "
            f"{len(report['unchanged'])} inchangés."
        )
