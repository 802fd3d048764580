"""Shared test builders, imported by tests (pytest fixtures stay in conftest.py):
a programme with an open pulse, a signed-in facilitator page, text as shown."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from streamlit.testing.v1 import AppTest

from storage import programmes
from storage.db import Store

APP = str(Path(__file__).resolve().parents[1] / "app.py")
PASSPHRASE = "correct horse battery staple"

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_shown(markdown: str) -> str:
    """What a person reads from a Markdown body whose typed parts were escaped
    with ``ui.plain.plain``: every backslash-escaped character, literally."""
    return _ESCAPED.sub(r"\1", markdown)


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


def row_counts(store: Store) -> dict[str, int]:
    """Rows in every table, to prove a rejected submission wrote nothing."""
    with store.read() as db:
        return {
            t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ROW_TABLES
        }


def sign_in(at: AppTest, passphrase: str = PASSPHRASE) -> AppTest:
    """Type the passphrase into the sign-in form on the page ``at`` shows."""
    labels = ("Facilitator passphrase", "Cyfrinymadrodd yr hwylusydd")  # en, cy
    box = next(t for t in at.text_input if t.label in labels)
    box.set_value(passphrase)
    next(b for b in at.button if b.label in ("Sign in", "Mewngofnodi")).click().run()
    return at


def signed_in_page(path: str, **params: object) -> AppTest:
    """A facilitator page as a signed-in facilitator sees it: the app run with
    ``params`` in its URL (``programme=``, ``pulse=``), switched to ``path``,
    signed in with ``PASSPHRASE`` (set ``PULSE_FACILITATOR_PASSWORD`` to it)."""
    at = AppTest.from_file(APP, default_timeout=60)
    for name, value in params.items():
        at.query_params[name] = str(value)
    at.run()
    at.switch_page(path).run()
    return sign_in(at)
