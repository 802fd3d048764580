"""Change readings: did a dimension move between two like pulses?

For a group, the Welch difference of its two means; for everyone, the
equal-weight mean of the group changes (so a change in who turned up is not a
change). Holm over the whole table; "similar" only after an equivalence test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from survey.contrasts import (
    Contrast,
    EffectInterval,
    hedges_g_interval,
    smd_interval,
    welch_contrast,
)
from survey.i18n import Translator
from survey.readings.family import contrast_reading, members
from survey.readings.model import Cell, Figures, Pulse, Reading, Stat
from survey.readings.pairs import Pair, like_pairs, pair_fields, weighting
from survey.readings.wording import (
    interval_words,
    size_words,
)
from survey.stats import NAN, NO_VARIATION, _hedges_j
from survey.words import EVERYONE


def read_changes(
    pulses: Sequence[Pulse], figures: Figures, tr: Translator
) -> list[Reading]:
    """Like-with-like changes per dimension, for everyone and each shown group;
    Holm over the whole table. Sentences in the translator's language."""
    raw = []
    for dimension, pair in like_pairs(pulses, figures, tr):
        for group in [EVERYONE, *sorted(pair.groups)]:
            found = _change(figures, pair, dimension, group)
            if found is not None:
                raw.append((dimension, group, pair, *found))
    readings = []
    for (dimension, group, pair, c, effect, a, b), member in zip(
        raw, members([r[3] for r in raw]), strict=True
    ):
        claim = member.direction("improved", "declined") or (
            "similar" if member.similar else "unclear"
        )
        size = size_words(effect, [a.mean, b.mean], claim, tr)
        readings.append(
            contrast_reading(
                "change",
                # Translators: one change reading. {verdict} is e.g. "improved" or
                # "no clear change — …"; {holm} is "Holm-adjusted p … over the N
                # changes".
                tr.gettext(
                    "{dimension}, {who}: {verdict}. Mean {mean_first} at {first}, "
                    "{mean_later} at {later}; change {change}, {holm}; {size}. "
                    "Compared because: {why}{weighting}."
                ),
                member,
                claim=claim,
                dimension=dimension,
                tr=tr,
                words={
                    "who": tr.gettext("everyone") if group == EVERYONE else group,
                    "mean_first": f"{a.mean:.2f}",
                    "first": pair.first.label,
                    "mean_later": f"{b.mean:.2f}",
                    "later": pair.later.label,
                    "change": interval_words(c, tr),
                    "size": size,
                    "why": pair.why,
                    "weighting": weighting(group, pair.groups, tr),
                },
                group=group,
                size=size,
                mean_first=a.mean,
                mean_later=b.mean,
                n_first=a.n,
                n_later=b.n,
                **pair_fields(pair, tr),
            )
        )
    return readings


def _change(
    figures: Figures, pair: Pair, dimension: str, group: str
) -> tuple[Contrast, EffectInterval, Stat, Stat] | None:
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
        return contrast, effect, Stat(a.n, a.mean, a.sd), Stat(b.n, b.mean, b.sd)
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
        Stat(sum(c.n for c in firsts), mean_first, NAN),  # type: ignore[union-attr]
        Stat(sum(c.n for c in laters), mean_later, NAN),  # type: ignore[union-attr]
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
