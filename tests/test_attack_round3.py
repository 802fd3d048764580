"""Round 3 of attacking the release model (issue 10 follow-up), through the
functions the pages and the command line call.

Each test is one way a curious facilitator (with the app, the file and its
backups) or a hostile participant could single one person out, found on main
after the 17 findings of issue 10 were fixed.
"""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from storage import (
    aggregates,
    backup,
    comments,
    programmes,
    responses,
    results,
    retention,
    tickets,
)
from storage.db import Store
from survey import codes, findings
from survey.answers import TicketRejected
from survey.ticket_sheet import SheetFixed
from tests.fixtures import make_open_pulse, row_counts
from tests.forensics import records_on_disk, wal_commits


def _complete_responses(store: Store, programme_id: int, dimension: str) -> int:
    """'Complete responses' in the reliability table (Trends, report)."""
    table = findings.reliability_table(aggregates.trends(store, programme_id))
    label = table[table["Dimension"].str.lower().str.startswith(dimension)]
    return int(label["Complete responses"].iloc[0])


def test_reliability_never_moves_by_one_complete_respondent(store: Store) -> None:
    """Reliability is computed over those who answered every item of a
    dimension. Three people answered everything (no variation) and the pulse
    closed. Reopened: three people each skipped a different purpose item and
    one answered all three (1, 7, 2). Every item had k = 3 new answers, so all
    four were released at Close — and 'Complete responses' went 3 → 4 while
    alpha went from 'no variation' to a number fixed by that one person's
    answers alone: 3/2 · (1 − Σd² / (Σd)²) of their deviations from 4."""
    op = make_open_pulse(store, k=3)
    purpose = [q.id for q in op.questions if q.dimension == "purpose"]
    assert len(purpose) == 3

    def answers(skip: int | None = None, **values: int) -> dict[int, int]:
        given = {q.id: 4 for q in op.questions if q.id != skip}
        given.update({purpose[int(i[1:])]: v for i, v in values.items()})
        return given

    for _ in range(3):
        responses.submit_response(store, op.pulse.id, answers())
    programmes.close_pulse(store, op.pulse.id)
    before = _complete_responses(store, op.programme_id, "purpose")
    assert before == 3

    programmes.open_pulse(store, op.pulse.id)
    for skipped in purpose:
        responses.submit_response(store, op.pulse.id, answers(skip=skipped))
    responses.submit_response(store, op.pulse.id, answers(q0=1, q1=7, q2=2))
    programmes.close_pulse(store, op.pulse.id)

    after = _complete_responses(store, op.programme_id, "purpose")
    moved = after - before
    assert moved == 0 or moved >= 3, (before, after)


def test_after_the_purge_no_row_says_who_answered(store: Store) -> None:
    """The purge leaves "only sums of at least k people" (README). But each
    response's row stayed, with its group and released flag: the one Director
    (a group of one, never shown) could be seen to have answered this pulse,
    and the latecomer held out at Close to have answered last, and in which
    group — read straight from the purged file or any later backup."""
    programme = programmes.create_programme(
        store, "Programme", ["Alpha", "Beta", "Director"], k=3
    )
    alpha, beta, director = programmes.programme_groups(store, programme)
    session = programmes.add_session(store, programme, "Day one")
    pulse = programmes.create_pulse(store, session, "before", status="open")
    everything = {q.id: 4 for q in programmes.pulse_questions(store, pulse.id)}
    for group in [alpha] * 3 + [beta] * 3 + [director]:
        responses.submit_response(store, pulse.id, everything, group_id=group.id)
    programmes.close_pulse(store, pulse.id)  # Director released among 'the rest'
    programmes.open_pulse(store, pulse.id)
    responses.submit_response(store, pulse.id, everything, group_id=beta.id)
    retention.close_programme(store, programme, date(2026, 1, 1))  # held out
    retention.set_retention(store, programme, 30)
    retention.apply_retention(store, date(2026, 1, 1) + timedelta(days=30))

    shown = results.shown_groups(store, pulse.id)
    assert set(shown) == {beta.id}  # Alpha hidden too, so Director is not 4 - 3
    with store.read() as db:
        rows = db.execute(
            "SELECT group_id, released, count(*) FROM responses "
            "WHERE pulse_id = ? GROUP BY 1, 2",
            [pulse.id],
        ).fetchall()
    # Per-person rows may still count responses (the totals every view shows),
    # but a group may be named only where a view shows it: released, and a
    # group the pulse shows (so each such count is at least k).
    for group_id, released, count in rows:
        assert group_id is None or (released and group_id in shown), (
            group_id,
            released,
            count,
        )


