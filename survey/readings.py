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
  opposite sign; "similar" only after an equivalence test (TOST, +/-0.5 points,
  Holm-adjusted within the family, and the 95% interval shown inside +/-0.5).
* Effect-size words from the interval ("at least moderate"), with a reason
  instead of a number when there is no variation or the means sit at the end
  of the scale.
* Trends as contrasts between phases of the programme (nothing extrapolated).
  A phase pools the pulses in it; the same people answer several of them, so a
  phase counts at most as many people as its largest pulse (cautious).
* Multiplicity: Holm within each family read together (changes, changes in a
  gap, phase contrasts); the methods note says how many readings each has.

Sentences are written in the language asked for (``language=``, a catalogue of
``locale/``): each is one whole message with named placeholders, so a
translator can reorder it, and counted words use ``ngettext``. Numbers and
intervals are formatted here, once, the same in every language; the ``claim``
stays a word of the fixed (English) vocabulary for machines.
"""

from __future__ import annotations

import math
import re
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
from survey.i18n import N_, Translator, translations
from survey.instrument import SCALE_HIGH, SCALE_LOW, dimension_label
from survey.reliability import WithinAlpha
from survey.stats import NAN, NO_VARIATION, TOO_FEW, _hedges_j
from survey.words import EVERYONE, MOMENT_WORDS, NOT_SAID

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

# Translators: a reading's one-word verdict, as shown in a table's "Reading"
# column. It must say exactly what the English says, no more and no less.
CLAIM_WORDS = {
    "improved": N_("improved"),
    "declined": N_("declined"),
    "similar": N_("similar"),
    "unclear": N_("unclear"),
    "narrowed": N_("narrowed"),
    "widened": N_("widened"),
    "reversed": N_("reversed"),
    "rising": N_("rising"),
    "falling": N_("falling"),
    "good": N_("good"),
    "acceptable": N_("acceptable"),
    "questionable": N_("questionable"),
    "poor": N_("poor"),
    "too-few": N_("too few"),
}

# Why a figure has no number, as the statistics modules say it (msgids).
REASONS = (
    N_("fewer than 2 responses"),  # survey.stats.TOO_FEW
    N_("no variation"),  # survey.stats.NO_VARIATION
    N_("no variation within either pulse"),
    N_("complete separation: no interval"),
    N_("fewer than 2 items"),
    N_("not available"),
)
assert TOO_FEW in REASONS and NO_VARIATION in REASONS  # noqa: S101 - kept in step
_FEWER_COMPLETE = re.compile(r"fewer than (\d+) complete responses in every pulse")


def claim_word(claim: str, language: str = "en") -> str:
    """A claim of the fixed vocabulary in words of ``language``."""
    return translations(language).gettext(CLAIM_WORDS.get(claim, claim))


def reason_words(reason: str, tr: Translator) -> str:
    """A statistics module's reason (English) in the translator's language."""
    found = _FEWER_COMPLETE.fullmatch(reason)
    if found:
        k = int(found.group(1))
        return tr.ngettext(
            "fewer than {k} complete response in every pulse",
            "fewer than {k} complete responses in every pulse",
            k,
        ).format(k=k)
    return tr.gettext(reason) if reason else reason


def group_words(group: str, tr: Translator) -> str:
    """The app's own group words ("Everyone") translated; typed names as typed."""
    return tr.gettext(group) if group in (EVERYONE, NOT_SAID) else group


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
    target: str  # FOLLOW_UP_TARGET | LAST_BEFORE_TARGET | LAST_SAME_ITEMS_TARGET
    groups: frozenset[str]
    why: str


FOLLOW_UP_TARGET = "follow-up"
LAST_BEFORE_TARGET = "last like pulse before the follow-up"
LAST_SAME_ITEMS_TARGET = "last pulse with the same items before the follow-up"
_TARGET_WORDS = {
    FOLLOW_UP_TARGET: N_("follow-up"),
    LAST_BEFORE_TARGET: N_("last like pulse before the follow-up"),
    LAST_SAME_ITEMS_TARGET: N_("last pulse with the same items before the follow-up"),
}


