"""Comments: released to the facilitator in batches, shown to the room only
when chosen (rules in ``survey.comment_rules``).

States: ``held`` (arrived, seen by nobody), ``review`` (released to the
facilitator, not yet chosen), ``shown`` (chosen for the room), ``hidden``
(kept from the room). The table has no link to responses and no timestamps.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storage.db import Store, row_by_id
from storage.held_out import comments_not_kept, counted, release_due_comments
from survey.comment_rules import (
    check_comment_minimum,
    effective_minimum,
    waiting_for,
)


@dataclass(frozen=True)
class Comment:
    """One comment as the facilitator reviews it: its id within the pulse, the
    text as typed, and its ``state`` (review, shown or hidden)."""

    id: str
    text: str
    state: str


@dataclass(frozen=True)
class CommentReview:
    """What the facilitator may see of a pulse's comments, in the order of
    their random keys: random, yet stable from one refresh to the next."""

    minimum: int
    responses: int
    waiting_for: int
    to_review: list[Comment]
    shown: list[Comment]
    hidden: list[Comment]
    not_kept: int = 0
    """For a closed pulse, the people who answered after its last batch:
    fewer than the minimum, so whatever comments they wrote were deleted at
    Close. A count of people, not of comments (``storage.held_out``)."""


def comment_minimum(store: Store, programme_id: int) -> int:
    with store.read() as db:
        return _minimum(db, "g.id = ?", programme_id)


def set_comment_minimum(store: Store, programme_id: int, minimum: int) -> None:
    """Set the programme's comment minimum (never below its k)."""
    with store.write() as db:
        k = row_by_id(db, "programmes", programme_id, "k")["k"]
        check_comment_minimum(minimum, int(k))
        db.execute(
            "UPDATE programmes SET comment_k = ? WHERE id = ?", [minimum, programme_id]
        )


def review(store: Store, pulse_id: int) -> CommentReview:
    """Release a batch if one is due, then what the facilitator may see."""
    with store.write() as db:
        minimum = _minimum(db, "p.id = ?", pulse_id)
        responses = counted(db, pulse_id)
        released_at = release_due_comments(db, pulse_id, minimum)
        status = row_by_id(db, "pulses", pulse_id, "status")["status"]
        not_kept = comments_not_kept(db, pulse_id) if status == "closed" else 0
        seen = [
            Comment(*row)
            for row in db.execute(
                "SELECT id, text, state FROM comments "
                "WHERE pulse_id = ? AND state != 'held' ORDER BY id",
                [pulse_id],
            )
        ]
    return CommentReview(
        minimum=minimum,
        responses=responses,
        waiting_for=waiting_for(responses, released_at, minimum),
        to_review=[c for c in seen if c.state == "review"],
        shown=[c for c in seen if c.state == "shown"],
        hidden=[c for c in seen if c.state == "hidden"],
        not_kept=int(not_kept),
    )


def choose(store: Store, pulse_id: int, comment_id: str, show: bool) -> None:
    """Show a released comment to the room, or keep it from the room."""
    with store.write() as db:
        cursor = db.execute(
            "UPDATE comments SET state = ? "
            "WHERE pulse_id = ? AND id = ? AND state != 'held'",
            ["shown" if show else "hidden", pulse_id, comment_id],
        )
        if cursor.rowcount != 1:
            raise ValueError("That comment is not there to choose.")


def room_comments(store: Store, pulse_id: int) -> list[str]:
    """The comments chosen for the room, in random (key) order."""
    with store.read() as db:
        texts = [
            text
            for (text,) in db.execute(
                "SELECT text FROM comments WHERE pulse_id = ? AND state = 'shown' "
                "ORDER BY id",
                [pulse_id],
            )
        ]
    return texts


def _minimum(db: Database, where: str, key: int) -> int:
    row = db.execute(
        "SELECT g.k, g.comment_k FROM programmes g "
        "LEFT JOIN sessions s ON s.programme_id = g.id "
        f"LEFT JOIN pulses p ON p.session_id = s.id WHERE {where} LIMIT 1",
        [key],
    ).fetchone()
    if row is None:
        raise ValueError("Not found.")
    return effective_minimum(int(row[0]), row[1])
