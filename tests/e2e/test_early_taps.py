"""Taps made the moment the form appears are all kept (no answer is ever lost).

A person on a slow phone, or on a busy server, may start tapping while the
join page's first script run is still arriving. Here every radio (the group
and each statement) is tapped as soon as it is on screen, then Send at once,
with the server's messages slowed down so the taps really land while the
browser still counts the first run as running; the store must then hold
every tapped answer and the tapped group.

Two browsers: one on its first visit (its device-token report comes a
moment after the form), and one that remembers Welsh in localStorage but
sent no ``tp_lang`` cookie (its language report reruns the whole page in
Welsh). Streamlit sends a radio's choice as the option's label, so before the
form was held while that rerun was on its way, taps made on the English form
were dropped by the Welsh one, and a Send made on it was lost too.

Each statement is tapped by its widget key, not by position: with the server
starved of CPU (stopped 60 ms in every 80) and the browser throttled 4x, a
statement's radios can appear before those of the statements above it, and
"the first radio group" was then the third statement (1 in about 20 phones
here left the first statement empty; every tap was kept, on the statement the
locator had picked).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage import programmes
from storage.db import Store
from tests.e2e.axe import axe_source, report, run_axe
from tests.e2e.harness import App, new_page, screenshot, served_app
from widgets.document_language import STORAGE_KEY as LANGUAGE_KEY

pytestmark = pytest.mark.e2e

TRIES = 3
"""Fresh phones per case: the race is about timing, one lucky phone proves little."""
SERVER_GAP_MS = 200
"""Each message from the server reaches the page at least this long after the
one before: a server slowed down by a busy machine, so the first run lasts a
few seconds in the browser and the taps land inside it."""

# Delays every message the server sends, in order (see SERVER_GAP_MS).
_SLOW_SERVER = """
(() => {
  const GAP = %(gap)d;
  const add = WebSocket.prototype.addEventListener;
  WebSocket.prototype.addEventListener = function (type, listener, options) {
    if (type !== "message") return add.call(this, type, listener, options);
    const queue = [];
    let timer = null;
    const pump = () => {
      const event = queue.shift();
      if (event) listener.call(this, event);
      timer = queue.length ? setTimeout(pump, GAP) : null;
    };
    return add.call(this, "message", (event) => {
      queue.push(new MessageEvent("message", { data: event.data }));
      if (timer === null) timer = setTimeout(pump, GAP);
    }, options);
  };
})();
"""
# Records whether any tap landed while the page's script was running.
_WATCH_TAPS = """
window.tapsWhileRunning = 0;
document.addEventListener("pointerdown", () => {
  const app = document.querySelector("[data-testid=stApp]");
  if (app && app.getAttribute("data-test-script-state") === "running") {
    window.tapsWhileRunning += 1;
  }
}, true);
"""
# A browser that chose Welsh before the tp_lang cookie existed (or lost it).
_REMEMBERS_WELSH = (
    f'try {{ localStorage.setItem("{LANGUAGE_KEY}", "cy"); }} catch (e) {{}}\n'
)
CASES = {"first-visit": "", "remembers-welsh": _REMEMBERS_WELSH}
EXPECTED_LANGUAGE = {"first-visit": "en", "remembers-welsh": "cy"}


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("early-taps")) as app:
        yield app


def fresh_open_pulse(app: App, title: str) -> programmes.PulseInfo:
    session_id = programmes.add_session(app.store, app.programme_id, title)
    pulse = programmes.create_pulse(app.store, session_id, "during")
    programmes.open_pulse(app.store, pulse.id)
    return programmes.pulse_by_id(app.store, pulse.id)


def stored_response(store: Store, pulse_id: int) -> tuple[int | None, dict[int, int]]:
    """The pulse's one response: its group and its answers by question."""
    with store.read() as db:
        rows = db.execute(
            "SELECT id, group_id FROM responses WHERE pulse_id = ?", [pulse_id]
        ).fetchall()
        assert len(rows) == 1, f"expected one response, found {len(rows)}"
        response_id, group_id = rows[0]
        answers = dict(
            db.execute(
                "SELECT question_id, value FROM answers "
                "WHERE pulse_id = ? AND response_id = ?",
                [pulse_id, response_id],
            ).fetchall()
        )
    return group_id, answers


