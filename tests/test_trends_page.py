"""The Trends page on the demo programme (AppTest)."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.fixtures import APP, PASSPHRASE, as_shown, sign_in


@pytest.fixture
def trends_page(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    at = AppTest.from_file(APP, default_timeout=90).run()
    at.switch_page("screens/facilitator/trends.py").run()
    sign_in(at)
    assert not at.exception, at.exception
    return at


def test_summary_answers_the_facilitators_questions(trends_page: AppTest) -> None:
    lines = [
        as_shown(m.value) for m in trends_page.markdown if m.value.startswith("- ")
    ]
    text = "\n".join(lines)
    for dimension in ("Psychological safety", "Connection", "Purpose"):
        assert f"{dimension}, everyone: improved." in text
    # The demo's gaps moved, but no change in a gap is clear: no "narrowed".
    assert "the gap narrowed" not in text
    assert text.count("no clear change in the gap") >= 3
    assert "Holm-adjusted p" in text


def test_the_page_carries_a_methods_note(trends_page: AppTest) -> None:
    assert "How to read these figures" in [s.value for s in trends_page.subheader]
    text = "\n".join(as_shown(m.value) for m in trends_page.markdown)
    assert "'Not clear' does not mean 'no difference'" in text
    assert "analysed as independent samples" in text
    assert "Holm's adjustment within each family" in text


def _axis_titles(node: object) -> set[str]:
    """Every x/y axis title anywhere in a Vega-Lite spec."""
    found: set[str] = set()
    if isinstance(node, dict):
        encoding = node.get("encoding", {})
        for channel in ("x", "y"):
            spec = encoding.get(channel) or {}
            axis = spec.get("axis") or {}
            for title in (spec.get("title"), axis.get("title")):
                if isinstance(title, str) and title:
                    found.add(f"{channel}:{title}")
        for value in node.values():
            found |= _axis_titles(value)
    elif isinstance(node, list):
        for value in node:
            found |= _axis_titles(value)
    return found


def test_every_chart_is_titled_and_labelled(trends_page: AppTest) -> None:
    specs = [json.loads(c.proto.spec) for c in trends_page.get("vega_lite_chart")]
    # 3 dimensions × (trend + agreement) + the gap chart
    assert len(specs) == 7
    for spec in specs:
        assert spec["title"]["text"] and spec["title"]["subtitle"]
        titles = _axis_titles(spec)
        assert any(t.startswith("x:") for t in titles), titles
        assert any(t.startswith("y:") for t in titles), titles
    trend_spec = json.dumps(specs[0])
    assert "Strongly agree" in trend_spec and "Strongly disagree" in trend_spec


def test_tables_show_effect_sizes_and_readings(trends_page: AppTest) -> None:
    # The change and phase tables are HTML tables that wrap; reliability is a
    # data grid.
    change, phases = html_tables(trends_page)
    (reliability,) = (df.value for df in trends_page.dataframe)
    assert {
        "Compared",
        "Change [95% CI]",
        "Holm-adjusted p",
        "Size (Hedges g [95% CI])",
        "Cliff's δ [95% CI]",
        "Share who agree (5–7)",
        "Reading",
    } <= set(change.columns)
    assert set(change["Reading"]) <= {"improved", "declined", "similar", "unclear"}
    assert len(phases) == 6
    assert set(phases["Reading"]) <= {"rising", "falling", "unclear"}
    assert set(reliability["Dimension"]) == {
        "Psychological safety",
        "Connection",
        "Purpose",
    }


class _TableReader(HTMLParser):
    """The header and body cells of each <table> in some HTML, as text."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def html_tables(at: AppTest) -> list[pd.DataFrame]:
    """Every HTML table the page drew with st.html, as data frames."""
    reader = _TableReader()
    for element in at.get("html"):
        reader.feed(element.proto.body)
    return [pd.DataFrame(rows[1:], columns=rows[0]) for rows in reader.tables]
