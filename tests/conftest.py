"""Fixtures: a fresh database per test, and a small open pulse (builders are
in ``tests/fixtures.py``; tests import them from there)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from storage.db import Store, open_store
from tests.fixtures import OpenPulse, make_open_pulse


@pytest.fixture(autouse=True)
def fresh_code_guard() -> Iterator[None]:
    """Every test starts with no code misses counted against "local" (AppTest
    sessions all share that address in one process)."""
    from ui import join_guard

    join_guard.reset()
    yield
    join_guard.reset()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = open_store(tmp_path / "pulse.db")
    yield s
    s.close()


@pytest.fixture
def open_pulse(store: Store) -> OpenPulse:
    return make_open_pulse(store)
