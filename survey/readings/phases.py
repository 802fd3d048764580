"""Trend readings as contrasts between phases of the programme (nothing
extrapolated). A phase pools the pulses in it; the same people answer several
of them, so a phase counts at most as many people as its largest pulse."""

from __future__ import annotations

from collections.abc import Sequence

from survey.i18n import N_, Translator
from survey.readings.family import contrast_reading, members, over
from survey.readings.model import Figures, Pulse, Reading, Stat, pool
from survey.readings.pairs import shown_with_items, usual_form
from survey.readings.wording import (
    interval_words,
    joined,
)
from survey.words import EVERYONE

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
    figures: Figures, members: Sequence[Pulse], dimension: str, group: str,
    form: tuple[str, ...],
) -> Stat | None:  # fmt: skip
    cells = [
        c
        for p in members
        if p.items.get(dimension) == form
        and (c := figures.get(p.pulse_id, dimension, group)) is not None
    ]
    if not cells:
        return None
    pooled = pool(cells)
    # The same people answer several pulses of a phase: count at most as many
    # people as its largest pulse, so the phase mean is not over-precise.
    return Stat(max(c.n for c in cells), pooled.mean, pooled.sd)


def read_phases(
    pulses: Sequence[Pulse], figures: Figures, tr: Translator
) -> list[Reading]:
    """Consecutive phase contrasts per dimension (group means weighted
    equally); Holm over the family."""
    split = phases(pulses)
    raw = []
    for dimension in figures.dimensions:
        form = usual_form(shown_with_items(pulses, figures, dimension), dimension)
        if form is None:
            continue
        for (name_a, in_a), (name_b, in_b) in zip(split, split[1:], strict=False):
            who = [
                g
                for g in figures.groups
                if _phase_stat(figures, in_a, dimension, g, form)
                and _phase_stat(figures, in_b, dimension, g, form)
            ] or [EVERYONE]
            stats_a = [_phase_stat(figures, in_a, dimension, g, form) for g in who]
            stats_b = [_phase_stat(figures, in_b, dimension, g, form) for g in who]
            if any(s is None for s in stats_a + stats_b):
                continue
            w = 1.0 / len(who)
            c = over([-w] * len(who) + [w] * len(who), stats_a + stats_b)
            raw.append((dimension, name_a, name_b, c, who, stats_a, stats_b))
    readings = []
    for (dimension, name_a, name_b, c, who, sa, sb), member in zip(
        raw, members([r[3] for r in raw]), strict=True
    ):
        claim = member.direction("rising", "falling") or "unclear"
        mean_a = sum(s.mean for s in sa) / len(sa)  # type: ignore[union-attr]
        mean_b = sum(s.mean for s in sb) / len(sb)  # type: ignore[union-attr]
        basis = (
            tr.gettext("{groups} weighted equally").format(groups=joined(who, tr))
            if who != [EVERYONE]
            else tr.gettext("everyone")
        )
        phase_a = tr.gettext(PHASE_NAMES.get(name_a, name_a))
        phase_b = tr.gettext(PHASE_NAMES.get(name_b, name_b))
        readings.append(
            contrast_reading(
                "trend",
                # Translators: one phase contrast; {later_phase} and {first_phase}
                # are e.g. "from the joint workshop on", "before the joint
                # workshop"; {verdict} is "higher", "lower" or "no clear
                # difference — …".
                tr.gettext(
                    "{dimension}, {later_phase} against {first_phase}: {verdict} "
                    "({mean_later} against {mean_first}); difference {difference}, "
                    "{holm}; {basis}, same items only, each phase counting no more "
                    "people than its largest pulse."
                ),
                member,
                claim=claim,
                dimension=dimension,
                tr=tr,
                words={
                    "later_phase": phase_b,
                    "first_phase": phase_a,
                    "mean_later": f"{mean_b:.2f}",
                    "mean_first": f"{mean_a:.2f}",
                    "difference": interval_words(c, tr),
                    "basis": basis,
                },
                group=EVERYONE,
                compared=f"{phase_a} → {phase_b}",
                first=phase_a,
                later=phase_b,
                mean_first=mean_a,
                mean_later=mean_b,
            )
        )
    return readings
