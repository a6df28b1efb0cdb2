"""Run the background worker: e-mails from the outbox and the queue's other tasks."""

from __future__ import annotations

import logging

from django.core.management.base import BaseCommand

from maillage.core.worker import Loop


class Command(BaseCommand):
    help = (
        "Run the background worker: send the queued e-mails (with retries) and the "
        "queue's other tasks. Run one or more beside the web server."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="seconds between looks when idle"
        )
        parser.add_argument(
            "--sweep-every",
            type=float,
            default=60.0,
            help="seconds between outbox upkeep runs (stranded rows, forgetting bodies)",
        )
        parser.add_argument("--once", action="store_true", help="run what is due, then exit")

    def handle(self, *args, interval, sweep_every, once, **options):
        logging.getLogger("maillage.core").setLevel(
            logging.INFO if options["verbosity"] >= 1 else logging.WARNING
        )
        if not once:
            self.stdout.write(self.style.SUCCESS("Maillage worker: Ctrl+C pour arrêter."))
            self.stdout.flush()
        Loop(interval=interval, sweep_every=sweep_every).run(once=once)
