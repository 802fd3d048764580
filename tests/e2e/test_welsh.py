"""Welsh and English in a real browser: the ``?lang=cy`` join link, the
browser's language, the language link, the remembered choice, and the
document's ``lang`` attribute (Streamlit serves ``lang="en"`` and we set it).

Screenshots of both languages on a phone are saved in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from storage import programmes, responses
from tests.e2e.harness import (
    PASSPHRASE,
    PHONE,
    WAIT_MS,
    App,
    new_page,
    screenshot,
    served_app,
)
from widgets.document_language import STORAGE_KEY

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    with served_app(tmp_path_factory.mktemp("e2e-welsh")) as app:
        yield app


def phone_page(browser: Any, *, locale: str) -> Any:
    """A phone in a fresh context whose browser language is ``locale``
    (Chromium's Accept-Language and navigator.language both follow it)."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, locale=locale
    )
    context.set_default_timeout(WAIT_MS)
    return context.new_page()


def document_lang(page: Any, expected: str) -> str:
    page.wait_for_function(
        f"document.documentElement.lang === {expected!r}", timeout=WAIT_MS
    )
    return page.evaluate("document.documentElement.lang")


def settled(page: Any) -> None:
    """Wait until Streamlit has drawn everything (no loading skeletons), so a
    screenshot shows the page a person sees."""
    page.wait_for_function(
        "!document.querySelector(\"[data-testid='stSkeleton']\") && "
        "document.querySelectorAll(\"[data-testid='stMarkdownContainer']\").length",
        timeout=WAIT_MS,
    )


def answer_every_question(page: Any) -> int:
    # One radio group per statement (ui/answer_form.py); tap the value's box.
    groups = page.locator("[class*='st-key-answer-'] [role='radiogroup']")
    for index in range(groups.count()):
        value = 5 + index % 3
        groups.nth(index).locator("[data-testid='stRadioOption']").nth(value - 1).tap()
    return groups.count()


def test_welsh_join_link_answer_and_thank_you(running: App, browser: Any) -> None:
    pulse = programmes.pulse_by_code(running.store, running.code)
    before = responses.count_responses(running.store, pulse.id)
    page = new_page(browser, phone=True)  # an English-speaking browser
    page.goto(f"{running.url}/?code={running.code}&lang=cy")
    # Streamlit fetches the radio's script on first use, so Send can show a
    # moment before the questions: wait for the first question, then look.
    page.get_by_role("button", name="Anfon fy atebion").wait_for()
    page.get_by_text("Pa grŵp ydych chi'n rhan ohono?").wait_for()
    assert document_lang(page, "cy") == "cy"
    # The browser tab's title is Welsh too.
    page.wait_for_function("document.title === 'Ateb arolwg · Together Pulse'")
    assert page.get_by_text("Send my answers").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    settled(page)
    screenshot(page, "welsh-1-form")

    # A native <details> (ui/details_note.py): a tap opens it, and so does
    # the keyboard (Enter on its summary), with no icon font.
    note = page.locator("details.tp-details")
    page.get_by_text("Pwy all weld eich atebion?").tap()
    page.get_by_text("Byth yn cael eu cadw:").wait_for()
    assert note.evaluate("d => d.open")
    note.locator("summary").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Byth yn cael eu cadw:").wait_for(state="hidden")
    page.keyboard.press("Enter")
    page.get_by_text("Byth yn cael eu cadw:").wait_for()
    screenshot(page, "welsh-2-who-can-see-what")

    page.get_by_text("Yn well gennyf beidio â dweud", exact=True).tap()
    assert answer_every_question(page) == len(
        programmes.pulse_questions(running.store, pulse.id)
    )
    page.get_by_role("button", name="Anfon fy atebion").tap()
    page.get_by_text("Diolch! Mae eich atebion wedi dod i law.").wait_for()
    assert document_lang(page, "cy") == "cy"
    settled(page)
    screenshot(page, "welsh-3-thank-you")
    assert responses.count_responses(running.store, pulse.id) == before + 1
    # The explicit choice is remembered by this browser...
    assert page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})") == "cy"

    # ...so a join link without ?lang= opens in Welsh here too.
    page.goto(f"{running.url}/?code={running.code}")
    page.get_by_text("Rydych eisoes wedi ateb yr arolwg hwn").wait_for()
    assert document_lang(page, "cy") == "cy"


