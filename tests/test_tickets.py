"""One-time tickets (finding 5): with tickets, one answer per card, guaranteed,
and nothing links a card to its answers."""

from __future__ import annotations

import random
import sqlite3
import threading
from pathlib import Path

import pytest

from storage import programmes, responses, tickets
from storage.db import open_store
from survey import codes
from survey.answers import TicketRejected
from survey.codes import spaced_ticket
from survey.ticket_sheet import SheetFixed
from tests.fixtures import OpenPulse, make_open_pulse, row_counts


@pytest.fixture
def ticketed(open_pulse: OpenPulse) -> OpenPulse:
    tickets.set_uses_tickets(open_pulse.store, open_pulse.programme_id, True)
    return open_pulse


def submit(op: OpenPulse, **kwargs: object) -> None:
    responses.submit_response(op.store, op.pulse.id, op.first_answers(), **kwargs)


def test_answers_without_a_token_are_refused_when_tickets_are_used(
    ticketed: OpenPulse,
) -> None:
    """Finding 5: four token-less answers were all accepted and forced a release."""
    before = row_counts(ticketed.store)
    for _ in range(4):
        with pytest.raises(TicketRejected, match="one-time ticket"):
            submit(ticketed)
    assert row_counts(ticketed.store) == before


def test_each_ticket_answers_once(ticketed: OpenPulse) -> None:
    ticket, other = tickets.issue_tickets(ticketed.store, ticketed.pulse.id, 2)
    submit(ticketed, ticket=ticket)
    before = row_counts(ticketed.store)
    with pytest.raises(TicketRejected, match="already been used"):
        submit(ticketed, ticket=ticket)
    assert row_counts(ticketed.store) == before
    submit(ticketed, ticket=spaced_ticket(other).lower())  # as typed from the card
    assert responses.count_responses(ticketed.store, ticketed.pulse.id) == 2
    assert tickets.ticket_counts(ticketed.store, ticketed.pulse.id) == (
        tickets.TicketCounts(issued=2, used=2)
    )


def test_a_made_up_or_other_pulses_ticket_is_refused(ticketed: OpenPulse) -> None:
    session_id = programmes.add_session(
        ticketed.store, ticketed.programme_id, "Follow-up"
    )
    other = programmes.create_pulse(ticketed.store, session_id, "after")
    (elsewhere,) = tickets.issue_tickets(ticketed.store, other.id, 1)
    before = row_counts(ticketed.store)
    for wrong in (elsewhere, "ABCDEFGHJK", "not a ticket", 12345):
        with pytest.raises(TicketRejected, match="not valid"):
            submit(ticketed, ticket=wrong)
    assert row_counts(ticketed.store) == before


def test_a_device_token_is_not_stored_when_tickets_are_used(
    ticketed: OpenPulse,
) -> None:
    """Two people sharing one phone can each answer with their own card."""
    first, second = tickets.issue_tickets(ticketed.store, ticketed.pulse.id, 2)
    token = "ab" * 32
    submit(ticketed, ticket=first, device_token=token)
    submit(ticketed, ticket=second, device_token=token)
    assert row_counts(ticketed.store)["submissions"] == 0


def test_tickets_are_stored_only_as_hashes_unlinked_from_answers(
    ticketed: OpenPulse,
) -> None:
    issued = tickets.issue_tickets(ticketed.store, ticketed.pulse.id, 5)
    for ticket in issued[:3]:
        submit(ticketed, ticket=ticket)
    ticketed.store.compact()
    with ticketed.store.read() as db:
        columns = {
            table: {c.name for c in db[table].columns}
            for table in ("responses", "answers", "scores", "comments", "tickets")
        }
        ddl = db.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'tickets'"
        ).fetchone()[0]
    assert columns["tickets"] == {"pulse_id", "hash", "used"}
    others = {c for table, cs in columns.items() if table != "tickets" for c in cs}
    assert not any("ticket" in c for c in others)
    assert "WITHOUT ROWID" in ddl
    raw = Path(ticketed.store.path).read_bytes()
    for ticket in issued:
        assert ticket.encode() not in raw


