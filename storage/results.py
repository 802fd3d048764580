"""Pulse results with the anonymity rules applied, and the live release state.

Figures come from one ``GROUP BY`` over stored per-response scores. Every
figure passes ``survey.disclosure`` here, so no page or export can show a
number the rules forbid. While a pulse is open, the figures a facilitator sees
are a stored snapshot that moves only when ``should_release`` allows: reloading
the page or opening a second browser shows the same snapshot, not fresher data.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from sqlite_utils import Database

from storage.db import Store
from survey.disclosure import may_show, should_release, visible_groups
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.stats import mean_ci_from_summary
from survey.words import EVERYONE, NOT_SAID


@dataclass(frozen=True)
class Figure:
    dimension: str
    group: str
    n: int
    mean: float
    sd: float
    low: float
    high: float


@dataclass(frozen=True)
class LevelCount:
    dimension: str
    level: int
    count: int
    n: int  # responses behind the dimension


@dataclass(frozen=True)
class PulseResults:
    """What may be shown about a pulse; empty lists where the rules hide it."""

    n: int
    k: int
    figures: list[Figure] = field(default_factory=list)
    distribution: list[LevelCount] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)

    @property
    def shown(self) -> bool:
        return may_show(self.n, self.k)

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str) -> PulseResults:
        raw = json.loads(text)
        return cls(
            n=raw["n"],
            k=raw["k"],
            figures=[Figure(**f) for f in raw["figures"]],
            distribution=[LevelCount(**d) for d in raw["distribution"]],
            comments=list(raw["comments"]),
        )


@dataclass(frozen=True)
class RoomCounts:
    """What may update live (promise 3): answers per group, and who is expected."""

    k: int
    status: str
    group_counts: dict[str, int]
    expected: dict[str, int | None]

    @property
    def n_now(self) -> int:
        return sum(self.group_counts.values())

    @property
    def total_expected(self) -> int:
        return sum(e or 0 for e in self.expected.values())


@dataclass(frozen=True)
class LiveRoom:
    """The live view: counts update at once, figures only on release."""

    counts: RoomCounts
    released: PulseResults | None

    @property
    def n_now(self) -> int:
        return self.counts.n_now

    @property
    def k(self) -> int:
        return self.counts.k

    @property
    def status(self) -> str:
        return self.counts.status

    @property
    def waiting_for(self) -> int:
        """New answers still needed before the shown figures can move."""
        shown = self.released.n if self.released else 0
        return max(0, shown + self.k - self.n_now)


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


def safe_figures(
    sums: list[tuple[str, str, int, float, float]], k: int
) -> list[Figure]:
    """Figures per dimension for everyone and each group the rules allow.

    ``sums`` rows are (dimension, group, n, sum, sum of squares). Suppression
    is decided per dimension, because skipped items make a dimension's counts
    differ from the pulse's.
    """
    by_dimension: dict[str, dict[str, tuple[int, float, float]]] = defaultdict(dict)
    for dimension, group, n, total, squares in sums:
        by_dimension[dimension][group] = (n, total, squares)
    figures: list[Figure] = []
    for dimension, groups in by_dimension.items():
        pooled = tuple(sum(parts) for parts in zip(*groups.values(), strict=True))
        if not may_show(pooled[0], k):
            continue
        figures.append(_figure(dimension, EVERYONE, *pooled))
        counts = {group: parts[0] for group, parts in groups.items()}
        for group in sorted(visible_groups(counts, k) - {NOT_SAID}):
            figures.append(_figure(dimension, group, *groups[group]))
    return figures


def _figure(dimension: str, group: str, n: int, total: float, squares: float) -> Figure:
    mean = total / n
    variance = (squares - n * mean * mean) / (n - 1) if n > 1 else float("nan")
    sd = max(variance, 0.0) ** 0.5 if n > 1 else float("nan")
    ci = mean_ci_from_summary(mean, sd, n)
    return Figure(dimension, group, n, mean, sd, ci.low, ci.high)


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
