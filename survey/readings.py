"""Readings in words that a methodologist would sign, from shown figures only.

Input: the pulses of a programme and the figures the disclosure rules let us
show (one ``Cell`` per pulse, dimension and shown group: n, mean, SD). Output:
``Reading`` objects with a ``claim`` from a fixed vocabulary and a sentence
that says what was compared. No SQL, no Streamlit; storage gathers the cells,
pages and the report render the readings.

The rules (issue 11):

* Like with like. A change compares two pulses that asked the same items about
  the dimension, at the same kind of moment (before/after a session) where the
  timeline allows, and the same shown groups. "Everyone" is the average of the
  group means (equal weights), so a change in who turned up is not a change.
* Convergence from the change in the gap (a difference of differences with a
  Welch–Satterthwaite interval); "reversed" only when both gaps are clear and of
  opposite sign; "similar" only after an equivalence test (TOST, +/-0.5 points).
* Effect-size words from the interval ("at least moderate"), with a reason
  instead of a number when there is no variation or the means sit at the end
  of the scale.
* Trends as contrasts between phases of the programme (nothing extrapolated).
  A phase pools the pulses in it; the same people answer several of them, so a
  phase counts at most as many people as its largest pulse (cautious).
* Multiplicity: Holm within each family read together (changes, changes in a
  gap, phase contrasts); the methods note says how many readings each has.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace

from survey.contrasts import (
    Contrast,
    EffectInterval,
    hedges_g_interval,
    holm,
    smd_interval,
    tost,
    welch_contrast,
)
from survey.instrument import SCALE_HIGH, SCALE_LOW, dimension_label
from survey.reliability import WithinAlpha
from survey.stats import NAN, NO_VARIATION, _hedges_j

EVERYONE = "Everyone"
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


# ---------------------------------------------------------------- cells


@dataclass(frozen=True)
class _Stat:
    """n, mean, sd of one cell or of a pooled phase cell."""

    n: int
    mean: float
    sd: float


def _pool(cells: Sequence[Cell]) -> _Stat:
    """One cell from several: total mean and SD (between-pulse spread included)."""
    n = sum(c.n for c in cells)
    mean = sum(c.n * c.mean for c in cells) / n
    ss = sum((c.n - 1) * c.sd**2 + c.n * (c.mean - mean) ** 2 for c in cells)
    return _Stat(n, mean, math.sqrt(ss / (n - 1)) if n > 1 else NAN)


class _Figures:
    """Shown cells indexed by (pulse, dimension, group)."""

    def __init__(self, cells: Sequence[Cell], groups: Sequence[str]):
        self.by_key = {(c.pulse_id, c.dimension, c.group): c for c in cells}
        self.groups = list(groups)

    def get(self, pulse_id: int, dimension: str, group: str) -> Cell | None:
        return self.by_key.get((pulse_id, dimension, group))

    def named_shown(self, pulse_id: int, dimension: str) -> frozenset[str]:
        return frozenset(
            g for g in self.groups if self.get(pulse_id, dimension, g) is not None
        )


# ---------------------------------------------------------------- like with like


@dataclass(frozen=True)
class Pair:
    """Two pulses fit to compare for a dimension, and why."""

    first: Pulse
    later: Pulse
    target: str  # "follow-up" | "last like pulse before the follow-up"
    groups: frozenset[str]
    why: str


def comparable_pairs(
    pulses: Sequence[Pulse], figures: _Figures, dimension: str
) -> list[Pair]:
    """Baseline and later pulses with the same items, groups and (if possible)
    moment, for one dimension."""
    shown = [
        p
        for p in sorted(pulses, key=lambda p: p.order)
        if figures.get(p.pulse_id, dimension, EVERYONE) is not None
        and p.items.get(dimension)
    ]
    if len(shown) < 2:
        return []
    sets = Counter(p.items[dimension] for p in shown)
    form = max(sets, key=lambda s: (len(s), sets[s]))
    same_form = [p for p in shown if p.items[dimension] == form]
    groups_of = {
        p.pulse_id: figures.named_shown(p.pulse_id, dimension) for p in same_form
    }
    widest = max(len(g) for g in groups_of.values())
    first = next(p for p in same_form if len(groups_of[p.pulse_id]) == widest)
    later = [
        p
        for p in same_form
        if p.order > first.order and groups_of[p.pulse_id] == groups_of[first.pulse_id]
    ]
    pairs: list[Pair] = []
    chosen: set[int] = set()
    for target, pool in (
        ("follow-up", [p for p in later if p.is_follow_up]),
        (
            "last like pulse before the follow-up",
            [p for p in later if not p.is_follow_up],
        ),
    ):
        same_moment = [p for p in pool if p.moment == first.moment]
        pick = (same_moment or pool or [None])[-1]
        if pick is None or pick.pulse_id in chosen:
            continue
        chosen.add(pick.pulse_id)
        groups = groups_of[first.pulse_id]
        pairs.append(Pair(first, pick, target, groups, _why(first, pick, form)))
    return pairs


def _weighting(group: str, groups: frozenset[str]) -> str:
    if group != EVERYONE or len(groups) < 2:
        return ""
    return f"; everyone = the mean of {' and '.join(sorted(groups))}, weighted equally"


def _why(first: Pulse, later: Pulse, form: tuple[str, ...]) -> str:
    items = f"the same {len(form)} item{'s' if len(form) != 1 else ''}"
    if first.moment == later.moment:
        moment = f"both {first.moment} a session"
    else:
        moment = f"moments differ ({first.moment} vs {later.moment}): no like pair"
    return f"{items}, {moment}"


# ---------------------------------------------------------------- contrasts


def _change(
    figures: _Figures, pair: Pair, dimension: str, group: str
) -> tuple[Contrast, EffectInterval, _Stat, _Stat] | None:
    """later - first for a group, or the equal-weight mean of group changes."""
    if group != EVERYONE or not pair.groups:
        a = figures.get(pair.first.pulse_id, dimension, group)
        b = figures.get(pair.later.pulse_id, dimension, group)
        if a is None or b is None:
            return None
        contrast = _without_variation(
            welch_contrast([-1, 1], [a.mean, b.mean], [a.sd, b.sd], [a.n, b.n]),
            [(a, b)],
        )
        effect = hedges_g_interval(b.mean, b.sd, b.n, a.mean, a.sd, a.n)
        return contrast, effect, _Stat(a.n, a.mean, a.sd), _Stat(b.n, b.mean, b.sd)
    groups = sorted(pair.groups)
    firsts = [figures.get(pair.first.pulse_id, dimension, g) for g in groups]
    laters = [figures.get(pair.later.pulse_id, dimension, g) for g in groups]
    cells = [c for c in firsts + laters if c is not None]
    if len(cells) != 2 * len(groups):
        return None
    w = 1.0 / len(groups)
    contrast = _without_variation(
        welch_contrast(
            [-w] * len(groups) + [w] * len(groups),
            [c.mean for c in cells],
            [c.sd for c in cells],
            [c.n for c in cells],
        ),
        list(zip(firsts, laters, strict=True)),
    )
    mean_first = sum(c.mean for c in firsts) * w  # type: ignore[union-attr]
    mean_later = sum(c.mean for c in laters) * w  # type: ignore[union-attr]
    return (
        contrast,
        _standardised_effect(contrast, cells),
        _Stat(sum(c.n for c in firsts), mean_first, NAN),  # type: ignore[union-attr]
        _Stat(sum(c.n for c in laters), mean_later, NAN),  # type: ignore[union-attr]
    )


def _without_variation(contrast: Contrast, pairs: Sequence[tuple]) -> Contrast:
    """Everyone answered alike in both pulses (e.g. all 4, then all 7): there is
    no standard error, but the change is plain. Its p is then the exact rank
    test's for complete separation, 2 / C(n1 + n2, n1) (the largest over the
    groups), so Holm can still weigh it; the interval stays undefined."""
    if contrast.reason != NO_VARIATION or contrast.estimate == 0:
        return contrast
    direction = math.copysign(1.0, contrast.estimate)
    p = 0.0
    for first, later in pairs:
        if first.sd > 0 or later.sd > 0:
            return contrast
        if math.copysign(1.0, later.mean - first.mean) != direction:
            return contrast
        if later.mean == first.mean:
            return contrast
        p = max(p, min(1.0, 2.0 / math.comb(first.n + later.n, first.n)))
    return replace(contrast, p=p, reason="no variation within either pulse")


def _standardised_effect(contrast: Contrast, cells: Sequence[Cell]) -> EffectInterval:
    """g for a contrast: estimate / pooled within-cell SD, with the noncentral-t
    interval on the contrast's Welch–Satterthwaite df (an approximation)."""
    df_within = sum(c.n - 1 for c in cells)
    pooled = sum((c.n - 1) * c.sd**2 for c in cells) / df_within
    if not (pooled > 1e-12 and contrast.se > 0):
        return EffectInterval(NAN, NAN, NAN, reason="no variation")
    scale = contrast.se / math.sqrt(pooled)
    d = smd_interval(contrast.estimate / contrast.se, contrast.df, scale)
    j = _hedges_j(df_within)
    return EffectInterval(d.estimate * j, d.low * j, d.high * j)