def comparable_pairs(
    pulses: Sequence[Pulse],
    figures: _Figures,
    dimension: str,
    tr: Translator | None = None,
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
    tr = tr or translations("en")
    for target, pool in (
        (FOLLOW_UP_TARGET, [p for p in later if p.is_follow_up]),
        (LAST_BEFORE_TARGET, [p for p in later if not p.is_follow_up]),
    ):
        same_moment = [p for p in pool if p.moment == first.moment]
        pick = (same_moment or pool or [None])[-1]
        if pick is None or pick.pulse_id in chosen:
            continue
        chosen.add(pick.pulse_id)
        if not same_moment and not pick.is_follow_up:
            # No pulse at the baseline's moment: not a like pulse, say so.
            target = LAST_SAME_ITEMS_TARGET
        groups = groups_of[first.pulse_id]
        why = _why(first, pick, form, tr)
        pairs.append(Pair(first, pick, target, groups, why))
    return pairs


def _compared(pair: Pair, tr: Translator) -> str:
    """ "first → later (why this pair)", as a table and the JSON name it."""
    target = tr.gettext(_TARGET_WORDS.get(pair.target, pair.target))
    return f"{pair.first.label} → {pair.later.label} ({target})"


def _joined(names: Sequence[str], tr: Translator) -> str:
    """Names joined with "and" (each pair in turn, as the English did)."""
    text = names[0] if names else ""
    for name in names[1:]:
        # Translators: joins two group names as typed, e.g. "Education and
        # Social work". The names can start with a vowel (Welsh "a" → "ac").
        text = tr.gettext("{first} and {second}").format(first=text, second=name)
    return text


def _weighting(group: str, groups: frozenset[str], tr: Translator) -> str:
    if group != EVERYONE or len(groups) < 2:
        return ""
    return tr.gettext("; everyone = the mean of {groups}, weighted equally").format(
        groups=_joined(sorted(groups), tr)
    )


# Translators: why two pulses were compared; both pulses were taken at this
# moment of their sessions.
_SAME_MOMENT = {
    "before": N_("both before a session"),
    "during": N_("both during a session"),
    "after": N_("both after a session"),
}


def _why(first: Pulse, later: Pulse, form: tuple[str, ...], tr: Translator) -> str:
    items = tr.ngettext("the same {n} item", "the same {n} items", len(form)).format(
        n=len(form)
    )
    if first.moment == later.moment and first.moment in _SAME_MOMENT:
        moment = tr.gettext(_SAME_MOMENT[first.moment])
    elif first.moment == later.moment:
        moment = f"both {first.moment} a session"
    else:
        moment = tr.gettext("moments differ ({first} vs {later}): no like pair").format(
            first=tr.gettext(MOMENT_WORDS.get(first.moment, first.moment)),
            later=tr.gettext(MOMENT_WORDS.get(later.moment, later.moment)),
        )
    # Translators: e.g. "the same 3 items, both before a session".
    return tr.gettext("{items}, {moment}").format(items=items, moment=moment)


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


def _size_words(
    effect: EffectInterval, means: Sequence[float], claim: str, tr: Translator
) -> str:
    """Size from the interval bound nearest zero, or why there is none."""
    if any(m >= SCALE_HIGH - NEAR_END or m <= SCALE_LOW + NEAR_END for m in means):
        return tr.gettext(
            "no standardised size: the means sit at the end of the 1–7 scale"
        )
    if math.isnan(effect.estimate) or math.isnan(effect.low):
        return tr.gettext("no standardised size ({reason})").format(
            reason=reason_words(effect.reason or "not available", tr)
        )
    shown = f"g {effect.estimate:+.2f} [{effect.low:+.2f}, {effect.high:+.2f}]"
    if claim not in ("improved", "declined", "rising", "falling"):
        return shown
    nearest = min(abs(effect.low), abs(effect.high))
    if effect.low < 0 < effect.high:
        nearest = 0.0
    # Translators: the size of a change read from the end of its interval
    # nearest zero (Hedges g 0.8 large, 0.5 moderate, 0.2 small): "at least"
    # is the claim; do not make it stronger or weaker.
    word = (
        tr.gettext("at least large")
        if nearest >= 0.8
        else tr.gettext("at least moderate")
        if nearest >= 0.5
        else tr.gettext("at least small")
        if nearest >= 0.2
        else tr.gettext("possibly negligible")
    )
    return tr.gettext("{size} ({g})").format(size=word, g=shown)


def _over(weights: Sequence[float], cells: Sequence) -> Contrast:
    """welch_contrast over cells (or pooled phase figures)."""
    return welch_contrast(
        weights, [c.mean for c in cells], [c.sd for c in cells], [c.n for c in cells]
    )


# What a reading that is not clear is about: "no clear {what} (why)" and
# "no clear {what} — the interval allows ..." as whole sentences per kind.
_NO_CLEAR = {
    "change": (
        N_("no clear change ({reason})"),
        N_(
            "no clear change — the interval allows no change as well as a change "
            "worth noticing"
        ),
    ),
    "gap": (
        N_("no clear change in the gap ({reason})"),
        N_(
            "no clear change in the gap — the interval allows no change as well as "
            "a change worth noticing"
        ),
    ),
    "trend": (
        N_("no clear difference ({reason})"),
        N_(
            "no clear difference — the interval allows no change as well as a "
            "change worth noticing"
        ),
    ),
}


def _unclear(c: Contrast, p_holm: float, family: int, kind: str, tr: Translator) -> str:
    """Why a reading is not clear, without contradicting the interval shown."""
    without_interval, allows_both = _NO_CLEAR[kind]
    if math.isnan(c.low):
        return tr.gettext(without_interval).format(reason=reason_words(c.reason, tr))
    if c.clear:
        return tr.ngettext(
            "not clear once the {n} comparison read together is allowed for "
            "(Holm-adjusted p {p}), though this interval alone excludes zero",
            "not clear once the {n} comparisons read together are allowed for "
            "(Holm-adjusted p {p}), though this interval alone excludes zero",
            family,
        ).format(n=family, p=_p(p_holm))
    return tr.gettext(allows_both)


def _interval(c: Contrast, tr: Translator) -> str:
    if math.isnan(c.low):
        return tr.gettext("{estimate} (no interval: {reason})").format(
            estimate=f"{c.estimate:+.2f}", reason=reason_words(c.reason, tr)
        )
    return f"{c.estimate:+.2f} [{c.low:+.2f}, {c.high:+.2f}]"


def _p(p: float) -> str:
    if math.isnan(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


# What a clear reading says, by claim ({margin} is the equivalence margin);
# an unclear one is worded by _unclear or _moved.
_CHANGE_VERDICTS = {
    "improved": N_("improved"),
    "declined": N_("declined"),
    "similar": N_("stayed within ±{margin} points (equivalence test)"),
}
_GAP_VERDICTS = {
    "narrowed": N_("the gap narrowed"),
    "widened": N_("the gap widened"),
    "reversed": N_("the gap reversed (each gap clear, in opposite directions)"),
    "similar": N_(
        "the gap stayed within ±{margin} points of where it was (equivalence test)"
    ),
}


def _clear(c: Contrast, p_holm: float, up: str, down: str) -> str | None:
    """``up`` or ``down`` when the Holm-adjusted test says the contrast is
    clear, by the sign of its estimate; None when it is not."""
    if math.isnan(p_holm) or p_holm >= ALPHA:
        return None
    return up if c.estimate > 0 else down


# ---------------------------------------------------------------- changes


def change_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    language: str = "en",
) -> list[Reading]:
    """Like-with-like changes per dimension, for everyone and each shown group;
    Holm over the whole table. Sentences in ``language``."""
    tr = translations(language)
    figures = _Figures(cells, groups)
    raw = []
    for dimension in _dimensions(cells):
        for pair in comparable_pairs(pulses, figures, dimension, tr):
            for group in [EVERYONE, *sorted(pair.groups)]:
                found = _change(figures, pair, dimension, group)
                if found is not None:
                    raw.append((dimension, group, pair, *found))
    adjusted = holm([r[3].p for r in raw])
    equivalence = holm([_tost_p(r[3]) for r in raw])
    readings = []
    for (dimension, group, pair, c, effect, a, b), p_holm, p_eq in zip(
        raw, adjusted, equivalence, strict=True
    ):
        claim = _clear(c, p_holm, "improved", "declined") or (
            "similar" if _similar(c, p_eq) else "unclear"
        )
        size = _size_words(effect, [a.mean, b.mean], claim, tr)
        who = tr.gettext("everyone") if group == EVERYONE else group
        label = tr.gettext(dimension_label(dimension))
        if claim in _CHANGE_VERDICTS:
            verdict = tr.gettext(_CHANGE_VERDICTS[claim]).format(margin=MARGIN)
        else:
            verdict = _unclear(c, p_holm, len(raw), "change", tr)
        compared = _compared(pair, tr)
        # Translators: one change reading. {verdict} is e.g. "improved" or
        # "no clear change — …"; {holm} is "Holm-adjusted p … over the N changes".
        text = tr.gettext(
            "{dimension}, {who}: {verdict}. Mean {mean_first} at {first}, "
            "{mean_later} at {later}; change {change}, {holm}; {size}. "
            "Compared because: {why}{weighting}."
        ).format(
            dimension=label,
            who=who,
            verdict=verdict,
            mean_first=f"{a.mean:.2f}",
            first=pair.first.label,
            mean_later=f"{b.mean:.2f}",
            later=pair.later.label,
            change=_interval(c, tr),
            holm=tr.ngettext(
                "Holm-adjusted p {p} over the {n} change",
                "Holm-adjusted p {p} over the {n} changes",
                len(raw),
            ).format(p=_p(p_holm), n=len(raw)),
            size=size,
            why=pair.why,
            weighting=_weighting(group, pair.groups, tr),
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
    language: str = "en",
) -> list[Reading]:
    """Did the gap a - b change between like pulses? Holm over the family."""
    tr = translations(language)
    figures = _Figures(cells, groups)
    raw = []
    for dimension in _dimensions(cells):
        for pair in comparable_pairs(pulses, figures, dimension, tr):
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
    equivalence = holm([_tost_p(r[4]) for r in raw])
    readings = []
    for (dimension, pair, first, later, change, total), p_holm, p_total, p_eq in zip(
        raw, adjusted, adjusted_total, equivalence, strict=True
    ):
        claim = _gap_claim(first, later, change, p_holm, total, p_total, p_eq)
        moved = claim == "unclear" and not math.isnan(p_holm) and p_holm < ALPHA
        if claim in _GAP_VERDICTS:
            verdict = tr.gettext(_GAP_VERDICTS[claim]).format(margin=MARGIN)
        elif moved:
            verdict = _moved(change, group_a, group_b, tr)
        else:
            verdict = _unclear(change, p_holm, len(raw), "gap", tr)
        # Translators: one gap reading; {group_a} − {group_b} is the difference
        # of two groups' means at each pulse.
        text = tr.gettext(
            "{dimension}: {verdict}. {group_a} − {group_b} was {gap_first} at "
            "{first} and {gap_later} at {later}; change in the gap {change}, "
            "{holm}. Compared because: {why}."
        ).format(
            dimension=tr.gettext(dimension_label(dimension)),
            verdict=verdict,
            group_a=group_a,
            group_b=group_b,
            gap_first=_interval(first, tr),
            first=pair.first.label,
            gap_later=_interval(later, tr),
            later=pair.later.label,
            change=_interval(change, tr),
            holm=tr.ngettext(
                "Holm-adjusted p {p} over the {n} gap change",
                "Holm-adjusted p {p} over the {n} gap changes",
                len(raw),
            ).format(p=_p(p_holm), n=len(raw)),
            why=pair.why,
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
                compared=_compared(pair, tr),
                first=pair.first.label,
                later=pair.later.label,
                mean_first=first.estimate,
                mean_later=later.estimate,
                first_id=pair.first.pulse_id,
                later_id=pair.later.pulse_id,
            )
        )
    return readings


