"""The database counter behind the rate limits."""

from __future__ import annotations

import datetime as dt

import pytest

from maillage.core import ratelimit
from maillage.core.models import RateLimitCounter

T0 = dt.datetime(2026, 11, 25, 10, 0, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db


def test_limit_allows_up_to_the_limit_then_blocks():
    results = [ratelimit.hit("test", ["a@example.org"], limit=3, now=T0) for _ in range(4)]
    assert results == [True, True, True, False]
    assert ratelimit.is_blocked("test", ["a@example.org"], limit=3, now=T0)
    assert not ratelimit.is_blocked("test", ["b@example.org"], limit=3, now=T0)


def test_keys_are_counted_separately_and_ignored_when_empty():
    for _ in range(3):
        assert ratelimit.hit("test", ["10.0.0.1", "", None], limit=3, now=T0)
    assert ratelimit.hit("test", ["10.0.0.2"], limit=3, now=T0)
    assert not ratelimit.hit("test", ["10.0.0.2", "10.0.0.1"], limit=3, now=T0)


def test_the_window_slides_over_the_previous_hour():
    for _ in range(5):
        ratelimit.hit("test", ["k"], limit=5, now=T0 + dt.timedelta(minutes=50))
    # Ten minutes later, in the next window, the previous five still count (almost fully).
    assert not ratelimit.hit("test", ["k"], limit=5, now=T0 + dt.timedelta(minutes=61))
    # Two hours later, everything is forgotten.
    assert ratelimit.hit("test", ["k"], limit=5, now=T0 + dt.timedelta(hours=3))


def test_counters_hold_no_address_in_clear_and_old_ones_go():
    ratelimit.hit("test", ["justine@example.org"], limit=5, now=T0)
    assert "justine" not in RateLimitCounter.objects.get().key
    ratelimit.hit("test", ["other"], limit=5, now=T0 + dt.timedelta(days=3))
    assert RateLimitCounter.objects.count() == 1