def _size_words(effect: EffectInterval, means: Sequence[float], claim: str) -> str:
    """Size from the interval bound nearest zero, or why there is none."""
    if any(m >= SCALE_HIGH - NEAR_END or m <= SCALE_LOW + NEAR_END for m in means):
        return "no standardised size: the means sit at the end of the 1–7 scale"
    if math.isnan(effect.estimate) or math.isnan(effect.low):
        return f"no standardised size ({effect.reason or 'not available'})"
    shown = f"g {effect.estimate:+.2f} [{effect.low:+.2f}, {effect.high:+.2f}]"
    if claim not in ("improved", "declined", "rising", "falling"):
        return shown
    nearest = min(abs(effect.low), abs(effect.high))
    if effect.low < 0 < effect.high:
        nearest = 0.0
    word = (
        "at least large"
        if nearest >= 0.8
        else "at least moderate"
        if nearest >= 0.5
        else "at least small"
        if nearest >= 0.2
        else "possibly negligible"
    )
    return f"{word} ({shown})"


def _over(weights: Sequence[float], cells: Sequence) -> Contrast:
    """welch_contrast over cells (or pooled phase figures)."""
    return welch_contrast(
        weights, [c.mean for c in cells], [c.sd for c in cells], [c.n for c in cells]
    )


