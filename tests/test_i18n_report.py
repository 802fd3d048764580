"""A Welsh programme's report, readings and charts are Welsh throughout, with
the same figures as the English (issue 14 item 3; issue 11 for what the
sentences may claim).

"No English sentence of ours" is checked against the catalogue itself: every
literal stretch of every message we translate (the text between its
placeholders) that is long enough to be a phrase must be absent from the
Welsh output, unless the Welsh translation keeps it too.
"""

from __future__ import annotations

import html
import json
import re
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from rendering import charts, csv_files
from rendering.charts.programme import trend_chart_specs
from storage import actions, aggregates, export, programmes
from storage.__main__ import main
from storage.db import Store, open_store
from storage.demo import build_demo
from survey import findings, i18n
from survey.actions import markers
from survey.readings import CLAIMS
from ui.data_views import report_html

NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?%?")


def _literal_phrases() -> set[str]:
    """English phrases of ours: each message's literal stretches of at least
    three words that its Welsh translation does not also contain."""
    with i18n.po_path("cy").open("rb") as po:
        welsh = read_po(po, locale="cy")
    phrases: set[str] = set()
    for message in welsh:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (
            message.string,
        )  # fmt: skip
        for text in ids:
            for literal, *_ in string.Formatter().parse(text):
                for part in re.split(r"[.;:()\[\]—]", literal):
                    part = part.strip(" ,'")
                    if len(part.split()) >= 3 and not any(part in s for s in strs):
                        phrases.add(part)
    return phrases


PHRASES = _literal_phrases()


def _english_left(text: str) -> list[str]:
    return sorted(p for p in PHRASES if p in text)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(tmp_path_factory.mktemp("cy") / "demo.db")
    programme = build_demo(store)
    assert programme == 1
    actions.add_action(
        store, 1, "Rhannu achosion", session_id=None, dimensions=["connection"]
    )
    yield store
    store.close()


def _visible_text(document: str) -> str:
    """What a reader meets: text between tags and every attribute value."""
    body = document.split("<body>", 1)[1]
    attributes = " ".join(re.findall(r'="([^"]*)"', body))
    words = re.sub(r"<[^>]+>", "\n", body)
    return html.unescape(words + "\n" + attributes)


def test_the_phrase_list_is_a_real_check() -> None:
    """The check would catch the English sentences it is meant to catch."""
    assert "the interval allows no change as well as a change worth noticing" in (
        PHRASES
    )
    assert "Average answer per pulse" in PHRASES
    assert len(PHRASES) > 150


def test_welsh_report_has_no_english_sentence_of_ours(demo: Store) -> None:
    english = report_html(demo, 1)
    assert _english_left(_visible_text(english))  # the check sees English
    programmes.set_programme_language(demo, 1, "cy")
    try:
        welsh = report_html(demo, 1)
    finally:
        programmes.set_programme_language(demo, 1, "en")
    assert _english_left(_visible_text(welsh)) == []
    assert ' lang="en"' not in welsh
    summary = welsh.split("<h2>Crynodeb</h2>", 1)[1]
    assert "Diogelwch seicolegol, pawb: wedi gwella." in summary
    assert "<th>Darlleniad</th>" in welsh and "<th>Reading</th>" not in welsh
    assert "Cam gweithredu" in welsh or "Wedyn —" in welsh
    # Every chart is named in Welsh.
    for name in re.findall(r'<img [^>]*alt="([^"]*)"', welsh):
        assert name.startswith("Siart: "), name


def test_welsh_readings_keep_every_number_and_claim(demo: Store) -> None:
    english = aggregates.trends(demo, 1)
    welsh = aggregates.trends(demo, 1, "cy")
    assert welsh.language == "cy"
    assert len(welsh.readings) == len(english.readings) > 20
    for en, cy in zip(english.readings, welsh.readings, strict=True):
        assert (cy.kind, cy.dimension, cy.group, cy.claim) == (
            en.kind, en.dimension, en.group, en.claim,
        )  # fmt: skip
        assert (cy.estimate, cy.low, cy.high, cy.p_holm) == pytest.approx(
            (en.estimate, en.low, en.high, en.p_holm), nan_ok=True
        )
        # The same numbers, in the same order: nothing added, dropped or rounded
        # differently (pulse names carry digits such as "day 1" in both).
        assert NUMBER.findall(cy.text) == NUMBER.findall(en.text), en.text
        assert cy.text != en.text
        assert _english_left(cy.text) == [], cy.text


def test_welsh_tables_and_notes(demo: Store) -> None:
    welsh = aggregates.trends(demo, 1, "cy")
    english = aggregates.trends(demo, 1)
    for table in (findings.change_table, findings.phase_table,
                  findings.reliability_table):  # fmt: skip
        cy, en = table(welsh), table(english)
        assert cy.shape == en.shape
        assert list(cy.columns) != list(en.columns)
        assert "Darlleniad" in cy.columns
        text = cy.to_csv(index=False)
        assert _english_left(text) == [], text
        # Numbers identical cell by cell.
        for column_cy, column_en in zip(cy.columns, en.columns, strict=True):
            for a, b in zip(cy[column_cy], en[column_en], strict=True):
                assert NUMBER.findall(str(a)) == NUMBER.findall(str(b))
    note = " ".join(findings.methods_note(welsh))
    assert _english_left(note) == []
    assert NUMBER.findall(note) == NUMBER.findall(
        " ".join(findings.methods_note(english))
    )


