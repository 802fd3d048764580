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

The package, one module a job: ``model`` (pulses, shown cells, the
``Reading``), ``pairs`` (like with like), ``family`` (Holm, "clear",
"similar"), ``wording`` (words every kind shares), then one module per kind of
reading (``changes``, ``gaps``, ``phases``, ``reliability``) and ``methods``
(the methods note). Import from ``survey.readings``: this module is the one
entry point, ``programme_readings`` builds them all.

Sentences are written in the language asked for (``language=``, a catalogue of
``locale/``): each is one whole message with named placeholders, so a
translator can reorder it, and counted words use ``ngettext``. Numbers and
intervals are formatted once (``wording``), the same in every language; the
``claim`` stays a word of the fixed (English) vocabulary for machines.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from survey.i18n import translations
from survey.readings.changes import read_changes
from survey.readings.gaps import read_gaps
from survey.readings.methods import family_sizes, methods_note
from survey.readings.model import (
    ALPHA,
    CHANGE_CLAIMS,
    CLAIMS,
    GAP_CLAIMS,
    MARGIN,
    RELIABILITY_CLAIMS,
    TREND_CLAIMS,
    Cell,
    Figures,
    Pulse,
    Reading,
)
from survey.readings.pairs import Pair, comparable_pairs
from survey.readings.phases import PHASE_NAMES, phases, read_phases
from survey.readings.reliability import reliability_reading
from survey.readings.wording import (
    CLAIM_WORDS,
    REASONS,
    claim_word,
    group_words,
    reason_words,
)
from survey.reliability import WithinAlpha
from survey.words import EVERYONE

__all__ = [
    "ALPHA",
    "CHANGE_CLAIMS",
    "CLAIMS",
    "CLAIM_WORDS",
    "EVERYONE",
    "GAP_CLAIMS",
    "MARGIN",
    "PHASE_NAMES",
    "REASONS",
    "RELIABILITY_CLAIMS",
    "TREND_CLAIMS",
    "Cell",
    "Pair",
    "Pulse",
    "Reading",
    "change_readings",
    "claim_word",
    "comparable_pairs",
    "family_sizes",
    "gap_readings",
    "group_words",
    "methods_note",
    "phases",
    "programme_readings",
    "reason_words",
    "reliability_reading",
]


def programme_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    reliability: Mapping[str, WithinAlpha] | None = None,
    language: str = "en",
) -> list[Reading]:
    """Every reading of the Trends page and the report, in that order, with
    sentences in ``language`` (the figures and claims are the same in all)."""
    tr = translations(language)
    figures = Figures(cells, groups)
    readings = read_changes(pulses, figures, tr)
    if len(groups) >= 2:
        readings += read_gaps(pulses, figures, groups[0], groups[1], tr)
    readings += read_phases(pulses, figures, tr)
    for dimension, within in (reliability or {}).items():
        readings.append(reliability_reading(dimension, within, language))
    return readings


def change_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    language: str = "en",
) -> list[Reading]:
    """The change readings alone (``survey.readings.changes``)."""
    return read_changes(pulses, Figures(cells, groups), translations(language))


def gap_readings(
    pulses: Sequence[Pulse],
    cells: Sequence[Cell],
    groups: Sequence[str],
    group_a: str,
    group_b: str,
    language: str = "en",
) -> list[Reading]:
    """The readings of the gap ``group_a`` - ``group_b`` alone
    (``survey.readings.gaps``)."""
    return read_gaps(
        pulses, Figures(cells, groups), group_a, group_b, translations(language)
    )