def _unclear(c: Contrast, p_holm: float, family: int, what: str) -> str:
    """Why a reading is not clear, without contradicting the interval shown."""
    if math.isnan(c.low):
        return f"no clear {what} ({c.reason})"
    if c.clear:
        return (
            f"not clear once the {family} comparisons read together are allowed "
            f"for (Holm-adjusted p {_p(p_holm)}), though this interval alone "
            "excludes zero"
        )
    return (
        f"no clear {what} — the interval allows no change as well as a change "
        "worth noticing"
    )


def _interval(c: Contrast) -> str:
    if math.isnan(c.low):
        return f"{c.estimate:+.2f} (no interval: {c.reason})"
    return f"{c.estimate:+.2f} [{c.low:+.2f}, {c.high:+.2f}]"


def _p(p: float) -> str:
    if math.isnan(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _clear(c: Contrast, p_holm: float, up: str, down: str) -> str | None:
    """``up`` or ``down`` when the Holm-adjusted test says the contrast is
    clear, by the sign of its estimate; None when it is not."""
    if math.isnan(p_holm) or p_holm >= ALPHA:
        return None
    return up if c.estimate > 0 else down


# ---------------------------------------------------------------- changes


def change_readings(
    pulses: Sequence[Pulse], cells: Sequence[Cell], groups: Sequence[str]
) -> list[Reading]:
    """Like-with-like changes per dimension, for everyone and each shown group;
    Holm over the whole table."""
    figures = _Figures(cells, groups)
    raw = []
    for dimension in _dimensions(cells):
        for pair in comparable_pairs(pulses, figures, dimension):
            for group in [EVERYONE, *sorted(pair.groups)]:
                found = _change(figures, pair, dimension, group)
                if found is not None:
                    raw.append((dimension, group, pair, *found))
    adjusted = holm([r[3].p for r in raw])
    readings = []
    for (dimension, group, pair, c, effect, a, b), p_holm in zip(
        raw, adjusted, strict=True
    ):
        claim = _clear(c, p_holm, "improved", "declined") or (
            "similar" if _equivalent(c) else "unclear"
        )
        size = _size_words(effect, [a.mean, b.mean], claim)
        who = "everyone" if group == EVERYONE else group
        label = dimension_label(dimension)
        verdict = {
            "improved": "improved",
            "declined": "declined",
            "similar": f"stayed within ±{MARGIN} points (equivalence test)",
            "unclear": _unclear(c, p_holm, len(raw), "change"),
        }[claim]
        compared = f"{pair.first.label} → {pair.later.label} ({pair.target})"
        text = (
            f"{label}, {who}: {verdict}. Mean {a.mean:.2f} at {pair.first.label}, "
            f"{b.mean:.2f} at {pair.later.label}; change {_interval(c)}, "
            f"Holm-adjusted p {_p(p_holm)} over the {len(raw)} changes; {size}. "
            f"Compared because: {pair.why}{_weighting(group, pair.groups)}."
        )
        readings.append(
            Reading.of_contrast(
                c,
                p_holm,
                len(raw),
                kind="change",
                dimension=dimension,
                group=group,
                claim=claim,
                text=text,
                compared=compared,
                size=size,
                first=pair.first.label,
                later=pair.later.label,
                mean_first=a.mean,
                mean_later=b.mean,
                n_first=a.n,
                n_later=b.n,
                first_id=pair.first.pulse_id,
                later_id=pair.later.pulse_id,
            )
        )
    return readings


# ---------------------------------------------------------------- gaps


def gap_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    group_a: str,
    group_b: str,
) -> list[Reading]:
    """Did the gap a - b change between like pulses? Holm over the family."""
    figures = _Figures(cells, groups)
    raw = []
    for dimension in _dimensions(cells):
        for pair in comparable_pairs(pulses, figures, dimension):
            four = [
                figures.get(p.pulse_id, dimension, g)
                for p in (pair.first, pair.later)
                for g in (group_a, group_b)
            ]
            if any(c is None for c in four):
                continue
            fa, fb, la, lb = four
            first = _over([1, -1], [fa, fb])
            later = _over([1, -1], [la, lb])
            change = _over([1, -1, -1, 1], [la, lb, fa, fb])
            # later + first: with later - first, says whether |gap| moved.
            total = _over([1, -1, 1, -1], [la, lb, fa, fb])
            raw.append((dimension, pair, first, later, change, total))
    adjusted = holm([r[4].p for r in raw])
    adjusted_total = holm([r[5].p for r in raw])
    readings = []
    for (dimension, pair, first, later, change, total), p_holm, p_total in zip(
        raw, adjusted, adjusted_total, strict=True
    ):
        claim = _gap_claim(first, later, change, p_holm, total, p_total)
        moved = claim == "unclear" and not math.isnan(p_holm) and p_holm < ALPHA
        verdict = {
            "narrowed": "the gap narrowed",
            "widened": "the gap widened",
            "reversed": "the gap reversed (each gap clear, in opposite directions)",
            "similar": f"the gap stayed within ±{MARGIN} points of where it was "
            "(equivalence test)",
            "unclear": _moved(change, group_a, group_b)
            if moved
            else _unclear(change, p_holm, len(raw), "change in the gap"),
        }[claim]
        text = (
            f"{dimension_label(dimension)}: {verdict}. {group_a} − {group_b} was "
            f"{_interval(first)} at {pair.first.label} and {_interval(later)} at "
            f"{pair.later.label}; change in the gap {_interval(change)}, "
            f"Holm-adjusted p {_p(p_holm)} over the {len(raw)} gap changes. "
            f"Compared because: {pair.why}."
        )
        readings.append(
            Reading.of_contrast(
                change,
                p_holm,
                len(raw),
                kind="gap",
                dimension=dimension,
                group=f"{group_a} − {group_b}",
                claim=claim,
                text=text,
                compared=f"{pair.first.label} → {pair.later.label} ({pair.target})",
                first=pair.first.label,
                later=pair.later.label,
                mean_first=first.estimate,
                mean_later=later.estimate,
                first_id=pair.first.pulse_id,
                later_id=pair.later.pulse_id,
            )
        )
    return readings


