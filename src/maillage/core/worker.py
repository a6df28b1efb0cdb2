"""The worker loop behind ``maillage worker``. Each turn: send the outbox's
due messages (:func:`maillage.core.mail.deliver_due`), then run the queue's
ready tasks (django-tasks-db claims each with ``SELECT … FOR UPDATE SKIP
LOCKED``); every minute :func:`maillage.core.mail.sweep`.

:func:`turn` is also what tests call (through the ``mailbox.deliver()``
helper) to do the worker's work without a separate process.
"""

from __future__ import annotations

import logging
import signal
import time

from django.db import OperationalError, close_old_connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import mail

logger = logging.getLogger(__name__)


def _worker(worker_id: str, backend: str) -> Worker:
    return Worker(
        queue_names=["*"],
        interval=0,
        batch=True,
        backend_name=backend,
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id,
        excluded_queue_names=[],
    )


def run_ready(
    worker_id: str | None = None, backend: str = "default", limit: int | None = None
) -> int:
    """Run the tasks that are due now, one after the other; returns how many ran."""
    worker = _worker(worker_id or get_random_string(32), backend)
    ran = 0
    while limit is None or ran < limit:
        tasks = DBTaskResult.objects.ready().filter(backend_name=backend)
        try:
            with exclusive_transaction(tasks.db):
                found = tasks.get_locked()
                if found is not None:
                    found.claim(worker.worker_id)
        except OperationalError as error:
            if is_locked_database_exception(error):
                continue
            raise
        if found is None:
            break
        worker.run_task(found)
        ran += 1
    return ran


def turn(worker_id: str | None = None, backend: str = "default", limit: int | None = None) -> int:
    """One turn of the worker: the due e-mails, then the ready tasks. Returns
    how many messages were handled (sent, retried or failed) plus tasks run."""
    handled = sum(mail.deliver_due().values()) if mail.has_due() else 0
    return handled + run_ready(worker_id, backend, limit=limit)


def prune_results(now=None) -> int:
    """Delete the queue's finished task results after a day (failed ones after
    ``MAILLAGE_MAIL_KEEP_DAYS``): the outbox, not the task table, is the record."""
    import datetime as dt

    from django.conf import settings

    from . import clock

    now = now or clock.now()
    keep = dt.timedelta(days=getattr(settings, "MAILLAGE_MAIL_KEEP_DAYS", 30))
    done = DBTaskResult.objects.successful().filter(finished_at__lt=now - dt.timedelta(days=1))
    failed = DBTaskResult.objects.failed().filter(finished_at__lt=now - keep)
    return done.delete()[0] + failed.delete()[0]


class Loop:
    def __init__(self, *, interval: float, sweep_every: float, backend: str = "default"):
        self.interval = interval
        self.sweep_every = sweep_every
        self.backend = backend
        self.running = True
        self.worker_id = get_random_string(32)

    def stop(self, signum, frame) -> None:
        logger.info("Stopping after the current task (%s)", signal.strsignal(signum))
        self.running = False

    def run(self, *, once: bool = False) -> None:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        last_sweep = 0.0
        try:
            while self.running:
                close_old_connections()
                if time.monotonic() - last_sweep >= self.sweep_every:
                    done = mail.sweep()
                    if done["forgotten"]:
                        logger.info("Outbox upkeep: %s", done)
                    prune_results()
                    last_sweep = time.monotonic()
                ran = turn(self.worker_id, self.backend, limit=100)
                if once and not ran:
                    break
                if not ran:
                    mail.close()  # idle: let the relay go
                    time.sleep(self.interval)
        finally:
            mail.close()
