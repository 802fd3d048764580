"""Per-response dimension scores, computed once at submit time.

Scores are stored beside the response so trends are one indexed GROUP BY in
SQL rather than a scan over item answers in Python.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.stats import reverse


@dataclass(frozen=True)
class ScoredItem:
    """What scoring needs to know about a question."""

    dimension: str
    reverse: bool


def scored_value(value: int, item: ScoredItem) -> float:
    """The answer on the dimension's direction (reverse-scored items flipped)."""
    if item.reverse:
        return float(reverse(value, SCALE_LOW, SCALE_HIGH))
    return float(value)


def dimension_scores(
    answers: Mapping[int, int], items: Mapping[int, ScoredItem]
) -> dict[str, float]:
    """Mean of the answered items of each dimension; skipped items do not count.

    A dimension with no answered item gets no score (absent, not zero), so a
    skipped question never drags a mean down.
    """
    by_dimension: dict[str, list[float]] = {}
    for question_id, value in answers.items():
        item = items[question_id]
        by_dimension.setdefault(item.dimension, []).append(scored_value(value, item))
    return {dim: sum(vals) / len(vals) for dim, vals in by_dimension.items()}


def answered_items(
    answers: Mapping[int, int], items: Mapping[int, ScoredItem]
) -> dict[str, int]:
    """How many items of each dimension were answered (skips excluded)."""
    counts: dict[str, int] = {}
    for question_id in answers:
        dimension = items[question_id].dimension
        counts[dimension] = counts.get(dimension, 0) + 1
    return counts