def _equivalent(c: Contrast) -> bool:
    """TOST within +/-MARGIN, when the contrast has a standard error."""
    if math.isnan(c.se) or not c.se > 0:
        return False
    return tost(c.estimate, c.se, c.df, MARGIN).equivalent


def _gap_claim(
    first: Contrast,
    later: Contrast,
    change: Contrast,
    p_holm: float,
    total: Contrast,
    p_total: float,
) -> str:
    """Narrowed, widened, reversed, similar or unclear, from intervals.

    |later| < |first| exactly when (later - first) and (later + first) have
    opposite signs, so "narrowed" needs both the change in the gap and the sum
    of the two gaps clear (each Holm-adjusted over the family) with opposite
    signs, and "widened" both clear with the same sign. A clear first gap and a
    clear change are not enough: the gap may have crossed zero and come out as
    wide on the other side. "Reversed" needs both gaps clear, of opposite sign.
    The sum treats the two pulses as independent like every contrast here;
    the people's lasting levels are then part of the teams' gap being read,
    which is what a facilitator reports on (see the ``reversal`` test).
    """
    if math.isnan(change.se) or not change.se > 0:
        return "unclear"
    if not math.isnan(p_holm) and p_holm < ALPHA:
        s1 = _clear_sign(first)
        s2 = _clear_sign(later)
        if s1 and s2 and s1 != s2:
            return "reversed"
        if math.isnan(p_total) or not p_total < ALPHA:
            return "unclear"
        direction = 1 if change.estimate > 0 else -1
        return "widened" if direction * total.estimate > 0 else "narrowed"
    if _equivalent(change):
        return "similar"
    return "unclear"