def statement_options(phone: Any, pulse_id: int, question_id: int) -> Any:
    """One statement's options, found by its widget key (ui/answer_form), never
    by position: while the first run is still being drawn, a statement further
    down can be on screen before the ones above it, so "the first radio
    group" is not always the first statement."""
    key = f"st-key-answer-{pulse_id}-{question_id}"
    return phone.locator(f".{key} [data-testid='stRadioOption']")


def tap_everything_at_once(
    phone: Any, pulse_id: int, question_ids: list[int]
) -> list[int]:
    """Tap the first group, then one value per statement, each as soon as it
    can be tapped (Playwright waits for the radio, never for the run), then
    Send. Returns the tapped values."""
    phone.locator("[class*='st-key-group-'] [data-testid='stRadioOption']").first.tap()
    values = [1 + (index * 3) % 7 for index in range(len(question_ids))]
    for question_id, value in zip(question_ids, values, strict=True):
        statement_options(phone, pulse_id, question_id).nth(value - 1).tap()
    # By position, not name: the button's words follow the page's language.
    phone.locator("[data-testid='stFormSubmitButton'] button").tap()
    return values


@pytest.mark.parametrize("attempt", range(TRIES))
@pytest.mark.parametrize("case", CASES)
def test_taps_during_the_first_run_are_all_stored(
    running: App, browser: Any, case: str, attempt: int
) -> None:
    pulse = fresh_open_pulse(running, f"Early taps {case} #{attempt}")
    questions = programmes.pulse_questions(running.store, pulse.id)
    groups = programmes.programme_groups(running.store, pulse.programme_id)
    script = CASES[case] + _WATCH_TAPS + _SLOW_SERVER % {"gap": SERVER_GAP_MS}
    phone = new_page(browser, init_script=script)
    try:
        phone.goto(f"{running.url}/?code={pulse.code}", wait_until="commit")
        values = tap_everything_at_once(phone, pulse.id, [q.id for q in questions])
        # The thank-you, in whichever language the page settled on.
        phone.locator("[data-testid='stAlertContentSuccess']").wait_for()
        screenshot(phone, f"early-taps-{case}-{attempt}")
        taps_while_running = phone.evaluate("window.tapsWhileRunning")
        language = phone.evaluate("document.documentElement.lang")
        group_id, answers = stored_response(running.store, pulse.id)
    finally:
        phone.context.close()
    assert taps_while_running > 0, "no tap landed during a run: the test proved nothing"
    assert language == EXPECTED_LANGUAGE[case]
    assert group_id == groups[0].id
    assert answers == {q.id: v for q, v in zip(questions, values, strict=True)}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_held_form_says_so_and_passes_axe(
    running: App, browser: Any, scheme: str
) -> None:
    """While the page turns to the remembered language, the form cannot be
    tapped, a screen reader hears "Loading…" in that language, and the page
    passes axe's WCAG A/AA rules; then the form is released, in Welsh."""
    pulse = fresh_open_pulse(running, f"Held form {scheme}")
    script = _REMEMBERS_WELSH + axe_source() + _SLOW_SERVER % {"gap": SERVER_GAP_MS}
    phone = new_page(browser, init_script=script)
    try:
        phone.emulate_media(color_scheme=scheme)
        phone.goto(f"{running.url}/?code={pulse.code}", wait_until="commit")
        status = phone.get_by_role("status").filter(has_text="Yn llwytho…")
        status.wait_for()
        form = phone.locator("[data-testid='stForm']")
        form.wait_for()
        assert status.get_attribute("lang") == "cy"
        assert form.evaluate("f => f.inert && f.getAttribute('aria-busy')") == "true"
        screenshot(phone, f"early-taps-held-{scheme}")
        violations = run_axe(phone, f"held form {scheme}")
        status.wait_for(state="detached")
        phone.get_by_text("Pa grŵp ydych chi'n rhan ohono?").wait_for()
        assert form.evaluate("f => f.inert || f.hasAttribute('aria-busy')") is False
    finally:
        phone.context.close()
    assert not violations, report(violations)
