"""What a programme's trends say, as sentences and tables.

Shared by the Trends page and the downloadable report, so both say the same
thing from the same tested figures. No Streamlit, no SQL here.
"""

from __future__ import annotations

import math

import pandas as pd

from survey import trends
from survey.instrument import DIMENSIONS, dimension_label
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
    overall = [r for r in result.of_kind("change") if r.group == EVERYONE]
    overall.sort(key=lambda r: "(follow-up)" not in r.compared)
    return [r.text for r in overall]


def convergence_lines(result: trends.ProgrammeTrends) -> list[str]:
    """Did the first two groups converge? From the change in the gap."""
    return [r.text for r in result.of_kind("gap")]


def trend_lines(result: trends.ProgrammeTrends) -> list[str]:
    return [r.text for r in result.of_kind("trend")]


def methods_note(result: trends.ProgrammeTrends) -> list[str]:
    """The short methods note shown wherever readings appear."""
    return methods(result.readings) + [
        "Agreement (r*wg(j)) is drawn against random answering; the tooltip also "
        "gives it against a slightly lenient answering pattern (LeBreton & Senter "
        "2008), which is stricter, and the level random answering reaches at that "
        "number of people and items (grey ticks): only values above it suggest "
        "agreement.",
    ]


def findings_json(result: trends.ProgrammeTrends) -> list[dict]:
    """Every reading of the Trends page and the report, as JSON objects."""
    return [r.to_json() for r in result.readings]


def change_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    rows = []
    for r in result.of_kind("change"):
        delta = result.deltas.get((r.dimension, r.group, r.compared))
        rows.append(
            {
                "Dimension": dimension_label(r.dimension),
                "Group": r.group,
                "Compared": r.compared,
                "From": f"{r.mean_first:.2f} (n={r.n_first})",
                "To": f"{r.mean_later:.2f} (n={r.n_later})",
                "Change [95% CI]": _with_interval(r.estimate, r.low, r.high),
                "Holm-adjusted p": _p(r.p_holm),
                "Size (Hedges g [95% CI])": r.size,
                "Cliff's δ [95% CI]": _effect(delta),
                "Share who agree (5–7)": _shares(result, r),
                "Reading": r.claim,
            }
        )
    return pd.DataFrame(rows)


def phase_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Dimension": dimension_label(r.dimension),
                "Compared": r.compared,
                "Means": f"{r.mean_first:.2f} → {r.mean_later:.2f}",
                "Difference [95% CI]": _with_interval(r.estimate, r.low, r.high),
                "Holm-adjusted p": _p(r.p_holm),
                "Reading": r.claim,
            }
            for r in result.of_kind("trend")
        ]
    )


def reliability_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    rows = []
    for r in result.of_kind("reliability"):
        within = result.reliability.get(r.dimension)
        alpha = within.alpha if within else None
        rows.append(
            {
                "Dimension": dimension_label(r.dimension),
                "Items": alpha.k if alpha else "—",
                "Pulses": within.pulses if within else 0,
                "Complete responses": within.responses if within else 0,
                "α within pulses [95% CI]": _with_interval(r.estimate, r.low, r.high)
                + (" (approximate)" if within and within.note else ""),
                "Reading": r.claim,
            }
        )
    return pd.DataFrame(rows)


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


def _effect(effect) -> str:
    if effect is None:
        return "—"
    if math.isnan(effect.estimate):
        return f"— ({effect.reason})" if effect.reason else "—"
    if math.isnan(effect.low):
        return f"{effect.estimate:+.2f} ({effect.reason})"
    return f"{effect.estimate:+.2f} [{effect.low:+.2f}, {effect.high:+.2f}]"


def _p(value: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _with_interval(value: float, low: float, high: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    if low is None or high is None or math.isnan(low) or math.isnan(high):
        return f"{value:+.2f} [interval not available]"
    return f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"
