"""Serve the platform with gunicorn (static files by whitenoise, in the same process)."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with gunicorn on http://HOST:PORT/."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=(os.cpu_count() or 1) * 2 + 1,
            help="gunicorn worker processes (default: 2 × cores + 1)",
        )
        parser.add_argument("--threads", type=int, default=1)
        parser.add_argument("--no-collectstatic", action="store_true")

    def handle(self, *args, host, port, workers, threads, no_collectstatic, **options):
        from gunicorn.app.base import BaseApplication

        if not no_collectstatic and not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()  # the settings already loaded

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                self.cfg.set("accesslog", None)
                self.cfg.set("graceful_timeout", 5)
                self.cfg.set("post_worker_init", _warm)

            def load(self):
                return application

        self.stdout.write(f"Maillage : http://{host}:{port}/  (Ctrl+C pour arrêter)")
        Server().run()


def _warm(worker) -> None:
    """Each worker builds the read model of the network before its first request."""
    from django.db import connections

    from maillage.places import network

    network.current()
    connections.close_all()
