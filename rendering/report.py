"""A self-contained HTML report of a programme, printable on A4.

The layout is a Jinja template (``templates/report.html``) with autoescaping
on: titles, group names and action notes are typed by people and must never
become markup. Charts are inline SVG rendered offline (vl-convert), so the
file needs no network. Every figure comes from ``survey.trends`` and so obeys
the same disclosure rules as the pages.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from html import escape

import pandas as pd
from babel.dates import format_date
from markupsafe import Markup

from rendering import charts
from rendering.charts.programme import trend_chart_specs
from rendering.html import TEMPLATES
from survey import findings
from survey.actions import Action, markers, status_words, what_followed
from survey.i18n import translations
from survey.trends import ProgrammeTrends
from survey.words import held_out_sentence


@dataclass(frozen=True)
class ReportInputs:
    """What the report is written from, as storage hands it over."""

    programme: str
    result: ProgrammeTrends
    actions: list[Action]
    language: str = "en"
    """The programme's language: the report's headings, notes, date, analysis
    sentences, tables and charts follow it. ``result`` must have been computed
    in it (``ProgrammeTrends.language``), since its readings carry sentences."""


def render(inputs: ReportInputs, today: date | None = None) -> str:
    """The whole report as one HTML document (no external resources)."""
    result = inputs.result
    language = inputs.language
    if result.language != language:
        raise ValueError(
            f"The trends were written in {result.language!r}, the report is in "
            f"{language!r}: compute them with language={language!r}."
        )
    context: dict[str, object] = {
        "lang": language,
        "_": translations(language).gettext,
        "programme": inputs.programme,
        "today": format_date(today or date.today(), "d MMMM y", locale=language),
        "k": result.k,
        "has_figures": not result.figures.empty,
        "actions": [_action(a, result) for a in inputs.actions],
        "held_out": _held_out(result),
    }
    if not result.figures.empty:
        marks = markers(inputs.actions, result.pulses, language)
        context |= _figures(result, marks)
    return TEMPLATES.get_template("report.html").render(context)


def _figures(result: ProgrammeTrends, marks: pd.DataFrame) -> dict[str, object]:
    specs = trend_chart_specs(result, marks)
    dimensions = findings.dimensions_in(result)
    lang = result.language
    context: dict[str, object] = {
        "summary": findings.summary_lines(result),
        "convergence": findings.convergence_lines(result),
        "phases": findings.trend_lines(result),
        "methods": findings.methods_note(result),
        "trend_figures": [_svg(specs[f"trend-{d}"], lang) for d in dimensions],
        "agreement_figures": [_svg(specs[f"agreement-{d}"], lang) for d in dimensions],
        "change_table": _table(findings.change_table(result)),
        "phase_table": _table(findings.phase_table(result))
        if result.of_kind("trend")
        else "",
        "reliability_table": _table(findings.reliability_table(result)),
        "gap_figure": None,
    }
    if len(result.groups) >= 2:
        a, b = result.groups[:2]
        gap = charts.gap_chart(
            result.gaps(a, b), k=result.k, language=result.language
        ).to_dict()
        context |= {"group_a": a, "group_b": b, "gap_figure": _svg(gap, lang)}
    return context


def _held_out(result: ProgrammeTrends) -> list[str]:
    """Per closed pulse that held answers out at Close, how many and why, in
    the live room's words: its count includes them, no figure does."""
    ngettext = translations(result.language).ngettext
    return [
        f"{p.label}: {held_out_sentence(p.held_out, result.k, ngettext)}"
        for p in result.pulses
        if p.held_out
    ]


def _action(action: Action, result: ProgrammeTrends) -> dict[str, str]:
    language = result.language
    history = "; ".join(
        f"{u.date} {status_words(u.status, language)}"
        + (f" ({u.note})" if u.note else "")
        for u in action.updates
    )
    return {
        "title": action.title,
        "session": action.session_title or "—",
        "status": status_words(action.status, language),
        "history": history,
        "followed": what_followed(action, result),
    }


def _svg(spec: dict, language: str = "en") -> Markup:
    """The chart as a sharp PNG (scale 3, ~290 dpi across the A4 column).

    Not inline SVG: vl-convert lays out labels and titles with its own font
    metrics, and a browser drawing the SVG's text with whatever "sans-serif"
    it has made axis titles overprint tick labels and clipped long labels in
    the printed report. A PNG is drawn by the engine that measured it.
    """
    png = base64.b64encode(charts.to_png(spec, scale=3)).decode("ascii")
    # Named by title and subtitle: a screen reader hears what the chart shows.
    alt = escape(chart_name(spec, language))
    return Markup(f'<img src="data:image/png;base64,{png}" alt="{alt}">')


def chart_name(spec: dict, language: str = "en") -> str:
    """What a chart shows, in words: its title, then its subtitle lines."""
    tr = translations(language)
    title = spec.get("title")
    if isinstance(title, dict):
        subtitle = title.get("subtitle") or []
        parts = [
            title.get("text", ""),
            *([subtitle] if isinstance(subtitle, str) else subtitle),
        ]
    else:
        parts = [title or ""]
    words = [" ".join(p) if isinstance(p, list) else str(p) for p in parts]
    sentences = [w.strip().rstrip(".") for w in words if w and w.strip()]
    if not sentences:
        return tr.gettext("Chart")
    # Translators: a chart's text alternative: its title and subtitle lines.
    return tr.gettext("Chart: {description}.").format(description=". ".join(sentences))


def _table(frame: pd.DataFrame) -> Markup:
    # pandas escapes every cell (escape=True).
    return Markup(frame.to_html(index=False, escape=True, border=0, na_rep="—"))
