"""The methods note the Trends page and the report print under the readings:
what is compared, independence, multiplicity and what "not clear" means."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from survey.i18n import translations
from survey.readings.model import MARGIN, Reading


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
