"""Gap readings: did the gap between two groups change between like pulses?

Convergence is read from the change in the gap (a difference of differences
with a Welch–Satterthwaite interval); "reversed" only when both gaps are clear
and of opposite sign; "similar" only after an equivalence test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from survey.contrasts import Contrast, holm
from survey.i18n import Translator
from survey.readings.family import Member, contrast_reading, members, over
from survey.readings.model import ALPHA, Figures, Pulse, Reading
from survey.readings.pairs import like_pairs, pair_fields
from survey.readings.wording import interval_words


def read_gaps(
    pulses: Sequence[Pulse],
    figures: Figures,
    group_a: str,
    group_b: str,
    tr: Translator,
) -> list[Reading]:
    """Did the gap a - b change between like pulses? Holm over the family."""
    raw = []
    for dimension, pair in like_pairs(pulses, figures, tr):
        four = [
            figures.get(p.pulse_id, dimension, g)
            for p in (pair.first, pair.later)
            for g in (group_a, group_b)
        ]
        if any(c is None for c in four):
            continue
        fa, fb, la, lb = four
        first = over([1, -1], [fa, fb])
        later = over([1, -1], [la, lb])
        change = over([1, -1, -1, 1], [la, lb, fa, fb])
        # later + first: with later - first, says whether |gap| moved.
        total = over([1, -1, 1, -1], [la, lb, fa, fb])
        raw.append((dimension, pair, first, later, change, total))
    adjusted_total = holm([r[5].p for r in raw])
    readings = []
    for (dimension, pair, first, later, change, total), member, p_total in zip(
        raw, members([r[4] for r in raw]), adjusted_total, strict=True
    ):
        claim = _gap_claim(first, later, member, total, p_total)
        moved = claim == "unclear" and member.clear
        readings.append(
            contrast_reading(
                "gap",
                # Translators: one gap reading; {group_a} − {group_b} is the
                # difference of two groups' means at each pulse.
                tr.gettext(
                    "{dimension}: {verdict}. {group_a} − {group_b} was {gap_first} "
                    "at {first} and {gap_later} at {later}; change in the gap "
                    "{change}, {holm}. Compared because: {why}."
                ),
                member,
                claim=claim,
                dimension=dimension,
                tr=tr,
                verdict=_moved(change, group_a, group_b, tr) if moved else None,
                words={
                    "group_a": group_a,
                    "group_b": group_b,
                    "gap_first": interval_words(first, tr),
                    "first": pair.first.label,
                    "gap_later": interval_words(later, tr),
                    "later": pair.later.label,
                    "change": interval_words(change, tr),
                    "why": pair.why,
                },
                group=f"{group_a} − {group_b}",
                mean_first=first.estimate,
                mean_later=later.estimate,
                **pair_fields(pair, tr),
            )
        )
    return readings


def _gap_claim(
    first: Contrast, later: Contrast, member: Member, total: Contrast, p_total: float
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
    change = member.contrast
    if math.isnan(change.se) or not change.se > 0:
        return "unclear"
    if member.clear:
        s1 = _clear_sign(first)
        s2 = _clear_sign(later)
        if s1 and s2 and s1 != s2:
            return "reversed"
        if math.isnan(p_total) or not p_total < ALPHA:
            return "unclear"
        direction = 1 if change.estimate > 0 else -1
        return "widened" if direction * total.estimate > 0 else "narrowed"
    if member.similar:
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
