"""Rate limits behind a reverse proxy, per account, without a race, without locking out the owner.

Issue 9 item 5: (a) every visitor behind nginx shared 127.0.0.1; (b) a
username and its e-mail address each had their own ten guesses; (c) 40
simultaneous wrong attempts got 11 checked; (d) anyone could lock a known
account for an hour.
"""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.signals import user_login_failed
from django.db import connection
from django.test import Client
from django.urls import reverse
from participation.fixtures import PASSWORD

from maillage.accounts.forms import LOGIN_ATTEMPTS_PER_ACCOUNT_AND_ADDRESS as LIMIT
from maillage.accounts.forms import LOGIN_ATTEMPTS_PER_ADDRESS

pytestmark = pytest.mark.django_db

PROXY = "127.0.0.1"  # nginx on the same machine
TOO_MANY = "Trop d&#x27;essais"


@pytest.fixture(autouse=True)
def behind_nginx(settings):
    settings.MAILLAGE_TRUSTED_PROXIES = 1


def login(client, username, password, address):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=address,
    )


def logged_in(response) -> bool:
    return response.status_code == 302


# (a) ------------------------------------------------------------------------


def test_a_guesser_behind_the_proxy_does_not_block_other_visitors(client, member):
    for i in range(LOGIN_ATTEMPTS_PER_ADDRESS + 5):
        login(client, f"someone{i}", "faux", "198.51.100.66")
    assert TOO_MANY in login(client, "someone-else", "faux", "198.51.100.66").content.decode()
    assert logged_in(login(Client(), "justine", PASSWORD, "203.0.113.7"))


def test_a_spoofed_forwarded_header_does_not_escape_the_limit(client, member):
    for i in range(LIMIT):
        login(client, "justine", "faux", f"10.0.0.{i}, 198.51.100.66")
    response = login(client, "justine", "faux", "10.0.0.99, 198.51.100.66")
    assert TOO_MANY in response.content.decode()


def test_sign_ups_are_limited_per_visitor_not_for_the_whole_site(client):
    from maillage.accounts.views import SIGNUPS_PER_HOUR_PER_IP

    def sign_up(i, address):
        data = {
            "display_name": f"P{i}",
            "email": f"p{i}@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        }
        return Client().post(
            reverse("accounts:signup"), data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=address
        )

    for i in range(SIGNUPS_PER_HOUR_PER_IP):
        assert sign_up(i, "198.51.100.66").status_code == 302
    assert sign_up(99, "198.51.100.66").status_code == 200  # this visitor: limited
    assert sign_up(100, "203.0.113.7").status_code == 302  # another: not


# (b) ------------------------------------------------------------------------


def test_a_username_and_its_email_share_one_allowance(client, member):
    for _ in range(LIMIT // 2):
        login(client, "justine", "faux", "198.51.100.66")
        login(client, "Justine@Example.org", "faux", "198.51.100.66")
    response = login(client, "justine@example.org", PASSWORD, "198.51.100.66")
    assert TOO_MANY in response.content.decode()


# (c) ------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_forty_simultaneous_wrong_attempts_get_exactly_the_limit_checked(member):
    checked = []
    user_login_failed.connect(lambda **kw: checked.append(1), weak=False, dispatch_uid="count")
    barrier = threading.Barrier(40)
    pages: list = [None] * 40

    def attempt(i: int) -> None:
        client = Client()
        barrier.wait()
        try:
            pages[i] = login(client, "justine", f"faux{i}", "198.51.100.66").content.decode()
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(40)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        user_login_failed.disconnect(dispatch_uid="count")
    assert len(checked) == LIMIT
    assert sum(TOO_MANY in p for p in pages) == 40 - LIMIT


# (d) ------------------------------------------------------------------------


def test_a_guesser_cannot_lock_the_owner_out(client, member, frozen_clock):
    for _ in range(LIMIT * 3):
        login(client, "justine", "faux", "198.51.100.66")
    # the guesser's address is refused even with the right password...
    assert TOO_MANY in login(client, "justine", PASSWORD, "198.51.100.66").content.decode()
    # ...but the owner, from anywhere else, logs in at once
    assert logged_in(login(Client(), "justine", PASSWORD, "203.0.113.7"))
    # and from the same address once the hour has slid by
    frozen_clock.shift(2 * 3600)
    assert logged_in(login(Client(), "justine", PASSWORD, "198.51.100.66"))


def test_the_owners_success_wipes_the_failures_of_their_address(client, member):
    for _ in range(LIMIT - 1):
        login(client, "justine", "faux", "203.0.113.7")
    assert logged_in(login(Client(), "justine", PASSWORD, "203.0.113.7"))
    for _ in range(LIMIT - 1):  # a fresh allowance after the success
        assert "incorrect" in login(client, "justine", "faux", "203.0.113.7").content.decode()
