"""Streamlit parts of the Trends page: cached trends and chart specs, charts
with downloads. The sentences and tables themselves live in storage.findings."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from rendering import charts
from storage import findings, trends
from storage.db import Store


@st.cache_data(show_spinner="Computing trends…", max_entries=16)
def cached_trends(
    _store: Store, path: str, programme_id: int, version: tuple
) -> trends.ProgrammeTrends:
    """Recomputed only when the programme's data version changes."""
    return trends.programme_trends(_store, programme_id)


def programme_trends(
    store: Store, programme_id: int
) -> tuple[trends.ProgrammeTrends, tuple]:
    """The trends and the data version they were computed for."""
    version = trends.data_version(store, programme_id)
    return cached_trends(store, store.path, programme_id, version), version


@st.cache_data(show_spinner=False, max_entries=16)
def cached_chart_specs(
    _result: trends.ProgrammeTrends,
    _markers: pd.DataFrame,
    path: str,
    programme_id: int,
    version: tuple,
    marker_labels: tuple,
) -> dict[str, dict]:
    """Vega-Lite specs of every trends chart, built once per data version.

    Building an Altair chart costs ~0.1–0.2 s (deep copies and validation);
    a cached spec dict renders in a few milliseconds.
    """
    return findings.trend_chart_specs(_result, _markers)


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


@st.cache_data(show_spinner=False, max_entries=64)
def cached_gap_spec(
    _result: trends.ProgrammeTrends,
    path: str,
    programme_id: int,
    version: tuple,
    group_a: str,
    group_b: str,
) -> dict:
    return charts.gap_chart(_result.gaps(group_a, group_b), k=_result.k).to_dict()
