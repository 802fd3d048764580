"""A programme's trends: every figure from stored aggregates, every figure safe.

Dimension means come from one indexed ``GROUP BY`` over per-response scores;
agreement and reliability from per-item sufficient statistics kept at submit
time; changes compare the stored scores of just the pulses compared. Only
closed pulses appear: an open pulse's results move only by the live release
rule (DESIGN.md promise 3). Every figure passes ``results.safe_figures``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd
from sqlite_utils import Database

from storage.db import Store
from storage.results import Figure, safe_figures
from survey import stats
from survey.instrument import SCALE_POINTS, dimension_label
from survey.reading import change_reading
from survey.words import EVERYONE, NOT_SAID

MIN_PULSES_FOR_SLOPE = 5
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class PulsePoint:
    pulse_id: int
    label: str
    order: int
    date: str | None
    session_kind: str
    moment: str
    n: int

    @property
    def is_follow_up(self) -> bool:
        return self.session_kind == "follow-up"


@dataclass(frozen=True)
class Change:
    dimension: str
    group: str
    compared: str  # e.g. "first → follow-up"
    first: str
    later: str
    result: stats.Comparison
    reading: str


@dataclass(frozen=True)
class Slope:
    dimension: str
    per_month: stats.Trend
    pulses: int


@dataclass(frozen=True)
class Reliability:
    dimension: str
    alpha: stats.CronbachAlpha


@dataclass(frozen=True)
class ProgrammeTrends:
    k: int
    groups: list[str]
    pulses: list[PulsePoint]
    figures: pd.DataFrame
    agreement: pd.DataFrame
    changes: list[Change] = field(default_factory=list)
    slopes: list[Slope] = field(default_factory=list)
    reliability: list[Reliability] = field(default_factory=list)

    def gaps(self, group_a: str, group_b: str) -> pd.DataFrame:
        """Group a minus group b per pulse and dimension, where both are shown."""
        return gap_frame(self.figures, group_a, group_b)


def data_version(store: Store, programme_id: int) -> tuple:
    """Changes whenever anything the trends depend on changes; cheap to compute."""
    with store.read() as db:
        k = db.execute(
            "SELECT k FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
        pulses = db.execute(
            "SELECT p.id, p.status, s.date, s.position, s.title, s.kind, "
            "(SELECT count(*) FROM responses r WHERE r.pulse_id = p.id) "
            "FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "WHERE s.programme_id = ? ORDER BY p.id",
            [programme_id],
        ).fetchall()
        groups = db.execute(
            "SELECT id, name FROM groups WHERE programme_id = ? ORDER BY id",
            [programme_id],
        ).fetchall()
    return (k, tuple(pulses), tuple(groups))


def programme_trends(store: Store, programme_id: int) -> ProgrammeTrends:
    with store.read() as db:
        k = db.execute(
            "SELECT k FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()[0]
        groups = [
            name
            for (name,) in db.execute(
                "SELECT name FROM groups WHERE programme_id = ? ORDER BY position, id",
                [programme_id],
            )
        ]
        pulses = _closed_pulses(db, programme_id)
        figures = _figures(db, pulses, k)
        agreement = _agreement(db, pulses, figures)
        changes = _changes(db, pulses, figures, k)
        reliability = _reliability(db, pulses)
    return ProgrammeTrends(
        k=k,
        groups=groups,
        pulses=pulses,
        figures=figures,
        agreement=agreement,
        changes=changes,
        slopes=_slopes(pulses, figures),
        reliability=reliability,
    )


# --- pulses -------------------------------------------------------------------------


def _closed_pulses(db: Database, programme_id: int) -> list[PulsePoint]:
    rows = db.execute(
        "SELECT p.id, s.title, s.date, s.kind, p.moment, "
        "(SELECT count(*) FROM responses r WHERE r.pulse_id = p.id) "
        "FROM pulses p JOIN sessions s ON s.id = p.session_id "
        "WHERE s.programme_id = ? AND p.status = 'closed' "
        "ORDER BY s.date IS NULL, s.date, s.position, s.id, "
        "CASE p.moment WHEN 'before' THEN 0 WHEN 'during' THEN 1 ELSE 2 END, p.id",
        [programme_id],
    ).fetchall()
    return [
        PulsePoint(pid, f"{title} · {moment}", order, when, kind, moment, n)
        for order, (pid, title, when, kind, moment, n) in enumerate(rows)
    ]


def _in_clause(pulses: list[PulsePoint]) -> str:
    return ",".join(str(int(p.pulse_id)) for p in pulses) or "NULL"


# --- means ---------------------------------------------------------------------------


FIGURE_COLUMNS = [
    "pulse_id",
    "order",
    "pulse_label",
    "date",
    "is_follow_up",
    "dimension",
    "dimension_label",
    "group",
    "n",
    "mean",
    "sd",
    "low",
    "high",
]


def _figures(db: Database, pulses: list[PulsePoint], k: int) -> pd.DataFrame:
    rows = db.execute(
        "SELECT s.pulse_id, s.dimension, coalesce(g.name, ?), count(*), "
        "sum(s.score), sum(s.score * s.score) FROM scores s "
        "LEFT JOIN groups g ON g.id = s.group_id "
        f"WHERE s.pulse_id IN ({_in_clause(pulses)}) "
        "GROUP BY s.pulse_id, s.dimension, s.group_id",
        [NOT_SAID],
    ).fetchall()
    by_pulse: dict[int, list] = defaultdict(list)
    for pulse_id, *rest in rows:
        by_pulse[pulse_id].append(tuple(rest))
    records = []
    for pulse in pulses:
        for figure in safe_figures(by_pulse.get(pulse.pulse_id, []), k):
            records.append(_figure_record(pulse, figure))
    return pd.DataFrame.from_records(records, columns=FIGURE_COLUMNS)


def _figure_record(pulse: PulsePoint, figure: Figure) -> dict:
    return {
        "pulse_id": pulse.pulse_id,
        "order": pulse.order,
        "pulse_label": pulse.label,
        "date": pulse.date,
        "is_follow_up": pulse.is_follow_up,
        "dimension": figure.dimension,
        "dimension_label": dimension_label(figure.dimension),
        "group": figure.group,
        "n": figure.n,
        "mean": figure.mean,
        "sd": figure.sd,
        "low": figure.low,
        "high": figure.high,
    }


def gap_frame(figures: pd.DataFrame, group_a: str, group_b: str) -> pd.DataFrame:
    """Welch difference a − b from the shown figures (both groups visible)."""
    columns = [
        "pulse_label", "order", "dimension_label", "gap", "low", "high",
        "n_a", "n_b", "group_a", "group_b", "p",
    ]  # fmt: skip
    a = figures[figures["group"] == group_a]
    b = figures[figures["group"] == group_b]
    both = a.merge(b, on=["pulse_id", "dimension"], suffixes=("_a", "_b"))
    records = []
    for _, row in both.iterrows():
        diff = stats.welch_from_summary(
            row["mean_a"],
            row["sd_a"],
            row["n_a"],
            row["mean_b"],
            row["sd_b"],
            row["n_b"],
        )
        records.append(
            {
                "pulse_label": row["pulse_label_a"],
                "order": row["order_a"],
                "dimension_label": row["dimension_label_a"],
                "gap": diff.diff,
                "low": diff.low,
                "high": diff.high,
                "n_a": row["n_a"],
                "n_b": row["n_b"],
                "group_a": group_a,
                "group_b": group_b,
                "p": diff.p,
            }
        )
    return pd.DataFrame.from_records(records, columns=columns)


# --- agreement -----------------------------------------------------------------------


def _agreement(
    db: Database, pulses: list[PulsePoint], figures: pd.DataFrame
) -> pd.DataFrame:
    """r*wg(j) per pulse, dimension and shown group, from per-item variances."""
    columns = ["pulse_label", "order", "dimension_label", "group", "rwg", "n"]
    rows = db.execute(
        "SELECT i.pulse_id, q.dimension, coalesce(g.name, ?), i.question_id, "
        "sum(i.n), sum(i.total), sum(i.squares) FROM item_stats i "
        "JOIN questions q ON q.id = i.question_id "
        "LEFT JOIN groups g ON g.id = i.group_key "
        f"WHERE i.pulse_id IN ({_in_clause(pulses)}) "
        "GROUP BY i.pulse_id, q.dimension, i.group_key, i.question_id",
        [NOT_SAID],
    ).fetchall()
    sums: dict[tuple[int, str, str], dict[int, np.ndarray]] = defaultdict(dict)
    for pulse_id, dimension, group, question_id, n, total, squares in rows:
        part = np.array([n, total, squares], dtype=float)
        for who in (group, EVERYONE):
            key = (pulse_id, dimension, who)
            sums[key][question_id] = sums[key].get(question_id, 0) + part
    records = []
    for _, shown in figures.iterrows():
        items = sums.get((shown["pulse_id"], shown["dimension"], shown["group"]), {})
        variances = [_variance(*parts) for parts in items.values()]
        records.append(
            {
                "pulse_label": shown["pulse_label"],
                "order": shown["order"],
                "dimension_label": shown["dimension_label"],
                "group": shown["group"],
                "rwg": stats.rwg_j_star_from_variances(variances, SCALE_POINTS),
                "n": shown["n"],
            }
        )
    return pd.DataFrame.from_records(records, columns=columns)


def _variance(n: float, total: float, squares: float) -> float:
    if n < 2:
        return math.nan
    return max(0.0, (squares - total * total / n) / (n - 1))


# --- changes -------------------------------------------------------------------------


def _changes(
    db: Database, pulses: list[PulsePoint], figures: pd.DataFrame, k: int
) -> list[Change]:
    """First pulse vs the latest, and vs the follow-up, per dimension and group."""
    changes: list[Change] = []
    everyone = figures[figures["group"] == EVERYONE]
    by_id = {p.pulse_id: p for p in pulses}
    for dimension, shown in everyone.groupby("dimension", sort=False):
        ordered = shown.sort_values("order")
        first = int(ordered.iloc[0]["pulse_id"])
        latest = int(ordered.iloc[-1]["pulse_id"])
        follow_ups = [
            int(pid) for pid in ordered["pulse_id"] if by_id[int(pid)].is_follow_up
        ]
        targets = []
        if follow_ups and follow_ups[-1] != first:
            targets.append(("first → follow-up", follow_ups[-1]))
        if latest != first and (not follow_ups or latest != follow_ups[-1]):
            targets.append(("first → latest", latest))
        for compared, later in targets:
            changes += _compare_pulses(
                db, figures, dimension, by_id[first], by_id[later], compared, k
            )
    return changes


def _compare_pulses(
    db: Database,
    figures: pd.DataFrame,
    dimension: str,
    first: PulsePoint,
    later: PulsePoint,
    compared: str,
    k: int,
) -> list[Change]:
    shown = figures[figures["dimension"] == dimension]
    groups_first = set(shown[shown["pulse_id"] == first.pulse_id]["group"])
    groups_later = set(shown[shown["pulse_id"] == later.pulse_id]["group"])
    first_scores = _scores(db, first.pulse_id, dimension)
    later_scores = _scores(db, later.pulse_id, dimension)
    changes = []
    for group in [EVERYONE, *sorted((groups_first & groups_later) - {EVERYONE})]:
        result = stats.compare(
            _group_values(later_scores, group), _group_values(first_scores, group)
        )
        changes.append(
            Change(
                dimension,
                group,
                compared,
                first.label,
                later.label,
                result,
                change_reading(result, k),
            )
        )
    return changes


def _scores(db: Database, pulse_id: int, dimension: str) -> pd.DataFrame:
    rows = db.execute(
        "SELECT coalesce(g.name, ?), s.score FROM scores s "
        "LEFT JOIN groups g ON g.id = s.group_id "
        "WHERE s.pulse_id = ? AND s.dimension = ?",
        [NOT_SAID, pulse_id, dimension],
    ).fetchall()
    return pd.DataFrame.from_records(rows, columns=["group", "score"])


def _group_values(scores: pd.DataFrame, group: str) -> np.ndarray:
    if group == EVERYONE:
        return scores["score"].to_numpy(dtype=float)
    return scores[scores["group"] == group]["score"].to_numpy(dtype=float)


# --- slopes and reliability ---------------------------------------------------------


def _slopes(pulses: list[PulsePoint], figures: pd.DataFrame) -> list[Slope]:
    """Theil–Sen over the pulse means (per month), with Mann–Kendall p."""
    slopes = []
    everyone = figures[(figures["group"] == EVERYONE) & figures["date"].notna()]
    for dimension, shown in everyone.groupby("dimension", sort=False):
        if len(shown) < MIN_PULSES_FOR_SLOPE:
            continue
        months = [
            date.fromisoformat(d).toordinal() / DAYS_PER_MONTH for d in shown["date"]
        ]
        slopes.append(
            Slope(dimension, stats.trend(months, shown["mean"].to_numpy()), len(shown))
        )
    return slopes


def _reliability(db: Database, pulses: list[PulsePoint]) -> list[Reliability]:
    """Cronbach's alpha per dimension, pooled over the pulses that asked the same
    multi-item set, over complete respondents (listwise), from aggregates."""
    asked = db.execute(
        "SELECT pq.pulse_id, q.dimension, q.id FROM pulse_questions pq "
        "JOIN questions q ON q.id = pq.question_id "
        f"WHERE pq.pulse_id IN ({_in_clause(pulses)}) ORDER BY q.id",
    ).fetchall()
    sets: dict[tuple[int, str], list[int]] = defaultdict(list)
    for pulse_id, dimension, question_id in asked:
        sets[(pulse_id, dimension)].append(question_id)
    pooled: dict[tuple[str, tuple[int, ...]], list[int]] = defaultdict(list)
    for (pulse_id, dimension), questions in sets.items():
        if len(questions) >= 2:
            pooled[(dimension, tuple(questions))].append(pulse_id)
    best: dict[str, tuple[tuple[int, ...], list[int]]] = {}
    for (dimension, questions), pulse_ids in pooled.items():
        if dimension not in best or len(pulse_ids) > len(best[dimension][1]):
            best[dimension] = (questions, pulse_ids)
    return [
        Reliability(dimension, _pooled_alpha(db, dimension, questions, pulse_ids))
        for dimension, (questions, pulse_ids) in best.items()
    ]


def _pooled_alpha(
    db: Database, dimension: str, questions: tuple[int, ...], pulse_ids: list[int]
) -> stats.CronbachAlpha:
    pulse_list = ",".join(str(int(p)) for p in pulse_ids)
    item_rows = db.execute(
        "SELECT question_id, sum(n), sum(total), sum(squares) FROM item_stats "
        f"WHERE complete = 1 AND pulse_id IN ({pulse_list}) GROUP BY question_id"
    ).fetchall()
    m = len(questions)
    n, total, squares = db.execute(
        "SELECT count(*), sum(score), sum(score * score) FROM scores "
        f"WHERE dimension = ? AND items = ? AND pulse_id IN ({pulse_list})",
        [dimension, m],
    ).fetchone()
    by_item = {qid: (cnt, tot, sq) for qid, cnt, tot, sq in item_rows}
    variances = [_variance(*by_item.get(q, (0, 0.0, 0.0))) for q in questions]
    # The item sum of a complete respondent is m × their dimension score.
    total_variance = m * m * _variance(n, total or 0.0, squares or 0.0)
    return stats.cronbach_alpha_from_variances(variances, total_variance, n)
