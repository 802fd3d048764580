"""Round 4 of attacking the release model (issue 10 follow-up), through the
functions the pages call: the held-out count at Close, fixed ticket sheets,
and release buckets (``survey.disclosure.bucket_of``).

Each test is one way a curious facilitator (with the app, the file and its
backups) or a hostile participant could single one person out, or a promise
users depend on that an attack tried and found holding.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import comments, programmes, responses, results, retention, tickets
from storage.db import Store, open_store
from storage.held_out import waiting_at_close
from survey.answers import TicketRejected
from survey.ticket_sheet import SheetFixed
from survey.words import EVERYONE
from tests.fixtures import OpenPulse, make_open_pulse
from ui.held_out_views import close_warning

SECRET = "only the seventh person wrote this, 3c9e"


def _seven_answer(store: Store, comment: str | None) -> tuple[OpenPulse, str]:
    """Five answer and are released with the (empty) first comment batch, a
    sixth answers, then a seventh (with ``comment``); the Close confirmation
    as the facilitator reads it after the seventh."""
    op = make_open_pulse(store, k=5)
    for _ in range(5):
        responses.submit_response(store, op.pulse.id, op.first_answers())
    assert results.live_room(store, op.pulse.id).released.n == 5
    comments.review(store, op.pulse.id)
    responses.submit_response(store, op.pulse.id, op.first_answers())
    responses.submit_response(store, op.pulse.id, op.first_answers(), comment=comment)
    return op, close_warning(waiting_at_close(store, op.pulse.id))


def test_the_close_warning_does_not_say_who_wrote_a_comment(store: Store) -> None:
    """Comments reach the facilitator in batches so that a comment cannot be
    tied to one of the people who answered between two batches. The Close
    confirmation (opened from the timeline at any time while the pulse is
    open) said how many comments were waiting: opened after each arrival, it
    read 0 after the sixth person and '1 comment is waiting' after the
    seventh, so the one comment of the next batch was the seventh person's,
    word for word."""
    op, commented = _seven_answer(store, SECRET)
    for _ in range(3):
        responses.submit_response(store, op.pulse.id, op.first_answers())
    batch = comments.review(store, op.pulse.id).to_review
    assert [c.text for c in batch] == [SECRET]

    _, silent = _seven_answer(store, None)
    assert commented == silent
    assert "2 answers have come since the last batch of comments" in silent


def test_after_close_no_count_says_whether_the_latecomer_commented(
    store: Store,
) -> None:
    """Close deletes the comments held after the last batch and kept their
    number (``held_out_comments``), shown on the Comments page and kept in the
    file and every later backup. Five answered, the batch and the figures
    were released; one latecomer answered and Close held them out: 'held out
    1 answer' beside '1 comment not kept' says that this one person (whom the
    room saw arrive late) wrote a comment, a count about fewer than k."""
    op = make_open_pulse(store, k=5)
    pulse_id = op.pulse.id
    for _ in range(5):
        responses.submit_response(store, pulse_id, op.first_answers())
    results.live_room(store, pulse_id)
    comments.review(store, pulse_id)
    responses.submit_response(store, pulse_id, op.first_answers(), comment=SECRET)
    programmes.close_pulse(store, pulse_id)

    commented = comments.review(store, pulse_id)
    assert results.room_counts(store, pulse_id).held_out == 1
    with store.read() as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(pulses)")}
    assert "held_out_comments" not in columns  # nor in the file or its backups

    # The same pulse had the latecomer written nothing: the page is the same.
    other = make_open_pulse(store, k=5)
    for _ in range(5):
        responses.submit_response(store, other.pulse.id, other.first_answers())
    results.live_room(store, other.pulse.id)
    comments.review(store, other.pulse.id)
    responses.submit_response(store, other.pulse.id, other.first_answers())
    programmes.close_pulse(store, other.pulse.id)
    silent = comments.review(store, other.pulse.id)
    assert vars(commented) == vars(silent)


def _a_batch_then_a_commenting_latecomer_closed(op: OpenPulse) -> int:
    """Five answer and are released with their comment batch; one latecomer
    answers with a comment; the pulse closes (holding the latecomer out)."""
    store, pulse_id = op.store, op.pulse.id
    for _ in range(5):
        responses.submit_response(store, pulse_id, op.first_answers())
    results.live_room(store, pulse_id)
    comments.review(store, pulse_id)
    responses.submit_response(store, pulse_id, op.first_answers(), comment="gone")
    programmes.close_pulse(store, pulse_id)
    return pulse_id


def _answered_once(op: OpenPulse, ticket: str) -> None:
    responses.submit_response(op.store, op.pulse.id, op.first_answers(), ticket=ticket)


def test_no_cards_after_anyone_answered_even_once_answers_are_deleted(
    store: Store,
) -> None:
    """Attack on the fixed sheet: one person answers with a card, the
    facilitator deletes every answer of the pulse (Data page), turns tickets
    off and on for the programme, closes and reopens the pulse, then tries to
    print more cards. Holds: every attempt is refused and nothing is written,
    so the room's 'N cards printed' stays the limit on its answers."""
    op = make_open_pulse(store, k=5)
    tickets.set_uses_tickets(store, op.programme_id, True)
    programmes.set_pulse_status(store, op.pulse.id, "draft")
    cards = tickets.issue_tickets(store, op.pulse.id, 6)
    programmes.open_pulse(store, op.pulse.id)
    _answered_once(op, cards[0])
    responses.delete_pulse_responses(store, op.pulse.id)
    tickets.set_uses_tickets(store, op.programme_id, False)
    tickets.set_uses_tickets(store, op.programme_id, True)
    programmes.set_pulse_status(store, op.pulse.id, "draft")
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, op.pulse.id, 4)
    programmes.close_pulse(store, op.pulse.id)
    programmes.open_pulse(store, op.pulse.id)
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, op.pulse.id, 4)
    assert tickets.printed(store, op.pulse.id) == 6


