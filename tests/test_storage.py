"""Storage: durability settings, the submit path, its refusals, and anonymity."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path

import pytest

from storage import programmes, responses
from storage.db import Store, open_store
from survey import answers
from tests.fixtures import OpenPulse, make_open_pulse, row_counts


def test_database_is_durable_and_consistent(store: Store) -> None:
    assert store.pragma("journal_mode") == "wal"
    assert store.pragma("synchronous") == 2  # FULL
    assert store.pragma("foreign_keys") == 1
    assert store.pragma("busy_timeout") >= 1000


def test_pulse_db_environment_variable_chooses_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "elsewhere" / "my.db"
    monkeypatch.setenv("PULSE_DB", str(target))
    store = open_store()
    store.close()
    assert target.exists()


def test_reopening_keeps_data_and_applies_no_migration_twice(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    first = open_store(path)
    op = make_open_pulse(first)
    responses.submit_response(first, op.pulse.id, op.first_answers())
    first.close()
    again = open_store(path)
    assert responses.count_responses(again, op.pulse.id) == 1


def test_submit_stores_answers_scores_and_an_unlinked_comment(
    open_pulse: OpenPulse,
) -> None:
    store, pulse = open_pulse.store, open_pulse.pulse
    answers = {q.id: (2 if q.reverse else 6) for q in open_pulse.questions}
    responses.submit_response(
        store,
        pulse.id,
        answers,
        group_id=open_pulse.groups[0].id,
        comment="  More time together, please. ",
    )
    assert responses.count_responses(store, pulse.id) == 1
    with store.read() as db:
        scores = dict(db.execute("SELECT dimension, score FROM scores").fetchall())
        comment = db.execute("SELECT * FROM comments").fetchall()
        comment_columns = [c.name for c in db["comments"].columns]
    # Reversed items answered 2 score as 6: every dimension scores 6.
    assert scores == {"safety": 6.0, "connection": 6.0, "purpose": 6.0}
    assert [row[2] for row in comment] == ["More time together, please."]
    assert comment_columns == ["pulse_id", "id", "text", "state"]


def test_skipped_items_do_not_count_towards_a_dimension(open_pulse: OpenPulse) -> None:
    first = open_pulse.questions[0]  # a safety item, not reversed
    responses.submit_response(open_pulse.store, open_pulse.pulse.id, {first.id: 7})
    with open_pulse.store.read() as db:
        scores = db.execute("SELECT dimension, score FROM scores").fetchall()
    assert scores == [("safety", 7.0)]


@pytest.mark.parametrize(
    "value",
    [-1, 0, 8, 3.5, float("nan"), "5", True, None, 1e309, 5.0],
    ids=repr,
)
def test_out_of_range_or_non_integer_values_are_refused(
    open_pulse: OpenPulse, value: object
) -> None:
    before = row_counts(open_pulse.store)
    answers = {open_pulse.questions[0].id: value}
    with pytest.raises(ValueError, match="whole numbers from 1 to 7"):
        responses.submit_response(open_pulse.store, open_pulse.pulse.id, answers)
    assert row_counts(open_pulse.store) == before


def test_a_valid_answer_beside_an_invalid_one_is_not_stored_either(
    open_pulse: OpenPulse,
) -> None:
    before = row_counts(open_pulse.store)
    q1, q2 = open_pulse.questions[:2]
    with pytest.raises(ValueError):
        responses.submit_response(
            open_pulse.store, open_pulse.pulse.id, {q1.id: 4, q2.id: 9}
        )
    assert row_counts(open_pulse.store) == before


def test_questions_not_in_the_pulse_are_refused(store: Store) -> None:
    ours = make_open_pulse(store)
    theirs = make_open_pulse(store)
    before = row_counts(store)
    for forged in ({999_999: 4}, {theirs.questions[0].id: 4}, {"1": 4}):
        with pytest.raises(ValueError, match="not in this pulse"):
            responses.submit_response(store, ours.pulse.id, forged)
    assert row_counts(store) == before


def test_at_least_one_answer_is_needed(open_pulse: OpenPulse) -> None:
    with pytest.raises(ValueError, match="at least one"):
        responses.submit_response(open_pulse.store, open_pulse.pulse.id, {})


def test_group_from_another_programme_is_refused(store: Store) -> None:
    ours = make_open_pulse(store)
    theirs = make_open_pulse(store)
    before = row_counts(store)
    with pytest.raises(ValueError, match="group"):
        responses.submit_response(
            store, ours.pulse.id, ours.first_answers(), group_id=theirs.groups[0].id
        )
    assert row_counts(store) == before


def test_unknown_draft_and_closed_pulses_take_nothing(store: Store) -> None:
    op = make_open_pulse(store)
    draft = programmes.create_pulse(store, op.pulse.session_id, "after")
    before = row_counts(store)
    with pytest.raises(answers.UnknownPulse):
        responses.submit_response(store, 424242, op.first_answers())
    with pytest.raises(answers.PulseNotOpen, match="not opened yet"):
        responses.submit_response(store, draft.id, op.first_answers())
    programmes.close_pulse(store, op.pulse.id)
    with pytest.raises(answers.PulseNotOpen, match="closed"):
        responses.submit_response(store, op.pulse.id, op.first_answers())
    assert row_counts(store) == before


def test_reopened_pulse_takes_answers_again(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    programmes.close_pulse(store, pulse_id)
    programmes.open_pulse(store, pulse_id)
    responses.submit_response(store, pulse_id, open_pulse.first_answers())
    assert responses.count_responses(store, pulse_id) == 1


def test_oversized_comment_is_refused_not_truncated(open_pulse: OpenPulse) -> None:
    before = row_counts(open_pulse.store)
    for text in ("x" * 1001, "x" * 1_000_000):
        with pytest.raises(ValueError, match="at most 1000 characters"):
            responses.submit_response(
                open_pulse.store,
                open_pulse.pulse.id,
                open_pulse.first_answers(),
                comment=text,
            )
    assert row_counts(open_pulse.store) == before


def test_control_characters_are_stripped_from_comments() -> None:
    hostile = "ok\x00\x07\u202egnp.exe\ud800 line\nnext\t "
    assert answers.clean_text(hostile) == "okgnp.exe line\nnext"
    assert answers.clean_text("   ") is None
    assert answers.clean_text(None) is None
    with pytest.raises(ValueError):
        answers.clean_text(b"bytes")


def test_replayed_device_token_is_refused_and_writes_nothing(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    token = secrets.token_hex(32)
    assert not responses.has_answered(store, pulse_id, token)
    responses.submit_response(
        store, pulse_id, open_pulse.first_answers(), device_token=token
    )
    assert responses.has_answered(store, pulse_id, token)
    before = row_counts(store)
    with pytest.raises(answers.AlreadyAnswered, match="already answered"):
        responses.submit_response(
            store, pulse_id, open_pulse.first_answers(), device_token=token
        )
    assert row_counts(store) == before


def test_malformed_device_token_is_refused(open_pulse: OpenPulse) -> None:
    with pytest.raises(ValueError, match="token"):
        responses.submit_response(
            open_pulse.store,
            open_pulse.pulse.id,
            open_pulse.first_answers(),
            device_token="'; DROP TABLE responses; --",
        )


def test_device_token_is_stored_only_as_a_per_pulse_hmac(tmp_path: Path) -> None:
    path = tmp_path / "p.db"
    store = open_store(path)
    op = make_open_pulse(store)
    second = programmes.create_pulse(store, op.pulse.session_id, "after")
    programmes.open_pulse(store, second.id)
    token = secrets.token_hex(32)
    responses.submit_response(
        store, op.pulse.id, op.first_answers(), device_token=token
    )
    responses.submit_response(store, second.id, op.first_answers(), device_token=token)
    with store.read() as db:
        hashes = [r[0] for r in db.execute("SELECT device_hash FROM submissions")]
        columns = [c.name for c in db["submissions"].columns]
    store.close()
    assert columns == ["pulse_id", "device_hash"]
    assert len(set(hashes)) == 2  # the same device cannot be followed across pulses
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert token.encode() not in raw


def test_storage_has_no_identifying_or_timing_columns(store: Store) -> None:
    forbidden = ("ip", "agent", "cookie", "time", "created", "updated", "session_key")
    with store.read() as db:
        for table in ("responses", "answers", "scores", "comments", "submissions"):
            for column in db[table].columns:
                assert not any(word in column.name.lower() for word in forbidden), (
                    table,
                    column.name,
                )
        ddl = {t.name: t.schema for t in db.tables}
    for table in ("responses", "answers", "scores", "comments", "submissions"):
        assert "WITHOUT ROWID" in ddl[table]


def test_stored_order_reveals_nothing_about_submission_order(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    q = open_pulse.questions[0]
    for i in range(60):
        responses.submit_response(store, pulse_id, {q.id: 1 + i % 7})
    with store.read() as db:
        stored = db.execute("SELECT id FROM responses").fetchall()
        stored_values = [
            v
            for (v,) in db.execute(
                "SELECT value FROM answers WHERE question_id = ?", [q.id]
            )
        ]
    ids = [row[0] for row in stored]
    # Storage order is the order of random keys, whatever the arrival order.
    assert ids == sorted(ids)
    assert stored_values != [1 + i % 7 for i in range(60)]


def test_sixteen_threads_submitting_at_once_lose_nothing(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    per_thread, threads = 25, 16
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def participant_stream(worker: int) -> None:
        barrier.wait()
        for i in range(per_thread):
            try:
                responses.submit_response(
                    store,
                    pulse_id,
                    {q.id: 1 + (worker + i) % 7 for q in open_pulse.questions},
                    group_id=open_pulse.groups[worker % 2].id,
                    comment=f"thread {worker} note {i}" if i % 5 == 0 else None,
                    device_token=secrets.token_hex(32),
                )
            except BaseException as exc:  # noqa: BLE001 - recorded and asserted below
                errors.append(exc)

    workers = [
        threading.Thread(target=participant_stream, args=(w,)) for w in range(threads)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert errors == []
    counts = row_counts(store)
    assert responses.count_responses(store, pulse_id) == threads * per_thread
    assert counts["submissions"] == threads * per_thread
    assert counts["answers"] == threads * per_thread * len(open_pulse.questions)
    assert counts["comments"] == threads * 5


def test_one_token_replayed_from_fifty_threads_is_accepted_once(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    token = secrets.token_hex(32)
    accepted, refused = [], []
    barrier = threading.Barrier(50)

    def replay() -> None:
        barrier.wait()
        try:
            responses.submit_response(
                store, pulse_id, open_pulse.first_answers(), device_token=token
            )
            accepted.append(1)
        except answers.AlreadyAnswered:
            refused.append(1)

    workers = [threading.Thread(target=replay) for _ in range(50)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=60)
    assert (len(accepted), len(refused)) == (1, 49)
    assert responses.count_responses(store, pulse_id) == 1


def test_anonymity_minimum_is_never_below_three(store: Store) -> None:
    with pytest.raises(ValueError, match="at least 3"):
        programmes.create_programme(store, "Tiny", ["A"], k=2)


def test_join_codes_are_unique_and_found_case_insensitively(
    open_pulse: OpenPulse,
) -> None:
    store = open_pulse.store
    session_id = open_pulse.pulse.session_id
    made = [
        programmes.create_pulse(store, session_id, "during").code for _ in range(50)
    ]
    assert len(set(made + [open_pulse.pulse.code])) == 51
    code = open_pulse.pulse.code
    typed = f" {code[:3].lower()}-{code[3:]} "
    assert programmes.pulse_by_code(store, typed).id == open_pulse.pulse.id
    assert programmes.pulse_by_code(store, "ZZZZZZ") is None
    assert programmes.pulse_by_code(store, "<script>") is None


def test_full_and_short_forms(store: Store) -> None:
    op = make_open_pulse(store)
    during = programmes.create_pulse(store, op.pulse.session_id, "during")
    full_dims = [q.dimension for q in op.questions]
    short_dims = [q.dimension for q in programmes.pulse_questions(store, during.id)]
    assert sorted(short_dims) == ["connection", "purpose", "safety"]
    for dim in ("safety", "connection", "purpose"):
        assert full_dims.count(dim) >= 3


def test_closing_a_pulse_leaves_no_arrival_trail_in_the_wal(tmp_path: Path) -> None:
    store = open_store(tmp_path / "p.db")
    op = make_open_pulse(store)
    for value in (2, 6):
        responses.submit_response(
            store, op.pulse.id, op.first_answers(value), comment=f"note {value}"
        )
    wal = tmp_path / "p.db-wal"
    assert b"note 2" in wal.read_bytes()  # the WAL holds recent commits in order
    programmes.close_pulse(store, op.pulse.id)
    assert wal.stat().st_size == 0
    assert responses.count_responses(store, op.pulse.id) == 2
    store.close()
