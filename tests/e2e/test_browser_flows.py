"""Real browser, real server: a participant on a phone, a facilitator on a laptop.

Screenshots of each step are saved in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from typing import Any

import pytest

from storage import programmes, responses
from storage.demo import open_demo_code
from tests.e2e.harness import (
    App,
    new_page,
    screenshot,
    served_app,
    sign_in,
)

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("e2e")) as app:
        yield app


def test_participant_answers_on_a_phone(running: App, browser: Any) -> None:
    code = open_demo_code(running.store)
    pulse = programmes.pulse_by_code(running.store, code)
    before = responses.count_responses(running.store, pulse.id)
    page = new_page(browser, phone=True)
    page.goto(f"{running.url}/?code={code}")
    page.get_by_text("Send my answers").wait_for()
    screenshot(page, "participant-1-opened")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_text("Education", exact=True).click()
    items = page.locator("[class*='st-key-answer-'] [role='radiogroup']")
    assert items.count() == len(programmes.pulse_questions(running.store, pulse.id))
    for index in range(items.count()):
        value = 5 + index % 3
        options = items.nth(index).locator("[data-testid='stRadioOption']")
        answer = options.nth(value - 1)
        box = answer.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44  # thumb-sized
        answer.tap()
        assert items.nth(index).get_by_role("radio").nth(value - 1).is_checked()
    screenshot(page, "participant-2-answered")
    page.get_by_role("button", name="Send my answers").tap()
    page.get_by_text("Your answers are in").wait_for()
    screenshot(page, "participant-3-thank-you")
    assert responses.count_responses(running.store, pulse.id) == before + 1

    page.reload()
    page.get_by_text("already answered this pulse on this device").wait_for()
    screenshot(page, "participant-4-already-answered")
    assert page.get_by_text("Send my answers").count() == 0
    assert responses.count_responses(running.store, pulse.id) == before + 1


# Records, from the first byte of the page, whether an answer radio ever
# appeared: a form that flashes for a few frames is caught, not just one still
# on screen when the test looks.
_WATCH_FOR_FORM = """
window.__answerFormSeen = false;
new MutationObserver(() => {
  if (document.querySelector("[class*='st-key-answer-'] input[type=radio]")) {
    window.__answerFormSeen = true;
  }
}).observe(document, { childList: true, subtree: true });
"""


def test_already_answered_shows_without_the_form_flashing(
    running: App, browser: Any
) -> None:
    """Reloading the join link on a phone that has answered shows "already
    answered" first, never a glimpse of the form it can no longer send."""
    code = open_demo_code(running.store)
    page = new_page(browser, phone=True)
    page.goto(f"{running.url}/?code={code}")
    page.get_by_role("radio", name="5, Somewhat agree").first.check(force=True)
    page.get_by_role("button", name="Send my answers").tap()
    page.get_by_text("Your answers are in").wait_for()

    page.context.add_init_script(_WATCH_FOR_FORM)
    for visit in ("reload", "link opened again"):
        if visit == "reload":
            page.reload()
        else:
            page.goto(f"{running.url}/?code={code}")
        page.get_by_text("already answered this pulse on this device").wait_for()
        # Let every later run (the browser's token report) finish too.
        page.wait_for_selector(
            "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
        )
        page.wait_for_timeout(1500)
        assert page.evaluate("window.__answerFormSeen") is False, visit
    screenshot(page, "participant-already-answered-no-flash")

    # A new phone still gets the form at once (and the watcher does see it).
    fresh = new_page(browser, phone=True)
    fresh.add_init_script(_WATCH_FOR_FORM)
    fresh.goto(f"{running.url}/?code={code}")
    fresh.get_by_role("radio", name="5, Somewhat agree").first.wait_for(
        state="attached"
    )
    assert fresh.evaluate("window.__answerFormSeen") is True


def test_unknown_code_is_explained(running: App, browser: Any) -> None:
    page = new_page(browser, phone=True)
    page.goto(f"{running.url}/?code=ZZZZZZ")
    page.get_by_text("No pulse has that code").wait_for()
    screenshot(page, "participant-unknown-code")


def _answers_metric(page: Any) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text="Answers").first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_facilitator_opens_a_pulse_and_watches_the_count(
    running: App, browser: Any
) -> None:
    session_id = programmes.add_session(
        running.store, running.programme_id, "E2E check-in", date="2026-11-25"
    )
    pulse = programmes.create_pulse(running.store, session_id, "during")
    page = new_page(browser, phone=False)
    page.goto(f"{running.url}/facilitator?programme={running.programme_id}")
    sign_in(page)
    open_button = page.locator(f".st-key-open-{pulse.id} button")
    open_button.wait_for()
    screenshot(page, "facilitator-1-programmes")
    open_button.click()
    page.locator(f".st-key-close-{pulse.id} button").wait_for()
    assert programmes.pulse_by_id(running.store, pulse.id).status == "open"

    page.locator(f".st-key-live-{pulse.id} button").click()
    page.get_by_text("Live room").first.wait_for()
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.trim() === '0')"
    )
    screenshot(page, "facilitator-2-live-empty")
    questions = programmes.pulse_questions(running.store, pulse.id)
    for value in (3, 6):
        responses.submit_response(
            running.store,
            pulse.id,
            {q.id: value for q in questions},
            device_token=secrets.token_hex(32),
        )
    # No reload: the fragment's run_every brings the new count.
    page.wait_for_function(
        "() => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
        ".some(e => e.innerText.trim() === '2')",
        timeout=20_000,
    )
    assert _answers_metric(page) == "2"
    assert page.get_by_text(re.compile("Results appear once at least 5")).count() == 1
    screenshot(page, "facilitator-3-live-count-rose")
