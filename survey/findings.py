"""What a programme's trends say, as sentences and tables.

Shared by the Trends page and the downloadable report, so both say the same
thing from the same tested figures. No Streamlit, no SQL here.
"""

from __future__ import annotations

import math

import pandas as pd

from survey import trends
from survey.instrument import DIMENSIONS, dimension_label
from survey.reading import alpha_reading, trend_reading
from survey.words import EVERYONE


def dimensions_in(result: trends.ProgrammeTrends) -> list[str]:
    """Default dimensions first, in their usual order, then custom ones."""
    present = list(dict.fromkeys(result.figures["dimension"]))
    known = [d.key for d in DIMENSIONS if d.key in present]
    return known + [d for d in present if d not in known]


def summary_lines(result: trends.ProgrammeTrends) -> list[str]:
    """Plain sentences a facilitator can read out, built from the change table."""
    lines = []
    overall = [c for c in result.changes if c.group == EVERYONE]
    for change in sorted(overall, key=lambda c: -abs(c.result.hedges_g or 0)):
        r = change.result
        verb = "rose" if r.diff > 0 else "fell"
        g = "" if math.isnan(r.hedges_g) else f"g = {r.hedges_g:.1f}, "
        lines.append(
            f"{dimension_label(change.dimension)} {verb} from {r.mean_b:.1f} to "
            f"{r.mean_a:.1f} ({g}{change.reading}) between {change.first} and "
            f"{change.later}."
        )
    return lines


def convergence_lines(result: trends.ProgrammeTrends) -> list[str]:
    """Did the first two groups converge? First vs last shown gap per dimension."""
    if len(result.groups) < 2:
        return []
    a, b = result.groups[:2]
    gaps = result.gaps(a, b)
    lines = []
    for label, shown in gaps.groupby("dimension_label", sort=False):
        ordered = shown.sort_values("order")
        if len(ordered) < 2:
            continue
        first, last = ordered.iloc[0], ordered.iloc[-1]
        verb = "narrowed" if abs(last["gap"]) < abs(first["gap"]) else "widened"
        lines.append(
            f"{label}: the gap between {a} and {b} {verb} from "
            f"{first['gap']:+.1f} ({_clarity(first)}) at {first['pulse_label']} to "
            f"{last['gap']:+.1f} ({_clarity(last)}) at {last['pulse_label']}."
        )
    return lines


def _clarity(gap: pd.Series) -> str:
    if math.isnan(gap["low"]):
        return "uncertain"
    return "a clear difference" if gap["low"] > 0 or gap["high"] < 0 else "not clear"


def change_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    rows = []
    for change in result.changes:
        r = change.result
        rows.append(
            {
                "Dimension": dimension_label(change.dimension),
                "Group": change.group,
                "Compared": change.compared,
                "From": f"{r.mean_b:.2f} (n={r.n_b})",
                "To": f"{r.mean_a:.2f} (n={r.n_a})",
                "Change [95% CI]": _with_interval(r.diff, r.low, r.high),
                "Hedges g": _number(r.hedges_g),
                "Cliff's δ": _number(r.cliffs_delta),
                "p (Welch)": _p(r.p_welch),
                "p (Mann–Whitney)": _p(r.p_mannwhitney),
                "Reading": change.reading,
            }
        )
    return pd.DataFrame(rows)


def slope_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Dimension": dimension_label(s.dimension),
                "Pulses": s.pulses,
                "Change per month [95% CI]": _with_interval(
                    s.per_month.slope, s.per_month.low, s.per_month.high
                ),
                "Mann–Kendall p": _p(s.per_month.p),
                "Reading": trend_reading(s.per_month),
            }
            for s in result.slopes
        ]
    )


def reliability_table(result: trends.ProgrammeTrends) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "Dimension": dimension_label(r.dimension),
                "Items": r.alpha.k,
                "Complete responses": r.alpha.n,
                "Cronbach's α [95% CI]": _with_interval(
                    r.alpha.alpha, r.alpha.low, r.alpha.high
                ),
                "Reading": alpha_reading(r.alpha),
            }
            for r in result.reliability
        ]
    )


def _number(value: float) -> str:
    return "—" if value is None or math.isnan(value) else f"{value:+.2f}"


def _p(value: float) -> str:
    if value is None or math.isnan(value):
        return "—"
    return "< 0.001" if value < 0.001 else f"{value:.3f}"


def _with_interval(value: float, low: float, high: float) -> str:
    if math.isnan(value):
        return "—"
    if math.isnan(low) or math.isnan(high):
        return f"{value:+.2f} [interval not available]"
    return f"{value:+.2f} [{low:+.2f}, {high:+.2f}]"