def test_after_the_purge_no_ticket_says_whose_card_answered(store: Store) -> None:
    """A facilitator who noted who got which card learns from the used flags
    who answered; after the purge nothing should describe one person, so the
    purged pulses' tickets go (the join page then calls every card invalid)."""
    op = make_open_pulse(store, k=3)
    tickets.set_uses_tickets(store, op.programme_id, True)
    cards = tickets.issue_tickets(store, op.pulse.id, 5)
    for card in cards[:3]:
        responses.submit_response(store, op.pulse.id, op.first_answers(), ticket=card)
    retention.close_programme(store, op.programme_id, date(2026, 1, 1))
    retention.set_retention(store, op.programme_id, 0)
    retention.apply_retention(store, date(2026, 1, 1))

    assert tickets.ticket_problem(store, op.pulse.id, cards[0]) == tickets.BAD_TICKET
    assert tickets.ticket_problem(store, op.pulse.id, cards[4]) == tickets.BAD_TICKET
    with store.read() as db:
        assert not db.execute("SELECT count(*) FROM tickets").fetchone()[0]


def test_the_open_file_links_a_browser_token_to_its_answers(store: Store) -> None:
    """What the README says the open file allows, shown: not only a device's
    hash but its answers. Device hashes and responses are each written in
    arrival order (cell offsets in their pages), so the i-th hash on disk
    belongs to the i-th response on disk; with the pulse's secret (in the same
    file) and one participant's browser token, their answers are found.
    Closing the pulse ends this (``test_file_trail``)."""
    op = make_open_pulse(store, k=3)
    tokens = [f"{i:064x}" for i in range(1, 13)]
    for i, token in enumerate(tokens):
        responses.submit_response(
            store, op.pulse.id, op.scoring_answers(1 + i % 7), device_token=token
        )
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    path = Path(store.path)
    hashes = [r[1] for _, _, r in records_on_disk(path, "submissions")]
    ids = [r[1] for _, _, r in records_on_disk(path, "responses")]
    secret = programmes_secret(store, op.pulse.id)
    victim = 7
    found = ids[hashes.index(codes.device_hash(secret, tokens[victim]))]
    with store.read() as db:
        scores = {
            row[0]
            for row in db.execute(
                "SELECT score FROM scores WHERE response_id = ?", [found]
            )
        }
    assert scores == {1 + victim % 7}


def test_the_open_wal_links_a_card_to_its_answers(store: Store) -> None:
    """What the README says about tickets and the open file, shown: a card is
    marked used in the same commit that stores its answers, and the WAL keeps
    each commit's pages in order. So whoever printed the cards (the ticket key
    is in the file) and noted who got which learns from a copy of the open
    file's WAL not only who answered but what. Closing ends this."""
    op = make_open_pulse(store, k=3)
    tickets.set_uses_tickets(store, op.programme_id, True)
    cards = tickets.issue_tickets(store, op.pulse.id, 8)
    store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for i, card in enumerate(cards):
        responses.submit_response(
            store, op.pulse.id, op.scoring_answers(1 + i % 7), ticket=card
        )
    with store.read() as db:
        (key,) = db.execute("SELECT ticket_key FROM programmes").fetchone()
        scores = dict(
            db.execute(
                "SELECT response_id, score FROM scores WHERE dimension = ?", ["safety"]
            )
        )
    hashed = {
        codes.ticket_hash(key, op.pulse.id, codes.normalise_ticket(card)): i
        for i, card in enumerate(cards)
    }
    used: set[str] = set()
    known: set[str] = set()
    for pages in wal_commits(Path(store.path)):
        # Pulse id 1 lives in the record header alone, so the byte before a
        # ticket's hash is its used flag's type: 9 = used (1), 8 = unused.
        now = {
            h
            for h in hashed
            if (at := pages.find(h.encode())) > 0 and pages[at - 1] == 9
        }
        (card,) = [hashed[h] for h in now - used]
        (response,) = {r for r in scores if r.encode() in pages} - known
        assert scores[response] == 1 + card % 7  # this card's answers
        used |= now
        known.add(response)
    assert len(known) == len(cards)


def programmes_secret(store: Store, pulse_id: int) -> str:
    with store.read() as db:
        return db.execute(
            "SELECT secret FROM pulses WHERE id = ?", [pulse_id]
        ).fetchone()[0]


def test_after_close_the_file_does_not_single_out_the_latecomer(store: Store) -> None:
    """Finding 1 again, through the file instead of the views: eight answer, the
    room is revealed, one latecomer answers with a comment, the pulse closes.
    Every view holds the latecomer out; the file used to mark them too (an
    unreleased response, a held comment). Close now counts them and deletes
    what they said (``storage.held_out``), so no copy of the file says it."""
    op = make_open_pulse(store, k=5)
    for i in range(8):
        responses.submit_response(
            store, op.pulse.id, op.scoring_answers(4), comment=f"early {i}"
        )
    assert results.live_room(store, op.pulse.id).released.n == 8
    comments.review(store, op.pulse.id)  # the Comments page: a batch of eight
    responses.submit_response(
        store, op.pulse.id, op.scoring_answers(1), group_id=op.groups[0].id,
        comment="the latecomer's remark",
    )  # fmt: skip
    programmes.close_pulse(store, op.pulse.id)
    assert results.pulse_results(store, op.pulse.id).held_out == 1

    copy = backup.backup_store(store, Path(store.path).with_name("copy.db"))
    with sqlite3.connect(copy) as db:
        marked = db.execute(
            "SELECT count(*) FROM responses WHERE released = 0"
        ).fetchone()[0]
        held = db.execute(
            "SELECT count(*) FROM comments WHERE state = 'held'"
        ).fetchone()[0]
    assert marked == 0 or marked >= 5
    assert held == 0 or held >= 5


