"""Trend chart labels stay inside the chart, measured where they are drawn.

The follow-up rule's label ("Follow-up (date)") and the actions' labels used
to be drawn to the right of their rules whatever the room: near the right end
of the timeline they ran off the chart and were cut. Each trend chart of the
demo programme is drawn by Vega in Chromium (as on the page, but to SVG) at
the widths the Trends page and the report give it, and every text's box is
checked against the chart's own box.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from rendering.charts.files import export_spec
from rendering.charts.programme import trend_chart_specs
from storage import actions, aggregates
from storage.db import open_store
from storage.demo import build_demo
from survey.actions import markers
from tests.e2e.harness import ARTIFACTS, WAIT_MS

pytestmark = pytest.mark.e2e
# The Trends column of a 1024 px laptop with its sidebar, the report and file
# downloads (960), a wide screen.
WIDTHS = (600, 960, 1200)

_TEXT_BOXES = """() => {
  const svg = document.querySelector('svg');
  const frame = svg.getBoundingClientRect();
  return {
    frame: {left: frame.left, top: frame.top, right: frame.right,
            bottom: frame.bottom},
    texts: [...svg.querySelectorAll('text')]
      .filter(t => t.textContent.trim())
      .map(t => {
        const b = t.getBoundingClientRect();
        return {text: t.textContent, left: b.left, top: b.top,
                right: b.right, bottom: b.bottom};
      }),
  };
}"""


@pytest.fixture(scope="module")
def specs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    store = open_store(tmp_path_factory.mktemp("charts") / "pulse.db")
    programme_id = build_demo(store)
    result = aggregates.trends(store, programme_id)
    agreed = markers(actions.programme_actions(store, programme_id), result.pulses)
    assert not agreed.empty, "the demo should have actions to mark"
    made = trend_chart_specs(result, agreed)
    store.close()
    return {name: spec for name, spec in made.items() if name.startswith("trend-")}


@pytest.fixture(scope="module")
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.set_default_timeout(WAIT_MS)
    yield context.new_page()
    context.close()


def _laid_out(page: Any, spec: dict, width: int) -> dict:
    """Drawn by Vega in Chromium, as Streamlit draws it (with the browser's own
    fonts and text metrics), to SVG so every text has a box to measure."""
    import vl_convert as vlc

    html = vlc.vegalite_to_html(export_spec(spec, width), bundle=True, renderer="svg")
    page.set_content(html)
    page.locator("svg text").first.wait_for(state="attached")
    return page.evaluate(_TEXT_BOXES)


@pytest.mark.parametrize("width", WIDTHS)
def test_every_trend_label_lies_inside_the_chart(
    specs: dict[str, dict], page: Any, width: int
) -> None:
    outside = []
    for name, spec in specs.items():
        drawn = _laid_out(page, spec, width)
        frame, texts = drawn["frame"], drawn["texts"]
        assert any(t["text"].startswith("Follow-up (") for t in texts), name
        for text in texts:
            if (
                text["left"] < frame["left"] - 0.5
                or text["right"] > frame["right"] + 0.5
                or text["top"] < frame["top"] - 0.5
                or text["bottom"] > frame["bottom"] + 0.5
            ):
                outside.append((name, width, text))
        if name == "trend-safety":
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(
                path=str(ARTIFACTS / f"trend-labels-{width}.png"), full_page=True
            )
    assert not outside, outside


def test_follow_up_label_is_whole(specs: dict[str, dict], page: Any) -> None:
    """Not cut short with an ellipsis either: the date is readable."""
    drawn = _laid_out(page, specs["trend-safety"], WIDTHS[0])
    label = next(t for t in drawn["texts"] if t["text"].startswith("Follow-up ("))
    assert label["text"].endswith(")"), label


def _overlap(a: dict, b: dict) -> bool:
    return (
        a["left"] < b["right"] - 0.5
        and b["left"] < a["right"] - 0.5
        and a["top"] < b["bottom"] - 0.5
        and b["top"] < a["bottom"] - 0.5
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_axis_title_clears_the_answer_labels(
    specs: dict[str, dict], page: Any, width: int
) -> None:
    """The "Average answer" title stays clear of its longest anchor label
    ("4 Neither agree nor disagree"), whatever font the browser has."""
    drawn = _laid_out(page, specs["trend-safety"], width)
    title = next(t for t in drawn["texts"] if t["text"] == "Average answer")
    labels = [t for t in drawn["texts"] if t["text"][:1].isdigit() and " " in t["text"]]
    assert any("Neither" in t["text"] for t in labels), labels
    assert not [t for t in labels if _overlap(title, t)], (title, labels)
