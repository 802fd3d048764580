"""The A4 report printed by Chromium (issue 13 finding 8): headings never end a
page, words are not broken mid-word, nothing overflows its column, charts are
images laid out and drawn by one engine (no overprinted axis titles), and
actions are listed even for a programme with no closed pulse. The PDF is kept
in test-artifacts/."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import pytest

from storage import actions, programmes
from storage.db import open_store
from storage.demo import build_demo
from tests.e2e.harness import ARTIFACTS
from ui.data_views import report_html

pytestmark = pytest.mark.e2e
HEADINGS = (
    "Summary",
    "How each dimension moved",
    "What changed, and how sure we are",
    "Phases of the programme",
    "Are we on the same page? (agreement)",
    "Reliability (within pulses)",
    "How to read these figures",
    "What we tried, and what followed",
)
LONG_WORDS = ("Connection", "Dimension", "Psychological", "Reliability", "Purpose")


def print_pdf(browser: Any, html: str, name: str) -> tuple[bytes, Any]:
    page = browser.new_page()
    page.set_content(html, wait_until="load")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4", prefer_css_page_size=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"{name}.pdf").write_bytes(pdf)
    return pdf, page


def page_texts(pdf: bytes) -> list[str]:
    pypdf = pytest.importorskip("pypdf")
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def lowest_things(pdf: bytes) -> list[tuple[str, float, float]]:
    """Per page: its lowest line of text, that line's height on the page, and
    the lowest bottom edge of any image drawn on it (PDF units, origin at the
    bottom, so lower means smaller)."""
    pypdf = pytest.importorskip("pypdf")
    found = []
    for page in pypdf.PdfReader(io.BytesIO(pdf)).pages:
        texts: list[tuple[float, str]] = []
        images: list[float] = [float("inf")]

        def on_text(text, cm, tm, font, size, texts=texts):  # noqa: ANN001
            if text.strip():
                texts.append((tm[5] * cm[3] + cm[5], text.strip()))

        def on_op(op, args, cm, tm, images=images):  # noqa: ANN001
            if op == b"Do":
                images.append(cm[5])

        page.extract_text(visitor_text=on_text, visitor_operand_before=on_op)
        y, text = min(texts) if texts else (float("inf"), "")
        found.append((text, y, min(images)))
    return found


def test_the_demo_report_prints_cleanly_on_a4(browser: Any, tmp_path: Path) -> None:
    store = open_store(tmp_path / "demo.db")
    programme_id = build_demo(store)
    html = report_html(store, programme_id)
    pdf, page = print_pdf(browser, html, "report-demo")
    pages = page_texts(pdf)
    assert len(pages) >= 2
    whole = "\n".join(pages)
    for number, (text, y, image_bottom) in enumerate(lowest_things(pdf), start=1):
        # No heading is the last thing on a page (orphaned from its content):
        # if the lowest text is a heading, a chart must be drawn below it.
        if text in HEADINGS:
            assert image_bottom < y, (number, text)
    for word in LONG_WORDS:
        # Every start of the word is the whole word: no "Connectio n".
        assert len(re.findall(word[:-1], whole)) == len(re.findall(word, whole)), word
    # Nothing wider than the printed column (tables and figures included).
    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('table, figure, svg, p, li')]
              .filter(e => e.scrollWidth > e.clientWidth + 1
                        && getComputedStyle(e).overflow === 'visible')
              .map(e => e.tagName + ': ' + (e.textContent || '').slice(0, 40))"""
    )
    assert overflowing == []
    # Charts are images drawn by the engine that laid them out (vl-convert),
    # so no browser font can make their labels overprint; each one is whole
    # inside the column and sharp enough to print (at least 2 px per CSS px).
    figures = page.evaluate(
        """() => [...document.querySelectorAll('figure img')].map(i => [
              i.naturalWidth / i.getBoundingClientRect().width,
              i.getBoundingClientRect().right
                <= document.body.getBoundingClientRect().right + 1])"""
    )
    assert len(figures) >= 7
    assert all(ratio >= 2 and inside for ratio, inside in figures)
    # Screenshots of the print layout, page by page, for a person to look at.
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(ARTIFACTS / "report-print-layout.png"), full_page=True)
    page.close()
    store.close()


def test_actions_are_listed_without_any_closed_pulse(
    browser: Any, tmp_path: Path
) -> None:
    store = open_store(tmp_path / "new.db")
    programme_id = programmes.create_programme(store, "Just started", ["A", "B"])
    actions.add_action(
        store,
        programme_id,
        "Shared duty rota",
        session_id=None,
        dimensions=["connection"],
    )
    pdf, page = print_pdf(browser, report_html(store, programme_id), "report-empty")
    whole = "\n".join(page_texts(pdf))
    assert "Shared duty rota" in whole
    assert "What we tried, and what followed" in whole
    page.close()
    store.close()
