"""A programme's trends, from aggregates: every figure safe. Pure, no SQL.

``storage.aggregates`` loads a programme's ``Aggregates``: score sums per
pulse, dimension and group (one indexed ``GROUP BY``), per-item sufficient
statistics kept at submit time, and a lookup for the scores of just the
pulses a change compares. Only closed pulses appear: an open pulse's results
move only by the live release rule (DESIGN.md promise 3). Every figure passes
``figures.safe_figures``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

import numpy as np
import pandas as pd

from survey import stats
from survey.figures import Figure, safe_figures
from survey.instrument import SCALE_POINTS, dimension_label
from survey.reading import change_reading
from survey.words import EVERYONE

MIN_PULSES_FOR_SLOPE = 5
DAYS_PER_MONTH = 30.44


@dataclass(frozen=True)
class PulsePoint:
    pulse_id: int
    session_id: int
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


@dataclass(frozen=True)
class ScoreSum:
    """Per-response dimension scores of one pulse, dimension and group, summed."""

    pulse_id: int
    dimension: str
    group: str
    n: int
    total: float
    squares: float


@dataclass(frozen=True)
class ItemSum:
    """One item's answers (as scored) in one pulse and group, summed; ``complete``
    when the respondents answered every item of the dimension."""

    pulse_id: int
    dimension: str
    group: str
    question_id: int
    complete: bool
    n: int
    total: float
    squares: float


@dataclass(frozen=True)
class CompleteScoreSum:
    """Dimension scores of respondents who answered all ``items`` of it."""

    pulse_id: int
    dimension: str
    items: int
    n: int
    total: float
    squares: float


ScoreLookup = Callable[[int, str], list[tuple[str, float]]]


@dataclass(frozen=True)
class Aggregates:
    """Everything the trends need about a programme, as storage hands it over.

    ``scores(pulse_id, dimension)`` gives (group, score) pairs of one pulse,
    fetched only for the pulses a change compares.
    """

    k: int
    groups: list[str]
    pulses: list[PulsePoint]
    score_sums: list[ScoreSum]
    item_sums: list[ItemSum]
    complete_sums: list[CompleteScoreSum]
    asked: dict[tuple[int, str], list[int]]
    scores: ScoreLookup


def programme_trends(data: Aggregates) -> ProgrammeTrends:
    figures = _figures(data)
    return ProgrammeTrends(
        k=data.k,
        groups=data.groups,
        pulses=data.pulses,
        figures=figures,
        agreement=_agreement(data, figures),
        changes=_changes(data, figures),
        slopes=_slopes(data.pulses, figures),
        reliability=_reliability(data),
    )


# --- pulses -------------------------------------------------------------------------


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


def _figures(data: Aggregates) -> pd.DataFrame:
    by_pulse: dict[int, list] = defaultdict(list)
    for s in data.score_sums:
        by_pulse[s.pulse_id].append((s.dimension, s.group, s.n, s.total, s.squares))
    records = []
    for pulse in data.pulses:
        for figure in safe_figures(by_pulse.get(pulse.pulse_id, []), data.k):
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


def _agreement(data: Aggregates, figures: pd.DataFrame) -> pd.DataFrame:
    """r*wg(j) per pulse, dimension and shown group, from per-item variances."""
    columns = ["pulse_label", "order", "dimension_label", "group", "rwg", "n"]
    sums: dict[tuple[int, str, str], dict[int, np.ndarray]] = defaultdict(dict)
    for item in data.item_sums:
        part = np.array([item.n, item.total, item.squares], dtype=float)
        for who in (item.group, EVERYONE):
            key = (item.pulse_id, item.dimension, who)
            sums[key][item.question_id] = sums[key].get(item.question_id, 0) + part
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


def _changes(data: Aggregates, figures: pd.DataFrame) -> list[Change]:
    """First pulse vs the latest, and vs the follow-up, per dimension and group."""
    changes: list[Change] = []
    everyone = figures[figures["group"] == EVERYONE]
    by_id = {p.pulse_id: p for p in data.pulses}
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
                data, figures, dimension, by_id[first], by_id[later], compared
            )
    return changes


def _compare_pulses(
    data: Aggregates,
    figures: pd.DataFrame,
    dimension: str,
    first: PulsePoint,
    later: PulsePoint,
    compared: str,
) -> list[Change]:
    shown = figures[figures["dimension"] == dimension]
    groups_first = set(shown[shown["pulse_id"] == first.pulse_id]["group"])
    groups_later = set(shown[shown["pulse_id"] == later.pulse_id]["group"])
    first_scores = _scores(data, first.pulse_id, dimension)
    later_scores = _scores(data, later.pulse_id, dimension)
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
                change_reading(result, data.k),
            )
        )
    return changes


def _scores(data: Aggregates, pulse_id: int, dimension: str) -> pd.DataFrame:
    return pd.DataFrame.from_records(
        data.scores(pulse_id, dimension), columns=["group", "score"]
    )


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


def _reliability(data: Aggregates) -> list[Reliability]:
    """Cronbach's alpha per dimension, pooled over the pulses that asked the same
    multi-item set, over complete respondents (listwise), from aggregates."""
    pooled: dict[tuple[str, tuple[int, ...]], list[int]] = defaultdict(list)
    for (pulse_id, dimension), questions in data.asked.items():
        if len(questions) >= 2:
            pooled[(dimension, tuple(sorted(questions)))].append(pulse_id)
    best: dict[str, tuple[tuple[int, ...], list[int]]] = {}
    for (dimension, questions), pulse_ids in pooled.items():
        if dimension not in best or len(pulse_ids) > len(best[dimension][1]):
            best[dimension] = (questions, pulse_ids)
    return [
        Reliability(dimension, _pooled_alpha(data, dimension, questions, pulse_ids))
        for dimension, (questions, pulse_ids) in best.items()
    ]


def _pooled_alpha(
    data: Aggregates, dimension: str, questions: tuple[int, ...], pulse_ids: list[int]
) -> stats.CronbachAlpha:
    chosen = set(pulse_ids)
    by_item: dict[int, np.ndarray] = defaultdict(lambda: np.zeros(3))
    for item in data.item_sums:
        if item.complete and item.pulse_id in chosen:
            by_item[item.question_id] += (item.n, item.total, item.squares)
    m = len(questions)
    whole = np.zeros(3)
    for s in data.complete_sums:
        if s.pulse_id in chosen and s.dimension == dimension and s.items == m:
            whole += (s.n, s.total, s.squares)
    variances = [_variance(*by_item.get(q, np.zeros(3))) for q in questions]
    # The item sum of a complete respondent is m × their dimension score.
    total_variance = m * m * _variance(*whole)
    return stats.cronbach_alpha_from_variances(variances, total_variance, int(whole[0]))
