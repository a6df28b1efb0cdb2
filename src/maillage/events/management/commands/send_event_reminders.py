"""``maillage send-event-reminders``: remind the registered of tomorrow's dates (once each;
run daily)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from maillage.events.services import send_reminders


class Command(BaseCommand):
    help = "Rappelle aux inscrits les événements du lendemain (une fois chacun)."
    requires_system_checks = []

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} rappel(s) mis en file d'envoi.")
