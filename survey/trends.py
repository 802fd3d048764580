"""A programme's trends, from aggregates: every figure safe. Pure, no SQL.

``storage.aggregates`` loads a programme's ``Aggregates``: score sums per
pulse, dimension and group (one indexed ``GROUP BY``), per-item sufficient
statistics kept at submit time, and a lookup for the scores of just the
pulses a change compares. Only closed pulses appear: an open pulse's results
move only by the live release rule (DESIGN.md promise 3). Every figure passes
``figures.released_figures``: only released responses, and only the groups
each pulse shows (decided once per pulse, shared with every view).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from survey import stats
from survey.agreement import random_answering_band, rwg_j_star_against
from survey.contrasts import EffectInterval, cliffs_delta_interval, wilson
from survey.figures import Figure, released_figures
from survey.instrument import SCALE_POINTS, dimension_label
from survey.readings import Cell, Pulse, Reading, programme_readings
from survey.reliability import (
    PulseItems,
    WithinAlpha,
    within_groups,
    within_pulse_alpha,
)
from survey.words import EVERYONE

AGREE_FROM = 5  # "share who agree": a dimension score of 5 (somewhat agree) or more


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
    held_out: int = 0
    """Of ``n``, the answers held out at Close (counted, not kept): the
    report says how many and why (``survey.words.held_out_sentence``)."""

    @property
    def is_follow_up(self) -> bool:
        return self.session_kind == "follow-up"


@dataclass(frozen=True)
class ProgrammeTrends:
    """Shown figures and every reading in words (``survey.readings``).

    ``deltas`` holds Cliff's delta with its interval for each group-level
    change reading, keyed by (dimension, group, compared). ``language`` is
    the one the readings' sentences are written in; tables, notes and charts
    drawn from this result use it too.
    """

    k: int
    groups: list[str]
    pulses: list[PulsePoint]
    figures: pd.DataFrame
    agreement: pd.DataFrame
    readings: list[Reading] = field(default_factory=list)
    deltas: dict[tuple[str, str, str], EffectInterval] = field(default_factory=dict)
    reliability: dict[str, WithinAlpha] = field(default_factory=dict)
    language: str = "en"

    def gaps(self, group_a: str, group_b: str) -> pd.DataFrame:
        """Group a minus group b per pulse and dimension, where both are shown."""
        return gap_frame(self.figures, group_a, group_b)

    def of_kind(self, kind: str) -> list[Reading]:
        return [r for r in self.readings if r.kind == kind]


@dataclass(frozen=True)
class ScoreSum:
    """Per-response dimension scores of one pulse, dimension and release
    bucket, summed. ``group`` names the bucket: a group the pulse shows, or
    ``NOT_SAID`` for everyone else (no group given, or a hidden group)."""

    pulse_id: int
    dimension: str
    group: str
    n: int
    total: float
    squares: float
    agree: int = 0  # scores of AGREE_FROM or more


@dataclass(frozen=True)
class ItemSum:
    """One item's answers (as scored) in one pulse and release bucket (as in
    ``ScoreSum``), summed; ``complete`` when the respondents answered every item
    of the dimension."""

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
    group: str = EVERYONE  # one release bucket's respondents (EVERYONE: all)


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


def programme_trends(data: Aggregates, language: str = "en") -> ProgrammeTrends:
    """Every shown figure and reading; the readings' sentences in ``language``."""
    figures = _figures(data)
    reliability = _reliability(data)
    readings = programme_readings(
        _reading_pulses(data), _cells(figures), data.groups, reliability, language
    )
    return ProgrammeTrends(
        k=data.k,
        groups=data.groups,
        pulses=data.pulses,
        figures=figures,
        agreement=_agreement(data, figures),
        readings=readings,
        deltas=_deltas(data, readings),
        reliability=reliability,
        language=language,
    )


def _reading_pulses(data: Aggregates) -> list[Pulse]:
    return [
        Pulse(
            p.pulse_id,
            p.label,
            p.order,
            p.session_kind,
            p.moment,
            p.date,
            {
                dimension: tuple(sorted(questions))
                for (pulse_id, dimension), questions in data.asked.items()
                if pulse_id == p.pulse_id
            },
        )
        for p in data.pulses
    ]


def _cells(figures: pd.DataFrame) -> list[Cell]:
    return [
        Cell(int(r.pulse_id), str(r.dimension), str(r.group), int(r.n), r.mean, r.sd)
        for r in figures.itertuples(index=False)
    ]


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
    "agree",
    "agree_share",
    "agree_low",
    "agree_high",
]


def _figures(data: Aggregates) -> pd.DataFrame:
    by_pulse: dict[int, list] = defaultdict(list)
    for s in data.score_sums:
        by_pulse[s.pulse_id].append((s.dimension, s.group, s.n, s.total, s.squares))
    agree: dict[tuple[int, str, str], int] = defaultdict(int)
    for s in data.score_sums:
        agree[(s.pulse_id, s.dimension, s.group)] += s.agree
        agree[(s.pulse_id, s.dimension, EVERYONE)] += s.agree
    records = []
    for pulse in data.pulses:
        shown = {g: g for g in data.groups}
        sums = by_pulse.get(pulse.pulse_id, [])
        for figure in released_figures(sums, shown, data.k):
            count = agree[(pulse.pulse_id, figure.dimension, figure.group)]
            records.append(_figure_record(pulse, figure, count))
    return pd.DataFrame.from_records(records, columns=FIGURE_COLUMNS)


