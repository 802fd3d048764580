"""Shared fixtures: a fresh database per test, and a small open pulse."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from storage import programmes
from storage.db import Store, open_store

ROW_TABLES = (
    "programmes",
    "groups",
    "sessions",
    "questions",
    "pulses",
    "pulse_questions",
    "responses",
    "answers",
    "scores",
    "comments",
    "submissions",
    "item_stats",
    "tickets",
    "comment_releases",
    "disclosures",
    "score_sums",
)


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


@dataclass(frozen=True)
class OpenPulse:
    store: Store
    programme_id: int
    pulse: programmes.PulseInfo
    questions: list[programmes.Question]
    groups: list[programmes.Group]

    def first_answers(self, value: int = 5) -> dict[int, int]:
        return {q.id: value for q in self.questions}

    def scoring_answers(self, score: int) -> dict[int, int]:
        """Answers that give every dimension exactly ``score`` (reversed items
        answered the other way)."""
        return {q.id: (8 - score if q.reverse else score) for q in self.questions}


def make_open_pulse(store: Store, *, moment: str = "before", k: int = 5) -> OpenPulse:
    programme_id = programmes.create_programme(
        store, "Test programme", ["Social work", "Education"], k=k
    )
    session_id = programmes.add_session(
        store, programme_id, "Joint day", date="2026-03-01"
    )
    pulse = programmes.create_pulse(store, session_id, moment)
    programmes.open_pulse(store, pulse.id)
    return OpenPulse(
        store,
        programme_id,
        programmes.pulse_by_id(store, pulse.id),
        programmes.pulse_questions(store, pulse.id),
        programmes.programme_groups(store, programme_id),
    )


@pytest.fixture
def open_pulse(store: Store) -> OpenPulse:
    return make_open_pulse(store)


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every table, to prove a rejected submission wrote nothing."""
    with store.read() as db:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ROW_TABLES
        }