def test_a_card_of_another_pulse_does_not_answer_this_one(store: Store) -> None:
    """Attack: the sheet of pulse A is fixed, so the facilitator adds a second
    pulse to the same session, prints cards for it and uses them on A. Holds:
    a ticket answers only the pulse it was printed for."""
    op = make_open_pulse(store, k=5)
    tickets.set_uses_tickets(store, op.programme_id, True)
    programmes.set_pulse_status(store, op.pulse.id, "draft")
    tickets.issue_tickets(store, op.pulse.id, 5)
    programmes.open_pulse(store, op.pulse.id)
    second = programmes.add_pulse(store, op.pulse.session_id, "after", "short")
    spare = tickets.issue_tickets(store, second.id, 4)
    assert tickets.ticket_problem(store, op.pulse.id, spare[0]) == tickets.BAD_TICKET
    assert results.room_counts(store, op.pulse.id).n_now == 0


def test_a_comment_batch_after_reopening_covers_the_comment_minimum(
    store: Store,
) -> None:
    """Every comment a facilitator reads was written by one of at least the
    comment minimum of people who answered since the batch before
    (``survey.comment_rules``). Five answered and the first batch was
    released; one latecomer answered with a comment and Close deleted it,
    keeping the latecomer in the count. Reopened, four people answered: the
    count moved 6 -> 10, five past the last batch, so a batch was released,
    but its comments can only be from those four (the latecomer's was
    deleted): a batch of four people, one short of the minimum; with one
    new person and k = 2 it would name them."""
    op = make_open_pulse(store, k=5)
    pulse_id = _a_batch_then_a_commenting_latecomer_closed(op)
    programmes.open_pulse(store, pulse_id)

    for i in range(4):
        responses.submit_response(
            store, pulse_id, op.first_answers(), comment=f"new {i}"
        )
    assert comments.review(store, pulse_id).to_review == []
    responses.submit_response(store, pulse_id, op.first_answers(), comment="new 4")
    batch = comments.review(store, pulse_id).to_review
    assert sorted(c.text for c in batch) == [f"new {i}" for i in range(5)]


