"""The report and the Present view say how many answers were held out at
Close, and why, in the live room's words (issue 10: "make the live view, the
final figures and every export agree"), and say nothing when none was."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import programmes, responses
from storage.db import open_store
from tests.fixtures import PASSPHRASE, OpenPulse, make_open_pulse, signed_in_page
from tests.test_held_out import eight_then_a_latecomer
from ui.data_views import report_html

SAID = (
    "1 answer arrived after the last release: fewer than 5, so it is counted "
    "but was not kept, to keep its author anonymous."
)
SAID_CY = (
    "Daeth 1 ateb ar ôl y rhyddhau diwethaf: llai na 5, felly mae'n cael ei "
    "gyfrif ond ni chafodd ei gadw, er mwyn cadw ei awdur yn ddienw."
)
WHY = "counted but"


def _closed_with_a_latecomer(op: OpenPulse) -> None:
    eight_then_a_latecomer(op)
    programmes.close_pulse(op.store, op.pulse.id)


def _closed_without(op: OpenPulse) -> None:
    for _ in range(8):
        responses.submit_response(op.store, op.pulse.id, op.scoring_answers(4))
    programmes.close_pulse(op.store, op.pulse.id)


def test_the_report_says_one_was_held_out_and_why(open_pulse: OpenPulse) -> None:
    _closed_with_a_latecomer(open_pulse)
    html = report_html(open_pulse.store, open_pulse.programme_id)
    assert SAID in html
    assert html.count(SAID) == 1


def test_the_welsh_report_says_it_in_welsh(open_pulse: OpenPulse) -> None:
    _closed_with_a_latecomer(open_pulse)
    programmes.set_programme_language(open_pulse.store, open_pulse.programme_id, "cy")
    html = report_html(open_pulse.store, open_pulse.programme_id)
    assert SAID_CY.replace("'", "&#39;") in html
    assert SAID not in html


def test_the_report_says_nothing_when_none_was_held_out(
    open_pulse: OpenPulse,
) -> None:
    _closed_without(open_pulse)
    html = report_html(open_pulse.store, open_pulse.programme_id)
    assert WHY not in html
    assert "arrived after the last release" not in html


def _present(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, latecomer: bool
) -> AppTest:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    if latecomer:
        _closed_with_a_latecomer(op)
    else:
        _closed_without(op)
    at = signed_in_page(
        "screens/facilitator/present.py", programme=op.programme_id, pulse=op.pulse.id
    )
    store.close()
    assert not at.exception
    return at


def _words(at: AppTest) -> str:
    html = "\n".join(str(h.proto) for h in at.get("html"))
    shown = [c.value for c in at.caption] + [i.value for i in at.info]
    return "\n".join([html, *shown])


def test_present_says_one_was_held_out_and_why(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _present(tmp_path, monkeypatch, latecomer=True)
    assert SAID in [c.value for c in at.caption]
    assert "9" in _words(at)  # the count still includes the latecomer


def test_present_says_nothing_when_none_was_held_out(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    at = _present(tmp_path, monkeypatch, latecomer=False)
    assert WHY not in _words(at)
