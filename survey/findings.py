"""What a programme's trends say, as sentences and tables.

Shared by the Trends page and the downloadable report, so both say the same
thing from the same tested figures. No Streamlit, no SQL here. Everything is
written in the result's language (``ProgrammeTrends.language``, chosen when
the trends were computed); the figures are formatted the same in every one.
"""

from __future__ import annotations

import math

import pandas as pd

from survey import trends
from survey.i18n import N_, Translator, translations
from survey.instrument import DIMENSIONS, dimension_label
from survey.numbers import signed, signed_interval
from survey.readings import CLAIM_WORDS, group_words, reason_words
from survey.readings import methods_note as methods
from survey.words import EVERYONE


def dimensions_in(result: trends.ProgrammeTrends) -> list[str]:
    """Default dimensions first, in their usual order, then custom ones."""
    present = list(dict.fromkeys(result.figures["dimension"]))
    known = [d.key for d in DIMENSIONS if d.key in present]
    return known + [d for d in present if d not in known]


def summary_lines(result: trends.ProgrammeTrends) -> list[str]:
    """What changed for everyone, from first to follow-up first: sentences a
    facilitator can read out, each naming its two pulses and its interval."""
    follow_up = {p.pulse_id for p in result.pulses if p.is_follow_up}
    overall = [r for r in result.of_kind("change") if r.group == EVERYONE]
    overall.sort(key=lambda r: r.later_id not in follow_up)
    return [r.text for r in overall]


def convergence_lines(result: trends.ProgrammeTrends) -> list[str]:
    """Did the first two groups converge? From the change in the gap."""
    return [r.text for r in result.of_kind("gap")]


def trend_lines(result: trends.ProgrammeTrends) -> list[str]:
    return [r.text for r in result.of_kind("trend")]


def methods_note(result: trends.ProgrammeTrends) -> list[str]:
    """The short methods note shown wherever readings appear."""
    tr = translations(result.language)
    return methods(result.readings, result.language) + [
        tr.gettext(
            "Agreement (r*wg(j)) is drawn against random answering; the tooltip "
            "also gives it against a slightly lenient answering pattern (LeBreton "
            "& Senter 2008), which is stricter, and the level random answering "
            "reaches at that number of people and items (grey ticks): only values "
            "above it suggest agreement."
        ),
    ]


def findings_json(result: trends.ProgrammeTrends) -> list[dict]:
    """Every reading of the Trends page and the report, as JSON objects."""
    return [r.to_json() for r in result.readings]


# Translators: table column headers in the report and on the Trends page.
CHANGE_COLUMNS = (
    N_("Dimension"),
    N_("Group"),
    N_("Compared"),
    N_("From"),
    N_("To"),
    N_("Change [95% CI]"),
    N_("Holm-adjusted p"),
    N_("Size (Hedges g [95% CI])"),
    N_("Cliff's δ [95% CI]"),
    N_("Share who agree (5–7)"),
    N_("Reading"),
)
PHASE_COLUMNS = (
    N_("Dimension"),
    N_("Compared"),
    N_("Means"),
    N_("Difference [95% CI]"),
    N_("Holm-adjusted p"),
    N_("Reading"),
)
RELIABILITY_COLUMNS = (
    N_("Dimension"),
    N_("Items"),
    N_("Pulses"),
    N_("Complete responses"),
    N_("α within pulses [95% CI]"),
    N_("Reading"),
)


def _frame(rows: list[list[object]], columns: tuple[str, ...], tr: Translator):
    return pd.DataFrame(rows, columns=[tr.gettext(c) for c in columns])


def change_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    tr = translations(result.language)
    rows = []
    for r in result.of_kind("change"):
        delta = result.deltas.get((r.dimension, r.group, r.compared))
        rows.append(
            [
                tr.gettext(dimension_label(r.dimension)),
                group_words(r.group, tr),
                r.compared,
                f"{r.mean_first:.2f} (n={r.n_first})",
                f"{r.mean_later:.2f} (n={r.n_later})",
                _with_interval(r.estimate, r.low, r.high, tr),
                _p(r.p_holm),
                r.size,
                _effect(delta, tr),
                _shares(result, r),
                tr.gettext(CLAIM_WORDS[r.claim]),
            ]
        )
    return _frame(rows, CHANGE_COLUMNS, tr) if rows else pd.DataFrame()


def phase_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    tr = translations(result.language)
    rows: list[list[object]] = [
        [
            tr.gettext(dimension_label(r.dimension)),
            r.compared,
            f"{r.mean_first:.2f} → {r.mean_later:.2f}",
            _with_interval(r.estimate, r.low, r.high, tr),
            _p(r.p_holm),
            tr.gettext(CLAIM_WORDS[r.claim]),
        ]
        for r in result.of_kind("trend")
    ]
    return _frame(rows, PHASE_COLUMNS, tr) if rows else pd.DataFrame()


def reliability_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    tr = translations(result.language)
    rows = []
    for r in result.of_kind("reliability"):
        within = result.reliability.get(r.dimension)
        alpha = within.alpha if within else None
        rows.append(
            [
                tr.gettext(dimension_label(r.dimension)),
                alpha.k if alpha else "—",
                within.pulses if within else 0,
                within.responses if within else 0,
                _alpha_interval(r, bool(within and within.note), tr),
                tr.gettext(CLAIM_WORDS[r.claim]),
            ]
        )
    return _frame(rows, RELIABILITY_COLUMNS, tr) if rows else pd.DataFrame()


def _alpha_interval(r, approximate: bool, tr: Translator) -> str:
    shown = _with_interval(r.estimate, r.low, r.high, tr)
    if not approximate:
        return shown
    return tr.gettext("{interval} (approximate)").format(interval=shown)


def _shares(result: trends.ProgrammeTrends, r) -> str:
    figures = result.figures
    parts = []
    for pulse_id in (r.first_id, r.later_id):
        row = figures[
            (figures["pulse_id"] == pulse_id)
            & (figures["dimension"] == r.dimension)
            & (figures["group"] == r.group)
        ]
        if row.empty:
            return "—"
        f = row.iloc[0]
        parts.append(
            f"{f['agree_share']:.0%} [{f['agree_low']:.0%}–{f['agree_high']:.0%}]"
        )
    return " → ".join(parts)


def _effect(effect, tr: Translator) -> str:
    if effect is None:
        return "—"
    reason = reason_words(effect.reason, tr)
    if math.isnan(effect.estimate):
        return f"— ({reason})" if effect.reason else "—"
    if math.isnan(effect.low):
        return f"{signed(effect.estimate)} ({reason})"
    return signed_interval(effect.estimate, effect.low, effect.high)


def _p(value: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _with_interval(value: float, low: float, high: float, tr: Translator) -> str:
    if value is None or math.isnan(value):
        return "—"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return tr.gettext("{value} [interval not available]").format(
            value=signed(value)
        )
    return signed_interval(value, low, high)
