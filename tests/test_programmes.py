"""Facilitator operations: template, custom questions, reorder, retire."""

from __future__ import annotations

from datetime import date

import pytest

from storage import programmes, responses, results
from storage.db import Store
from survey.template import four_month_template
from tests.fixtures import make_open_pulse


def test_template_has_the_story_sessions_in_order() -> None:
    plan = four_month_template(["Social work", "Education"], date(2027, 1, 11))
    assert [p.title for p in plan] == [
        "1:1 conversations",
        "Social work session",
        "Education session",
        "Joint workshop, day 1",
        "Joint workshop, day 2",
        "Six-month follow-up",
    ]
    assert plan[-1].kind == "follow-up"
    assert (plan[-1].date - plan[-2].date).days >= 180
    assert all(plan[i].date <= plan[i + 1].date for i in range(len(plan) - 1))
    assert "during" in plan[3].moments


def test_custom_dimension_is_asked_scored_and_shown(store: Store) -> None:
    op = make_open_pulse(store)
    qid = programmes.add_question(
        store,
        op.programme_id,
        "Shared language",
        "We use the same words for risk.",
        False,
    )
    rid = programmes.add_question(
        store, op.programme_id, "shared_language", "Jargon gets in our way.", True
    )
    pulse = programmes.add_pulse(
        store, op.pulse.session_id, "during", "custom", [qid, rid]
    )
    programmes.open_pulse(store, pulse.id)
    for value in (5, 6, 7, 6, 5):
        responses.submit_response(store, pulse.id, {qid: value, rid: 8 - value})
    programmes.close_pulse(store, pulse.id)
    shown = results.pulse_results(store, pulse.id)
    assert {f.dimension for f in shown.figures} == {"shared_language"}
    assert shown.figures[0].mean == pytest.approx(5.8)


def test_retiring_an_item_keeps_old_answers_and_leaves_new_pulses(store: Store) -> None:
    op = make_open_pulse(store)
    retired = op.questions[1]
    responses.submit_response(store, op.pulse.id, op.first_answers(4))
    programmes.set_question_retired(store, retired.id, True)
    later = programmes.create_pulse(store, op.pulse.session_id, "after")
    assert retired.id not in {q.id for q in programmes.pulse_questions(store, later.id)}
    # The pulse already asked keeps its question and its answer.
    assert retired.id in {q.id for q in programmes.pulse_questions(store, op.pulse.id)}
    with store.read() as db:
        kept = db.execute(
            "SELECT value FROM answers WHERE question_id = ?", [retired.id]
        ).fetchall()
    assert kept == [(4,)]


def test_moving_an_item_changes_the_order_of_new_pulses(store: Store) -> None:
    op = make_open_pulse(store)
    first, second = op.questions[0], op.questions[1]
    programmes.move_question(store, second.id, -1)
    later = programmes.create_pulse(store, op.pulse.session_id, "after")
    order = [q.id for q in programmes.pulse_questions(store, later.id)]
    assert order.index(second.id) < order.index(first.id)
    assert [q.id for q in programmes.pulse_questions(store, op.pulse.id)][:2] == [
        first.id,
        second.id,
    ]


def test_sessions_with_answers_cannot_be_deleted(store: Store) -> None:
    op = make_open_pulse(store)
    responses.submit_response(store, op.pulse.id, op.first_answers())
    with pytest.raises(ValueError, match="has answers"):
        programmes.delete_session(store, op.pulse.session_id)


def test_programme_settings_refuse_bad_values(store: Store) -> None:
    op = make_open_pulse(store)
    with pytest.raises(ValueError, match="at least 3"):
        programmes.update_programme(store, op.programme_id, "Name", 2)
    with pytest.raises(ValueError, match="name"):
        programmes.update_programme(store, op.programme_id, "  ", 5)
    with pytest.raises(ValueError):
        programmes.add_question(store, op.programme_id, "safety", "x" * 301, False)
    with pytest.raises(ValueError, match="Pick at least one"):
        programmes.add_pulse(store, op.pulse.session_id, "during", "custom", [])


def test_a_pulse_cannot_borrow_another_programmes_questions(store: Store) -> None:
    ours = make_open_pulse(store)
    theirs = make_open_pulse(store)
    with pytest.raises(ValueError, match="own programme"):
        programmes.add_pulse(
            store, ours.pulse.session_id, "during", "custom", [theirs.questions[0].id]
        )
