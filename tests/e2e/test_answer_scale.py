"""The answer scale by keyboard, at zoom, and as a screen reader meets it: the
checks axe cannot make (issue 14).

- keyboard only: Tab between questions, arrow keys choose, Enter on Send;
- a second tap (or Space) never clears an answer; "Skip" takes it back;
- each group is named by its question, each option by number and meaning,
  the end labels are real text in reading order and sit under 1 and 7;
- no CSS pseudo-element carries text (axe cannot see it, nor measure it);
- boxes at least 44x44 on a 390 px phone, at least 24x24 and no sideways
  scrolling at 320 px and at 200% and 400% zoom of a 1366 px laptop.

Screenshots of the phone in light and dark land in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage import programmes, responses
from survey.instrument import SCALE_LABELS
from tests.e2e.harness import (
    App,
    new_page,
    screenshot,
    served_app,
)

pytestmark = pytest.mark.e2e
ITEMS = "[class*='st-key-answer-'] [role='radiogroup']"
OPTION = "[data-testid='stRadioOption']"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("scale")) as app:
        yield app


def fresh_pulse(running: App) -> programmes.PulseInfo:
    session_id = programmes.pulse_by_code(running.store, running.code).session_id
    pulse = programmes.create_pulse(running.store, session_id, "during")
    programmes.open_pulse(running.store, pulse.id)
    return pulse


def open_form(page: Any, running: App, code: str) -> Any:
    page.goto(f"{running.url}/?code={code}")
    page.get_by_role("button", name="Send my answers").wait_for()
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    page.wait_for_timeout(500)  # widgets are inert until the first run settles
    return page.locator(ITEMS)


def checked(group: Any) -> list[bool]:
    return group.get_by_role("radio").evaluate_all("rs => rs.map(r => r.checked)")


def test_keyboard_alone_completes_and_sends_the_form(
    running: App, browser: Any
) -> None:
    pulse = fresh_pulse(running)
    questions = programmes.pulse_questions(running.store, pulse.id)
    page = new_page(browser, phone=False)
    items = open_form(page, running, pulse.code)
    assert items.count() == len(questions)

    expected: dict[int, int] = {}
    done: set[int] = set()
    sent = False
    for _ in range(4 * len(questions) + 20):  # bounded: never loops forever
        page.keyboard.press("Tab")
        where = page.evaluate(
            """() => {
                const a = document.activeElement;
                const item = a.closest("[class*='st-key-answer-']");
                const group = a.closest("[class*='st-key-group-']");
                return {
                    tag: a.tagName, type: a.type || "", text: a.innerText || "",
                    item: item ? [...document.querySelectorAll(
                        "[class*='st-key-answer-']")].indexOf(item) : -1,
                    group: !!group,
                };
            }"""
        )
        if where["group"]:
            page.keyboard.press("ArrowRight")  # a group of the programme
        elif where["item"] >= 0 and where["item"] not in done:
            index = where["item"]
            value = 3 + index % 3  # 3, 4, 5, 3, ...
            # From the first (unchosen) option: right to value + 1, back one.
            for _ in range(value):
                page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowLeft")
            page.keyboard.press("Space")  # pressing again never clears
            state = checked(items.nth(index))
            assert state.index(True) == value - 1 and state.count(True) == 1
            expected[questions[index].id] = value
            done.add(index)
        elif where["tag"] == "BUTTON" and "Send my answers" in where["text"]:
            assert done == set(range(len(questions))), "Tab skipped a question"
            page.keyboard.press("Enter")
            sent = True
            break
    assert sent, "Tab never reached 'Send my answers'"
    page.get_by_text("Your answers are in").wait_for()
    assert responses.count_responses(running.store, pulse.id) == 1
    with running.store.read() as db:
        stored = dict(
            db.execute(
                "SELECT question_id, value FROM answers WHERE pulse_id = ?",
                (pulse.id,),
            ).fetchall()
        )
    assert stored == expected


def test_a_second_tap_keeps_the_answer_and_skip_takes_it_back(
    running: App, browser: Any
) -> None:
    pulse = fresh_pulse(running)
    page = new_page(browser, phone=True)
    first = open_form(page, running, pulse.code).first
    skip = first.get_by_role("radio", name="Skip this question")
    assert not skip.is_visible()  # nothing to take back yet
    five = first.locator(OPTION).nth(4)
    five.tap()
    five.tap()
    assert checked(first)[4]
    assert skip.is_visible()
    first.locator(OPTION).nth(7).tap()
    assert checked(first)[:7] == [False] * 7


def test_screen_reader_names_and_reading_order(running: App, browser: Any) -> None:
    pulse = fresh_pulse(running)
    questions = programmes.pulse_questions(running.store, pulse.id)
    page = new_page(browser, phone=True)
    items = open_form(page, running, pulse.code)
    for index, question in enumerate(questions):
        group = page.get_by_role("radiogroup", name=f"{index + 1}. {question.text}")
        assert group.count() == 1
    for value in range(1, 8):
        name = f"{value}, {SCALE_LABELS[value]}"
        assert items.first.get_by_role("radio", name=name, exact=True).count() == 1

    # End labels: real text, inside the options 1 and 7 (so read right after
    # them), drawn under those boxes, left and right.
    boxes = items.first.locator(OPTION)
    low = boxes.nth(0).get_by_text(SCALE_LABELS[1], exact=True)
    high = boxes.nth(6).get_by_text(SCALE_LABELS[7], exact=True)
    assert low.is_visible() and high.is_visible()
    one, seven = boxes.nth(0).bounding_box(), boxes.nth(6).bounding_box()
    lo, hi = low.bounding_box(), high.bounding_box()
    assert lo["y"] >= one["y"] + one["height"] - 1 and abs(lo["x"] - one["x"]) < 2
    right = seven["x"] + seven["width"]
    assert hi["y"] >= seven["y"] + seven["height"] - 1
    assert abs(hi["x"] + hi["width"] - right) < 2

    # No text from CSS pseudo-elements anywhere on the form.
    pseudo = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=stForm] *')]
            .flatMap(e => ['::before', '::after'].map(p => [e, p]))
            .map(([e, p]) => getComputedStyle(e, p).content)
            .filter(c => c && !['none', 'normal', '""', "''"].includes(c))"""
    )
    assert pseudo == []


