"""Streamlit parts of the Trends page: cached trends and chart specs, charts
with downloads. The sentences and tables themselves live in survey.findings.

Everything is computed in the session's language (``ui.i18n``), which is part
of every cache key: a Welsh and an English facilitator each get their own
sentences, tables and charts from the same figures."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from rendering import charts
from rendering.charts.programme import trend_chart_specs
from storage import actions, aggregates
from storage.db import Store
from survey import trends
from survey.actions import markers
from ui.i18n import _, current_language
from ui.resources import store_at


def programme_trends(
    store: Store, programme_id: int
) -> tuple[trends.ProgrammeTrends, tuple]:
    """The trends and the data version they were computed for."""
    version = aggregates.data_version(store, programme_id)
    language = current_language()
    with st.spinner(_("Computing trends…")):
        return _trends(store.path, programme_id, version, language), version


@st.cache_data(show_spinner=False, max_entries=16)
def _trends(
    path: str, programme_id: int, version: tuple, language: str
) -> trends.ProgrammeTrends:
    """Recomputed only when ``version`` (the programme's data version, part of
    the cache key) or the language changes."""
    return aggregates.trends(store_at(path), programme_id, language)


def chart_specs(path: str, programme_id: int, version: tuple) -> dict[str, dict]:
    """Vega-Lite specs of every trends chart, in the session's language."""
    return _chart_specs(path, programme_id, version, current_language())


@st.cache_data(show_spinner=False, max_entries=16)
def _chart_specs(
    path: str, programme_id: int, version: tuple, language: str
) -> dict[str, dict]:
    """Vega-Lite specs of every trends chart, built once per data version.

    Building an Altair chart costs ~0.1–0.2 s (deep copies and validation);
    a cached spec dict renders in a few milliseconds. Actions are part of
    ``version``, so a new action marker rebuilds them.
    """
    result = _trends(path, programme_id, version, language)
    agreed = actions.programme_actions(store_at(path), programme_id)
    return trend_chart_specs(result, markers(agreed, result.pulses, language))


_DOWNLOADS = (
    ("PNG", "png", "image/png", charts.to_png),
    ("SVG", "svg", "image/svg+xml", charts.to_svg),
)


def chart_with_downloads(spec: dict, name: str) -> None:
    """The chart, and PNG/SVG downloads rendered only when asked for."""
    st.vega_lite_chart(spec, width="stretch")
    columns = st.columns([1, 1, 4])[: len(_DOWNLOADS)]
    for column, (label, suffix, mime, render) in zip(columns, _DOWNLOADS, strict=True):
        column.download_button(
            label,
            data=lambda render=render: render(spec),
            file_name=f"{name}.{suffix}",
            mime=mime,
            key=f"{suffix}-{name}",
            icon=":material/download:",
        )


def gap_spec(
    path: str, programme_id: int, version: tuple, group_a: str, group_b: str
) -> dict:
    """The gap chart of two groups, in the session's language."""
    return _gap_spec(path, programme_id, version, group_a, group_b, current_language())


@st.cache_data(show_spinner=False, max_entries=64)
def _gap_spec(
    path: str,
    programme_id: int,
    version: tuple,
    group_a: str,
    group_b: str,
    language: str,
) -> dict:
    result = _trends(path, programme_id, version, language)
    return charts.gap_chart(
        result.gaps(group_a, group_b), k=result.k, language=language
    ).to_dict()


# Our own constant CSS. Borders and text follow the theme's text colour, so the
# table reads the same in light and dark mode.
_TABLE_CSS = """<style>
.tp-table { overflow-x: auto; margin-bottom: 1rem; }
.tp-table:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
.tp-table table { border-collapse: collapse; width: 100%; font-size: 0.875rem; }
.tp-table th, .tp-table td {
  border: 1px solid color-mix(in srgb, currentColor 20%, transparent);
  padding: 0.35rem 0.5rem; text-align: left; vertical-align: top;
}
.tp-table th { font-weight: 600; }
</style>"""


def wrapping_table(frame: pd.DataFrame, label: str) -> None:
    """A plain HTML table whose cells wrap, so every column fits a 1366 px
    laptop (a data grid does not wrap: the change table's last column, the
    Reading, sat off to the side behind a scroll bar).

    Where it still cannot fit (a phone), it scrolls inside a region named
    ``label`` that the keyboard can reach (WCAG 2.1.1; axe's
    scrollable-region-focusable). Cells are escaped: group names are typed.
    """
    table = frame.to_html(index=False, escape=True, border=0, na_rep="")
    st.html(
        f"{_TABLE_CSS}<div class='tp-table' role='region' tabindex='0' "
        f"aria-label='{html.escape(label, quote=True)}'>{table}</div>"
    )
