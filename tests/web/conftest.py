from __future__ import annotations

import pytest

from .demo import build_demo


@pytest.fixture(autouse=True)
def _static_root(settings, tmp_path_factory):
    """Whitenoise warns (an error here) when STATIC_ROOT does not exist: a fresh
    checkout has no collected files, and the tests need none."""
    settings.STATIC_ROOT = str(tmp_path_factory.mktemp("static"))


@pytest.fixture
def demo(db):
    return build_demo()
