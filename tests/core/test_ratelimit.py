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


def test_a_refused_attempt_is_not_counted_and_every_key_must_have_room():
    assert ratelimit.take("test", {"pair": 2, "address": 3}, now=T0)
    assert ratelimit.take("test", {"pair": 2, "address": 3}, now=T0)
    assert not ratelimit.take("test", {"pair": 2, "address": 3}, now=T0)  # pair full
    assert ratelimit.take("test", {"other-pair": 2, "address": 3}, now=T0)  # 3rd on address
    assert not ratelimit.take("test", {"third-pair": 2, "address": 3}, now=T0)
    assert not ratelimit.is_blocked("test", ["third-pair"], limit=1, now=T0)  # not counted


def test_refund_and_forget_give_attempts_back():
    for _ in range(3):
        ratelimit.hit("test", ["k", "j"], limit=3, now=T0)
    ratelimit.refund("test", ["k"], now=T0)
    assert ratelimit.hit("test", ["k"], limit=3, now=T0)
    ratelimit.forget("test", ["j"])
    assert not ratelimit.is_blocked("test", ["j"], limit=1, now=T0)


# ------------------------------------------------------------------ client address


def request(remote="127.0.0.1", forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = 0
    assert ratelimit.client_address(request("203.0.113.9", "198.51.100.1")) == "203.0.113.9"


def test_through_one_proxy_the_address_it_saw_is_the_client(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = 1
    assert ratelimit.client_address(request(forwarded="198.51.100.1")) == "198.51.100.1"
    # a client's own X-Forwarded-For is kept by nginx on the left: not believed
    spoofed = request(forwarded="10.9.9.9, 1.2.3.4, 198.51.100.1")
    assert ratelimit.client_address(spoofed) == "198.51.100.1"
    assert ratelimit.client_address(request(forwarded="[2001:db8::1]:443")) == "2001:db8::1"


def test_through_two_proxies_and_malformed_headers(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = 2
    chain = request(forwarded="10.9.9.9, 198.51.100.1, 10.0.0.2")
    assert ratelimit.client_address(chain) == "198.51.100.1"
    assert ratelimit.client_address(request(forwarded="198.51.100.1")) == "127.0.0.1"  # short
    assert ratelimit.client_address(request(forwarded="<script>, 10.0.0.2")) == "127.0.0.1"
    assert ratelimit.client_address(request()) == "127.0.0.1"
