"""Reading a family of contrasts together: Holm's adjustment, "clear" and
"similar", the same rules and the same sentence parts for changes, gaps and
phase contrasts."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from survey.contrasts import Contrast, holm, tost, welch_contrast
from survey.i18n import Translator
from survey.instrument import dimension_label
from survey.readings.model import ALPHA, MARGIN, Reading
from survey.readings.wording import holm_words, verdict_words
from survey.stats import NAN


def over(weights: Sequence[float], cells: Sequence) -> Contrast:
    """welch_contrast over cells (or pooled phase figures)."""
    return welch_contrast(
        weights, [c.mean for c in cells], [c.sd for c in cells], [c.n for c in cells]
    )


@dataclass(frozen=True)
class Member:
    """One contrast of a family read together, with its p Holm-adjusted over
    the family (``p_holm``; ``p_eq`` for its equivalence test) and the size of
    the family the sentence quotes."""

    contrast: Contrast
    p_holm: float
    p_eq: float
    family: int

    @property
    def clear(self) -> bool:
        """Whether the Holm-adjusted test says the contrast is not zero."""
        return not math.isnan(self.p_holm) and self.p_holm < ALPHA

    def direction(self, up: str, down: str) -> str | None:
        """``up`` or ``down`` when clear, by the sign of the estimate; else
        None."""
        if not self.clear:
            return None
        return up if self.contrast.estimate > 0 else down

    @property
    def similar(self) -> bool:
        """ "Similar": the equivalence tests Holm-adjusted over the family (one
        "similar" per family could otherwise be wrong far more often than 5%:
        8% of simulated programmes whose every change was 0.5), and the 95%
        interval the sentence shows inside +/-MARGIN, so the words never
        contradict it."""
        c = self.contrast
        return (
            not math.isnan(self.p_eq)
            and self.p_eq < ALPHA
            and c.low > -MARGIN
            and c.high < MARGIN
        )


def tost_p(c: Contrast) -> float:
    """The equivalence test's p (TOST within +/-MARGIN); NaN without a
    standard error, so Holm leaves it out of the family's count."""
    if math.isnan(c.se) or not c.se > 0:
        return NAN
    return tost(c.estimate, c.se, c.df, MARGIN).p


def members(contrasts: Sequence[Contrast]) -> list[Member]:
    """The contrasts of one family, each with its tests Holm-adjusted over all."""
    adjusted = holm([c.p for c in contrasts])
    equivalence = holm([tost_p(c) for c in contrasts])
    return [
        Member(c, p, p_eq, len(contrasts))
        for c, p, p_eq in zip(contrasts, adjusted, equivalence, strict=True)
    ]


def contrast_reading(
    kind: str,
    sentence: str,
    member: Member,
    *,
    claim: str,
    dimension: str,
    tr: Translator,
    words: Mapping[str, object],
    verdict: str | None = None,
    **fields: object,
) -> Reading:
    """One member of a family as a reading: ``sentence`` (a whole message of
    ``kind``, translated) filled with what every kind says the same way (the
    dimension, the verdict unless given, Holm's p over the family) and its own
    ``words``; ``fields`` are the reading's own figures."""
    c, p_holm, family = member.contrast, member.p_holm, member.family
    text = sentence.format(
        dimension=tr.gettext(dimension_label(dimension)),
        verdict=verdict or verdict_words(kind, claim, c, p_holm, family, tr),
        holm=holm_words(kind, p_holm, family, tr),
        **words,
    )
    return Reading.of_contrast(
        c,
        p_holm,
        family,
        kind=kind,
        dimension=dimension,
        claim=claim,
        text=text,
        **fields,
    )