def _overlaps(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


@pytest.mark.parametrize(
    ("name", "size", "minimum"),
    [
        ("phone", {"width": 390, "height": 844}, 44),
        ("narrow-320", {"width": 320, "height": 640}, 24),
        ("laptop-200pct", {"width": 683, "height": 384}, 24),
        ("laptop-400pct", {"width": 341, "height": 192}, 24),
    ],
)
def test_scale_fits_every_width_and_zoom(
    running: App, browser: Any, name: str, size: dict, minimum: int
) -> None:
    # Zooming a 1366x768 window to 200% / 400% lays the page out in a
    # 683x384 / 341x192 CSS-pixel viewport.
    pulse = fresh_pulse(running)
    page = new_page(browser, phone=name in ("phone", "narrow-320"))
    page.set_viewport_size(size)
    items = open_form(page, running, pulse.code)
    first = items.first
    first.locator(OPTION).nth(2).click()  # "Skip" appears
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    boxes = [first.locator(OPTION).nth(i).bounding_box() for i in range(8)]
    for box in boxes:
        assert box["width"] >= minimum and box["height"] >= minimum, (name, box)
    ends = [
        first.get_by_text(SCALE_LABELS[v], exact=True).bounding_box() for v in (1, 7)
    ]
    for end in ends:
        assert end["x"] >= 0 and end["x"] + end["width"] <= size["width"]
        assert not any(_overlaps(end, box) for box in boxes), (name, end, boxes)
    assert not _overlaps(ends[0], ends[1])
    if name == "phone":
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_timeout(500)
            screenshot(page, f"scale-phone-{scheme}")
