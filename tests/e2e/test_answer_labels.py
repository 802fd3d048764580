"""What a phone shows and a screen reader hears for the group choice and for
questions people typed (issue 14): group options big enough for a thumb, and
a typed question named exactly as typed without any of it becoming markup.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage import programmes
from storage.db import Store
from storage.demo import build_demo
from tests.e2e.harness import App, new_page, screenshot, served_app

pytestmark = pytest.mark.e2e
expect = pytest.importorskip("playwright.sync_api").expect

TYPED = (
    "Can I say *no*? [really](https://example.org) `x` <b>bold</b> ![i](/x.png) "
    "www.example.org me@example.org"
)
WORD_JOINER = "\u2060"  # invisible; keeps GFM from linking addresses
PHONE = {"width": 390, "height": 844}


def _prepare(store: Store) -> int:
    """The demo, plus a one-letter group (the narrowest name a thumb must hit)."""
    programme_id = build_demo(store)
    programmes.save_group(store, programme_id, "A", None)
    return programme_id


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("labels"), prepare=_prepare) as app:
        yield app


def _pulse(running: App, question_ids: list[int] | None = None) -> str:
    session_id = programmes.pulse_by_code(running.store, running.code).session_id
    pulse = programmes.create_pulse(
        running.store, session_id, "during", question_ids=question_ids
    )
    programmes.open_pulse(running.store, pulse.id)
    return pulse.code


def _open(browser: Any, running: App, code: str) -> Any:
    page = new_page(browser, phone=True)
    page.set_viewport_size(PHONE)
    page.goto(f"{running.url}/?code={code}")
    page.get_by_role("button", name="Send my answers").wait_for()
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    return page


def test_group_choices_are_thumb_sized_on_a_phone(running: App, browser: Any) -> None:
    page = _open(browser, running, _pulse(running))
    group = page.get_by_role("radiogroup", name="Which group are you part of?")
    group.wait_for()
    options = group.locator("[data-testid='stRadioOption']")
    names = [
        g.name for g in programmes.programme_groups(running.store, running.programme_id)
    ]
    assert "A" in names
    expected = len(names) + 1  # and "Prefer not to say"
    page.wait_for_function(
        "n => document.querySelectorAll(\"[class*='st-key-group-'] "
        "[data-testid='stRadioOption']\").length === n",
        arg=expected,
    )
    boxes = [options.nth(i).bounding_box() for i in range(expected)]
    for box in boxes:
        assert box["width"] >= 44 and box["height"] >= 44, box
    # The whole box is the target: a tap at its edge chooses the option.
    first = boxes[0]
    page.mouse.click(first["x"] + 2, first["y"] + first["height"] - 2)
    expect(group.get_by_role("radio").first).to_be_checked()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "group-choice-phone")


def test_a_typed_question_is_named_as_typed_and_never_markup(
    running: App, browser: Any
) -> None:
    question = programmes.add_question(
        running.store, running.programme_id, "purpose", TYPED, False
    )
    code = _pulse(running, [question])
    page = _open(browser, running, code)
    # The group's accessible name is the question exactly as typed.
    group = page.get_by_role("radiogroup", name=f"1. {TYPED}", exact=True)
    group.wait_for()
    assert group.count() == 1
    assert "\\" not in (group.get_attribute("aria-label") or "")
    # Seen as typed, as plain text: no emphasis, link, code, bold or image
    # made from it, and nothing fetched for it.
    item = page.locator("[class*='st-key-answer-']").first
    label = item.locator("[data-testid='stWidgetLabel']")
    seen = label.inner_text().replace(WORD_JOINER, "")
    assert " ".join(seen.split()) == f"1. {TYPED}"
    for tag in ("em", "strong", "a", "code", "b", "img"):
        assert label.locator(tag).count() == 0, (tag, label.inner_html())
    fetched = page.evaluate("performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in fetched if "x.png" in url or "example.org" in url]
    # Choosing an answer re-renders the group: its name stays as typed.
    item.locator("[data-testid='stRadioOption']").nth(4).click()
    expect(group.get_by_role("radio").nth(4)).to_be_checked()
    expect(
        page.get_by_role("radiogroup", name=f"1. {TYPED}", exact=True)
    ).to_have_count(1)
