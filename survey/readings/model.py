"""What readings are made of: pulses, shown figures and the readings themselves.

``Cell`` is a figure the disclosure rules let us show; ``Figures`` indexes
them for the kinds of reading (changes, gaps, phases), which all read the
same cells. The claim vocabulary and the thresholds every kind shares are
defined here once.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field

from survey.contrasts import Contrast
from survey.stats import NAN

ALPHA = 0.05
MARGIN = 0.5  # scale points: "similar" needs both one-sided tests within this
NEAR_END = 0.5  # means within this of 1 or 7: standardised sizes mean little

CHANGE_CLAIMS = ("improved", "declined", "similar", "unclear")
GAP_CLAIMS = ("narrowed", "widened", "reversed", "similar", "unclear")
TREND_CLAIMS = ("rising", "falling", "unclear")
RELIABILITY_CLAIMS = ("good", "acceptable", "questionable", "poor", "too-few")
CLAIMS = {
    "change": CHANGE_CLAIMS,
    "gap": GAP_CLAIMS,
    "trend": TREND_CLAIMS,
    "reliability": RELIABILITY_CLAIMS,
}


@dataclass(frozen=True)
class Pulse:
    pulse_id: int
    label: str
    order: int
    session_kind: str
    moment: str
    date: str | None = None
    items: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def is_follow_up(self) -> bool:
        return self.session_kind == "follow-up"


@dataclass(frozen=True)
class Cell:
    """A shown figure: one pulse, dimension and group (or Everyone)."""

    pulse_id: int
    dimension: str
    group: str
    n: int
    mean: float
    sd: float


@dataclass(frozen=True)
class Reading:
    kind: str  # change | gap | trend | reliability
    dimension: str
    group: str
    claim: str
    text: str
    compared: str = ""
    estimate: float = NAN
    low: float = NAN
    high: float = NAN
    p: float = NAN
    p_holm: float = NAN
    family: int = 0
    size: str = ""
    first: str = ""
    later: str = ""
    mean_first: float = NAN
    mean_later: float = NAN
    n_first: int = 0
    n_later: int = 0
    first_id: int = -1
    later_id: int = -1

    @classmethod
    def of_contrast(
        cls, contrast: Contrast, p_holm: float, family: int, **fields: object
    ) -> Reading:
        """A reading about one contrast: its estimate, interval and p (raw and
        Holm-adjusted over the ``family`` read together), and ``fields``."""
        return cls(
            estimate=contrast.estimate,
            low=contrast.low,
            high=contrast.high,
            p=contrast.p,
            p_holm=p_holm,
            family=family,
            **fields,  # type: ignore[arg-type]
        )

    def to_json(self) -> dict:
        out = asdict(self)
        return {
            key: (None if isinstance(v, float) and math.isnan(v) else v)
            for key, v in out.items()
        }


@dataclass(frozen=True)
class Stat:
    """n, mean, sd of one cell or of a pooled phase cell."""

    n: int
    mean: float
    sd: float


def pool(cells: Sequence[Cell]) -> Stat:
    """One cell from several: total mean and SD (between-pulse spread included)."""
    n = sum(c.n for c in cells)
    mean = sum(c.n * c.mean for c in cells) / n
    ss = sum((c.n - 1) * c.sd**2 + c.n * (c.mean - mean) ** 2 for c in cells)
    return Stat(n, mean, math.sqrt(ss / (n - 1)) if n > 1 else NAN)


class Figures:
    """Shown cells indexed by (pulse, dimension, group), and the dimensions
    they cover in order of first appearance."""

    def __init__(self, cells: Sequence[Cell], groups: Sequence[str]):
        self.by_key = {(c.pulse_id, c.dimension, c.group): c for c in cells}
        self.groups = list(groups)
        self.dimensions = list(dict.fromkeys(c.dimension for c in cells))

    def get(self, pulse_id: int, dimension: str, group: str) -> Cell | None:
        return self.by_key.get((pulse_id, dimension, group))

    def named_shown(self, pulse_id: int, dimension: str) -> frozenset[str]:
        return frozenset(
            g for g in self.groups if self.get(pulse_id, dimension, g) is not None
        )
