"""Test set-up shared by every test.

- Open data is read from MAILLAGE_OPEN_DATA, else ../shared/data beside the
  checkout (the real published files); the downloader has its own tests
  against a local HTTP server.
- Tests marked ``postgres`` are deselected unless the database is PostgreSQL
  (deselected, not skipped: the SQLite pass does not pretend to run them).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = [
    "conftest_smtp",  # the `mailbox` fixture: a real SMTP server (aiosmtpd)
    "schemathesis_checks",  # the `check_api_operations` fixture: schemathesis on our API
]
REPO = Path(__file__).resolve().parent.parent
_shared = REPO.parent / "shared" / "data"
if not os.environ.get("MAILLAGE_OPEN_DATA") and _shared.is_dir():
    os.environ["MAILLAGE_OPEN_DATA"] = str(_shared)


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


@pytest.fixture(scope="session")
def open_data_dir() -> Path:
    folder = os.environ.get("MAILLAGE_OPEN_DATA")
    if not folder or not Path(folder).is_dir():
        raise RuntimeError(
            "Set MAILLAGE_OPEN_DATA to a folder laid out like shared/data "
            "(france-services-*.csv, communes-geojson/, communes-population-cog.json)."
        )
    return Path(folder)