def _moved(change: Contrast, group_a: str, group_b: str) -> str:
    """A clear change in the gap whose effect on the gap's size is not clear."""
    up, down = (group_a, group_b) if change.estimate > 0 else (group_b, group_a)
    return (
        f"{up} rose relative to {down}, but whether the gap is now narrower or "
        "wider is not clear (it may have crossed zero)"
    )


def _clear_sign(c: Contrast) -> int:
    if c.low > 0:
        return 1
    if c.high < 0:
        return -1
    return 0


# ---------------------------------------------------------------- phases


def phases(pulses: Sequence[Pulse]) -> list[tuple[str, list[Pulse]]]:
    """Before the joint work, from it on, and the follow-up.

    The first session of kind "joint workshop" splits the programme; without
    one, its pulses are split in two halves by order. Follow-up pulses are
    their own phase. Phases with no pulse are left out.
    """
    ordered = sorted(pulses, key=lambda p: p.order)
    main = [p for p in ordered if not p.is_follow_up]
    follow = [p for p in ordered if p.is_follow_up]
    joint = [p.order for p in main if p.session_kind == "joint workshop"]
    if joint and joint[0] > main[0].order:
        split = joint[0]
        early = [p for p in main if p.order < split]
        late = [p for p in main if p.order >= split]
        names = ("before the joint workshop", "from the joint workshop on")
    else:
        half = (len(main) + 1) // 2
        early, late = main[:half], main[half:]
        names = ("first half of the programme", "second half of the programme")
    out = [(names[0], early), (names[1], late), ("at follow-up", follow)]
    return [(name, ps) for name, ps in out if ps]


