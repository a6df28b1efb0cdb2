"""A small rate limiter kept in the database, so it works on SQLite and PostgreSQL alike.

Each action is counted per key (an IP address, an e-mail address) in fixed
windows; the estimate over the last window is the current count plus the
previous window's count weighted by how much of it still overlaps (a sliding
window, without storing every hit). Keys are stored as keyed hashes, never in
clear: the counters hold no personal data.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import F

from maillage.core import clock

from .models import RateLimitCounter

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


def _keys(keys: Iterable[str | None]) -> list[str]:
    return sorted({_digest(k) for k in keys if k})


def is_blocked(
    scope: str,
    keys: Iterable[str | None],
    *,
    limit: int,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> bool:
    """True when one of ``keys`` already did ``scope`` ``limit`` times in the last window."""
    now = now or clock.now()
    start = _window_start(now, window)
    return any(_estimate(scope, d, start, now, window) >= limit for d in _keys(keys))


def hit(
    scope: str,
    keys: Iterable[str | None],
    *,
    limit: int,
    window: dt.timedelta = HOUR,
    now: dt.datetime | None = None,
) -> bool:
    """Count one ``scope`` action for each key; False when it goes over ``limit`` for one of them.

    Empty keys are ignored (an anonymous visitor gives no e-mail).
    """
    now = now or clock.now()
    start = _window_start(now, window)
    allowed = True
    with transaction.atomic():
        for digest in _keys(keys):
            counter, created = RateLimitCounter.objects.get_or_create(
                scope=scope, key=digest, window_start=start
            )
            if created:
                RateLimitCounter.objects.filter(window_start__lt=now - KEEP_COUNTERS_FOR).delete()
            RateLimitCounter.objects.filter(pk=counter.pk).update(count=F("count") + 1)
            if _estimate(scope, digest, start, now, window) > limit:
                allowed = False
    return allowed


def client_ip(request) -> str:
    """The client's address as the web server saw it (a reverse proxy sets REMOTE_ADDR)."""
    return request.META.get("REMOTE_ADDR", "") or ""
