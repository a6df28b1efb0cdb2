"""One support per person, even when the same person clicks 20 times at once.

Runs on PostgreSQL (real concurrent transactions, each thread its own
connection): the unique constraint on (idea, person) keeps one row.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from maillage.agora import services
from maillage.agora.models import Follow, Support

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

CLICKS = 20


def test_twenty_concurrent_supports_make_one(idea, members):
    marie = members[0]
    barrier = threading.Barrier(CLICKS)
    results, errors = [], []

    def click():
        try:
            barrier.wait()
            results.append(services.support(idea, marie))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(CLICKS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors
    assert sorted(results) == [False] * (CLICKS - 1) + [True]
    assert Support.objects.filter(idea=idea, user=marie).count() == 1
    assert Follow.objects.filter(idea=idea, user=marie).count() == 1
