"""Pulse results with the anonymity rules applied, and the live release state.

Figures come from one ``GROUP BY`` over stored per-response scores. Every
figure passes ``survey.disclosure`` here, so no page or export can show a
number the rules forbid. While a pulse is open, the figures a facilitator sees
are a stored snapshot that moves only when ``should_release`` allows: reloading
the page or opening a second browser shows the same snapshot, not fresher data.
"""

from __future__ import annotations

import random

from sqlite_utils import Database

from storage.db import Store
from survey.disclosure import may_show, should_release
from survey.figures import (
    LevelCount,
    LiveRoom,
    PulseResults,
    RoomCounts,
    safe_figures,
)
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.words import NOT_SAID


def group_counts(store: Store, pulse_id: int) -> dict[str, int]:
    """Responses per group (those who gave none under ``NOT_SAID``)."""
    return room_counts(store, pulse_id).group_counts


def room_counts(store: Store, pulse_id: int) -> RoomCounts:
    with store.read() as db:
        return _room_counts(db, pulse_id)


def pulse_results(store: Store, pulse_id: int) -> PulseResults:
    """Figures from the current data, with promises 1 and 2 applied."""
    with store.read() as db:
        counts = _room_counts(db, pulse_id)
        return _pulse_results(db, pulse_id, counts)


def live_room(store: Store, pulse_id: int) -> LiveRoom:
    """Counts now, and the released figures (releasing new ones if allowed).

    Refreshes every few seconds per facilitator screen, so the common case (no
    release due) only reads; the write lock that participants' submits need is
    taken, and the decision re-checked inside it, only when a release is due.
    """
    with store.read() as db:
        counts, n_shown, snapshot = _live_state(db, pulse_id)
    if _release_due(counts, n_shown, snapshot):
        with store.write() as db:
            counts, n_shown, snapshot = _live_state(db, pulse_id)
            if _release_due(counts, n_shown, snapshot):
                snapshot = _release(db, pulse_id, counts, n_shown, snapshot)
    return LiveRoom(counts, snapshot)


def _live_state(
    db: Database, pulse_id: int
) -> tuple[RoomCounts, int, PulseResults | None]:
    counts = _room_counts(db, pulse_id)
    row = db.execute(
        "SELECT n, snapshot FROM releases WHERE pulse_id = ?", [pulse_id]
    ).fetchone()
    if row is None:
        return counts, 0, None
    return counts, row[0], PulseResults.from_json(row[1])


def _stale(counts: RoomCounts, n_shown: int, snapshot: PulseResults | None) -> bool:
    """Answers were deleted, or k changed: start again from nothing shown."""
    return counts.n_now < n_shown or (snapshot is not None and snapshot.k != counts.k)


def _release_due(
    counts: RoomCounts, n_shown: int, snapshot: PulseResults | None
) -> bool:
    if _stale(counts, n_shown, snapshot):
        return True
    return should_release(
        n_shown, counts.n_now, counts.k, closed=counts.status == "closed"
    )


def _release(
    db: Database,
    pulse_id: int,
    counts: RoomCounts,
    n_shown: int,
    snapshot: PulseResults | None,
) -> PulseResults | None:
    if _stale(counts, n_shown, snapshot):
        db.execute("DELETE FROM releases WHERE pulse_id = ?", [pulse_id])
        n_shown, snapshot = 0, None
    if not should_release(
        n_shown, counts.n_now, counts.k, closed=counts.status == "closed"
    ):
        return snapshot
    snapshot = _pulse_results(db, pulse_id, counts)
    db["releases"].upsert(
        {"pulse_id": pulse_id, "n": counts.n_now, "snapshot": snapshot.to_json()},
        pk="pulse_id",
    )
    return snapshot


def _room_counts(db: Database, pulse_id: int) -> RoomCounts:
    row = db.execute(
        "SELECT g.k, p.status, g.id FROM pulses p "
        "JOIN sessions s ON s.id = p.session_id "
        "JOIN programmes g ON g.id = s.programme_id WHERE p.id = ?",
        [pulse_id],
    ).fetchone()
    if row is None:
        raise ValueError("No pulse has that id.")
    k, status, programme_id = row
    expected = dict(
        db.execute(
            "SELECT name, expected FROM groups WHERE programme_id = ? "
            "ORDER BY position, id",
            [programme_id],
        ).fetchall()
    )
    return RoomCounts(int(k), str(status), _group_counts(db, pulse_id), expected)


def _group_counts(db: Database, pulse_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT coalesce(g.name, ?), count(*) FROM responses r "
        "LEFT JOIN groups g ON g.id = r.group_id WHERE r.pulse_id = ? "
        "GROUP BY r.group_id",
        [NOT_SAID, pulse_id],
    ).fetchall()
    return dict(rows)


def _pulse_results(db: Database, pulse_id: int, counts: RoomCounts) -> PulseResults:
    k, n = counts.k, counts.n_now
    if not may_show(n, k):
        return PulseResults(n=n, k=k)
    sums = db.execute(
        "SELECT s.dimension, coalesce(g.name, ?), count(*), sum(s.score), "
        "sum(s.score * s.score) FROM scores s LEFT JOIN groups g ON g.id = s.group_id "
        "WHERE s.pulse_id = ? GROUP BY s.dimension, s.group_id",
        [NOT_SAID, pulse_id],
    ).fetchall()
    return PulseResults(
        n=n,
        k=k,
        figures=safe_figures(sums, k),
        distribution=_distribution(db, pulse_id, k),
        comments=_comments(db, pulse_id),
    )


def _distribution(db: Database, pulse_id: int, k: int) -> list[LevelCount]:
    rows = db.execute(
        "SELECT q.dimension, CASE WHEN q.reverse THEN ? - a.value ELSE a.value END, "
        "count(*) FROM answers a JOIN questions q ON q.id = a.question_id "
        "WHERE a.pulse_id = ? GROUP BY 1, 2",
        [SCALE_LOW + SCALE_HIGH, pulse_id],
    ).fetchall()
    responses = dict(
        db.execute(
            "SELECT dimension, count(*) FROM scores WHERE pulse_id = ? "
            "GROUP BY dimension",
            [pulse_id],
        ).fetchall()
    )
    return [
        LevelCount(dimension, level, count, responses[dimension])
        for dimension, level, count in sorted(rows)
        if may_show(responses.get(dimension, 0), k)
    ]


def _comments(db: Database, pulse_id: int) -> list[str]:
    texts = [
        t
        for (t,) in db.execute(
            "SELECT text FROM comments WHERE pulse_id = ?", [pulse_id]
        )
    ]
    random.SystemRandom().shuffle(texts)
    return texts
