"""maillage load-demo-booking: bookable resources for the demo places (after load-demo)."""

from django.core.management.base import BaseCommand

from maillage.booking.demo import RESOURCES, load_demo_booking


class Command(BaseCommand):
    help = "Ajoute des ressources réservables aux lieux de démonstration (après load-demo). Relançable."
    requires_system_checks = []

    def handle(self, *args, **options):
        made = load_demo_booking()
        self.stdout.write(f"{made} ressource(s) créée(s), {len(RESOURCES)} décrites.")
