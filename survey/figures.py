"""Figures about a pulse, with the anonymity rules applied: pure, no SQL.

Storage hands over released sums per (dimension, bucket); ``released_figures``
turns them into means with intervals for everyone and each shown group.
``PulseResults`` is what may be shown about one pulse.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from survey.disclosure import may_show
from survey.stats import mean_ci_from_summary
from survey.words import EVERYONE


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
    """What may be shown about a pulse: figures over its released responses;
    empty lists where the rules hide them. ``held_out`` responses are counted
    but not yet (or, once closed, never) in any figure. Comments are not here:
    they reach anyone only through review (``storage.comments``)."""

    n: int
    k: int
    held_out: int = 0
    figures: list[Figure] = field(default_factory=list)
    distribution: list[LevelCount] = field(default_factory=list)

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
            held_out=raw.get("held_out", 0),
            figures=[Figure(**f) for f in raw["figures"]],
            distribution=[LevelCount(**d) for d in raw["distribution"]],
        )


@dataclass(frozen=True)
class RoomCounts:
    """What may update live: how many answered (all of them), how many are
    released, released answers per shown group, and who is expected.

    Per-group counts are of released responses only: a group's count moving
    by one while people answer would say which group the last person is in.
    """

    k: int
    status: str
    n_now: int
    released: int
    group_counts: dict[str, int]
    expected: dict[str, int | None]
    held_out: int = 0
    """Answers held out at an earlier Close: counted in ``n_now``, but what
    they said was not kept (``storage.held_out``), so never released."""

    @property
    def pending(self) -> int:
        """Answers kept and waiting for a release."""
        return self.n_now - self.released - self.held_out

    @property
    def not_shown(self) -> int:
        """Answers counted but in no figure: waiting, or held out at Close."""
        return self.n_now - self.released

    @property
    def total_expected(self) -> int:
        return sum(e or 0 for e in self.expected.values())


@dataclass(frozen=True)
class LiveRoom:
    """The live view: the count updates at once, figures only by release."""

    counts: RoomCounts
    released: PulseResults

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
        return max(0, self.k - self.counts.pending)


def released_figures(
    sums: Sequence[tuple[str, object, int, float, float]],
    names: Mapping[object, str],
    k: int,
) -> list[Figure]:
    """Figures per dimension for everyone and each shown group, from released
    sums: rows of (dimension, bucket, n, sum, sum of squares). ``names`` gives
    the shown buckets (group ids, or names) and their display names; any other
    bucket (``disclosure.REMAINDER``: no group given or a hidden group) counts
    only towards everyone.

    Which groups are shown was decided once for the pulse at its first release
    (``disclosure.release_batch``), so every view shows the same groups; no
    figure is about fewer than ``k``.
    """
    by_dimension: dict[str, dict[object, tuple]] = defaultdict(dict)
    for dimension, bucket, n, total, squares in sums:
        by_dimension[dimension][bucket] = (n, total, squares)
    figures: list[Figure] = []
    for dimension, buckets in by_dimension.items():
        pooled = tuple(sum(parts) for parts in zip(*buckets.values(), strict=True))
        if not may_show(int(pooled[0]), k):
            continue
        figures.append(_figure(dimension, EVERYONE, *pooled))
        shown = [b for b in buckets if b in names]
        for bucket in sorted(shown, key=lambda b: names[b]):
            if may_show(buckets[bucket][0], k):
                figures.append(_figure(dimension, names[bucket], *buckets[bucket]))
    return figures


def _figure(dimension: str, group: str, n: int, total: float, squares: float) -> Figure:
    mean = total / n
    variance = (squares - n * mean * mean) / (n - 1) if n > 1 else float("nan")
    sd = max(variance, 0.0) ** 0.5 if n > 1 else float("nan")
    ci = mean_ci_from_summary(mean, sd, n)
    return Figure(dimension, group, n, mean, sd, ci.low, ci.high)
