"""Answers held out at Close: counted, and what they said not kept.

After a pulse's final release, the responses still unreleased (fewer than k
arrived after the last release) and the comments still held (fewer than the
comment minimum since the last batch) are the latecomers'. A release flag is
itself an order of arrival, so keeping them, even hidden from every view,
would tell whoever holds the file or a backup what the last people said, in
which group. The close path (``storage.programmes.close_pulses``) therefore
deletes them in its own transaction and keeps only how many answers there
were (``pulses.held_out``). Every count of a pulse's responses adds the
held-out count back (``COUNTED``), so nothing anyone was told goes down; the
facilitator is told before closing what is waiting (``waiting_at_close``).

Held comments are never counted, before Close or after: how many comments
are waiting moves with one person's answer, so a count read between two
arrivals would say who wrote the one comment of the next batch, and a count
of comments not kept beside one held-out answer would say that the
latecomer wrote one. What the facilitator is told about comments comes from
the response counts alone (answers since the last batch), which every view
already shows.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlite_utils import Database

from storage.db import Store, delete_rows, pulse_programme
from survey.comment_rules import batch_due, effective_minimum

COUNTED = "((SELECT count(*) FROM responses r WHERE r.pulse_id = p.id) + p.held_out)"
"""SQL for a pulse ``p``'s response count: rows kept plus those held out."""


@dataclass(frozen=True)
class Waiting:
    """What a Close now would do with the answers and comments still waiting."""

    answers: int
    since_batch: int
    """Answers counted since the last comment batch: their authors' comments,
    if any, are held. A count of responses, never of comments (see above)."""
    k: int
    comment_minimum: int
    comments_due: bool = False
    """Whether the answers since the last batch make a batch (comments held
    now are released at Close)."""

    @property
    def answers_kept(self) -> bool:
        """Whether the waiting answers are enough to be released at Close."""
        return self.answers == 0 or self.answers >= self.k

    @property
    def comments_kept(self) -> bool:
        """Whether any comments held now would reach the facilitator at Close."""
        return self.since_batch == 0 or self.comments_due


def counted(db: Database, pulse_id: int) -> int:
    """A pulse's responses, including those held out at an earlier Close."""
    return int(
        db.execute(
            f"SELECT {COUNTED} FROM pulses p WHERE p.id = ?", [pulse_id]
        ).fetchone()[0]
    )


def comments_released_at(db: Database, pulse_id: int) -> int:
    """The response count the pulse's last comment batch was released at."""
    row = db.execute(
        "SELECT n FROM comment_releases WHERE pulse_id = ?", [pulse_id]
    ).fetchone()
    return int(row[0]) if row else 0


def release_due_comments(db: Database, pulse_id: int, minimum: int) -> int:
    """Release the held comments to the facilitator if a batch is due (inside
    the caller's write transaction); the response count it was taken at."""
    responses = counted(db, pulse_id)
    released_at = comments_released_at(db, pulse_id)
    if not batch_due(responses, released_at, minimum):
        return released_at
    db.execute(
        "UPDATE comments SET state = 'review' WHERE pulse_id = ? AND state = 'held'",
        [pulse_id],
    )
    db.execute(
        "INSERT INTO comment_releases (pulse_id, n) VALUES (?, ?) "
        "ON CONFLICT (pulse_id) DO UPDATE SET n = excluded.n",
        [pulse_id, responses],
    )
    return responses


def drop_held_out(db: Database, pulse_id: int) -> tuple[int, int]:
    """At Close, after the final release: delete the unreleased responses
    (with their answers, scores and group, found from the schema's foreign
    keys) and the comments still held after a last due batch, adding the
    answers to the pulse's held-out count (held comments are not counted:
    see the module's docstring). Returns (answers, comments) deleted."""
    release_due_comments(db, pulse_id, comment_minimum(db, pulse_id))
    answers = delete_rows(db, "responses", "pulse_id = ? AND released = 0", [pulse_id])
    remarks = db.execute(
        "DELETE FROM comments WHERE pulse_id = ? AND state = 'held'", [pulse_id]
    ).rowcount
    db.execute(
        "UPDATE pulses SET held_out = held_out + ? WHERE id = ?", [answers, pulse_id]
    )
    return int(answers), int(remarks)


def forget_comment_gap(db: Database, pulse_id: int) -> None:
    """At Close, after the held comments are deleted: the next batch counts
    from here. The people who answered since the last batch stay in the
    response count, but their comments are gone; counted towards a batch after
    reopening, they would let it hold the comments of fewer than the minimum
    (one short of 5: four people's). Adds how many they were to
    ``comment_releases.not_kept`` (a response count, over every Close of the
    pulse; 0 when it is closed again) for the Comments page."""
    responses = counted(db, pulse_id)
    gap = responses - comments_released_at(db, pulse_id)
    if not gap:
        return  # nothing to forget: no row written for a pulse nobody answered
    db.execute(
        "INSERT INTO comment_releases (pulse_id, n, not_kept) VALUES (?, ?, ?) "
        "ON CONFLICT (pulse_id) DO UPDATE SET n = excluded.n, "
        "not_kept = not_kept + excluded.not_kept",
        [pulse_id, responses, gap],
    )


def comment_minimum(db: Database, pulse_id: int) -> int:
    programme = pulse_programme(db, pulse_id)
    return effective_minimum(int(programme["k"]), programme["comment_k"])


def waiting_at_close(store: Store, pulse_id: int) -> Waiting:
    """What is waiting now, for the Close confirmation: answers not yet in the
    figures, and answers since the last comment batch (``ValueError`` for an
    unknown pulse). A release can take fewer than all waiting answers (one item's
    count must also move by k), so ``answers_kept`` is the likely outcome."""
    with store.read() as db:
        programme = pulse_programme(db, pulse_id)
        k = int(programme["k"])
        minimum = effective_minimum(k, programme["comment_k"])
        answers = db.execute(
            "SELECT count(*) FROM responses WHERE pulse_id = ? AND released = 0",
            [pulse_id],
        ).fetchone()[0]
        responses = counted(db, pulse_id)
        released_at = comments_released_at(db, pulse_id)
        due = batch_due(responses, released_at, minimum)
    return Waiting(int(answers), responses - released_at, k, minimum, due)


def waiting_at_programme_close(store: Store, programme_id: int) -> list[Waiting]:
    """``waiting_at_close`` for each open (or closing) pulse of a programme."""
    with store.read() as db:
        ids = [
            row[0]
            for row in db.execute(
                "SELECT p.id FROM pulses p JOIN sessions s ON s.id = p.session_id "
                "WHERE s.programme_id = ? AND p.status IN ('open', 'closing') "
                "ORDER BY p.id",
                [programme_id],
            ).fetchall()
        ]
    return [waiting_at_close(store, pulse_id) for pulse_id in ids]


def comments_not_kept(db: Database, pulse_id: int) -> int:
    """The people who answered after the last comment batch before a Close of
    the pulse: any comments they wrote were deleted."""
    row = db.execute(
        "SELECT not_kept FROM comment_releases WHERE pulse_id = ?", [pulse_id]
    ).fetchone()
    return int(row[0]) if row else 0


def drop_held_out_of_closed_pulses(db: Database) -> None:
    """Apply the rule to pulses an earlier version closed (a migration)."""
    for (pulse_id,) in db.execute(
        "SELECT id FROM pulses WHERE status = 'closed'"
    ).fetchall():
        drop_held_out(db, pulse_id)
