"""maillage booking-release: free the slots of bookings not checked in in time (run every few minutes)."""

from django.core.management.base import BaseCommand

from maillage.booking.services import release_unchecked


class Command(BaseCommand):
    help = "Libère les réservations dont la présence n'a pas été confirmée à temps (à lancer toutes les 5 minutes)."
    requires_system_checks = []

    def handle(self, *args, **options):
        released = release_unchecked()
        self.stdout.write(f"{len(released)} réservation(s) libérée(s).")