def test_a_file_closed_by_the_last_version_gets_the_same_batch_rule(
    tmp_path: Path,
) -> None:
    """A pulse closed before m023 kept its comment batch behind its count (and
    a count of the comments it deleted). Opening the file drops that count and
    moves the batch to Close, so the reopened pulse's next batch still needs
    the comment minimum of new people."""
    path = tmp_path / "old.db"
    store = open_store(path)
    op = make_open_pulse(store, k=5)
    pulse_id = _a_batch_then_a_commenting_latecomer_closed(op)
    store.close()
    with sqlite3.connect(path) as db:  # as the last version left it
        db.execute("UPDATE comment_releases SET n = 5")
        db.execute("ALTER TABLE comment_releases DROP COLUMN not_kept")
        db.execute(
            "ALTER TABLE pulses ADD COLUMN held_out_comments INTEGER NOT NULL DEFAULT 1"
        )
        db.execute(
            "DELETE FROM _sqlite_migrations "
            "WHERE name = 'm023_no_count_of_held_comments'"
        )
    db.close()
    with open_store(path) as store:
        assert comments.review(store, pulse_id).not_kept == 1
        programmes.open_pulse(store, pulse_id)
        for i in range(4):
            responses.submit_response(
                store, pulse_id, op.first_answers(), comment=f"new {i}"
            )
        assert comments.review(store, pulse_id).to_review == []
        with store.read() as db:
            columns = {row[1] for row in db.execute("PRAGMA table_info(pulses)")}
        assert "held_out_comments" not in columns


def test_the_purge_does_not_let_a_ticketed_pulse_take_answers_without_a_card(
    store: Store,
) -> None:
    """Five cards, five answers, the programme closed and purged by its
    retention rule. The facilitator reopens the programme and the pulse and
    turns tickets off: one real person and four of the facilitator's own
    answers were then accepted without cards and released together (10 -> 10
    shown), so 10 x mean10 - 5 x mean5 - 4 known answers = that person's."""
    op = make_open_pulse(store, k=5)
    tickets.set_uses_tickets(store, op.programme_id, True)
    programmes.set_pulse_status(store, op.pulse.id, "draft")
    cards = tickets.issue_tickets(store, op.pulse.id, 5)
    programmes.open_pulse(store, op.pulse.id)
    for card in cards:
        _answered_once(op, card)
    retention.set_retention(store, op.programme_id, 0)
    retention.close_programme(store, op.programme_id, on=date.today() - timedelta(2))
    retention.apply_retention(store, today=date.today())
    retention.reopen_programme(store, op.programme_id)
    programmes.open_pulse(store, op.pulse.id)
    tickets.set_uses_tickets(store, op.programme_id, False)
    assert tickets.printed(store, op.pulse.id) == 5
    assert tickets.pulse_uses_tickets(store, op.pulse.id)
    with pytest.raises(TicketRejected):
        responses.submit_response(store, op.pulse.id, op.first_answers())
    assert responses.count_responses(store, op.pulse.id) == 5


def test_a_file_from_before_the_kept_count_keeps_its_cards_printed(
    tmp_path: Path,
) -> None:
    """Opening a file made before ``cards_printed`` counts each pulse's cards,
    so the rule holds for sheets printed before the upgrade."""
    path = tmp_path / "old.db"
    store = open_store(path)
    op = make_open_pulse(store, k=5)
    programmes.set_pulse_status(store, op.pulse.id, "draft")
    tickets.issue_tickets(store, op.pulse.id, 3)
    store.close()
    with sqlite3.connect(path) as db:  # the file as it was before m024
        db.execute("ALTER TABLE pulses DROP COLUMN cards_printed")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm024_cards_printed'")
    db.close()
    with open_store(path) as upgraded:
        assert tickets.printed(upgraded, op.pulse.id) == 3
        assert tickets.pulse_uses_tickets(upgraded, op.pulse.id)


def test_raising_k_withholds_a_shown_group_count_below_it(store: Store) -> None:
    """Social work 5 and Education 5 are released at k = 5 and both shown.
    The facilitator raises k to 6; six more social workers answer. Every
    figure about Education is now withheld, and so is its count: no figure
    or count is about fewer than k, whatever k was when it was chosen."""
    op = make_open_pulse(store, k=5)
    social, education = op.groups
    for group in (social, education):
        for _ in range(5):
            responses.submit_response(
                store, op.pulse.id, op.first_answers(), group_id=group.id
            )
    assert results.live_room(store, op.pulse.id).counts.group_counts == {
        "Social work": 5,
        "Education": 5,
    }  # the room is revealed at k = 5
    programmes.update_programme(store, op.programme_id, "Test programme", 6)
    for _ in range(6):
        responses.submit_response(
            store, op.pulse.id, op.first_answers(), group_id=social.id
        )
    room = results.live_room(store, op.pulse.id)
    assert room.counts.group_counts == {"Social work": 11}
    assert {f.group for f in room.released.figures} == {EVERYONE, "Social work"}