def test_a_ticket_used_twice_at_once_answers_once(ticketed: OpenPulse) -> None:
    (ticket,) = tickets.issue_tickets(ticketed.store, ticketed.pulse.id, 1)
    outcomes: list[str] = []

    def attempt() -> None:
        try:
            submit(ticketed, ticket=ticket)
            outcomes.append("stored")
        except TicketRejected:
            outcomes.append("refused")

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["refused"] * 7 + ["stored"]
    assert responses.count_responses(ticketed.store, ticketed.pulse.id) == 1


def test_without_tickets_a_ticket_is_not_needed(open_pulse: OpenPulse) -> None:
    submit(open_pulse)
    assert responses.count_responses(open_pulse.store, open_pulse.pulse.id) == 1


@pytest.mark.parametrize("count", [0, -1, 501, 2.0])
def test_sheet_size_is_bounded(open_pulse: OpenPulse, count: object) -> None:
    with pytest.raises(ValueError, match="between 1 and 500"):
        tickets.issue_tickets(open_pulse.store, open_pulse.pulse.id, count)  # type: ignore[arg-type]


def test_using_a_ticket_leaves_its_row_where_it_was(ticketed: OpenPulse) -> None:
    """A used ticket's row is rewritten in place (the flag is the same size), so
    cell offsets do not record the order tickets were used in; rows were
    written in key order at issue, unrelated to the cards' order on the sheet."""
    store, pulse_id = ticketed.store, ticketed.pulse.id
    issued = tickets.issue_tickets(store, pulse_id, 60)
    with store.read() as db:
        key = db.execute(
            "SELECT ticket_key FROM programmes WHERE id = ?", [ticketed.programme_id]
        ).fetchone()[0]
    hashes = [codes.ticket_hash(key, pulse_id, t).encode() for t in issued]

    def offsets() -> list[int]:
        with store.read() as db:  # everything into the main file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        raw = Path(store.path).read_bytes()
        return [raw.find(h) for h in hashes]

    before = offsets()
    assert all(o > 0 for o in before)
    for ticket in random.Random(7).sample(issued, 30):
        submit(ticketed, ticket=ticket)
    assert offsets() == before  # used in place: no trace of the order of use


def test_cards_can_be_printed_until_the_first_answer(ticketed: OpenPulse) -> None:
    """A draft, and an open pulse nobody has answered, take more cards (a
    facilitator may print a second batch before the room starts)."""
    store = ticketed.store
    draft = programmes.create_pulse(
        store, programmes.add_session(store, ticketed.programme_id, "Later"), "after"
    )
    tickets.issue_tickets(store, draft.id, 3)
    tickets.issue_tickets(store, draft.id, 2)
    assert not tickets.sheet_is_fixed(store, draft.id)
    first = tickets.issue_tickets(store, ticketed.pulse.id, 3)
    tickets.issue_tickets(store, ticketed.pulse.id, 2)
    assert tickets.printed(store, draft.id) == 5
    assert tickets.printed(store, ticketed.pulse.id) == 5
    submit(ticketed, ticket=first[0])
    assert tickets.sheet_is_fixed(store, ticketed.pulse.id)


def test_printing_after_an_answer_is_refused_and_writes_nothing(
    ticketed: OpenPulse,
) -> None:
    """Cards printed after the fact would let whoever prints them answer k - 1
    times right after one person and read that person's answers."""
    store, pulse_id = ticketed.store, ticketed.pulse.id
    (card,) = tickets.issue_tickets(store, pulse_id, 1)
    submit(ticketed, ticket=card)
    before = row_counts(store)
    with pytest.raises(SheetFixed, match="No more cards can be printed"):
        tickets.issue_tickets(store, pulse_id, 10)
    assert row_counts(store) == before
    assert tickets.ticket_counts(store, pulse_id) == tickets.TicketCounts(1, 1)


def test_the_sheet_stays_fixed_after_answers_are_deleted(ticketed: OpenPulse) -> None:
    """Deleting the answers does not reopen the sheet: figures shown from them
    may still stand in someone's notes."""
    store, pulse_id = ticketed.store, ticketed.pulse.id
    (card,) = tickets.issue_tickets(store, pulse_id, 1)
    submit(ticketed, ticket=card)
    responses.delete_pulse_responses(store, pulse_id)
    assert responses.count_responses(store, pulse_id) == 0
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, pulse_id, 1)


