"""Figures about a pulse, with the anonymity rules applied: pure, no SQL.

Storage hands over sums per (dimension, group); ``safe_figures`` turns them
into means with intervals for everyone and for each group ``disclosure``
allows. ``PulseResults`` is what may be shown about one pulse, and is what a
live release snapshot stores.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from survey.disclosure import may_show, visible_groups
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
