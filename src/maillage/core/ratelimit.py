"""A rate limiter kept in the database, so it holds across processes on SQLite and PostgreSQL.

Each action is counted per key (a client address, an e-mail, an account and
an address...) in fixed windows; the estimate over the last window is the
current count plus the previous window's count weighted by how much of it still
overlaps (a sliding window, without storing every hit). Keys are stored as
keyed hashes, never in clear: the counters hold no personal data.

No check-then-count race: :func:`take` locks the key's counter row (``SELECT
... FOR UPDATE`` on PostgreSQL; SQLite write transactions run one at a time),
reads it, and counts the attempt in the same transaction, so N simultaneous
attempts against a limit of L let exactly L through. A refused attempt is not
counted: a limit lifts by itself once the window has slid past.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F

from . import clock
from .client import client_address
from .models import RateLimitCounter

__all__ = ["HOUR", "client_address", "forget", "hit", "is_blocked", "refund", "take"]

HOUR = dt.timedelta(hours=1)
KEEP_COUNTERS_FOR = dt.timedelta(days=2)


def _digest(value: str) -> str:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, value.strip().lower().encode(), hashlib.sha256).hexdigest()


def _window_start(now: dt.datetime, window: dt.timedelta) -> dt.datetime:
    seconds = int(window.total_seconds())
    epoch = int(now.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


def _estimate(scope: str, digest: str, start: dt.datetime, now: dt.datetime, window) -> float:
    counts = dict(
        RateLimitCounter.objects.filter(
            scope=scope, key=digest, window_start__in=[start, start - window]
        ).values_list("window_start", "count")
    )
    overlap = 1 - (now - start) / window
    return counts.get(start, 0) + counts.get(start - window, 0) * overlap


def _locked_counter(scope: str, digest: str, start: dt.datetime) -> int:
    """The pk of this window's counter, created if needed and locked until the commit."""
    try:
        with transaction.atomic():
            counter, created = RateLimitCounter.objects.get_or_create(
                scope=scope, key=digest, window_start=start
            )
    except IntegrityError:  # created at the same moment by another request
        created = False
    if created:
        RateLimitCounter.objects.filter(window_start__lt=start - KEEP_COUNTERS_FOR).delete()
    return (
        RateLimitCounter.objects.select_for_update()
        .only("pk")
        .get(scope=scope, key=digest, window_start=start)
        .pk
    )


def take(
    scope: str,
    limits: Mapping[str | None, int],
    *,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> bool:
    """Count one ``scope`` attempt for every key of ``limits`` ({key: limit}) if none of
    them is at its limit; otherwise count nothing and return False. Empty keys are ignored."""
    now = now or clock.now()
    start = _window_start(now, window)
    wanted: dict[str, int] = {}
    for key, limit in limits.items():
        if key:
            digest = _digest(key)
            wanted[digest] = min(limit, wanted.get(digest, limit))
    with transaction.atomic():
        locked = {d: _locked_counter(scope, d, start) for d in sorted(wanted)}  # one order
        if any(_estimate(scope, d, start, now, window) + 1 > wanted[d] for d in locked):
            return False
        RateLimitCounter.objects.filter(pk__in=locked.values()).update(count=F("count") + 1)
    return True


def hit(
    scope: str,
    keys: Iterable[str | None],
    *,
    limit: int,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> bool:
    """:func:`take` with the same limit for every key (an address, an e-mail...)."""
    return take(scope, {k: limit for k in keys}, window=window, now=now)


def is_blocked(
    scope: str,
    keys: Iterable[str | None],
    *,
    limit: int,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> bool:
    """True when one of ``keys`` already did ``scope`` ``limit`` times in the last window
    (for display only: to limit, :func:`take`)."""
    now = now or clock.now()
    start = _window_start(now, window)
    return any(_estimate(scope, _digest(k), start, now, window) >= limit for k in set(keys) if k)


def refund(
    scope: str,
    keys: Iterable[str | None],
    *,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> None:
    """Give back one attempt taken in this window (it turned out legitimate)."""
    start = _window_start(now or clock.now(), window)
    digests = [_digest(k) for k in set(keys) if k]
    RateLimitCounter.objects.filter(
        scope=scope, key__in=digests, window_start=start, count__gt=0
    ).update(count=F("count") - 1)


def forget(scope: str, keys: Iterable[str | None]) -> None:
    """Drop every count of ``keys`` for ``scope`` (a success wipes its failures)."""
    digests = [_digest(k) for k in set(keys) if k]
    RateLimitCounter.objects.filter(scope=scope, key__in=digests).delete()
