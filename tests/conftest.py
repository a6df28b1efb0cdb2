"""Test set-up shared by every test.

- Open data is read from MAILLAGE_OPEN_DATA, else ../shared/data beside the
  checkout (the real published files); the downloader has its own tests
  against a local HTTP server.
- Tests marked ``postgres`` are deselected unless the database is PostgreSQL
  (deselected, not skipped: the SQLite pass does not pretend to run them).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest
import time_machine

from maillage.core.clock import PARIS

pytest_plugins = [
    "conftest_smtp",  # the `mailbox` fixture: a real SMTP server (aiosmtpd)
    "schemathesis_checks",  # the `check_api_operations` fixture: schemathesis on our API
    "conftest_feeds",  # `serve_feeds` (an HTTP server on loopback) and `connections`
]
REPO = Path(__file__).resolve().parent.parent
_shared = REPO.parent / "shared" / "data"
# Where the reference data is fetched from the official sources when no local
# copy exists (a fresh machine): once, then re-used by every later run.
FETCHED_OPEN_DATA = REPO / "var" / "open-data-reference"
if not os.environ.get("MAILLAGE_OPEN_DATA"):
    os.environ["MAILLAGE_OPEN_DATA"] = str(_shared if _shared.is_dir() else FETCHED_OPEN_DATA)


# The moment every test lives in. Time is an input: the whole run travels here
# (time-machine moves Python's clock, so django.utils.timezone and
# maillage.core.clock follow) and each test starts again from it, ticking, so
# test data written relative to it means the same whatever the real date is.
# A Wednesday before Advent: weekdays, weekends, the winter season and the
# coming public holidays (25 December) are all within a few weeks.
FROZEN_NOW = dt.datetime(2026, 11, 25, 9, 0, tzinfo=PARIS)
_session_travel = time_machine.travel(FROZEN_NOW, tick=True)


def pytest_configure(config):
    # Session fixtures (the live server, data loaded once) see the frozen moment too.
    _session_travel.start()


def pytest_unconfigure(config):
    _session_travel.stop()


@pytest.fixture(autouse=True)
def frozen_clock():
    """Each test starts at FROZEN_NOW; ``frozen_clock.shift()`` / ``.move_to()`` move it."""
    with time_machine.travel(FROZEN_NOW, tick=True) as traveller:
        yield traveller


def pytest_runtest_setup(item):
    """``@pytest.mark.tools("pdftoppm", ...)``: a test that needs programs of the system.

    On a developer's machine a missing program skips the test with its name; in CI
    (``CI`` set, as .ci/run has it) it fails: a green CI must have run everything.
    """
    for marker in item.iter_markers("tools"):
        missing = [name for name in marker.args if not shutil.which(name)]
        if missing:
            message = f"missing programs: {', '.join(missing)} (.ci/run installs them)"
            if os.environ.get("CI"):
                pytest.fail(message, pytrace=False)
            pytest.skip(message)


def _database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def pytest_collection_modifyitems(config, items):
    if _database_is_postgres():
        return
    kept, deselected = [], []
    for item in items:
        (deselected if item.get_closest_marker("postgres") else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


@pytest.fixture(scope="session", autouse=True)
def open_data_dir() -> Path:
    """The real open data: MAILLAGE_OPEN_DATA, ../shared/data, or fetched once from the official sources."""
    folder = Path(os.environ["MAILLAGE_OPEN_DATA"])
    if folder == FETCHED_OPEN_DATA:
        from maillage.opendata.reference import fetch_reference_data

        fetch_reference_data(folder, say=print)
    if not folder.is_dir():
        raise RuntimeError(
            f"MAILLAGE_OPEN_DATA={folder} is not a folder laid out like shared/data "
            "(france-services-*.csv, communes-geojson/, communes-population-cog.json)."
        )
    return folder
