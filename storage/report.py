"""A self-contained HTML report of a programme, printable on A4.

Charts are inline SVG (vl-convert, no network); every figure comes from
``storage.trends`` and so obeys the same disclosure rules as the pages. Every
piece of text is HTML-escaped: titles and action notes are typed by people.
"""

from __future__ import annotations

import html
from datetime import date

import pandas as pd

from rendering import charts
from storage import actions, findings, trends
from storage.db import Store
from storage.programmes import get_programme
from survey.instrument import dimension_label
from survey.words import EVERYONE

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #222; font-size: 10.5pt;
       line-height: 1.45; max-width: 182mm; margin: 0 auto; }
h1 { font-size: 20pt; margin-bottom: 2mm; }
h2 { font-size: 14pt; margin-top: 8mm; border-bottom: 1px solid #ccc; }
.muted { color: #555; }
figure { margin: 4mm 0; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 7.5pt; margin: 3mm 0;
        table-layout: fixed; }
tr { page-break-inside: avoid; }
th, td { border: 1px solid #ccc; padding: 1mm 1.2mm; text-align: left;
         vertical-align: top; overflow-wrap: anywhere; }
th { background: #f2f2f2; }
li { margin-bottom: 1.5mm; }
"""


def programme_report(store: Store, programme_id: int, today: date | None = None) -> str:
    """The whole report as one HTML document (no external resources)."""
    programme = get_programme(store, programme_id)
    result = trends.programme_trends(store, programme_id)
    markers = actions.trend_markers(store, programme_id, result.pulses)
    agreed = actions.programme_actions(store, programme_id)
    parts = [
        f"<h1>{_e(programme.name)}</h1>",
        f'<p class="muted">Together Pulse report, {(today or date.today()):%d %B %Y}. '
        f"Closed pulses only. No figure is shown for fewer than {result.k} answers, "
        "and a group is hidden whenever showing it would let a hidden group be "
        "worked out by subtraction.</p>",
    ]
    if result.figures.empty:
        parts.append(f"<p>No closed pulse has {result.k} or more answers yet.</p>")
        return _document(programme.name, parts)
    parts.append("<h2>Summary</h2>")
    lines = findings.summary_lines(result) + findings.convergence_lines(result)
    parts.append("<ul>" + "".join(f"<li>{_e(line)}</li>" for line in lines) + "</ul>")
    specs = findings.trend_chart_specs(result, markers)
    parts.append("<h2>How each dimension moved</h2>")
    for dimension in findings.dimensions_in(result):
        parts.append(_figure(specs[f"trend-{dimension}"]))
    if len(result.groups) >= 2:
        a, b = result.groups[:2]
        parts.append(f"<h2>Are {_e(a)} and {_e(b)} converging?</h2>")
        parts.append(_figure(charts.gap_chart(result.gaps(a, b), k=result.k).to_dict()))
    parts.append("<h2>What changed, and how sure we are</h2>")
    parts.append(_table(findings.change_table(result)))
    if result.slopes:
        parts.append("<h3>Trend over the whole programme</h3>")
        parts.append(_table(findings.slope_table(result)))
    parts.append("<h2>Are we on the same page? (agreement)</h2>")
    for dimension in findings.dimensions_in(result):
        parts.append(_figure(specs[f"agreement-{dimension}"]))
    parts.append("<h2>Reliability</h2>")
    parts.append(_table(findings.reliability_table(result)))
    parts.append("<h2>What we tried, and what followed</h2>")
    parts.append(_actions_section(agreed, result))
    return _document(programme.name, parts)


def _actions_section(
    agreed: list[actions.Action], result: trends.ProgrammeTrends
) -> str:
    if not agreed:
        return "<p>No actions were recorded.</p>"
    items = []
    for action in agreed:
        history = "; ".join(
            f"{u.date} {u.status}" + (f" ({u.note})" if u.note else "")
            for u in action.updates
        )
        after = _what_followed(action, result)
        items.append(
            f"<li><strong>{_e(action.title)}</strong> — agreed at "
            f"{_e(action.session_title or '—')}; status {_e(action.status)}. "
            f"<span class='muted'>{_e(history)}</span>"
            + (f"<br>{_e(after)}" if after else "")
            + "</li>"
        )
    return "<ul>" + "".join(items) + "</ul>"


def _what_followed(action: actions.Action, result: trends.ProgrammeTrends) -> str:
    """The shown mean of each targeted dimension just before and at the latest pulse."""
    figures = result.figures[result.figures["group"] == EVERYONE]
    session_pulses = {
        p.order for p in result.pulses if action.session_title and
        p.label.startswith(f"{action.session_title} · ")
    }  # fmt: skip
    if not session_pulses:
        return ""
    agreed_at = max(session_pulses)
    sentences = []
    for dimension in action.dimensions:
        shown = figures[figures["dimension"] == dimension].sort_values("order")
        before = shown[shown["order"] <= agreed_at]
        after = shown[shown["order"] > agreed_at]
        if before.empty or after.empty:
            continue
        start, end = before.iloc[-1], after.iloc[-1]
        sentences.append(
            f"{dimension_label(dimension)}: {start['mean']:.1f} when agreed, "
            f"{end['mean']:.1f} at {end['pulse_label']}"
        )
    return "Afterwards — " + "; ".join(sentences) + "." if sentences else ""


def _figure(spec: dict) -> str:
    return f"<figure>{charts.to_svg(spec)}</figure>"


def _table(frame: pd.DataFrame) -> str:
    return frame.to_html(index=False, escape=True, border=0, na_rep="—")


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _document(title: str, parts: list[str]) -> str:
    body = "\n".join(parts)
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{_e(title)} — Together Pulse report</title>"
        f"<style>{_CSS}</style></head><body>{body}</body></html>"
    )
