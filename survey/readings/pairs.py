"""Like with like: which pulses a reading may compare, and why.

A change or a gap compares two pulses that asked the same items about the
dimension, at the same kind of moment (before/after a session) where the
timeline allows, and the same shown groups; a phase contrast pools only
pulses that asked the same items.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from survey.i18n import N_, Translator, translations
from survey.readings.model import Figures, Pulse
from survey.readings.wording import joined
from survey.words import EVERYONE, MOMENT_WORDS


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


def shown_with_items(
    pulses: Sequence[Pulse], figures: Figures, dimension: str
) -> list[Pulse]:
    """The pulses (in the order given) that asked items about ``dimension``
    and show a figure for everyone."""
    return [
        p
        for p in pulses
        if figures.get(p.pulse_id, dimension, EVERYONE) is not None
        and p.items.get(dimension)
    ]


def usual_form(pulses: Sequence[Pulse], dimension: str) -> tuple[str, ...] | None:
    """The items a reading compares: the widest set the pulses asked about
    ``dimension``, the most often asked on a tie (None if none asked)."""
    forms = Counter(p.items[dimension] for p in pulses)
    return max(forms, key=lambda s: (len(s), forms[s])) if forms else None


def comparable_pairs(
    pulses: Sequence[Pulse],
    figures: Figures,
    dimension: str,
    tr: Translator | None = None,
) -> list[Pair]:
    """Baseline and later pulses with the same items, groups and (if possible)
    moment, for one dimension."""
    shown = shown_with_items(sorted(pulses, key=lambda p: p.order), figures, dimension)
    form = usual_form(shown, dimension)
    if len(shown) < 2 or form is None:
        return []
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


def like_pairs(
    pulses: Sequence[Pulse], figures: Figures, tr: Translator
) -> Iterator[tuple[str, Pair]]:
    """Each dimension with each pair of pulses fit to compare for it: what
    changes and gaps are read between."""
    for dimension in figures.dimensions:
        for pair in comparable_pairs(pulses, figures, dimension, tr):
            yield dimension, pair


def pair_fields(pair: Pair, tr: Translator) -> dict[str, object]:
    """What a reading between two pulses says about them: "first → later (why
    this pair)", as a table and the JSON name it, and each pulse."""
    target = tr.gettext(_TARGET_WORDS.get(pair.target, pair.target))
    return {
        "compared": f"{pair.first.label} → {pair.later.label} ({target})",
        "first": pair.first.label,
        "later": pair.later.label,
        "first_id": pair.first.pulse_id,
        "later_id": pair.later.pulse_id,
    }


def weighting(group: str, groups: frozenset[str], tr: Translator) -> str:
    if group != EVERYONE or len(groups) < 2:
        return ""
    return tr.gettext("; everyone = the mean of {groups}, weighted equally").format(
        groups=joined(sorted(groups), tr)
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
