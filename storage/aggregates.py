"""The aggregates a programme's trends are computed from, read in a few queries.

Dimension sums, and per-item sums for agreement and reliability, come from
the released sums kept at each release (``storage.results.release``), per
release bucket: a group the pulse shows, or everyone else (``group_key`` 0,
named ``NOT_SAID``) — never a respondent's own hidden group. Only closed
pulses are read. The analysis itself is ``survey.trends`` (no SQL there).
"""

from __future__ import annotations

from collections import defaultdict

from storage.db import MOMENT_ORDER, Store
from storage.held_out import COUNTED
from survey.trends import (
    Aggregates,
    CompleteScoreSum,
    ItemSum,
    ProgrammeTrends,
    PulsePoint,
    ScoreSum,
    programme_trends,
)
from survey.words import NOT_SAID, pulse_label


def data_version(store: Store, programme_id: int) -> tuple:
    """Changes whenever anything the trends and their charts depend on changes
    (including actions, drawn as markers); cheap to compute."""
    with store.read() as db:
        k = db.execute(
            "SELECT k FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
        pulses = db.execute(
            "SELECT p.id, p.status, s.date, s.position, s.title, s.kind, "
            f"{COUNTED} FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "WHERE s.programme_id = ? ORDER BY p.id",
            [programme_id],
        ).fetchall()
        groups = db.execute(
            "SELECT id, name FROM groups WHERE programme_id = ? ORDER BY id",
            [programme_id],
        ).fetchall()
        agreed = db.execute(
            "SELECT a.id, a.title, a.session_id, (SELECT max(u.id) FROM "
            "action_updates u WHERE u.action_id = a.id) FROM actions a "
            "WHERE a.programme_id = ? ORDER BY a.id",
            [programme_id],
        ).fetchall()
    return (k, tuple(pulses), tuple(groups), tuple(agreed))


def trends(store: Store, programme_id: int, language: str = "en") -> ProgrammeTrends:
    """The programme's trends, computed from its stored aggregates, with
    sentences (and the moments in pulse names) in ``language``."""
    return programme_trends(load(store, programme_id, language), language)


def load(store: Store, programme_id: int, language: str = "en") -> Aggregates:
    with store.read() as db:
        k = db.execute(
            "SELECT k FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()[0]
        groups = [
            row["name"]
            for row in db.query(
                "SELECT name FROM groups WHERE programme_id = ? ORDER BY position, id",
                [programme_id],
            )
        ]
        pulses = _closed_pulses(db, programme_id, language)
        ids = _in_clause(pulses)
        score_sums = [
            ScoreSum(**row)
            for row in db.query(
                "SELECT s.pulse_id, s.dimension, coalesce(g.name, :not_said) AS "
                "'group', sum(s.n) AS n, sum(s.total) AS total, "
                "sum(s.squares) AS squares, sum(s.agree) AS agree FROM score_sums s "
                "LEFT JOIN groups g ON g.id = s.group_key "
                f"WHERE s.pulse_id IN ({ids}) "
                "GROUP BY s.pulse_id, s.dimension, s.group_key",
                {"not_said": NOT_SAID},
            )
        ]
        item_sums = [
            ItemSum(**{**row, "complete": bool(row["complete"])})
            for row in db.query(
                "SELECT i.pulse_id, q.dimension, coalesce(g.name, :not_said) AS "
                "'group', i.question_id, i.complete, i.n, i.total, i.squares "
                "FROM item_stats i JOIN questions q ON q.id = i.question_id "
                "LEFT JOIN groups g ON g.id = i.group_key "
                f"WHERE i.pulse_id IN ({ids})",
                {"not_said": NOT_SAID},
            )
        ]
        complete_sums = [
            CompleteScoreSum(**row)
            for row in db.query(
                "SELECT s.pulse_id, s.dimension, s.items, sum(s.n) AS n, "
                "sum(s.total) AS total, sum(s.squares) AS squares, "
                "coalesce(g.name, :not_said) AS 'group' FROM score_sums s "
                "LEFT JOIN groups g ON g.id = s.group_key "
                f"WHERE s.pulse_id IN ({ids}) "
                "GROUP BY s.pulse_id, s.dimension, s.group_key, s.items",
                {"not_said": NOT_SAID},
            )
        ]
        asked: dict[tuple[int, str], list[int]] = defaultdict(list)
        for row in db.query(
            "SELECT pq.pulse_id, q.dimension, q.id FROM pulse_questions pq "
            "JOIN questions q ON q.id = pq.question_id "
            f"WHERE pq.pulse_id IN ({ids}) ORDER BY q.id"
        ):
            asked[(row["pulse_id"], row["dimension"])].append(row["id"])
    return Aggregates(
        k=k,
        groups=groups,
        pulses=pulses,
        score_sums=score_sums,
        item_sums=item_sums,
        complete_sums=complete_sums,
        asked=dict(asked),
        scores=lambda pulse_id, dimension: _scores(store, pulse_id, dimension),
    )


def _closed_pulses(db, programme_id: int, language: str = "en") -> list[PulsePoint]:
    rows = db.query(
        "SELECT p.id AS pulse_id, s.id AS session_id, s.title, s.date, "
        "s.kind AS session_kind, "
        f"p.moment, {COUNTED} AS n, p.held_out "
        "FROM pulses p JOIN sessions s ON s.id = p.session_id "
        "WHERE s.programme_id = ? AND p.status = 'closed' "
        f"ORDER BY s.date IS NULL, s.date, s.position, s.id, {MOMENT_ORDER}, p.id",
        [programme_id],
    )
    return [
        PulsePoint(
            pulse_id=row["pulse_id"],
            session_id=row["session_id"],
            label=pulse_label(row["title"], row["moment"], language),
            order=order,
            date=row["date"],
            session_kind=row["session_kind"],
            moment=row["moment"],
            n=row["n"],
            held_out=row["held_out"],
        )
        for order, row in enumerate(rows)
    ]


def _in_clause(pulses: list[PulsePoint]) -> str:
    return ",".join(str(int(p.pulse_id)) for p in pulses) or "NULL"


def _scores(store: Store, pulse_id: int, dimension: str) -> list[tuple[str, float]]:
    with store.read() as db:
        return db.execute(
            "SELECT coalesce(g.name, ?), s.score FROM scores s "
            "JOIN responses r ON r.pulse_id = s.pulse_id AND r.id = s.response_id "
            "LEFT JOIN groups g ON g.id = s.group_id "
            "WHERE s.pulse_id = ? AND s.dimension = ? AND r.released = 1",
            [NOT_SAID, pulse_id, dimension],
        ).fetchall()