def _tost_p(c: Contrast) -> float:
    """The equivalence test's p (TOST within +/-MARGIN); NaN without a
    standard error, so Holm leaves it out of the family's count."""
    if math.isnan(c.se) or not c.se > 0:
        return NAN
    return tost(c.estimate, c.se, c.df, MARGIN).p


def _similar(c: Contrast, p_eq_holm: float) -> bool:
    """ "Similar": the equivalence tests Holm-adjusted over the family (one
    "similar" per family could otherwise be wrong far more often than 5%: 8%
    of simulated programmes whose every change was 0.5), and the 95% interval
    the sentence shows inside +/-MARGIN, so the words never contradict it."""
    return (
        not math.isnan(p_eq_holm)
        and p_eq_holm < ALPHA
        and c.low > -MARGIN
        and c.high < MARGIN
    )


def _gap_claim(
    first: Contrast,
    later: Contrast,
    change: Contrast,
    p_holm: float,
    total: Contrast,
    p_total: float,
    p_eq: float,
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
    if _similar(change, p_eq):
        return "similar"
    return "unclear"


def _moved(change: Contrast, group_a: str, group_b: str, tr: Translator) -> str:
    """A clear change in the gap whose effect on the gap's size is not clear."""
    up, down = (group_a, group_b) if change.estimate > 0 else (group_b, group_a)
    # Translators: {up} and {down} are group names; the claim is only that one
    # moved relative to the other, not that the gap narrowed or widened.
    return tr.gettext(
        "{up} rose relative to {down}, but whether the gap is now narrower or "
        "wider is not clear (it may have crossed zero)"
    ).format(up=up, down=down)


def _clear_sign(c: Contrast) -> int:
    if c.low > 0:
        return 1
    if c.high < 0:
        return -1
    return 0


# ---------------------------------------------------------------- phases


# Translators: the phases of a programme that trend readings compare.
PHASE_NAMES = {
    "before the joint workshop": N_("before the joint workshop"),
    "from the joint workshop on": N_("from the joint workshop on"),
    "first half of the programme": N_("first half of the programme"),
    "second half of the programme": N_("second half of the programme"),
    "at follow-up": N_("at follow-up"),
}


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
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    language: str = "en",
) -> list[Reading]:
    """Consecutive phase contrasts per dimension (group means weighted
    equally); Holm over the family."""
    tr = translations(language)
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
        if claim == "rising":
            verdict = tr.gettext("higher")
        elif claim == "falling":
            verdict = tr.gettext("lower")
        else:
            verdict = _unclear(c, p_holm, len(raw), "trend", tr)
        basis = (
            tr.gettext("{groups} weighted equally").format(groups=_joined(who, tr))
            if who != [EVERYONE]
            else tr.gettext("everyone")
        )
        phase_a = tr.gettext(PHASE_NAMES.get(name_a, name_a))
        phase_b = tr.gettext(PHASE_NAMES.get(name_b, name_b))
        # Translators: one phase contrast; {later_phase} and {first_phase} are
        # e.g. "from the joint workshop on", "before the joint workshop";
        # {verdict} is "higher", "lower" or "no clear difference — …".
        text = tr.gettext(
            "{dimension}, {later_phase} against {first_phase}: {verdict} "
            "({mean_later} against {mean_first}); difference {difference}, "
            "{holm}; {basis}, same items only, each phase counting no more "
            "people than its largest pulse."
        ).format(
            dimension=tr.gettext(dimension_label(dimension)),
            later_phase=phase_b,
            first_phase=phase_a,
            verdict=verdict,
            mean_later=f"{mean_b:.2f}",
            mean_first=f"{mean_a:.2f}",
            difference=_interval(c, tr),
            holm=tr.ngettext(
                "Holm-adjusted p {p} over the {n} phase contrast",
                "Holm-adjusted p {p} over the {n} phase contrasts",
                len(raw),
            ).format(p=_p(p_holm), n=len(raw)),
            basis=basis,
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
                compared=f"{phase_a} → {phase_b}",
                first=phase_a,
                later=phase_b,
                mean_first=mean_a,
                mean_later=mean_b,
            )
        )
    return readings