def _strings(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key not in ("data", "datasets", "labelExpr", "format", "field"):
                yield from _strings(value)
            elif key == "labelExpr" and isinstance(value, str):
                yield value
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def test_welsh_charts_say_everything_in_welsh(demo: Store) -> None:
    welsh = aggregates.trends(demo, 1, "cy")
    agreed = actions.programme_actions(demo, 1)
    specs = trend_chart_specs(welsh, markers(agreed, welsh.pulses, "cy"))
    assert specs
    for name, spec in specs.items():
        words = "\n".join(_strings(spec))
        data = json.dumps(spec.get("datasets", {}), ensure_ascii=False)
        assert _english_left(words + data) == [], name
        assert "Grŵp" in words or name.startswith("agreement")
        assert '"Everyone"' not in data and '"Pawb"' in data
    # The demo's agreed actions are drawn as "Cam gweithredu: …" markers.
    assert '"label": "Cam gweithredu: ' in json.dumps(
        specs["trend-connection"], ensure_ascii=False
    )


def test_findings_json_follows_the_programme_language(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0

    def readings() -> list[dict]:
        capsys.readouterr()
        assert main(["findings", "--db", str(db), "--programme", "1", "--json"]) == 0
        return json.loads(capsys.readouterr().out)

    english = readings()
    with open_store(db) as store:
        programmes.set_programme_language(store, 1, "cy")
    welsh = readings()
    assert len(welsh) == len(english)
    for en, cy in zip(english, welsh, strict=True):
        assert cy["claim"] == en["claim"] and cy["claim"] in CLAIMS[cy["kind"]]
        assert (cy["estimate"], cy["low"], cy["high"]) == (
            en["estimate"], en["low"], en["high"],
        )  # fmt: skip
        for field in ("text", "compared", "size", "first", "later"):
            assert _english_left(cy[field] or "") == [], cy[field]
        assert NUMBER.findall(cy["text"]) == NUMBER.findall(en["text"])


def test_welsh_csv_names_pulses_with_welsh_moments(demo: Store) -> None:
    """The CSV's pulse names say the moment in the programme's language too
    (the session title is as typed); the figures are the same."""
    english = export.export_programme(demo, 1)
    programmes.set_programme_language(demo, 1, "cy")
    try:
        welsh = export.export_programme(demo, 1)
    finally:
        programmes.set_programme_language(demo, 1, "en")
    moments_en = {row["pulse"].rsplit(" · ", 1)[1] for row in english.aggregates}
    moments_cy = {row["pulse"].rsplit(" · ", 1)[1] for row in welsh.aggregates}
    assert moments_en <= {"before", "during", "after"} and moments_en
    assert moments_cy <= {"cyn", "yn ystod", "ar ôl"} and moments_cy
    assert [r["mean"] for r in welsh.aggregates] == [
        r["mean"] for r in english.aggregates
    ]
    assert "arolwg" in csv_files.aggregates_csv(welsh).splitlines()[0]


def _numbers(datasets: dict) -> list[str]:
    """Every number drawn from a chart's data (values, and numbers inside
    text such as "3.90 to 5.10"), in sorted order: dataset names are hashes
    of their content, so they differ between languages."""
    found: list[str] = []
    for rows in datasets.values():
        for row in rows:
            for value in row.values():
                found += (
                    NUMBER.findall(value) if isinstance(value, str) else [repr(value)]
                )
    return sorted(found)


def test_live_room_charts_in_welsh() -> None:
    """The live room's two charts: every word ours in Welsh, same numbers."""
    import pandas as pd

    distribution = pd.DataFrame(
        {
            "dimension_label": ["Psychological safety"] * 3,
            "level": [2, 4, 6],
            "count": [1, 2, 3],
            "n": [6, 6, 6],
        }
    )
    means = pd.DataFrame(
        {
            "dimension_label": ["Connection", "Connection"],
            "group": ["Everyone", "Education"],
            "mean": [4.5, 5.0],
            "low": [3.9, 4.1],
            "high": [5.1, 5.9],
            "n": [12, 6],
        }
    )
    for build, frame in ((charts.distribution_chart, distribution),
                         (charts.means_chart, means)):  # fmt: skip
        english = build(frame, k=5).to_dict()
        welsh = build(frame, k=5, language="cy").to_dict()
        text_cy = json.dumps(welsh, ensure_ascii=False)
        assert _english_left(text_cy) == [], build.__name__
        assert _english_left(json.dumps(english, ensure_ascii=False))
        assert _numbers(welsh["datasets"]) == _numbers(english["datasets"])
    assert '"Pawb"' in json.dumps(charts.means_chart(means, language="cy").to_dict(),
                                  ensure_ascii=False)  # fmt: skip
