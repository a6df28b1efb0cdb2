"""Serve the platform with gunicorn (static files by whitenoise, in the same process).

Production settings unless DJANGO_SETTINGS_MODULE says otherwise (see
``maillage.cli``); refuses to serve with DEBUG on unless ``--debug`` is given.
No gunicorn control socket unless ``--control-socket PATH`` names one: gunicorn's
default is one path per user ($XDG_RUNTIME_DIR/gunicorn.ctl), which every
instance on a machine would share.

Links in e-mails go to ``MAILLAGE_SITE_URL``. When the environment does not set it,
serve sets it to the address it serves (``http://HOST:PORT``, loopback for a
wildcard host), so that a demo served on another port than 8000 sends links that
work (:func:`served_url`).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


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
        parser.add_argument(
            "--threads",
            type=int,
            default=None,
            help=f"threads per worker (default: 1 behind a proxy, MAILLAGE_TRUSTED_PROXIES > 0; "
            f"else {DEFAULT_THREADS})",
        )
        parser.add_argument("--no-collectstatic", action="store_true")
        parser.add_argument(
            "--control-socket",
            default="",
            metavar="PATH",
            help="gunicorn control socket of this instance (default: none)",
        )
        parser.add_argument(
            "--debug",
            action="store_true",
            help="serve even with DEBUG on (development only: visitors would see tracebacks)",
        )

    def handle(
        self,
        *args,
        host,
        port,
        workers,
        threads,
        no_collectstatic,
        control_socket,
        debug,
        **options,
    ):
        from gunicorn.app.base import BaseApplication

        if threads is None:
            threads = default_threads()
        if settings.DEBUG and not debug:
            raise CommandError(
                "DEBUG is on: visitors would see tracebacks. Serve with production settings "
                "(the default), set DJANGO_DEBUG=0, or pass --debug on a development machine."
            )

        if not no_collectstatic and not getattr(settings, "WHITENOISE_USE_FINDERS", False):
            call_command("collectstatic", interactive=False, verbosity=0)
        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()  # the settings already loaded

        class Server(BaseApplication):
            def load_config(self):
                self.cfg.set("bind", f"{host}:{port}")
                self.cfg.set("workers", workers)
                self.cfg.set("threads", threads)
                if threads > 1:
                    self.cfg.set("worker_class", "gthread")
                self.cfg.set("accesslog", None)
                self.cfg.set("graceful_timeout", 5)
                if control_socket:
                    self.cfg.set("control_socket", control_socket)
                else:
                    self.cfg.set("control_socket_disable", True)
                self.cfg.set("post_worker_init", _warm)

            def load(self):
                return application

        if not os.environ.get("MAILLAGE_SITE_URL"):
            # Not configured: e-mails link to the address served (workers inherit it).
            os.environ["MAILLAGE_SITE_URL"] = settings.MAILLAGE_SITE_URL = served_url(host, port)
        self.stdout.write(f"Maillage : http://{host}:{port}/  (Ctrl+C pour arrêter)")
        self.stdout.write(f"Liens des courriels : {settings.MAILLAGE_SITE_URL}/")
        Server().run()


#: Threads per worker when browsers reach gunicorn directly (the demo, a small
#: install). With one thread (gunicorn's "sync" worker) a connection that sends
#: nothing holds its worker until gunicorn kills it (30 s): browsers open such
#: connections ahead of need, so a phone on a slow link could stall a small server.
#: Two or more make gunicorn use its "gthread" worker, which leaves such connections
#: to its poller. Behind nginx (docs/deploy.md), which buffers every request before
#: passing it on, the sync worker is the faster one (bench/search.py --threads 1:
#: search p95 5.4 ms against 12.8 ms with 4 threads on 2 cores): one thread there.
DEFAULT_THREADS = 4


def default_threads() -> int:
    return 1 if settings.MAILLAGE_TRUSTED_PROXIES > 0 else DEFAULT_THREADS


WILDCARD_HOSTS = {"", "0.0.0.0", "::", "[::]"}  # noqa: S104 (recognised, not bound)


def served_url(host: str, port: int) -> str:
    """The address a browser on this machine reaches the server at: ``http://HOST:PORT``
    (``127.0.0.1`` for a wildcard host, brackets around an IPv6 address)."""
    if host in WILDCARD_HOSTS:
        host = "127.0.0.1"
    elif ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"http://{host}:{port}"


def _warm(worker) -> None:
    """Each worker builds the read model of the network before its first request.

    A database not migrated yet (or unreachable) must not stop the worker: the
    pages say what is wrong, and the model is built at the first request that can."""
    from django.db import DatabaseError, connections

    from maillage.places import network

    try:
        network.current()
    except DatabaseError as error:
        worker.log.warning("read model not built before the first request: %s", error)
    finally:
        connections.close_all()
