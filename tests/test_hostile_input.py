"""Hostile input battery: every refusal is clear and writes nothing; what is
accepted is stored as text and shown inert."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from storage import comments, responses
from storage.db import Store, open_store
from survey import answers
from tests.fixtures import (
    APP,
    PASSPHRASE,
    OpenPulse,
    make_open_pulse,
    row_counts,
    sign_in,
)

INJECTIONS = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "[click me](javascript:alert(1))",
    "**bold** _it_ # heading",
    "'; DROP TABLE responses; --",
    "Robert'); DELETE FROM answers WHERE ('1'='1",
]


def submit_comment(op: OpenPulse, text: object) -> None:
    responses.submit_response(
        op.store, op.pulse.id, op.scoring_answers(5), comment=text
    )


def test_one_megabyte_comment_is_refused(open_pulse: OpenPulse) -> None:
    before = row_counts(open_pulse.store)
    with pytest.raises(ValueError, match="at most 1000"):
        submit_comment(open_pulse, "é" * 1_000_000)
    assert row_counts(open_pulse.store) == before


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("abc\u202edcba", "abcdcba"),  # right-to-left override removed
        ("a\u2066b\u2069c", "abc"),  # bidi isolates removed
        ("nul\x00here", "nulhere"),
        ("bell\x07 and esc\x1b[31m", "bell and esc[31m"),
        ("lone \ud800 surrogate", "lone  surrogate"),
        ("zero\u200bwidth", "zero\u200bwidth"),  # harmless, kept as typed
        ("e\u0301 combining", "e\u0301 combining"),
        ("line one\nline two", "line one\nline two"),
    ],
)
def test_unicode_edge_cases_are_cleaned_not_guessed(
    open_pulse: OpenPulse, raw: str, kept: str
) -> None:
    submit_comment(open_pulse, raw)
    with open_pulse.store.read() as db:
        assert db.execute("SELECT text FROM comments").fetchone()[0] == kept


@pytest.mark.parametrize("text", INJECTIONS)
def test_injections_are_stored_verbatim_and_harm_nothing(
    open_pulse: OpenPulse, text: str
) -> None:
    submit_comment(open_pulse, text)
    counts = row_counts(open_pulse.store)
    assert counts["responses"] == 1 and counts["answers"] == 10
    with open_pulse.store.read() as db:
        assert db.execute("SELECT text FROM comments").fetchone()[0] == text


@pytest.mark.parametrize("text", [123, b"bytes", ["list"], {"a": 1}])
def test_non_text_comments_are_refused(open_pulse: OpenPulse, text: object) -> None:
    before = row_counts(open_pulse.store)
    with pytest.raises(ValueError, match="must be text"):
        submit_comment(open_pulse, text)
    assert row_counts(open_pulse.store) == before


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=1200))
def test_any_text_is_either_stored_clean_or_refused(text: str) -> None:
    # Never a crash, never a control character or bidi override stored.
    try:
        cleaned = answers.clean_text(text)
    except ValueError:
        assert len(text) > 1000
        return
    if cleaned is not None:
        assert len(cleaned) <= 1000
        assert not any(ord(c) < 32 and c not in "\n\t" for c in cleaned)
        assert "\u202e" not in cleaned and "\x00" not in cleaned
        cleaned.encode("utf-8")  # no lone surrogates


@pytest.mark.parametrize(
    "answers",
    [
        {"1 OR 1=1": 5},
        {None: 5},
        {1.0: 5},
        [(1, 5)],
        "not a mapping",
    ],
    ids=repr,
)
def test_malformed_answer_shapes_are_refused(
    open_pulse: OpenPulse, answers: object
) -> None:
    before = row_counts(open_pulse.store)
    with pytest.raises(ValueError):
        responses.submit_response(open_pulse.store, open_pulse.pulse.id, answers)
    assert row_counts(open_pulse.store) == before


def test_comments_are_shown_as_plain_text_in_the_live_room(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store: Store = open_store(path)
    op = make_open_pulse(store)
    for text in INJECTIONS[:5]:
        submit_comment(op, text)
    for comment in comments.review(store, op.pulse.id).to_review:
        comments.choose(store, op.pulse.id, comment.id, show=True)  # reviewed
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["programme"] = str(op.programme_id)
    at.query_params["pulse"] = str(op.pulse.id)
    at.run()
    at.switch_page("screens/facilitator/live.py").run()
    sign_in(at)
    at.toggle[0].set_value(True).run()
    assert not at.exception
    shown_as_text = {t.value for t in at.text}
    assert set(INJECTIONS[:5]) <= shown_as_text
    markdown = "\n".join(m.value for m in at.markdown)
    assert "onerror" not in markdown and "javascript:" not in markdown