def test_the_facilitator_cannot_force_a_release_with_spare_tickets(
    store: Store,
) -> None:
    """Five answer with their cards and the room shows n=5; Bob answers with the
    sixth and is held back. Were the facilitator able to print four more cards
    now and answer with them (all 7s), the release of exactly k would give
    Bob's scores away. The sheet is fixed before anyone answers: printing after
    the first answer is refused and writes nothing, and the room sees the
    count (six), so spare cards from the one sheet are visible to the room."""
    op = make_open_pulse(store, k=5)
    tickets.set_uses_tickets(store, op.programme_id, True)
    handed_out = tickets.issue_tickets(store, op.pulse.id, 6)
    for card in handed_out[:5]:
        responses.submit_response(
            store, op.pulse.id, op.scoring_answers(4), ticket=card
        )
    before = results.live_room(store, op.pulse.id).released
    assert before.n == 5
    # Bob answers with the sixth card; the live room holds him back.
    responses.submit_response(
        store, op.pulse.id, op.scoring_answers(2), ticket=handed_out[5]
    )
    # The facilitator tries to print four more cards after the fact.
    on_file = row_counts(store)
    with pytest.raises(SheetFixed, match="No more cards can be printed"):
        tickets.issue_tickets(store, op.pulse.id, 4)
    assert row_counts(store) == on_file
    assert tickets.printed(store, op.pulse.id) == 6  # what the room is shown
    # Without cards, no answer gets in, and Bob stays held back.
    for forged in ("ABCDEFGHJK", None):
        with pytest.raises(TicketRejected):
            responses.submit_response(
                store, op.pulse.id, op.scoring_answers(7), ticket=forged
            )
    after = results.live_room(store, op.pulse.id).released
    assert (after.n, after.figures) == (before.n, before.figures)


def test_turning_tickets_off_does_not_let_the_facilitator_answer_after_someone(
    store: Store,
) -> None:
    """The same attack by a side door: with the sheet fixed, the facilitator
    turns tickets off for the programme, answers k - 1 times from private
    windows right after Bob, and turns them back on. A pulse with printed cards
    takes answers only with a card, whatever the programme's setting, so the
    room's count of cards stays the limit on its answers."""
    op = make_open_pulse(store, k=5)
    tickets.set_uses_tickets(store, op.programme_id, True)
    handed_out = tickets.issue_tickets(store, op.pulse.id, 6)
    for card in handed_out:
        responses.submit_response(
            store, op.pulse.id, op.scoring_answers(4), ticket=card
        )
    tickets.set_uses_tickets(store, op.programme_id, False)
    on_file = row_counts(store)
    for _ in range(4):
        with pytest.raises(TicketRejected, match="one-time ticket"):
            responses.submit_response(store, op.pulse.id, op.scoring_answers(7))
    assert row_counts(store) == on_file
    assert tickets.printed(store, op.pulse.id) == 6  # still shown to the room


def test_close_leaves_no_wal_while_another_connection_reads(store: Store) -> None:
    """Close compacts the file and empties the WAL. But while another
    connection was reading (the other worker, a backup being taken, the
    command line), SQLite could not empty it, said so only in the
    checkpoint's result, and the code did not look: the WAL kept the open
    pulse's pages in arrival order after Close, with no error."""
    op = make_open_pulse(store, k=3)
    for i in range(40):
        responses.submit_response(store, op.pulse.id, op.scoring_answers(1 + i % 7))
    path = Path(store.path)
    store.db.execute("PRAGMA busy_timeout=200")  # fail fast instead of 2 x 10 s
    reader = sqlite3.connect(path, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM responses").fetchone()
        programmes.close_pulse(store, op.pulse.id)
        # The reader kept the WAL (the open pulse's pages, in arrival order).
        assert Path(f"{path}-wal").stat().st_size > 0
    finally:
        reader.execute("COMMIT")
        reader.close()
    # The next use of the store, with nobody else reading, empties it.
    assert results.pulse_results(store, op.pulse.id).n == 40
    assert Path(f"{path}-wal").stat().st_size == 0


def test_setting_the_status_to_closed_is_the_one_close_path(store: Store) -> None:
    """``set_pulse_status(..., "closed")`` only changed the status: no final
    release, device hashes kept (a token still matched), file not compacted."""
    op = make_open_pulse(store, k=3)
    token = "cd" * 32
    for i in range(3):
        responses.submit_response(
            store,
            op.pulse.id,
            op.scoring_answers(4),
            device_token=token if i == 0 else None,
        )
    programmes.set_pulse_status(store, op.pulse.id, "closed")
    assert results.pulse_results(store, op.pulse.id).n == 3  # final release
    assert not responses.has_answered(store, op.pulse.id, token)
    assert Path(f"{store.path}-wal").stat().st_size == 0