def _phase_stat(
    figures: _Figures, members: Sequence[Pulse], dimension: str, group: str,
    form: tuple[str, ...],
) -> _Stat | None:  # fmt: skip
    cells = [
        c
        for p in members
        if p.items.get(dimension) == form
        and (c := figures.get(p.pulse_id, dimension, group)) is not None
    ]
    if not cells:
        return None
    pooled = _pool(cells)
    # The same people answer several pulses of a phase: count at most as many
    # people as its largest pulse, so the phase mean is not over-precise.
    return _Stat(max(c.n for c in cells), pooled.mean, pooled.sd)


def trend_readings(
    pulses: Sequence[Pulse], cells: Sequence[Cell], groups: Sequence[str]
) -> list[Reading]:
    """Consecutive phase contrasts per dimension (group means weighted
    equally); Holm over the family."""
    figures = _Figures(cells, groups)
    split = phases(pulses)
    raw = []
    for dimension in _dimensions(cells):
        forms = Counter(
            p.items[dimension]
            for p in pulses
            if p.items.get(dimension)
            and figures.get(p.pulse_id, dimension, EVERYONE) is not None
        )
        if not forms:
            continue
        form = max(forms, key=lambda s: (len(s), forms[s]))
        for (name_a, in_a), (name_b, in_b) in zip(split, split[1:], strict=False):
            who = [
                g
                for g in groups
                if _phase_stat(figures, in_a, dimension, g, form)
                and _phase_stat(figures, in_b, dimension, g, form)
            ] or [EVERYONE]
            stats_a = [_phase_stat(figures, in_a, dimension, g, form) for g in who]
            stats_b = [_phase_stat(figures, in_b, dimension, g, form) for g in who]
            if any(s is None for s in stats_a + stats_b):
                continue
            w = 1.0 / len(who)
            c = _over([-w] * len(who) + [w] * len(who), stats_a + stats_b)
            raw.append((dimension, name_a, name_b, c, who, stats_a, stats_b))
    adjusted = holm([r[3].p for r in raw])
    readings = []
    for (dimension, name_a, name_b, c, who, sa, sb), p_holm in zip(
        raw, adjusted, strict=True
    ):
        claim = _clear(c, p_holm, "rising", "falling") or "unclear"
        mean_a = sum(s.mean for s in sa) / len(sa)  # type: ignore[union-attr]
        mean_b = sum(s.mean for s in sb) / len(sb)  # type: ignore[union-attr]
        verdict = {
            "rising": "higher",
            "falling": "lower",
            "unclear": _unclear(c, p_holm, len(raw), "difference"),
        }[claim]
        basis = (
            " and ".join(who) + " weighted equally" if who != [EVERYONE] else "everyone"
        )
        text = (
            f"{dimension_label(dimension)}, {name_b} against {name_a}: {verdict} "
            f"({mean_b:.2f} against {mean_a:.2f}); difference {_interval(c)}, "
            f"Holm-adjusted p {_p(p_holm)} over the {len(raw)} phase contrasts; "
            f"{basis}, same items only, each phase counting no more people than "
            "its largest pulse."
        )
        readings.append(
            Reading.of_contrast(
                c,
                p_holm,
                len(raw),
                kind="trend",
                dimension=dimension,
                group=EVERYONE,
                claim=claim,
                text=text,
                compared=f"{name_a} → {name_b}",
                first=name_a,
                later=name_b,
                mean_first=mean_a,
                mean_later=mean_b,
            )
        )
    return readings


