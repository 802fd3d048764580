"""Reliability readings: do a dimension's items hang together (Cronbach's α
within pulses), in words that follow the interval, not only the estimate."""

from __future__ import annotations

import math

from survey.i18n import N_, Translator, translations
from survey.instrument import dimension_label
from survey.numbers import two_decimals
from survey.readings.model import Reading
from survey.readings.wording import CLAIM_WORDS, reason_words
from survey.reliability import WithinAlpha
from survey.words import EVERYONE


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
            low=two_decimals(a.low), high=two_decimals(a.high)
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
        alpha=two_decimals(a.alpha),
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
