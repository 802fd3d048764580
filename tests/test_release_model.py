"""The release model through the storage functions the pages call: regression
tests for findings 3, 4, 7, 12, 13 and 14 of the anonymity review, and a
stateful test over sequences of operations (promise 3)."""

from __future__ import annotations

import pytest

from storage import programmes, responses, results, retention
from storage.db import Store
from tests.fixtures import OpenPulse


def submit(op: OpenPulse, value: int, group: int | None) -> None:
    group_id = None if group is None else op.groups[group].id
    responses.submit_response(
        op.store, op.pulse.id, op.scoring_answers(value), group_id=group_id
    )


def figures(op: OpenPulse) -> dict[tuple[str, str], tuple[int, float]]:
    shown = results.live_room(op.store, op.pulse.id).released
    return {(f.dimension, f.group): (f.n, f.mean) for f in shown.figures}


def test_toggling_k_releases_nobody(open_pulse: OpenPulse) -> None:
    """Finding 3: k 5→6→5→6 re-released one person at a time."""
    for _ in range(8):
        submit(open_pulse, 4, 0)
    shown = figures(open_pulse)
    submit(open_pulse, 7, 0)
    name = programmes.get_programme(open_pulse.store, open_pulse.programme_id).name
    programmes.update_programme(open_pulse.store, open_pulse.programme_id, name, 6)
    with pytest.raises(ValueError, match="can only be raised"):
        programmes.update_programme(open_pulse.store, open_pulse.programme_id, name, 5)
    assert figures(open_pulse) == shown  # 8 ≥ 6: same figures, the 9th held


def test_a_group_figure_never_moves_by_one_member(open_pulse: OpenPulse) -> None:
    """Finding 4: five new answers overall (1 social worker, 4 education
    officers) moved Social work from n=5 to n=6."""
    for _ in range(5):
        submit(open_pulse, 4, 0)
    for _ in range(5):
        submit(open_pulse, 4, 1)
    before = figures(open_pulse)
    assert before[("safety", "Social work")][0] == 5
    submit(open_pulse, 7, 0)
    for _ in range(4):
        submit(open_pulse, 2, 1)
    after = figures(open_pulse)
    assert after[("safety", "Social work")] == before[("safety", "Social work")]
    for (dimension, group), (n, _) in after.items():
        moved = n - before.get((dimension, group), (0, 0))[0]
        assert moved == 0 or moved >= 5


def test_renaming_groups_moves_nobody(open_pulse: OpenPulse) -> None:
    """Finding 7: renaming a group to "Group not given" or to another group's
    name dropped people from Everyone."""
    for group in (0, 0, 0, 0, 0, 1, 1, 1, 1, 1, None):
        submit(open_pulse, 4, group)
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    everyone = figures(open_pulse)[("safety", "Everyone")]
    (shown_id,) = results.shown_groups(open_pulse.store, open_pulse.pulse.id)
    other = next(g.name for g in open_pulse.groups if g.id != shown_id)
    for bad in ("Group not given", " prefer NOT to say ", "Everyone", other.upper()):
        with pytest.raises(ValueError):
            programmes.save_group(
                open_pulse.store, open_pulse.programme_id, bad, None, shown_id
            )
    programmes.save_group(
        open_pulse.store, open_pulse.programme_id, "Children's services", 6, shown_id
    )
    renamed = figures(open_pulse)
    assert renamed[("safety", "Everyone")] == everyone
    assert ("safety", "Children's services") in renamed


def test_purge_leaves_no_row_about_fewer_than_k(open_pulse: OpenPulse) -> None:
    """Finding 12: after the purge, item sums of one person and per-person
    scores remained."""
    store = open_pulse.store
    for group in (0, 0, 0, 0, 0, 1, None):
        submit(open_pulse, 5, group)
    retention.close_programme(store, open_pulse.programme_id)
    retention.set_retention(store, open_pulse.programme_id, 0)
    retention.apply_retention(store)
    with store.read() as db:
        assert not db.execute("SELECT count(*) FROM scores").fetchone()[0]
        assert not db.execute("SELECT count(*) FROM answers").fetchone()[0]
        for table in ("score_sums", "item_stats"):
            smallest = db.execute(f"SELECT min(n) FROM {table}").fetchone()[0]
            assert smallest is None or smallest >= 5
    assert figures(open_pulse)[("safety", "Everyone")][0] == 7


def test_purge_moves_no_figure(open_pulse: OpenPulse) -> None:
    """Deleting a small part of a released sum (one person who skipped an item)
    would move the figures: before minus after would be that person."""
    store = open_pulse.store
    for _ in range(6):
        submit(open_pulse, 5, None)
    skipped = open_pulse.questions[0]
    partial = {q.id: 2 for q in open_pulse.questions if q.id != skipped.id}
    responses.submit_response(store, open_pulse.pulse.id, partial)
    retention.close_programme(store, open_pulse.programme_id)
    before = figures(open_pulse)
    assert before[(skipped.dimension, "Everyone")][0] == 7
    retention.set_retention(store, open_pulse.programme_id, 0)
    retention.apply_retention(store)
    assert figures(open_pulse) == before
    with store.read() as db:
        for table in ("score_sums", "item_stats"):
            smallest = db.execute(f"SELECT min(n) FROM {table}").fetchone()[0]
            assert smallest is None or smallest >= 5


def test_question_counts_move_only_with_releases(open_pulse: OpenPulse) -> None:
    """Finding 14: per-item counts changed with each submission, showing which
    items the latest person skipped."""

    def counts() -> dict[int, int]:
        rows = programmes.programme_questions(open_pulse.store, open_pulse.programme_id)
        return {q.id: q.answered for q in rows}

    for _ in range(5):
        submit(open_pulse, 4, 0)
    results.live_room(open_pulse.store, open_pulse.pulse.id)
    released = counts()
    skipped = open_pulse.questions[0].id
    answers = {q.id: 4 for q in open_pulse.questions if q.id != skipped}
    responses.submit_response(open_pulse.store, open_pulse.pulse.id, answers)
    assert counts() == released
    assert all(n == 0 or n >= 5 for n in counts().values())


def test_reliability_needs_k_complete_answers(store: Store) -> None:
    """Finding 13: Cronbach's α was shown from 2 people."""
    from storage import aggregates
    from tests.fixtures import make_open_pulse

    op = make_open_pulse(store, k=5)
    for value in (3, 4, 5, 6, 7):
        partial = {q.id: value for q in op.questions if q.dimension != "safety"}
        responses.submit_response(store, op.pulse.id, partial)
    for value in (2, 6):
        responses.submit_response(store, op.pulse.id, op.scoring_answers(value))
    programmes.close_pulse(store, op.pulse.id)
    safety = aggregates.trends(store, op.programme_id).reliability["safety"]
    assert safety.responses == 0 and safety.alpha.reason.startswith("fewer than 5")
