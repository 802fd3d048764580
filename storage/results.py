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

EVERYONE = "Everyone"
NOT_SAID = "Group not given"


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
class LiveRoom:
    """The live view: counts update at once, figures only on release."""

    n_now: int
    k: int
    status: str
    group_counts: dict[str, int]
    released: PulseResults | None

    @property
    def waiting_for(self) -> int:
        """New answers still needed before the shown figures can move."""
        shown = self.released.n if self.released else 0
        return max(0, shown + self.k - self.n_now)


def group_counts(store: Store, pulse_id: int) -> dict[str, int]:
    """Responses per group (those who gave none under ``NOT_SAID``)."""
    with store.read() as db:
        return _group_counts(db, pulse_id)


def pulse_results(store: Store, pulse_id: int) -> PulseResults:
    """Figures from the current data, with promises 1 and 2 applied."""
    with store.read() as db:
        return _pulse_results(db, pulse_id)


def live_room(store: Store, pulse_id: int) -> LiveRoom:
    """Counts now, and the released figures (releasing new ones if allowed)."""
    with store.write() as db:
        k, status = _k_and_status(db, pulse_id)
        counts = _group_counts(db, pulse_id)
        n_now = sum(counts.values())
        row = db.execute(
            "SELECT n, snapshot FROM releases WHERE pulse_id = ?", [pulse_id]
        ).fetchone()
        released = PulseResults.from_json(row[1]) if row else None
        n_shown = row[0] if row else 0
        if n_now < n_shown or (released and released.k != k):
            # Answers were deleted, or k changed: start again from nothing shown.
            db.execute("DELETE FROM releases WHERE pulse_id = ?", [pulse_id])
            released, n_shown = None, 0
        if should_release(n_shown, n_now, k, closed=status == "closed"):
            released = _pulse_results(db, pulse_id)
            db["releases"].upsert(
                {"pulse_id": pulse_id, "n": n_now, "snapshot": released.to_json()},
                pk="pulse_id",
            )
    return LiveRoom(n_now, k, status, counts, released)


def _group_counts(db: Database, pulse_id: int) -> dict[str, int]:
    rows = db.execute(
        "SELECT coalesce(g.name, ?), count(*) FROM responses r "
        "LEFT JOIN groups g ON g.id = r.group_id WHERE r.pulse_id = ? "
        "GROUP BY r.group_id",
        [NOT_SAID, pulse_id],
    ).fetchall()
    return dict(rows)


def _k_and_status(db: Database, pulse_id: int) -> tuple[int, str]:
    row = db.execute(
        "SELECT g.k, p.status FROM pulses p JOIN sessions s ON s.id = p.session_id "
        "JOIN programmes g ON g.id = s.programme_id WHERE p.id = ?",
        [pulse_id],
    ).fetchone()
    if row is None:
        raise ValueError("No pulse has that id.")
    return int(row[0]), str(row[1])


def _pulse_results(db: Database, pulse_id: int) -> PulseResults:
    k, _ = _k_and_status(db, pulse_id)
    n = sum(_group_counts(db, pulse_id).values())
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
