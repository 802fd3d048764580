"""One-time tickets: one answer per printed card, without knowing whose card.

A programme may require tickets. The facilitator then prints, per pulse, a
sheet of single-use codes (``rendering.tickets``), cuts the cards and hands
them out at random. Only a keyed hash of each ticket is stored (the key is the
programme's, like the per-pulse secret for device tokens), in a ``WITHOUT
ROWID`` table keyed by that hash, so the rows' order says nothing about which
ticket was issued or used when. A ticket is marked used in the same
transaction that stores the response, and nothing links the two: the response
row carries no ticket, and the ticket row no response.

The sheet is fixed before the room answers (``survey.ticket_sheet``): cards
can be printed only while a pulse has never had an answer and has not closed,
and the room is shown how many exist (``printed``), so the facilitator cannot
print cards after the fact to force a release.

Without tickets, answers without a device token are accepted (a private
window, or a script): see the README.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storage.db import Store, pulse_columns, pulse_programme
from survey import codes
from survey.answers import TicketRejected
from survey.i18n import N_
from survey.ticket_sheet import check_sheet_open, sheet_open

MAX_TICKETS_PER_SHEET = 500

NO_TICKET = N_(
    "This pulse needs the one-time ticket on the card you were given: scan the "
    "card's QR code, or type the ticket code."
)
BAD_TICKET = N_(
    "That ticket code is not valid for this pulse. Check the card and try again."
)
USED_TICKET = N_("That ticket has already been used: each ticket answers once.")


@dataclass(frozen=True)
class TicketCounts:
    issued: int
    used: int


NEEDS_TICKETS = "(g.tickets OR p.cards_printed > 0)"
"""SQL (over ``pulses p`` joined to its ``programmes g``): whether the pulse
takes answers only with a ticket. The programme's rule, or cards printed for
it: turning tickets off does not let a pulse that has cards take answers
without one, so the room's count of cards stays the limit on its answers.
Cards printed is a kept count (``pulses.cards_printed``), not the card rows,
which the retention purge deletes."""


def pulse_uses_tickets(store: Store, pulse_id: int) -> bool:
    """Whether this pulse takes answers only with a ticket (``NEEDS_TICKETS``)."""
    with store.read() as db:
        row = pulse_columns(db, pulse_id, NEEDS_TICKETS)
    return bool(row and row[0])


def uses_tickets(store: Store, programme_id: int) -> bool:
    """Whether the programme's pulses take answers only with a ticket."""
    with store.read() as db:
        row = db.execute(
            "SELECT tickets FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
    return bool(row and row[0])


def set_uses_tickets(store: Store, programme_id: int, required: bool) -> None:
    """Require (or stop requiring) tickets; the programme's key is made once."""
    with store.write() as db:
        db.execute(
            "UPDATE programmes SET tickets = ?, "
            "ticket_key = coalesce(ticket_key, ?) WHERE id = ?",
            [int(required), codes.new_ticket_key(), programme_id],
        )


def issue_tickets(store: Store, pulse_id: int, count: int) -> list[str]:
    """``count`` new tickets for a pulse, returned once in plain text for the
    printed sheet; only their hashes are kept.

    Refused with ``survey.ticket_sheet.SheetFixed`` (nothing written) once the
    pulse has had any answer or has closed: cards printed after the fact would
    let whoever prints them force a release right after one person."""
    if type(count) is not int or not 1 <= count <= MAX_TICKETS_PER_SHEET:
        raise ValueError(
            f"Print between 1 and {MAX_TICKETS_PER_SHEET} tickets at a time."
        )
    issued: dict[str, str] = {}  # hash -> ticket, in the sheet's order
    with store.write() as db:
        status, fixed = _sheet_state(db, pulse_id)
        check_sheet_open(status=status, ever_answered=fixed)
        key = _ticket_key(db, pulse_id, create=True)
        while len(issued) < count:
            ticket = codes.new_ticket()
            hashed = codes.ticket_hash(key, pulse_id, ticket)
            taken = db.execute(
                "SELECT 1 FROM tickets WHERE pulse_id = ? AND hash = ?",
                [pulse_id, hashed],
            ).fetchone()
            if not taken:
                issued[hashed] = ticket
        # Written in key order, so where a row sits in the file says nothing
        # about where its card sits on the sheet.
        db.conn.executemany(
            "INSERT INTO tickets (pulse_id, hash) VALUES (?, ?)",
            [(pulse_id, hashed) for hashed in sorted(issued)],
        )
        db.execute(
            "UPDATE pulses SET cards_printed = cards_printed + ? WHERE id = ?",
            [len(issued), pulse_id],
        )
    return list(issued.values())


def sheet_is_fixed(store: Store, pulse_id: int) -> bool:
    """Whether no more cards can be printed for this pulse (the form says so
    instead of offering to print)."""
    with store.read() as db:
        status, fixed = _sheet_state(db, pulse_id)
    return not sheet_open(status=status, ever_answered=fixed)


def printed(store: Store, pulse_id: int) -> int | None:
    """How many cards exist for this pulse, for the room to see (None when the
    pulse takes answers without them). A count only: the room can compare it
    with the people present, and it cannot grow once anyone has answered."""
    with store.read() as db:
        row = pulse_columns(db, pulse_id, f"{NEEDS_TICKETS}, p.cards_printed")
    if row is None or not row[0]:
        return None
    return int(row[1])


def ticket_counts(store: Store, pulse_id: int) -> TicketCounts:
    with store.read() as db:
        issued, used = db.execute(
            "SELECT count(*), coalesce(sum(used), 0) FROM tickets WHERE pulse_id = ?",
            [pulse_id],
        ).fetchone()
    return TicketCounts(int(issued), int(used))


def ticket_problem(store: Store, pulse_id: int, ticket: object) -> str | None:
    """Why this ticket cannot answer this pulse (None: it can), without using it:
    the page says so before anyone fills in the form."""
    with store.read() as db:
        return _problem(db, pulse_id, ticket)[1]


def consume_ticket(db: Database, pulse_id: int, ticket: object) -> None:
    """Mark the ticket used, inside the caller's write transaction, or raise
    ``TicketRejected`` (the caller's transaction then writes nothing)."""
    hashed, problem = _problem(db, pulse_id, ticket)
    if problem is not None:
        raise TicketRejected(problem)
    db.execute(
        "UPDATE tickets SET used = 1 WHERE pulse_id = ? AND hash = ?",
        [pulse_id, hashed],
    )


def _problem(
    db: Database, pulse_id: int, ticket: object
) -> tuple[str | None, str | None]:
    """``(hash, None)`` for an unused ticket of this pulse, else ``(None, why)``."""
    if ticket is None or ticket == "":
        return None, NO_TICKET
    canonical = codes.normalise_ticket(ticket)
    key = _ticket_key(db, pulse_id, create=False)
    if canonical is None or key is None:
        return None, BAD_TICKET
    hashed = codes.ticket_hash(key, pulse_id, canonical)
    row = db.execute(
        "SELECT used FROM tickets WHERE pulse_id = ? AND hash = ?", [pulse_id, hashed]
    ).fetchone()
    if row is None:
        return None, BAD_TICKET
    if row[0]:
        return None, USED_TICKET
    return hashed, None


def _sheet_state(db: Database, pulse_id: int) -> tuple[str, bool]:
    """The pulse's status, and whether it has ever had an answer (or closed)."""
    row = db.execute(
        "SELECT status, sheet_fixed, "
        "EXISTS (SELECT 1 FROM responses r WHERE r.pulse_id = p.id) "
        "FROM pulses p WHERE id = ?",
        [pulse_id],
    ).fetchone()
    if row is None:
        raise ValueError("No pulse has that id.")
    status, fixed, answered = row
    return status, bool(fixed or answered)


def _ticket_key(db: Database, pulse_id: int, *, create: bool) -> str | None:
    programme = pulse_programme(db, pulse_id)
    programme_id, key = programme["id"], programme["ticket_key"]
    if key is None and create:
        key = codes.new_ticket_key()
        db.execute(
            "UPDATE programmes SET ticket_key = ? WHERE id = ?", [key, programme_id]
        )
    return key
