"""The words every kind of reading shares: claims, reasons, numbers, sizes.

Each sentence is one whole message with named placeholders (a translator can
reorder it) and counted words use ``ngettext``; numbers and intervals are
formatted here, once, the same in every language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from survey.contrasts import Contrast, EffectInterval
from survey.i18n import N_, Translator, translations
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.numbers import signed, signed_interval
from survey.readings.model import MARGIN, NEAR_END
from survey.stats import NO_VARIATION, TOO_FEW
from survey.words import EVERYONE, NOT_SAID

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


def joined(names: Sequence[str], tr: Translator) -> str:
    """Names joined with "and" (each pair in turn, as the English did)."""
    text = names[0] if names else ""
    for name in names[1:]:
        # Translators: joins two group names as typed, e.g. "Education and
        # Social work". The names can start with a vowel (Welsh "a" → "ac").
        text = tr.gettext("{first} and {second}").format(first=text, second=name)
    return text


def size_words(
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
    shown = "g " + signed_interval(effect.estimate, effect.low, effect.high)
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


# What a clear reading says, by kind and claim ({margin} is the equivalence
# margin); an unclear one is worded by ``verdict_words`` from _NO_CLEAR.
_VERDICTS = {
    "change": {
        "improved": N_("improved"),
        "declined": N_("declined"),
        "similar": N_("stayed within ±{margin} points (equivalence test)"),
    },
    "gap": {
        "narrowed": N_("the gap narrowed"),
        "widened": N_("the gap widened"),
        "reversed": N_("the gap reversed (each gap clear, in opposite directions)"),
        "similar": N_(
            "the gap stayed within ±{margin} points of where it was (equivalence test)"
        ),
    },
    "trend": {"rising": N_("higher"), "falling": N_("lower")},
}


def verdict_words(
    kind: str, claim: str, c: Contrast, p_holm: float, family: int, tr: Translator
) -> str:
    """What a reading of ``kind`` says of its contrast: the words of a clear
    claim, or why it is not clear, without contradicting the interval shown."""
    if claim in _VERDICTS[kind]:
        return tr.gettext(_VERDICTS[kind][claim]).format(margin=MARGIN)
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
        ).format(n=family, p=p_words(p_holm))
    return tr.gettext(allows_both)


def holm_words(kind: str, p_holm: float, family: int, tr: Translator) -> str:
    """ "Holm-adjusted p … over the N changes" for a reading of ``kind`` (each
    kind counts its own family in its own words)."""
    counted = {
        "change": lambda: tr.ngettext(
            "Holm-adjusted p {p} over the {n} change",
            "Holm-adjusted p {p} over the {n} changes",
            family,
        ),
        "gap": lambda: tr.ngettext(
            "Holm-adjusted p {p} over the {n} gap change",
            "Holm-adjusted p {p} over the {n} gap changes",
            family,
        ),
        "trend": lambda: tr.ngettext(
            "Holm-adjusted p {p} over the {n} phase contrast",
            "Holm-adjusted p {p} over the {n} phase contrasts",
            family,
        ),
    }
    return counted[kind]().format(p=p_words(p_holm), n=family)


def interval_words(c: Contrast, tr: Translator) -> str:
    if math.isnan(c.low):
        return tr.gettext("{estimate} (no interval: {reason})").format(
            estimate=signed(c.estimate), reason=reason_words(c.reason, tr)
        )
    return signed_interval(c.estimate, c.low, c.high)


def p_words(p: float) -> str:
    if math.isnan(p):
        return "—"
    return "< 0.001" if p < 0.001 else f"{p:.3f}"