def _figure_record(pulse: PulsePoint, figure: Figure, agree: int) -> dict:
    # Only shown figures (n >= k, complementary suppression) reach here, so the
    # share who agree is about the same responses as the mean beside it.
    share = wilson(agree, figure.n)
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
        "agree": agree,
        "agree_share": share.share,
        "agree_low": share.low,
        "agree_high": share.high,
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
    """r*wg(j) per pulse, dimension and shown group, from per-item variances
    (item-wise), against the uniform and a slightly skewed null, with the band
    that random answering reaches at that n and number of items."""
    columns = [
        "pulse_label", "order", "dimension_label", "group", "rwg", "n",
        "rwg_skewed", "random_band",
    ]  # fmt: skip
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
        known = [v for v in variances if not math.isnan(v)]
        records.append(
            {
                "pulse_label": shown["pulse_label"],
                "order": shown["order"],
                "dimension_label": shown["dimension_label"],
                "group": shown["group"],
                "rwg": stats.rwg_j_star_from_variances(variances, SCALE_POINTS),
                "n": shown["n"],
                "rwg_skewed": rwg_j_star_against(
                    variances, SCALE_POINTS, "slight skew"
                ),
                "random_band": random_answering_band(
                    int(shown["n"]), max(1, len(known)), SCALE_POINTS
                ),
            }
        )
    return pd.DataFrame.from_records(records, columns=columns)


def _variance(n: float, total: float, squares: float) -> float:
    if n < 2:
        return math.nan
    return max(0.0, (squares - total * total / n) / (n - 1))


# --- ordinal effect sizes for group changes -----------------------------------------


def _deltas(
    data: Aggregates, readings: list[Reading]
) -> dict[tuple[str, str, str], EffectInterval]:
    """Cliff's delta (later vs first) with its interval for each group change.

    Reads the scores of just the two pulses compared, for groups shown in
    both (so n >= k each). "Everyone" is a mean of group means, which has no
    single ordinal counterpart, so it gets none.
    """
    out: dict[tuple[str, str, str], EffectInterval] = {}
    cache: dict[tuple[int, str], list[tuple[str, float]]] = {}

    def scores(pulse_id: int, dimension: str, group: str) -> list[float]:
        key = (pulse_id, dimension)
        if key not in cache:
            cache[key] = data.scores(pulse_id, dimension)
        return [score for g, score in cache[key] if g == group]

    for r in readings:
        if r.kind != "change" or r.group == EVERYONE:
            continue
        out[(r.dimension, r.group, r.compared)] = cliffs_delta_interval(
            scores(r.later_id, r.dimension, r.group),
            scores(r.first_id, r.dimension, r.group),
        )
    return out


# --- reliability within pulses --------------------------------------------------------


def _reliability(data: Aggregates) -> dict[str, WithinAlpha]:
    """Cronbach's alpha per dimension within pulses and groups
    (survey.reliability), over the pulses that asked the dimension's usual
    multi-item set, each with at least k complete respondents. The groups are
    the release buckets the sums are kept in (shown groups, everyone else as
    one), the same as every other figure's."""
    forms: dict[str, Counter] = defaultdict(Counter)
    for (_, dimension), questions in data.asked.items():
        if len(questions) >= 2:
            forms[dimension][tuple(sorted(questions))] += 1
    item_parts: dict[tuple[int, str, int], np.ndarray] = defaultdict(
        lambda: np.zeros(3)
    )
    for item in data.item_sums:
        if item.complete:
            item_parts[(item.pulse_id, item.group, item.question_id)] += (
                item.n,
                item.total,
                item.squares,
            )
    out: dict[str, WithinAlpha] = {}
    for dimension, counts in forms.items():
        form = max(counts, key=lambda f: (len(f), counts[f]))
        m = len(form)
        parts = []
        for (pulse_id, dim), questions in data.asked.items():
            if dim != dimension or tuple(sorted(questions)) != form:
                continue
            cells = []
            for whole in data.complete_sums:
                if (whole.pulse_id, whole.dimension, whole.items) != (
                    pulse_id, dimension, m,
                ):  # fmt: skip
                    continue
                variances = [
                    _variance(*item_parts[(pulse_id, whole.group, q)]) for q in form
                ]
                # The item sum of a complete respondent is m × their score.
                total = m * m * _variance(whole.n, whole.total, whole.squares)
                cells.append(PulseItems(variances, total, whole.n))
            pooled = within_groups(cells)
            if pooled is not None:
                parts.append(pooled)
        out[dimension] = within_pulse_alpha(parts, data.k)
    return out