# ---------------------------------------------------------------- reliability


def reliability_reading(dimension: str, within: WithinAlpha) -> Reading:
    a = within.alpha
    label = dimension_label(dimension)
    if math.isnan(a.alpha):
        return Reading(
            "reliability", dimension, EVERYONE, "too-few",
            f"{label}: reliability not available ({a.reason}).",
        )  # fmt: skip
    claim = (
        "good"
        if a.alpha >= 0.8
        else "acceptable"
        if a.alpha >= 0.7
        else "questionable"
        if a.alpha >= 0.6
        else "poor"
    )
    advice = {
        "good": "the items hang together well",
        "acceptable": "the items hang together",
        "questionable": "treat the dimension score with care",
        "poor": "the items do not hang together: read them one by one",
    }[claim]
    interval = "no interval"
    if not math.isnan(a.low):
        interval = f"95% CI {a.low:.2f} to {a.high:.2f}"
    text = (
        f"{label}: Cronbach's α within pulses {a.alpha:.2f} ({interval}"
        f"{', approximate' if within.note else ''}; {a.k} items, {within.pulses} "
        f"pulse{'s' if within.pulses != 1 else ''}, {within.responses} complete "
        f"answers) — {claim}: {advice}."
    )
    return Reading(
        "reliability", dimension, EVERYONE, claim, text, "within pulses",
        a.alpha, a.low, a.high,
    )  # fmt: skip


# ---------------------------------------------------------------- all together


def _dimensions(cells: Sequence[Cell]) -> list[str]:
    return list(dict.fromkeys(c.dimension for c in cells))


def programme_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    reliability: Mapping[str, WithinAlpha] | None = None,
) -> list[Reading]:
    """Every reading of the Trends page and the report, in that order."""
    readings = change_readings(pulses, cells, groups)
    if len(groups) >= 2:
        readings += gap_readings(pulses, cells, groups, groups[0], groups[1])
    readings += trend_readings(pulses, cells, groups)
    for dimension, within in (reliability or {}).items():
        readings.append(reliability_reading(dimension, within))
    return readings


def family_sizes(readings: Sequence[Reading]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for r in readings:
        if r.kind in ("change", "gap", "trend"):
            sizes[r.kind] += 1
    return dict(sizes)


def methods_note(readings: Sequence[Reading]) -> list[str]:
    """A short methods note for the Trends page and the report."""
    sizes = family_sizes(readings)
    families = ", ".join(
        f"{sizes[kind]} {name}"
        for kind, name in (
            ("change", "changes"),
            ("gap", "changes in a gap"),
            ("trend", "phase contrasts"),
        )
        if sizes.get(kind)
    )
    return [
        "What is compared: a change compares two pulses that asked the same items "
        "at the same kind of moment (before or after a session) where the timeline "
        "allows; 'everyone' is the average of the group means, so a change in who "
        "turned up is not read as a change. Each reading names its two pulses.",
        "Independence: answers are anonymous, so one person's answers in two pulses "
        "cannot be paired and pulses are analysed as independent samples. For "
        "changes and gaps this errs on the cautious side (wider intervals than a "
        "paired analysis); reliability intervals would be too narrow, so they use "
        "the largest pulse as their n and are marked approximate; a phase counts "
        "no more people than its largest pulse.",
        f"Several comparisons: Holm's adjustment within each family read together "
        f"({families or 'none yet'}), so a family where nothing changed shows a "
        "'clear' reading at most 5% of the time. The intervals drawn per pulse in "
        "the charts are unadjusted 95% intervals, clipped to the 1–7 scale.",
        "'Not clear' does not mean 'no difference': the interval includes no change "
        f"and a change worth noticing. 'Similar' is said only when an equivalence "
        f"test puts the difference within ±{MARGIN} points.",
        "Who answered differs between pulses (attendance, people joining or "
        "leaving); group means weighted equally remove only the shift in the mix "
        "of groups, not within them.",
    ]