# ---------------------------------------------------------------- reliability


def reliability_reading(
    dimension: str, within: WithinAlpha, language: str = "en"
) -> Reading:
    tr = translations(language)
    a = within.alpha
    label = tr.gettext(dimension_label(dimension))
    if math.isnan(a.alpha):
        text = tr.gettext("{dimension}: reliability not available ({reason}).")
        return Reading(
            "reliability", dimension, EVERYONE, "too-few",
            text.format(dimension=label, reason=reason_words(a.reason, tr)),
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
    advice = tr.gettext(_ADVICE[claim])
    # The words follow the interval, not only the estimate: "hang together"
    # needs the whole interval at 0.7 or more, "do not" the whole below 0.6.
    if claim in ("good", "acceptable") and not a.low >= 0.7:
        advice = tr.gettext(_ADVICE_NOT_SURE_IT_DOES)
    elif claim == "poor" and not a.high < 0.6:
        advice = tr.gettext(_ADVICE_NOT_SURE_IT_DOES_NOT)
    if math.isnan(a.low):
        interval = tr.gettext("no interval")
    else:
        interval = tr.gettext("95% CI {low} to {high}").format(
            low=f"{a.low:.2f}", high=f"{a.high:.2f}"
        )
    if within.note:
        interval = tr.gettext("{interval}, approximate").format(interval=interval)
    # Translators: {counts} is "3 items, 5 pulses, 90 complete answers";
    # {claim} is the word for the reading ("good", "questionable", ...).
    text = tr.gettext(
        "{dimension}: Cronbach's α within pulses {alpha} ({interval}; {counts}) "
        "— {claim}: {advice}."
    ).format(
        dimension=label,
        alpha=f"{a.alpha:.2f}",
        interval=interval,
        counts=_counts(a.k, within.pulses, within.responses, tr),
        claim=tr.gettext(CLAIM_WORDS[claim]),
        advice=advice,
    )
    return Reading(
        "reliability", dimension, EVERYONE, claim, text, "within pulses and groups",
        a.alpha, a.low, a.high,
    )  # fmt: skip


_ADVICE = {
    "good": N_("the items hang together well"),
    "acceptable": N_("the items hang together"),
    "questionable": N_("treat the dimension score with care"),
    "poor": N_("the items do not hang together: read them one by one"),
}
_ADVICE_NOT_SURE_IT_DOES = N_(
    "the usual threshold is met, but the interval reaches below 0.70, so it is "
    "not clear that the items hang together: treat the dimension score with care"
)
_ADVICE_NOT_SURE_IT_DOES_NOT = N_(
    "no sign that the items hang together, though the interval does not rule it "
    "out: read them one by one"
)


def _counts(items: int, pulses: int, responses: int, tr: Translator) -> str:
    """ "3 items, 5 pulses, 90 complete answers", each counted word in its form."""
    return ", ".join(
        (
            tr.ngettext("{n} item", "{n} items", items).format(n=items),
            tr.ngettext("{n} pulse", "{n} pulses", pulses).format(n=pulses),
            tr.ngettext(
                "{n} complete answer", "{n} complete answers", responses
            ).format(n=responses),
        )
    )


# ---------------------------------------------------------------- all together


def _dimensions(cells: Sequence[Cell]) -> list[str]:
    return list(dict.fromkeys(c.dimension for c in cells))


def programme_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    reliability: Mapping[str, WithinAlpha] | None = None,
    language: str = "en",
) -> list[Reading]:
    """Every reading of the Trends page and the report, in that order, with
    sentences in ``language`` (the figures and claims are the same in all)."""
    readings = change_readings(pulses, cells, groups, language)
    if len(groups) >= 2:
        readings += gap_readings(pulses, cells, groups, groups[0], groups[1], language)
    readings += trend_readings(pulses, cells, groups, language)
    for dimension, within in (reliability or {}).items():
        readings.append(reliability_reading(dimension, within, language))
    return readings


