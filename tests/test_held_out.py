"""Answers held out at Close are counted, and what they said is not kept.

A release flag is itself an order of arrival: after the last release, the
unreleased responses and held comments are the latecomers'. So the one close
path (``storage.programmes.close_pulses``) deletes them in its transaction and
keeps only how many there were (``storage.held_out``); every view still
counts them and says why they are not in the figures.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from storage import (
    aggregates,
    closing,
    comments,
    programmes,
    responses,
    results,
    retention,
)
from storage.db import Store, open_store
from storage.held_out import waiting_at_close
from survey.answers import UnknownPulse
from survey.i18n import Refusal
from tests.fixtures import OpenPulse, make_open_pulse

REMARK = "the latecomer's remark, 7f3a"


def eight_then_a_latecomer(op: OpenPulse) -> None:
    """Eight answer with comments, the room and the comments are released, one
    latecomer answers with a comment (the issue's finding 1 through the file)."""
    for i in range(8):
        responses.submit_response(
            op.store, op.pulse.id, op.scoring_answers(4), comment=f"early {i}"
        )
    assert results.live_room(op.store, op.pulse.id).released.n == 8
    comments.review(op.store, op.pulse.id)
    responses.submit_response(
        op.store,
        op.pulse.id,
        op.scoring_answers(1),
        group_id=op.groups[0].id,
        comment=REMARK,
    )


def test_close_counts_the_latecomer_and_keeps_nothing_they_said(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    programmes.close_pulse(store, pulse_id)

    counts = results.room_counts(store, pulse_id)
    assert (counts.n_now, counts.released, counts.held_out) == (9, 8, 1)
    assert counts.pending == 0
    assert results.pulse_results(store, pulse_id).held_out == 1
    with store.read() as db:
        for table, key in (
            ("responses", "id"),
            ("answers", "response_id"),
            ("scores", "response_id"),
        ):
            people = db.execute(
                f"SELECT count(DISTINCT {key}) FROM {table} WHERE pulse_id = ?",
                [pulse_id],
            ).fetchone()[0]
            assert people == 8, table
        assert not db.execute(
            "SELECT count(*) FROM responses WHERE released = 0"
        ).fetchone()[0]
        assert not db.execute(
            "SELECT count(*) FROM responses WHERE group_id IS NOT NULL"
        ).fetchone()[0]
        assert not db.execute(
            "SELECT count(*) FROM comments WHERE state = 'held'"
        ).fetchone()[0]
    review = comments.review(store, pulse_id)
    assert review.not_kept == 1 and review.responses == 9
    assert REMARK not in {c.text for c in review.to_review}


def test_the_latecomers_comment_is_not_in_the_file_or_its_wal(
    open_pulse: OpenPulse,
) -> None:
    """Read as someone holding the files would: raw bytes, free pages too."""
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    path = Path(store.path)
    assert REMARK.encode() in path.read_bytes() + _wal(path)  # the test can see it
    programmes.close_pulse(store, pulse_id)
    assert REMARK.encode() not in path.read_bytes() + _wal(path)
    assert b"early 3" in path.read_bytes() + _wal(path)  # released ones stay


def _wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return wal.read_bytes() if wal.exists() else b""


def test_every_view_counts_the_held_out_answer(open_pulse: OpenPulse) -> None:
    """Live room, Present, timeline, Trends and the comment batches all count
    nine; the figures are about eight."""
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    programmes.close_pulse(store, pulse_id)

    room = results.live_room(store, pulse_id)
    assert room.n_now == 9 and room.released.n == 8 and room.released.held_out == 1
    (session,) = programmes.timeline(store, open_pulse.programme_id)
    assert [p.responses for p in session.pulses] == [9]
    trends = aggregates.load(store, open_pulse.programme_id)
    assert [p.n for p in trends.pulses] == [9]
    assert responses.count_responses(store, pulse_id) == 9


def test_reopened_pulse_releases_from_what_was_released(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    programmes.close_pulse(store, pulse_id)
    programmes.open_pulse(store, pulse_id)
    room = results.live_room(store, pulse_id)
    assert (room.n_now, room.counts.pending, room.waiting_for) == (9, 0, 5)
    for _ in range(5):
        responses.submit_response(store, pulse_id, open_pulse.scoring_answers(7))
    room = results.live_room(store, pulse_id)
    assert (room.n_now, room.released.n, room.counts.held_out) == (14, 13, 1)
    responses.submit_response(store, pulse_id, open_pulse.scoring_answers(2))
    programmes.close_pulse(store, pulse_id)
    counts = results.room_counts(store, pulse_id)
    assert (counts.n_now, counts.released, counts.held_out) == (15, 13, 2)


def test_a_comment_batch_due_at_close_is_released_not_dropped(
    open_pulse: OpenPulse,
) -> None:
    """Nobody opened the Comments page: the eight comments are a batch of at
    least the minimum, so Close releases them to the facilitator."""
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    for i in range(8):
        responses.submit_response(
            store, pulse_id, open_pulse.first_answers(), comment=f"said {i}"
        )
    programmes.close_pulse(store, pulse_id)
    review = comments.review(store, pulse_id)
    assert {c.text for c in review.to_review} == {f"said {i}" for i in range(8)}
    assert review.not_kept == 0


def test_comments_below_the_comment_minimum_at_close_are_not_kept(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    comments.set_comment_minimum(store, open_pulse.programme_id, 10)
    for i in range(8):
        responses.submit_response(
            store, pulse_id, open_pulse.first_answers(), comment=f"said {i}"
        )
    programmes.close_pulse(store, pulse_id)
    review = comments.review(store, pulse_id)
    # Said as the 8 people who answered after the last batch (none), never
    # as a count of comments (storage.held_out).
    assert review.to_review == [] and review.not_kept == 8
    assert results.pulse_results(store, pulse_id).n == 8  # answers released
    with store.read() as db:
        assert not db.execute("SELECT count(*) FROM comments").fetchone()[0]


def test_closing_a_programme_uses_the_same_rule(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    retention.close_programme(store, open_pulse.programme_id)
    assert results.room_counts(store, pulse_id).held_out == 1
    with store.read() as db:
        assert not db.execute(
            "SELECT count(*) FROM responses WHERE released = 0"
        ).fetchone()[0]


def test_the_grace_period_ends_by_the_same_rule(open_pulse: OpenPulse) -> None:
    """Close pressed, the latecomer answers during the grace period, and the
    pulse closes at the deadline: counted, not kept."""
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    for _ in range(8):
        responses.submit_response(store, pulse_id, open_pulse.scoring_answers(4))
    assert results.live_room(store, pulse_id).released.n == 8
    comments.review(store, pulse_id)  # the eight's (empty) batch
    deadline = closing.begin_closing(store, pulse_id, 600)
    responses.submit_response(
        store, pulse_id, open_pulse.scoring_answers(1), comment=REMARK
    )
    assert closing.finish_due(store, now=lambda: deadline) == [pulse_id]
    counts = results.room_counts(store, pulse_id)
    assert (counts.status, counts.n_now, counts.held_out) == ("closed", 9, 1)
    path = Path(store.path)
    assert REMARK.encode() not in path.read_bytes() + _wal(path)


def test_an_unknown_pulse_is_refused_and_nothing_is_closed(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    with pytest.raises(UnknownPulse):
        programmes.close_pulses(store, [pulse_id, 999_999])
    counts = results.room_counts(store, pulse_id)
    assert (counts.status, counts.n_now, counts.pending, counts.held_out) == (
        "open",
        9,
        1,
        0,
    )
    with store.read() as db:
        assert (
            db.execute("SELECT count(*) FROM comments WHERE state = 'held'").fetchone()[
                0
            ]
            == 1
        )


def test_deleting_answers_forgets_the_held_out_count(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    programmes.close_pulse(store, pulse_id)
    assert responses.delete_pulse_responses(store, pulse_id) == 9
    counts = results.room_counts(store, pulse_id)
    assert (counts.n_now, counts.held_out) == (0, 0)
    assert comments.review(store, pulse_id).not_kept == 0


def test_the_facilitator_is_told_what_is_waiting_before_closing(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    waiting = waiting_at_close(store, pulse_id)
    assert (waiting.answers, waiting.since_batch, waiting.k) == (1, 1, 5)
    assert not waiting.answers_kept and not waiting.comments_kept
    for _ in range(4):
        responses.submit_response(store, pulse_id, open_pulse.first_answers())
    waiting = waiting_at_close(store, pulse_id)
    assert waiting.answers == 5 and waiting.answers_kept and waiting.comments_kept


def test_an_old_file_with_held_out_answers_is_cleaned_when_opened(
    tmp_path: Path,
) -> None:
    """A file closed by an earlier version still marks the latecomer; opening
    it applies the rule to every closed pulse (then compacts the file)."""
    path = tmp_path / "old.db"
    store = open_store(path)
    op = make_open_pulse(store)
    eight_then_a_latecomer(op)
    pulse_id = op.pulse.id
    store.close()
    # The file as an earlier version left it: closed, latecomer marked.
    with sqlite3.connect(path) as db:
        db.execute("UPDATE pulses SET status = 'closed' WHERE id = ?", [pulse_id])
        db.execute("ALTER TABLE pulses DROP COLUMN held_out")
        db.execute("ALTER TABLE comment_releases DROP COLUMN not_kept")
        db.execute(
            "DELETE FROM _sqlite_migrations WHERE name IN "
            "('m022_held_out_at_close', 'm023_no_count_of_held_comments')"
        )
    db.close()
    with open_store(path) as store:
        counts = results.room_counts(store, pulse_id)
        assert (counts.n_now, counts.released, counts.held_out) == (9, 8, 1)
        with store.read() as db:
            assert not db.execute(
                "SELECT count(*) FROM responses WHERE released = 0"
            ).fetchone()[0]
    assert REMARK.encode() not in path.read_bytes() + _wal(path)


def test_held_out_answers_still_count_as_answers(store: Store) -> None:
    """Four answered (k = 5) and the pulse closed: nothing was kept, but four
    people answered, so k cannot be lowered and the session is not deleted
    as if empty."""
    op = make_open_pulse(store, k=5)
    for _ in range(4):
        responses.submit_response(store, op.pulse.id, op.first_answers())
    programmes.close_pulse(store, op.pulse.id)
    assert results.room_counts(store, op.pulse.id).held_out == 4
    with pytest.raises(Refusal):
        programmes.update_programme(store, op.programme_id, "Test programme", 4)
    with pytest.raises(Refusal):
        programmes.delete_session(store, op.pulse.session_id)
    assert responses.count_responses(store, op.pulse.id) == 4


def test_aggregates_csv_says_how_many_were_held_out(open_pulse: OpenPulse) -> None:
    """The export agrees with the views: figures about the eight released,
    and a held_out column with the one counted but not kept."""
    import csv
    import io

    from rendering import csv_files
    from storage import export

    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    eight_then_a_latecomer(open_pulse)
    programmes.close_pulse(store, pulse_id)
    made = export.export_programme(store, open_pulse.programme_id)
    rows = list(csv.DictReader(io.StringIO(csv_files.aggregates_csv(made))))
    assert rows
    assert {(r["responses"], r["held_out"]) for r in rows} == {("8", "1")}
    respondents = {r["respondent"] for r in made.answers}
    assert len(respondents) == 8