def test_english_browser_gets_english_and_can_switch(
    running: App, browser: Any
) -> None:
    page = phone_page(browser, locale="en-GB")
    page.goto(f"{running.url}/?code={running.code}")
    page.get_by_role("button", name="Send my answers").wait_for()
    assert document_lang(page, "en") == "en"
    settled(page)
    screenshot(page, "english-1-form")

    switch = page.get_by_role("link", name="Cymraeg")
    assert switch.get_attribute("lang") == "cy"
    box = switch.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    switch.tap()
    page.get_by_role("button", name="Anfon fy atebion").wait_for()
    assert document_lang(page, "cy") == "cy"
    assert "lang=cy" in page.url and f"code={running.code}" in page.url
    # And back: the English link is named in English.
    page.get_by_role("link", name="English").tap()
    page.get_by_role("button", name="Send my answers").wait_for()
    assert document_lang(page, "en") == "en"


def test_welsh_browser_gets_welsh_without_a_link(running: App, browser: Any) -> None:
    """A phone set to Welsh sends ``Accept-Language: cy-GB`` (read from the
    websocket request's headers) and reports ``navigator.language`` cy-GB."""
    page = phone_page(browser, locale="cy-GB")
    page.goto(f"{running.url}/")
    page.get_by_role("heading", name="Ymuno ag arolwg").wait_for()
    assert document_lang(page, "cy") == "cy"
    page.get_by_label("Y cod ar y sgrin").wait_for()
    settled(page)
    screenshot(page, "welsh-0-join")
    page.get_by_label("Y cod ar y sgrin").fill(running.code.lower())
    page.get_by_role("button", name="Ymuno", exact=True).tap()
    page.get_by_role("button", name="Anfon fy atebion").wait_for()
    assert document_lang(page, "cy") == "cy"


def test_welsh_facilitator_page_on_a_laptop(running: App, browser: Any) -> None:
    """A facilitator follows a ?lang=cy link: sign-in, the Programmes page, the
    sidebar links and the browser tab are Welsh, the document says lang="cy",
    and the sidebar carries the language to the next page."""
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="en-GB"
    )
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator?lang=cy")
    page.get_by_role("heading", name="Mewngofnodi hwyluswyr").wait_for()
    assert document_lang(page, "cy") == "cy"
    box = page.get_by_label("Cyfrinymadrodd yr hwylusydd")
    box.wait_for()
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    box.fill(PASSPHRASE)
    page.get_by_role("button", name="Mewngofnodi", exact=True).click()
    page.get_by_role("button", name="Allgofnodi").wait_for()
    page.get_by_role("heading", name="Rhaglenni").wait_for()
    page.get_by_role("tab", name="Llinell amser").wait_for()
    assert document_lang(page, "cy") == "cy"
    page.wait_for_function("document.title === 'Rhaglenni · Together Pulse'")
    assert page.get_by_role("heading", name="Programmes").count() == 0
    english = page.get_by_role("link", name="English")
    assert english.get_attribute("lang") == "en"
    settled(page)
    screenshot(page, "welsh-facilitator-programmes-1366")

    page.get_by_role("link", name="Tueddiadau").click()
    page.get_by_role("heading", name="Tueddiadau", exact=True).wait_for()
    assert "lang=cy" in page.url
    assert document_lang(page, "cy") == "cy"
    page.wait_for_function("document.title === 'Tueddiadau · Together Pulse'")
    context.close()
