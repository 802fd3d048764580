"""Results as the facilitator sees them: no figure below k, live release rule."""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import programmes, responses, results
from storage.db import Store, open_store
from tests.fixtures import OpenPulse, make_open_pulse


def submit(op: OpenPulse, value: int, group_index: int | None = 0, **kw) -> None:
    group_id = None if group_index is None else op.groups[group_index].id
    responses.submit_response(
        op.store, op.pulse.id, op.scoring_answers(value), group_id=group_id, **kw
    )


def test_nothing_is_shown_below_k_not_even_comments(open_pulse: OpenPulse) -> None:
    for value in (2, 3, 4, 5):
        submit(open_pulse, value, comment="only four of us")
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    shown = results.pulse_results(open_pulse.store, open_pulse.pulse.id)
    assert shown.n == 0 and shown.held_out == 4
    assert not shown.shown
    assert shown.figures == shown.distribution == []


def test_figures_for_everyone_and_safe_groups(open_pulse: OpenPulse) -> None:
    for value in (3, 4, 5, 6, 7):
        submit(open_pulse, value, group_index=0)
    for value in (2, 3, 4, 5, 6):
        submit(open_pulse, value, group_index=1, comment="ok")
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    shown = results.pulse_results(open_pulse.store, open_pulse.pulse.id)
    safety = {f.group: f for f in shown.figures if f.dimension == "safety"}
    assert set(safety) == {"Everyone", "Social work", "Education"}
    assert safety["Social work"].mean == 5.0  # mean of 3..7
    assert safety["Education"].mean == 4.0  # mean of 2..6
    assert safety["Everyone"].n == 10
    assert safety["Everyone"].low < safety["Everyone"].mean < safety["Everyone"].high
    levels = [d for d in shown.distribution if d.dimension == "purpose"]
    assert sum(d.count for d in levels) == 10 * 3  # three purpose items each


def test_one_person_without_a_group_hides_the_smaller_group(
    open_pulse: OpenPulse,
) -> None:
    for _ in range(6):
        submit(open_pulse, 5, group_index=0)
    for _ in range(5):
        submit(open_pulse, 5, group_index=1)
    submit(open_pulse, 1, group_index=None)
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    groups = {
        f.group
        for f in results.pulse_results(open_pulse.store, open_pulse.pulse.id).figures
    }
    # Showing both groups would reveal the lone "no group" answer by subtraction.
    assert groups == {"Everyone", "Social work"}


def test_live_room_moves_only_after_k_new_answers(open_pulse: OpenPulse) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    for _ in range(4):
        submit(open_pulse, 4)
    room = results.live_room(store, pulse_id)
    assert room.n_now == 4 and not room.released.shown and room.waiting_for == 1
    submit(open_pulse, 4)
    room = results.live_room(store, pulse_id)
    assert room.released.shown and room.released.n == 5
    for _ in range(4):
        submit(open_pulse, 7)
    room = results.live_room(store, pulse_id)
    assert room.n_now == 9
    assert room.released.n == 5  # the same figures as before: 4 new is not enough
    assert {f.mean for f in room.released.figures} == {4.0}
    assert room.waiting_for == 1
    # A second facilitator browser (or a reload) sees the same released figures.
    assert results.live_room(store, pulse_id).released.n == 5
    # Closing does not release the four stragglers: 9·mean₉ − 5·mean₅ would
    # be their scores (finding 1). They are held out, counted, and said so.
    programmes.close_pulse(store, pulse_id)
    final = results.pulse_results(store, pulse_id)
    assert final.n == 5 and final.held_out == 4
    assert {f.mean for f in final.figures} == {4.0}


def test_reopen_and_one_answer_then_close_releases_nobody(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    for _ in range(8):
        submit(open_pulse, 4)
    programmes.close_pulse(store, pulse_id)
    assert results.pulse_results(store, pulse_id).n == 8
    for value in (1, 7):
        programmes.open_pulse(store, pulse_id)
        submit(open_pulse, value)
        programmes.close_pulse(store, pulse_id)
        assert results.pulse_results(store, pulse_id).n == 8


def test_deleting_answers_resets_the_live_room(open_pulse: OpenPulse) -> None:
    for _ in range(5):
        submit(open_pulse, 4, comment="note")
    assert results.live_room(open_pulse.store, open_pulse.pulse.id).released.shown
    assert responses.delete_pulse_responses(open_pulse.store, open_pulse.pulse.id) == 5
    room = results.live_room(open_pulse.store, open_pulse.pulse.id)
    assert room.n_now == 0 and not room.released.shown
    with open_pulse.store.read() as db:
        for table in (
            "answers",
            "scores",
            "comments",
            "submissions",
            "disclosures",
            "score_sums",
            "item_stats",
        ):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    k=st.integers(min_value=3, max_value=7),
    people=st.lists(
        st.tuples(st.sampled_from([0, 1, None]), st.integers(min_value=1, max_value=7)),
        max_size=30,
    ),
)
def test_no_figure_ever_describes_fewer_than_k(
    tmp_path_factory, k: int, people: list[tuple[int | None, int]]
) -> None:
    store: Store = open_store(tmp_path_factory.mktemp("r") / "p.db")
    op = make_open_pulse(store, k=k)
    rng = random.Random(len(people))
    for group_index, value in people:
        answers = {q.id: value for q in op.questions if rng.random() < 0.8}
        if answers:
            responses.submit_response(
                store,
                op.pulse.id,
                answers,
                group_id=None if group_index is None else op.groups[group_index].id,
            )
    programmes.close_pulse(store, op.pulse.id)
    shown = results.pulse_results(store, op.pulse.id)
    for figure in shown.figures:
        assert figure.n >= k
    by_dimension: dict[str, list[results.Figure]] = {}
    for figure in shown.figures:
        by_dimension.setdefault(figure.dimension, []).append(figure)
    for figures in by_dimension.values():
        everyone = next(f for f in figures if f.group == "Everyone")
        remainder = everyone.n - sum(f.n for f in figures if f.group != "Everyone")
        assert remainder == 0 or remainder >= k
    assert all(d.n >= k for d in shown.distribution)
    if shown.n < k:
        assert not shown.figures
    store.close()
