"""Comments reach the facilitator privately, in batches, and the room only
once chosen (issue 10, build item 6; the comment half of finding 1)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import comments, programmes, responses
from storage.db import open_store
from survey.comment_rules import batch_due, waiting_for
from tests.fixtures import PASSPHRASE, OpenPulse, make_open_pulse, signed_in_page


def answer(op: OpenPulse, comment: str | None = None) -> None:
    responses.submit_response(
        op.store, op.pulse.id, op.first_answers(), comment=comment
    )


def texts(listed: list[comments.Comment]) -> set[str]:
    return {c.text for c in listed}


def test_no_comment_is_seen_before_the_comment_minimum(open_pulse: OpenPulse) -> None:
    for n in range(4):
        answer(open_pulse, f"comment {n}")
        assert comments.review(open_pulse.store, open_pulse.pulse.id).to_review == []
    answer(open_pulse, "comment 4")
    review = comments.review(open_pulse.store, open_pulse.pulse.id)
    assert texts(review.to_review) == {f"comment {n}" for n in range(5)}


def test_a_latecomers_comment_stays_held_through_close(open_pulse: OpenPulse) -> None:
    """Finding 1, for comments: after a release at 8, one latecomer's comment
    appearing (here or on Close) would be theirs."""
    for n in range(8):
        answer(open_pulse, f"early {n}")
    assert len(comments.review(open_pulse.store, open_pulse.pulse.id).to_review) == 8
    answer(open_pulse, "the latecomer")
    review = comments.review(open_pulse.store, open_pulse.pulse.id)
    assert "the latecomer" not in texts(review.to_review)
    assert review.waiting_for == 4
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    closed = comments.review(open_pulse.store, open_pulse.pulse.id)
    assert "the latecomer" not in texts(closed.to_review)


def test_later_comments_come_in_batches_of_the_minimum(open_pulse: OpenPulse) -> None:
    for n in range(5):
        answer(open_pulse, f"first {n}")
    comments.review(open_pulse.store, open_pulse.pulse.id)
    for n in range(4):
        answer(open_pulse, f"second {n}")
        seen = comments.review(open_pulse.store, open_pulse.pulse.id).to_review
        assert not any(c.text.startswith("second") for c in seen)
    answer(open_pulse)  # the fifth answer needs no comment to complete the batch
    seen = comments.review(open_pulse.store, open_pulse.pulse.id).to_review
    assert {f"second {n}" for n in range(4)} <= texts(seen)


def test_the_room_sees_only_chosen_comments(open_pulse: OpenPulse) -> None:
    for n in range(5):
        answer(open_pulse, f"comment {n}")
    review = comments.review(open_pulse.store, open_pulse.pulse.id)
    assert comments.room_comments(open_pulse.store, open_pulse.pulse.id) == []
    chosen, kept = review.to_review[0], review.to_review[1]
    comments.choose(open_pulse.store, open_pulse.pulse.id, chosen.id, show=True)
    comments.choose(open_pulse.store, open_pulse.pulse.id, kept.id, show=False)
    assert comments.room_comments(open_pulse.store, open_pulse.pulse.id) == [
        chosen.text
    ]
    after = comments.review(open_pulse.store, open_pulse.pulse.id)
    assert texts(after.shown) == {chosen.text}
    assert texts(after.hidden) == {kept.text}
    assert len(after.to_review) == 3


def test_a_held_comment_cannot_be_chosen(open_pulse: OpenPulse) -> None:
    answer(open_pulse, "too early")
    with open_pulse.store.read() as db:
        (held,) = db.execute("SELECT id FROM comments").fetchone()
    with pytest.raises(ValueError, match="not there"):
        comments.choose(open_pulse.store, open_pulse.pulse.id, held, show=True)
    assert comments.room_comments(open_pulse.store, open_pulse.pulse.id) == []


def test_a_programme_can_set_a_higher_comment_minimum(open_pulse: OpenPulse) -> None:
    comments.set_comment_minimum(open_pulse.store, open_pulse.programme_id, 10)
    for n in range(9):
        answer(open_pulse, f"comment {n}")
    assert comments.review(open_pulse.store, open_pulse.pulse.id).to_review == []
    answer(open_pulse, "comment 9")
    assert len(comments.review(open_pulse.store, open_pulse.pulse.id).to_review) == 10


@pytest.mark.parametrize("minimum", [4, 2, 0, 5.5, "10"])
def test_the_comment_minimum_is_never_below_k(
    open_pulse: OpenPulse, minimum: object
) -> None:
    with pytest.raises(ValueError, match="at least k"):
        comments.set_comment_minimum(
            open_pulse.store,
            open_pulse.programme_id,
            minimum,  # type: ignore[arg-type]
        )
    assert comments.comment_minimum(open_pulse.store, open_pulse.programme_id) == 5


def test_deleting_answers_starts_the_batches_afresh(open_pulse: OpenPulse) -> None:
    for n in range(5):
        answer(open_pulse, f"old {n}")
    comments.review(open_pulse.store, open_pulse.pulse.id)
    responses.delete_pulse_responses(open_pulse.store, open_pulse.pulse.id)
    for n in range(5):
        answer(open_pulse, f"new {n}")
    seen = comments.review(open_pulse.store, open_pulse.pulse.id).to_review
    assert texts(seen) == {f"new {n}" for n in range(5)}


def test_batch_rule() -> None:
    assert not batch_due(4, 0, 5)
    assert batch_due(5, 0, 5)
    assert not batch_due(9, 5, 5)
    assert batch_due(10, 5, 5)
    assert waiting_for(3, 0, 5) == 2
    assert waiting_for(7, 5, 5) == 3


def signed_in(path: str, op: OpenPulse) -> AppTest:
    at = signed_in_page(path, programme=op.programme_id, pulse=op.pulse.id)
    assert not at.exception, at.exception
    return at


def test_the_live_room_shows_a_comment_only_once_chosen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    for n in range(5):
        answer(op, f"comment {n}")
    live = signed_in("screens/facilitator/live.py", op)
    live.toggle[0].set_value(True).run()
    assert not any(t.value.startswith("comment") for t in live.text)

    review = signed_in("screens/facilitator/comments.py", op)
    assert {t.value for t in review.text} == {f"comment {n}" for n in range(5)}
    first = next(b for b in review.button if b.label == "Show in the room")
    first.click().run()
    assert not review.exception

    live = signed_in("screens/facilitator/live.py", op)
    live.toggle[0].set_value(True).run()
    assert len([t for t in live.text if t.value.startswith("comment")]) == 1
    store.close()


def test_the_comments_page_says_comments_after_the_last_batch_were_not_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight answers, comment minimum 10, Close: the eight comments are
    deleted, and the page says so (not "after 2 more answers"), counting the
    people who answered after the last batch, never the comments (a count of
    comments beside one held-out answer says whether the latecomer wrote
    one: tests/test_attack_round4.py)."""
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    comments.set_comment_minimum(store, op.programme_id, 10)
    for n in range(8):
        answer(op, f"comment {n}")
    programmes.close_pulse(store, op.pulse.id)
    page = signed_in("screens/facilitator/comments.py", op)
    said = [i.value for i in page.info]
    assert (
        "8 people answered too late for a batch of comments (a batch needs 10 "
        "answers), so any comments they wrote were not kept, to keep their "
        "authors anonymous." in said
    )
    assert not any("appear after" in s for s in said)
    store.close()