def test_no_cards_for_a_pulse_that_has_closed(ticketed: OpenPulse) -> None:
    """Closed, and closed then reopened (even with no answers): the sheet is
    fixed for good once a pulse has closed."""
    store, pulse_id = ticketed.store, ticketed.pulse.id
    programmes.close_pulse(store, pulse_id)
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, pulse_id, 1)
    programmes.open_pulse(store, pulse_id)
    before = row_counts(store)
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, pulse_id, 1)
    assert row_counts(store) == before
    assert tickets.sheet_is_fixed(store, pulse_id)


def test_the_room_sees_the_count_only_when_tickets_are_used(
    open_pulse: OpenPulse,
) -> None:
    store, pulse_id = open_pulse.store, open_pulse.pulse.id
    assert tickets.printed(store, pulse_id) is None
    tickets.set_uses_tickets(store, open_pulse.programme_id, True)
    assert tickets.printed(store, pulse_id) == 0
    tickets.issue_tickets(store, pulse_id, 7)
    assert tickets.printed(store, pulse_id) == 7


def test_turning_tickets_off_frees_only_pulses_without_cards(
    ticketed: OpenPulse,
) -> None:
    store = ticketed.store
    tickets.issue_tickets(store, ticketed.pulse.id, 3)
    later = programmes.create_pulse(
        store, programmes.add_session(store, ticketed.programme_id, "Later"), "after"
    )
    programmes.open_pulse(store, later.id)
    tickets.set_uses_tickets(store, ticketed.programme_id, False)
    assert tickets.pulse_uses_tickets(store, ticketed.pulse.id)
    assert not tickets.pulse_uses_tickets(store, later.id)
    with pytest.raises(TicketRejected):
        submit(ticketed)
    responses.submit_response(store, later.id, ticketed.first_answers())
    assert responses.count_responses(store, later.id) == 1


def test_a_file_from_before_the_rule_fixes_the_sheets_of_answered_pulses(
    tmp_path: Path,
) -> None:
    """Opening a file made before sheets were fixed marks every pulse that was
    answered or closed, so its cards cannot be added to after the upgrade."""
    path = tmp_path / "old.db"
    store = open_store(path)
    op = make_open_pulse(store)
    tickets.set_uses_tickets(store, op.programme_id, True)
    (card,) = tickets.issue_tickets(store, op.pulse.id, 1)
    responses.submit_response(store, op.pulse.id, op.first_answers(), ticket=card)
    session = programmes.add_session(store, op.programme_id, "Later")
    closed = programmes.create_pulse(store, session, "after", status="closed")
    draft = programmes.create_pulse(store, session, "before")
    store.close()
    with sqlite3.connect(path) as db:  # the file as it was before m021
        db.execute("DROP TRIGGER sheet_fixed_by_an_answer")
        db.execute("DROP TRIGGER sheet_fixed_by_closing")
        db.execute("ALTER TABLE pulses DROP COLUMN sheet_fixed")
        db.execute(
            "DELETE FROM _sqlite_migrations WHERE name = 'm021_ticket_sheet_fixed'"
        )
    db.close()
    upgraded = open_store(path)
    try:
        assert tickets.sheet_is_fixed(upgraded, op.pulse.id)
        assert tickets.sheet_is_fixed(upgraded, closed.id)
        assert not tickets.sheet_is_fixed(upgraded, draft.id)
        with pytest.raises(SheetFixed):
            tickets.issue_tickets(upgraded, op.pulse.id, 1)
    finally:
        upgraded.close()


def test_answers_held_out_at_close_keep_the_sheet_fixed(ticketed: OpenPulse) -> None:
    """Three answer (k = 5) and Close holds them out, deleting what they said;
    reopened, the pulse still takes no more cards: the sheet the room was
    shown stays the one sheet, whatever Close kept or deleted."""
    store, pulse_id = ticketed.store, ticketed.pulse.id
    for card in tickets.issue_tickets(store, pulse_id, 3):
        submit(ticketed, ticket=card)
    programmes.close_pulse(store, pulse_id)
    programmes.open_pulse(store, pulse_id)
    before = row_counts(store)
    with pytest.raises(SheetFixed):
        tickets.issue_tickets(store, pulse_id, 2)
    assert row_counts(store) == before
