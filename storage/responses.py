"""Responses in and out: submit one, check a device, count, delete.

Every rule that protects participants is checked here, at the storage
boundary, inside the write transaction: a rejected submission raises a
``survey.answers.SubmissionRejected`` with a message fit to show, and writes
nothing.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.db import Store, delete_rows, pulse_columns, referrers
from storage.held_out import counted
from storage.tickets import NEEDS_TICKETS, consume_ticket
from survey import codes
from survey.answers import (
    AlreadyAnswered,
    InvalidSubmission,
    PulseNotOpen,
    UnknownPulse,
    clean_text,
    not_open_message,
    takes_answers,
    validate_answers,
)
from survey.i18n import N_
from survey.scoring import ScoredItem, answered_items, dimension_scores


def submit_response(
    store: Store,
    pulse_id: int,
    answers: Mapping[int, object],
    *,
    group_id: int | None = None,
    comment: str | None = None,
    device_token: str | None = None,
    ticket: str | None = None,
) -> None:
    """Store one anonymous response, or raise ``SubmissionRejected`` and store nothing.

    The response, its answers and scores, the comment (unlinked) and the
    device's keyed hash are written in one transaction; the pulse's status is
    read inside it, so a pulse closed a moment ago takes no more answers.
    When the programme uses one-time tickets, or cards were printed for this
    pulse (``storage.tickets.NEEDS_TICKETS``), an unused ``ticket`` for this
    pulse is required and is used up in the same transaction (and the device
    token is not stored: the ticket is the one-answer guarantee).
    """
    clean_comment = clean_text(comment)
    if device_token is not None and not codes.valid_device_token(device_token):
        raise InvalidSubmission(N_("This device's answer token is not valid."))
    with store.write() as db:
        pulse = pulse_columns(
            db,
            pulse_id,
            f"p.status, p.secret, s.programme_id, {NEEDS_TICKETS}, p.closes_at",
        )
        if pulse is None:
            raise UnknownPulse(N_("This pulse does not exist."))
        status, secret, programme_id, uses_tickets, closes_at = pulse
        if not takes_answers(status, closes_at, time.time()):
            raise PulseNotOpen(
                not_open_message("closed" if status == "closing" else status)
            )
        items = _scored_items(db, pulse_id)
        valid = validate_answers(answers, items)
        if group_id is not None:
            _check_group(db, programme_id, group_id)
        if uses_tickets:
            consume_ticket(db, pulse_id, ticket)
        elif device_token is not None:
            try:
                db.execute(
                    "INSERT INTO submissions (pulse_id, device_hash) VALUES (?, ?)",
                    [pulse_id, codes.device_hash(secret, device_token)],
                )
            except sqlite3.IntegrityError:
                raise AlreadyAnswered(
                    N_("You have already answered this pulse on this device.")
                ) from None
        _insert_response(db, pulse_id, group_id, valid, items)
        if clean_comment:
            db["comments"].insert(
                {"pulse_id": pulse_id, "id": codes.new_row_id(), "text": clean_comment}
            )


def has_answered(store: Store, pulse_id: int, device_token: str | None) -> bool:
    """Whether this device already answered this pulse (best effort, no identity)."""
    if device_token is None or not codes.valid_device_token(device_token):
        return False
    with store.read() as db:
        row = db.execute(
            "SELECT secret FROM pulses WHERE id = ?", [pulse_id]
        ).fetchone()
        if row is None:
            return False
        return (
            db.execute(
                "SELECT 1 FROM submissions WHERE pulse_id = ? AND device_hash = ?",
                [pulse_id, codes.device_hash(row[0], device_token)],
            ).fetchone()
            is not None
        )


def count_responses(store: Store, pulse_id: int) -> int:
    """Responses to a pulse, including those held out at an earlier Close."""
    with store.read() as db:
        return counted(db, pulse_id)


def _scored_items(db: Database, pulse_id: int) -> dict[int, ScoredItem]:
    rows = db.execute(
        "SELECT q.id, q.dimension, q.reverse FROM pulse_questions pq "
        "JOIN questions q ON q.id = pq.question_id WHERE pq.pulse_id = ?",
        [pulse_id],
    ).fetchall()
    return {qid: ScoredItem(dim, bool(rev)) for qid, dim, rev in rows}


def _check_group(db: Database, programme_id: int, group_id: object) -> None:
    if (
        type(group_id) is not int
        or not db.execute(
            "SELECT 1 FROM groups WHERE id = ? AND programme_id = ?",
            [group_id, programme_id],
        ).fetchone()
    ):
        raise InvalidSubmission(N_("That group is not part of this programme."))


_INSERT_RESPONSE = "INSERT INTO responses (pulse_id, id, group_id) VALUES (?, ?, ?)"


_INSERT_ANSWER = (
    "INSERT INTO answers (pulse_id, response_id, question_id, value) "
    "VALUES (?, ?, ?, ?)"
)


_INSERT_SCORE = (
    "INSERT INTO scores (pulse_id, dimension, response_id, group_id, score, items) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)


@dataclass
class _ResponseRows:
    responses: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    scores: list[tuple] = field(default_factory=list)

    def add(
        self,
        pulse_id: int,
        group_id: int | None,
        answers: Mapping[int, int],
        items: Mapping[int, ScoredItem],
    ) -> None:
        response_id = codes.new_row_id()
        answered = answered_items(answers, items)
        self.responses.append((pulse_id, response_id, group_id))
        self.answers.extend(
            (pulse_id, response_id, qid, value) for qid, value in answers.items()
        )
        self.scores.extend(
            (pulse_id, dim, response_id, group_id, score, answered[dim])
            for dim, score in dimension_scores(answers, items).items()
        )

    def insert(self, db: Database) -> None:
        db.conn.executemany(_INSERT_RESPONSE, self.responses)
        db.conn.executemany(_INSERT_ANSWER, self.answers)
        db.conn.executemany(_INSERT_SCORE, self.scores)


def _insert_response(
    db: Database,
    pulse_id: int,
    group_id: int | None,
    answers: Mapping[int, int],
    items: Mapping[int, ScoredItem],
) -> None:
    rows = _ResponseRows()
    rows.add(pulse_id, group_id, answers, items)
    rows.insert(db)


def insert_responses_bulk(
    db: Database,
    pulse_id: int,
    responses: Iterable[tuple[int | None, Mapping[int, int]]],
    items: Mapping[int, ScoredItem],
) -> int:
    """Insert many generated (already valid) responses in the caller's transaction.

    For demo and benchmark data only: participant answers go through
    ``submit_response`` and its checks.
    """
    rows = _ResponseRows()
    for group_id, answers in responses:
        rows.add(pulse_id, group_id, answers, items)
    rows.insert(db)
    return len(rows.responses)


def scored_items(store: Store, pulse_id: int) -> dict[int, ScoredItem]:
    with store.read() as db:
        return _scored_items(db, pulse_id)


def delete_pulse_responses(store: Store, pulse_id: int) -> int:
    """Delete every answer, score, comment and device hash of a pulse."""
    return _delete_responses(store, "SELECT ?", [pulse_id])


def delete_programme_responses(store: Store, programme_id: int) -> int:
    """Delete every answer, score, comment and device hash in a programme."""
    return _delete_responses(
        store,
        "SELECT p.id FROM pulses p JOIN sessions s ON s.id = p.session_id "
        "WHERE s.programme_id = ?",
        [programme_id],
    )


# Tables that describe a pulse rather than hold what people said.
_PULSE_SHAPE = {"pulse_questions", "tickets"}


def _delete_responses(store: Store, pulses: str, params: list) -> int:
    """Delete everything people said in the pulses the query ``pulses`` selects:
    every table that refers to a pulse (found from the schema's foreign keys),
    apart from the pulse's own questions. Then compact the file, so nothing
    deleted stays readable in it or in its WAL. Returns responses deleted,
    counting those held out at Close (their counts go too)."""
    with store.write() as db:
        ids = json.dumps([row[0] for row in db.execute(pulses, params).fetchall()])
        chosen = "IN (SELECT value FROM json_each(?))"
        deleted = db.execute(
            f"SELECT count(*) FROM responses WHERE pulse_id {chosen}", [ids]
        ).fetchone()[0]
        deleted += db.execute(
            f"SELECT coalesce(sum(held_out), 0) FROM pulses WHERE id {chosen}", [ids]
        ).fetchone()[0]
        db.execute(
            f"UPDATE pulses SET held_out = 0 WHERE id {chosen}",
            [ids],
        )
        for table, columns, _ in referrers(db, "pulses"):
            if table not in _PULSE_SHAPE:
                delete_rows(db, table, f"{columns[0]} {chosen}", [ids])
    store.compact()
    return int(deleted)