def family_sizes(readings: Sequence[Reading]) -> dict[str, int]:
    sizes: dict[str, int] = defaultdict(int)
    for r in readings:
        if r.kind in ("change", "gap", "trend"):
            sizes[r.kind] += 1
    return dict(sizes)


def methods_note(readings: Sequence[Reading], language: str = "en") -> list[str]:
    """A short methods note for the Trends page and the report."""
    tr = translations(language)
    sizes = family_sizes(readings)
    counted = {
        "change": lambda n: tr.ngettext("{n} change", "{n} changes", n),
        "gap": lambda n: tr.ngettext("{n} change in a gap", "{n} changes in a gap", n),
        "trend": lambda n: tr.ngettext("{n} phase contrast", "{n} phase contrasts", n),
    }
    families = ", ".join(
        counted[kind](sizes[kind]).format(n=sizes[kind])
        for kind in ("change", "gap", "trend")
        if sizes.get(kind)
    )
    return [
        tr.gettext(
            "What is compared: a change compares two pulses that asked the same "
            "items at the same kind of moment (before or after a session) where the "
            "timeline allows; 'everyone' is the average of the group means, so a "
            "change in who turned up is not read as a change. Each reading names "
            "its two pulses."
        ),
        tr.gettext(
            "Independence: answers are anonymous, so one person's answers in two "
            "pulses cannot be paired and pulses are analysed as independent "
            "samples. For changes and gaps this errs on the cautious side (wider "
            "intervals than a paired analysis); reliability intervals would be too "
            "narrow, so they use the largest pulse as their n and are marked "
            "approximate; a phase counts no more people than its largest pulse."
        ),
        tr.gettext(
            "Several comparisons: Holm's adjustment within each family read "
            "together ({families}), so a family where nothing changed shows a "
            "'clear' reading at most {share} of the time. The intervals drawn per "
            "pulse in the charts are unadjusted {percent} intervals, clipped to the "
            "1–7 scale."
        ).format(
            families=families or tr.gettext("none yet"), share="5%", percent="95%"
        ),
        tr.gettext(
            "'Not clear' does not mean 'no difference': the interval includes no "
            "change and a change worth noticing. 'Similar' is said only when an "
            "equivalence test puts the difference within ±{margin} points."
        ).format(margin=MARGIN),
        tr.gettext(
            "Who answered differs between pulses (attendance, people joining or "
            "leaving); group means weighted equally remove only the shift in the "
            "mix of groups, not within them."
        ),
    ]
