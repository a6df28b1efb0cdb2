"""Fixtures of the mesh tests: the real open data, read once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from maillage.mesh import DemandPoints, Facilities
from maillage.mesh.opendata import load_communes, load_france_services


@pytest.fixture(scope="session")
def lozere(open_data_dir: Path) -> DemandPoints:
    return load_communes(open_data_dir, departements=["48"]).points


@pytest.fixture(scope="session")
def lozere_fs(open_data_dir: Path) -> Facilities:
    return load_france_services(
        open_data_dir / "france-services-2024-08-01.csv", departements=["48"]
    )


@pytest.fixture(scope="session")
def france(open_data_dir: Path) -> DemandPoints:
    return load_communes(open_data_dir).points


@pytest.fixture(scope="session")
def france_fs(open_data_dir: Path) -> Facilities:
    return load_france_services(open_data_dir / "france-services-2024-08-01.csv")
