"""Releases, and the released figures every view shows.

One release model for every view (DESIGN.md promise 3): figures — live room,
Present, Trends, report, CSV, question counts — are computed over *released*
responses only. ``release`` asks ``survey.disclosure.release_batch`` which
pending responses may join, marks them released and adds them to the released
sums (``score_sums``, ``item_stats``) in the same transaction. A release adds,
for each shown group and for everyone else, nobody or at least k people, and
for every item and dimension nobody or at least k answers (and nobody or at
least k who answered all of a dimension's items, the people reliability is
computed over); so no two figures
anyone can see at any two moments differ by fewer than k people.

Releases happen when the live room looks and there are at least k pending
responses, and when a pulse closes. Answers that cannot be released (fewer
than k left when the pulse closes) are held out of every figure: counted,
what they said deleted at Close (``storage.held_out``), and the facilitator
told how many and why.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from storage.db import Store, pulse_programme
from survey.disclosure import (
    Pending,
    Release,
    bucket_of,
    may_show,
    release_batch,
    shown_counts,
)
from survey.figures import (
    Figure,
    LevelCount,
    LiveRoom,
    PulseResults,
    RoomCounts,
    released_figures,
)
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.trends import AGREE_FROM


def room_counts(store: Store, pulse_id: int) -> RoomCounts:
    with store.read() as db:
        return _room_counts(db, pulse_id)


def pulse_results(store: Store, pulse_id: int) -> PulseResults:
    """The released figures of a pulse (promises 1–3 applied)."""
    with store.read() as db:
        return _pulse_results(db, pulse_id, _room_counts(db, pulse_id))


def live_room(store: Store, pulse_id: int) -> LiveRoom:
    """Counts now, and the released figures (releasing more if a release is due).

    Refreshes every few seconds per facilitator screen, so the common case (no
    release possible) only reads; the write lock participants' submits need is
    taken only when at least k responses are pending.
    """
    with store.read() as db:
        counts = _room_counts(db, pulse_id)
    if counts.pending >= counts.k:
        with store.write() as db:
            if release(db, pulse_id):
                counts = _room_counts(db, pulse_id)
    with store.read() as db:
        return LiveRoom(counts, _pulse_results(db, pulse_id, counts))


def release_all(db: Database, pulse_id: int) -> int:
    """Release as much as the rules allow (at close): one release, since a
    release already takes every bucket that can go."""
    return release(db, pulse_id)


def release(db: Database, pulse_id: int) -> int:
    """Apply the next release of a pulse inside the caller's write transaction.

    Returns how many responses it released (0 when none may be).
    """
    k = _k_of(db, pulse_id)
    visible = _visible(db, pulse_id)
    pending = _pending(db, pulse_id)
    if len(pending) < k:
        return 0
    dimension_of = {
        row["id"]: row["dimension"]
        for row in db.query(
            "SELECT q.id, q.dimension FROM pulse_questions pq "
            "JOIN questions q ON q.id = pq.question_id WHERE pq.pulse_id = ?",
            [pulse_id],
        )
    }
    batch = release_batch(pending, visible, k, dimension_of)
    if batch is None:
        return 0
    if visible is None:
        db.execute(
            "INSERT INTO disclosures (pulse_id, visible) VALUES (?, ?)",
            [pulse_id, json.dumps(sorted(batch.visible))],
        )
    groups = {p.group for p in pending if p.id in batch.ids}
    _add_to_sums(db, pulse_id, batch, groups)
    return len(batch.ids)


def _add_to_sums(
    db: Database, pulse_id: int, batch: Release, groups: set[int | None]
) -> None:
    """Add a release to the released sums, each response under its bucket as
    ``survey.disclosure.bucket_of`` decides (the one definition every figure
    uses; written out here per group id so the query stays one pass)."""
    ids = json.dumps(sorted(batch.ids))
    bucket = _bucket_sql(groups, batch.visible)
    in_batch = "r.pulse_id = ? AND r.id IN (SELECT value FROM json_each(?))"
    db.execute(
        "INSERT INTO score_sums (pulse_id, dimension, group_key, items, n, total, "
        f"squares, agree) SELECT s.pulse_id, s.dimension, {bucket}, s.items, "
        f"count(*), sum(s.score), sum(s.score * s.score), sum(s.score >= {AGREE_FROM}) "
        "FROM scores s JOIN responses r "
        f"ON r.pulse_id = s.pulse_id AND r.id = s.response_id WHERE {in_batch} "
        "GROUP BY 1, 2, 3, 4 ON CONFLICT (pulse_id, dimension, group_key, items) "
        "DO UPDATE SET n = n + excluded.n, total = total + excluded.total, "
        "squares = squares + excluded.squares, agree = agree + excluded.agree",
        [pulse_id, ids],
    )
    db.execute(
        "INSERT INTO item_stats (pulse_id, group_key, question_id, complete, n, "
        f"total, squares) SELECT a.pulse_id, {bucket}, a.question_id, "
        "s.items = (SELECT count(*) FROM pulse_questions pq JOIN questions q2 "
        "ON q2.id = pq.question_id WHERE pq.pulse_id = a.pulse_id "
        "AND q2.dimension = q.dimension), count(*), sum(a.value), "
        "sum(a.value * a.value) FROM answers a "
        "JOIN responses r ON r.pulse_id = a.pulse_id AND r.id = a.response_id "
        "JOIN questions q ON q.id = a.question_id "
        "JOIN scores s ON s.pulse_id = a.pulse_id AND s.response_id = a.response_id "
        f"AND s.dimension = q.dimension WHERE {in_batch} GROUP BY 1, 2, 3, 4 "
        "ON CONFLICT (pulse_id, group_key, question_id, complete) DO UPDATE SET "
        "n = n + excluded.n, total = total + excluded.total, "
        "squares = squares + excluded.squares",
        [pulse_id, ids],
    )
    db.execute(
        "UPDATE responses SET released = 1 WHERE pulse_id = ? AND id IN "
        "(SELECT value FROM json_each(?))",
        [pulse_id, ids],
    )


def _bucket_sql(groups: set[int | None], visible: frozenset[int]) -> str:
    """``bucket_of(r.group_id, visible)`` as SQL, for the groups given."""
    cases = " ".join(
        f"WHEN {int(g)} THEN {int(bucket_of(g, visible))}"
        for g in sorted(g for g in groups if g is not None)
    )
    otherwise = int(bucket_of(None, visible))
    return f"CASE r.group_id {cases} ELSE {otherwise} END" if cases else str(otherwise)


def shown_groups(store: Store, pulse_id: int) -> dict[int, str]:
    """The groups a pulse shows, by id with their current names (none before its
    first release). Decided once per pulse; every view and export asks this."""
    with store.read() as db:
        visible = _visible(db, pulse_id) or frozenset()
        return {
            row["id"]: row["name"]
            for row in db.query(
                "SELECT id, name FROM groups WHERE id IN "
                "(SELECT value FROM json_each(?)) ORDER BY position, id",
                [json.dumps(sorted(visible))],
            )
        }


def _visible(db: Database, pulse_id: int) -> frozenset[int] | None:
    row = db.execute(
        "SELECT visible FROM disclosures WHERE pulse_id = ?", [pulse_id]
    ).fetchone()
    return None if row is None else frozenset(json.loads(row[0]))


def _pending(db: Database, pulse_id: int) -> list[Pending]:
    items: dict[str, set[int]] = {}
    groups: dict[str, int | None] = {}
    for row in db.query(
        "SELECT r.id, r.group_id, a.question_id FROM responses r "
        "LEFT JOIN answers a ON a.pulse_id = r.pulse_id AND a.response_id = r.id "
        "WHERE r.pulse_id = ? AND r.released = 0",
        [pulse_id],
    ):
        groups[row["id"]] = row["group_id"]
        items.setdefault(row["id"], set())
        if row["question_id"] is not None:
            items[row["id"]].add(row["question_id"])
    return [Pending(rid, groups[rid], frozenset(items[rid])) for rid in groups]


def _k_of(db: Database, pulse_id: int) -> int:
    return int(pulse_programme(db, pulse_id)["k"])


def _room_counts(db: Database, pulse_id: int) -> RoomCounts:
    programme = pulse_programme(db, pulse_id)
    k, status, programme_id = programme["k"], programme["status"], programme["id"]
    total, released = db.execute(
        "SELECT count(*), coalesce(sum(released), 0) FROM responses WHERE pulse_id = ?",
        [pulse_id],
    ).fetchone()
    held_out = db.execute(
        "SELECT held_out FROM pulses WHERE id = ?", [pulse_id]
    ).fetchone()[0]
    visible = _visible(db, pulse_id) or frozenset()
    groups = list(
        db.query(
            "SELECT id, name, expected FROM groups WHERE programme_id = ? "
            "ORDER BY position, id",
            [programme_id],
        )
    )
    released_by_group = dict(
        db.execute(
            "SELECT group_id, count(*) FROM responses WHERE pulse_id = ? "
            "AND released = 1 GROUP BY group_id",
            [pulse_id],
        ).fetchall()
    )
    return RoomCounts(
        k=int(k),
        status=str(status),
        n_now=int(total) + int(held_out),
        released=int(released),
        held_out=int(held_out),
        group_counts=shown_counts(
            {
                g["name"]: released_by_group.get(g["id"], 0)
                for g in groups
                if g["id"] in visible
            },
            int(k),
        ),
        expected={g["name"]: g["expected"] for g in groups},
    )


def _pulse_results(db: Database, pulse_id: int, counts: RoomCounts) -> PulseResults:
    k = counts.k
    if not may_show(counts.released, k):
        return PulseResults(n=counts.released, k=k, held_out=counts.not_shown)
    names = {
        row["id"]: row["name"]
        for row in db.query(
            "SELECT g.id, g.name FROM groups g JOIN sessions s "
            "ON s.programme_id = g.programme_id JOIN pulses p ON p.session_id = s.id "
            "WHERE p.id = ?",
            [pulse_id],
        )
    }
    sums = [
        (row["dimension"], row["group_key"], row["n"], row["total"], row["squares"])
        for row in db.query(
            "SELECT dimension, group_key, sum(n) AS n, sum(total) AS total, "
            "sum(squares) AS squares FROM score_sums WHERE pulse_id = ? "
            "GROUP BY dimension, group_key",
            [pulse_id],
        )
    ]
    return PulseResults(
        n=counts.released,
        k=k,
        held_out=counts.not_shown,
        figures=released_figures(sums, names, k),
        distribution=_distribution(db, pulse_id, k),
    )


def _distribution(db: Database, pulse_id: int, k: int) -> list[LevelCount]:
    rows = db.execute(
        "SELECT q.dimension, CASE WHEN q.reverse THEN ? - a.value ELSE a.value END, "
        "count(*) FROM answers a JOIN questions q ON q.id = a.question_id "
        "JOIN responses r ON r.pulse_id = a.pulse_id AND r.id = a.response_id "
        "WHERE a.pulse_id = ? AND r.released = 1 GROUP BY 1, 2",
        [SCALE_LOW + SCALE_HIGH, pulse_id],
    ).fetchall()
    responses = dict(
        db.execute(
            "SELECT dimension, sum(n) FROM score_sums WHERE pulse_id = ? "
            "GROUP BY dimension",
            [pulse_id],
        ).fetchall()
    )
    return [
        LevelCount(dimension, level, count, responses[dimension])
        for dimension, level, count in sorted(rows)
        if may_show(responses.get(dimension, 0), k)
    ]


__all__ = [
    "Figure",
    "LiveRoom",
    "PulseResults",
    "RoomCounts",
    "live_room",
    "pulse_results",
    "release",
    "release_all",
    "room_counts",
    "shown_groups",
]
