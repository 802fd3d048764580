"""A facilitator's day in a real Chromium (issue 13): sign-in that survives a
reload and a new tab, the chosen programme on every page, Create pressed twice.

Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from storage import programmes, responses
from storage.db import Store
from storage.demo import build_demo
from tests.e2e.harness import (
    WAIT_MS,
    App,
    new_page,
    screenshot,
    served_app,
    sign_in,
)

pytestmark = pytest.mark.e2e
LAPTOP = {"width": 1366, "height": 768}
GRACE_S = 30
SIDEBAR_PAGES = [
    "Live room",
    "Trends",
    "Comments",
    "Present (QR)",
    "Questions",
    "Data",
    "Settings",
]


def demo_and_a_look_alike(store: Store) -> int:
    """The demo, then a newer programme made from the same template: the one
    pages used to fall back to when they lost the choice."""
    demo_id = build_demo(store)
    programmes.create_programme(store, "Newer look-alike", ["Social work"])
    return demo_id


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    # A short grace period, so the test sees it end without a long wait. No
    # warm-up visit: the first page a test opens is the first session of a
    # fresh server, which once met Streamlit's legacy "Page not found".
    env = {"PULSE_CLOSE_GRACE_SECONDS": str(GRACE_S)}
    with served_app(
        tmp_path_factory.mktemp("day"), prepare=demo_and_a_look_alike, env=env
    ) as app:
        yield app


def laptop(browser: Any) -> Any:
    context = browser.new_context(viewport=LAPTOP)
    context.set_default_timeout(WAIT_MS)
    return context


def programme_param(page: Any) -> str | None:
    return parse_qs(urlsplit(page.url).query).get("programme", [None])[0]


def chosen_programme(page: Any) -> str:
    """The label the programme selector shows."""
    box = page.locator(".st-key-programme_pick input[role='combobox']")
    box.wait_for()
    return box.input_value().strip()


def test_sign_in_survives_reload_and_new_tab_until_sign_out(
    running: App, browser: Any
) -> None:
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/present?programme={running.programme_id}")
    sign_in(page)
    page.get_by_text("Scan with your phone camera").wait_for()
    cookie = next(c for c in context.cookies() if c["name"] == "tp_facilitator")
    assert cookie["sameSite"] == "Strict"
    with running.store.read() as db:
        stored = [
            r[0] for r in db.execute("SELECT token_hash FROM facilitator_sessions")
        ]
    assert cookie["value"] not in stored  # only a hash is kept

    # F5 on the projector: straight back to the QR code, no sign-in form.
    page.reload()
    page.get_by_text("Scan with your phone camera").wait_for()
    assert page.get_by_label("Facilitator passphrase").count() == 0
    screenshot(page, "day-1-present-after-reload")

    second = context.new_page()
    second.goto(f"{running.url}/trends?programme={running.programme_id}")
    second.get_by_role("heading", name="Trends").wait_for()
    assert second.get_by_label("Facilitator passphrase").count() == 0

    # Sign out in one tab: the token is revoked, so a new tab must sign in.
    second.get_by_role("button", name="Sign out").click()
    second.get_by_label("Facilitator passphrase").wait_for()
    third = context.new_page()
    third.goto(f"{running.url}/facilitator")
    third.get_by_label("Facilitator passphrase").wait_for()
    screenshot(third, "day-2-signed-out")
    context.close()


def landed(page: Any, name: str) -> None:
    if name == "Present (QR)":
        page.locator(".tp-qr img").wait_for()
    else:
        page.get_by_role("heading", name=name).first.wait_for()


def test_the_chosen_programme_survives_every_sidebar_link(
    running: App, browser: Any
) -> None:
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator")
    sign_in(page)
    # Choose the older (demo) programme in the selector.
    page.locator(".st-key-programme_pick button[aria-label='Open']").click()
    demo_name = programmes.get_programme(running.store, running.programme_id).name
    page.get_by_role("option", name=demo_name).click()
    page.wait_for_function(
        f"() => location.search.includes('programme={running.programme_id}')"
    )
    for name in SIDEBAR_PAGES + ["Programmes"]:
        page.locator("[data-testid='stSidebar']").get_by_role("link", name=name).click()
        page.wait_for_function(
            f"() => location.search.includes('programme={running.programme_id}')"
        )
        landed(page, name)
        if name != "Settings":
            assert chosen_programme(page) == demo_name, name
        # A reload keeps it too.
        page.reload()
        landed(page, name)
        assert programme_param(page) == str(running.programme_id), name
        if name != "Settings":
            assert chosen_programme(page) == demo_name, name
    screenshot(page, "day-3-programme-kept")
    context.close()


def test_create_twice_makes_one_programme_and_selects_it(
    running: App, browser: Any
) -> None:
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator?programme={running.programme_id}")
    sign_in(page)
    page.get_by_text("New programme from the template").click()
    name_box = page.get_by_label("Programme name")
    name_box.fill("Created twice")
    name_box.press("Tab")
    page.wait_for_timeout(500)
    before = len(programmes.list_programmes(running.store))
    page.get_by_role("button", name="Create programme").dblclick()
    page.wait_for_function(
        "() => /programme=\\d+/.test(location.search) && "
        f"!location.search.includes('programme={running.programme_id}')"
    )
    page.wait_for_timeout(2000)  # let a second run, if any, finish
    made = [
        p for p in programmes.list_programmes(running.store) if p[1] == "Created twice"
    ]
    assert len(made) == 1
    assert len(programmes.list_programmes(running.store)) == before + 1
    new_id = made[0][0]
    page.wait_for_function(f"() => location.search.includes('programme={new_id}')")
    assert chosen_programme(page) == "Created twice"
    # The next page opened from the sidebar works on the new programme too.
    page.locator("[data-testid='stSidebar']").get_by_role(
        "link", name="Questions"
    ).click()
    page.wait_for_function(f"() => location.search.includes('programme={new_id}')")
    page.get_by_role("heading", name="Questions").wait_for()
    assert chosen_programme(page) == "Created twice"
    screenshot(page, "day-4-created")
    context.close()


PROJECTOR_SIZES = [(1024, 768), (1366, 768), (1920, 960), (1920, 1080), (3840, 2160)]


def decode_qr(png: bytes) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(png)).convert("L")
    return [r.text for r in zxingcpp.read_barcodes(image)]


def whole_in_viewport(page: Any, selector: str) -> None:
    box = page.locator(selector).first.bounding_box()
    viewport = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= viewport["width"] + 0.5, (selector, box)
    assert box["y"] + box["height"] <= viewport["height"] + 0.5, (selector, box)


def check_present(page: Any, code: str, name: str) -> None:
    page.locator(".tp-qr img").wait_for()
    page.wait_for_timeout(300)
    whole_in_viewport(page, ".tp-qr img")
    whole_in_viewport(page, "[data-testid='join-code']")
    # The code is not clipped inside its column either.
    clipped = page.locator("[data-testid='join-code']").evaluate(
        "e => e.scrollWidth > e.parentElement.clientWidth + 1"
    )
    assert not clipped, name
    assert page.locator("[data-testid='join-code']").inner_text().strip() == code
    side = page.locator(".tp-qr img").bounding_box()["width"]
    assert side >= 250, (name, side)  # big enough for the back of a room
    texts = decode_qr(page.screenshot())
    assert any(t.endswith(f"/?code={code}") for t in texts), (name, texts)
    screenshot(page, name)


def test_present_fits_every_projector_with_and_without_sidebar(
    running: App, browser: Any
) -> None:
    pulse = demo_open_pulse(running.store)
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(
        f"{running.url}/present?programme={running.programme_id}&pulse={pulse.id}"
    )
    sign_in(page)
    for width, height in PROJECTOR_SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        page.locator("[data-testid='stSidebar']").wait_for()
        check_present(page, pulse.code, f"present-{width}x{height}-sidebar")
        page.locator("[data-testid='stSidebar']").hover()  # shows the button
        page.locator("[data-testid='stSidebarCollapseButton'] button").click()
        page.locator("[data-testid='stExpandSidebarButton']").wait_for()
        page.wait_for_timeout(800)  # the sidebar's slide
        check_present(page, pulse.code, f"present-{width}x{height}-no-sidebar")
        page.locator("[data-testid='stExpandSidebarButton']").click()
        page.locator("[data-testid='stSidebarCollapseButton']").wait_for()
    context.close()


def test_projector_link_shows_only_the_join_screen_until_revoked(
    running: App, browser: Any
) -> None:
    from access import tokens

    pulse = demo_open_pulse(running.store)
    token = tokens.new_screen_link(running.store, pulse.id)
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(f"{running.url}/?view={token}")
    check_present(page, pulse.code, "projector-link-1920x1080")
    assert page.locator("[data-testid='stSidebar']").count() == 0
    assert page.get_by_label("Facilitator passphrase").count() == 0
    body = page.locator("body").inner_text()
    for hidden in ("Programmes", "Live room", "Trends", "Reveal", "Sign out"):
        assert hidden not in body
    page.set_viewport_size({"width": 1024, "height": 768})
    page.reload()
    check_present(page, pulse.code, "projector-link-1024x768")
    tokens.revoke_screen_links(running.store, pulse.id)
    page.reload()
    page.get_by_text("not valid").first.wait_for()
    assert page.locator(".tp-qr").count() == 0
    screenshot(page, "projector-link-revoked")
    context.close()


def demo_open_pulse(store: Store) -> Any:
    with store.read() as db:
        pulse_id = db.execute(
            "SELECT id FROM pulses WHERE status = 'open' ORDER BY id"
        ).fetchone()[0]
    return programmes.pulse_by_id(store, pulse_id)


def fill_phone_form(
    phone: Any, value: int, pulse_id: int, question_ids: list[int]
) -> None:
    """Tap ``value`` on each statement (one radio group each, ui/answer_form),
    as soon as its radios can be tapped. Each statement is found by its widget
    key, never by position: while the first run is still being drawn, a
    statement further down can be on screen before the ones above it (3 of 30
    starved two-phone tries here tapped the third statement as "the first
    radio group" and left the first one empty; see test_early_taps)."""
    for question_id in question_ids:
        options = phone.locator(
            f".st-key-answer-{pulse_id}-{question_id} [data-testid='stRadioOption']"
        )
        options.nth(value - 1).tap()


def test_close_asks_first_and_keeps_a_grace_period(running: App, browser: Any) -> None:
    """Close with forms open: one sent within the grace period counts; one sent
    after it is refused, stays on screen and says why. Nothing is lost silently."""
    session_id = programmes.add_session(
        running.store, running.programme_id, "Grace check"
    )
    pulse = programmes.create_pulse(running.store, session_id, "during")
    programmes.open_pulse(running.store, pulse.id)
    questions = programmes.pulse_questions(running.store, pulse.id)
    in_time, too_late = new_page(browser), new_page(browser)
    for phone in (in_time, too_late):
        phone.goto(f"{running.url}/?code={pulse.code}")
        fill_phone_form(phone, 5, pulse.id, [q.id for q in questions])

    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator?programme={running.programme_id}")
    sign_in(page)
    page.locator(f".st-key-close-{pulse.id} button").first.click()
    # One click only asks; nothing is closed yet.
    confirm = page.locator(f".st-key-confirm-close-{pulse.id} button")
    confirm.wait_for()
    assert programmes.pulse_by_id(running.store, pulse.id).status == "open"
    screenshot(page, "close-1-confirm")
    confirm.click()
    page.locator(f".st-key-keep-open-{pulse.id} button").wait_for()
    assert programmes.pulse_by_id(running.store, pulse.id).status == "closing"

    # Sent at once, well inside the grace period however slow the machine.
    in_time.get_by_role("button", name="Send my answers").tap()
    in_time.get_by_text("Your answers are in").wait_for()
    assert responses.count_responses(running.store, pulse.id) == 1

    present = context.new_page()
    present.goto(
        f"{running.url}/present?programme={running.programme_id}&pulse={pulse.id}"
    )
    present.get_by_text("send your answers now").wait_for()
    screenshot(present, "close-2-present-countdown")

    # The grace period ends; Present says so by itself (no reload).
    present.get_by_text("This pulse has closed").wait_for(timeout=(GRACE_S + 15) * 1000)
    assert programmes.pulse_by_id(running.store, pulse.id).status == "closed"
    too_late.get_by_role("button", name="Send my answers").tap()
    too_late.get_by_text("were not recorded").wait_for()
    assert too_late.get_by_text("closed before they arrived").count() == 1
    # Every answer is kept on screen; wait for the last line to arrive first.
    lines = [f"{n}. {q.text} — 5" for n, q in enumerate(questions, start=1)]
    too_late.get_by_text(lines[-1], exact=True).wait_for()
    kept = too_late.locator("[data-testid='stText']").all_inner_texts()
    assert [line for line in kept if line in lines] == lines
    assert responses.count_responses(running.store, pulse.id) == 1
    screenshot(too_late, "close-3-refused-kept-on-screen")
    context.close()


def test_trends_fits_a_1366_laptop(running: App, browser: Any) -> None:
    """Finding 7: nothing on Trends makes the page wider than the laptop."""
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/trends?programme={running.programme_id}")
    sign_in(page)
    page.get_by_text("What changed, and how sure we are").wait_for()
    page.locator("[data-testid='stVegaLiteChart']").first.wait_for()
    page.wait_for_timeout(1500)  # charts and tables finish laying out
    widths = page.evaluate(
        """() => [document.documentElement.scrollWidth,
                  ...[...document.querySelectorAll(
                      '[data-testid=stDataFrame], [data-testid=stTable], '
                      + '[data-testid=stVegaLiteChart]')]
                    .map(e => Math.round(e.getBoundingClientRect().right))]"""
    )
    assert max(widths) <= LAPTOP["width"], widths
    screenshot(page, "trends-1366")
    page.get_by_text("What changed, and how sure we are").scroll_into_view_if_needed()
    screenshot(page, "trends-1366-change-table")
    context.close()


def test_change_table_reading_is_on_screen_at_1366(running: App, browser: Any) -> None:
    """Finding 7: every "Reading" of the change table is readable on a 1366 px
    laptop without scrolling sideways: the table wraps its text to fit."""
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/trends?programme={running.programme_id}")
    sign_in(page)
    table = page.get_by_role("table").filter(
        has=page.get_by_role("columnheader", name="Change [95% CI]")
    )
    header = table.get_by_role("columnheader", name="Reading", exact=True)
    header.wait_for()
    table.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # layout settles after the fonts load
    column = header.evaluate("th => [...th.parentElement.children].indexOf(th)")
    rows = table.locator("tbody tr")
    assert rows.count() > 0
    readings = []
    for index in range(rows.count()):
        cell = rows.nth(index).locator("td, th").nth(column)
        box = cell.bounding_box()
        assert box is not None and box["width"] > 0
        assert box["x"] >= 0, (index, box)
        assert box["x"] + box["width"] <= LAPTOP["width"], (index, box)
        readings.append(cell.inner_text().strip())
    assert set(readings) <= {"improved", "declined", "similar", "unclear"}, readings
    # Nothing around or inside the table needs a sideways scroll either.
    hidden = table.evaluate(
        "t => [t.parentElement, t, ...t.querySelectorAll('*')].some("
        "e => e.scrollWidth > e.clientWidth + 1 && "
        "['auto', 'scroll'].includes(getComputedStyle(e).overflowX))"
    )
    assert not hidden
    assert page.evaluate("document.documentElement.scrollWidth") <= LAPTOP["width"]
    header.scroll_into_view_if_needed()
    screenshot(page, "trends-1366-change-table-readings")
    context.close()


def test_close_names_the_pulse_it_closes(running: App, browser: Any) -> None:
    """A timeline has many Close buttons: the button, the question it asks and
    the confirming button all name the pulse (its moment, code and session),
    for the eye and for a screen reader alike."""
    session_id = programmes.add_session(
        running.store, running.programme_id, "Naming check"
    )
    pulse = programmes.create_pulse(running.store, session_id, "during")
    programmes.open_pulse(running.store, pulse.id)
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator?programme={running.programme_id}")
    sign_in(page)
    named = f"the during pulse {pulse.code}"
    trigger = page.get_by_role("button", name=f"Close {named}", exact=True)
    trigger.wait_for()
    assert trigger.inner_text().strip().startswith("Close")
    trigger.click()
    confirm = page.locator(f".st-key-confirm-close-{pulse.id} button")
    confirm.wait_for()
    dialog = page.locator("[data-testid='stPopoverBody']").filter(has=confirm)
    question = dialog.get_by_text(f"Close {named} (Naming check)?")
    question.wait_for()
    assert question.is_visible()
    # The confirming button says which pulse in its visible words and its name.
    assert pulse.code in confirm.inner_text()
    name = confirm.evaluate(
        "b => b.getAttribute('aria-label') || b.innerText.replace(/\\s+/g, ' ')"
    )
    assert named in name, name
    assert programmes.pulse_by_id(running.store, pulse.id).status == "open"
    screenshot(page, "close-names-the-pulse")
    page.keyboard.press("Escape")
    context.close()


def settled(page: Any) -> None:
    """Wait until Streamlit's script run (after an edit) has finished."""
    page.wait_for_timeout(300)
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    page.wait_for_timeout(300)


def first_cell(editor: Any) -> Any:
    """The first row's first column of a data editor, in the grid's own
    accessible table (the grid itself is drawn on a canvas)."""
    return editor.locator("[data-testid='glide-cell-1-0']")


def type_into_first_cell(page: Any, editor: Any, text: str) -> None:
    """Overwrite the first row's first column of a data editor: a double click
    opens the cell's text box (over the canvas grid), fill it, Enter keeps it."""
    grid = editor.locator("[data-testid='stDataFrameResizable']")
    grid.wait_for()
    # Mid-screen: at the top edge the app's sticky header would take the click.
    grid.evaluate("e => e.scrollIntoView({block: 'center'})")
    settled(page)
    box = grid.bounding_box()
    # Below the 35 px header, right of the narrow row-number column.
    x, y = box["x"] + 90, box["y"] + 35 + 17
    from playwright.sync_api import TimeoutError as NotYet

    cell_box = page.locator("#portal textarea.gdg-input")
    for _ in range(5):  # a click while the grid is still being redrawn is lost
        page.mouse.dblclick(x, y)
        try:
            cell_box.wait_for(timeout=2000)
            break
        except NotYet:
            continue
    cell_box.fill(text)
    cell_box.press("Enter")
    settled(page)
    expect_text(first_cell(editor), text)


def expect_text(cell: Any, text: str) -> None:
    """Wait (bounded) until the cell, found afresh each time, shows ``text``."""
    from playwright.sync_api import expect

    expect(cell).to_have_text(text, timeout=WAIT_MS)


def test_template_edits_survive_a_group_rename_and_a_new_first_date(
    running: App, browser: Any
) -> None:
    """Issue 13 finding 6: renaming a group or moving the first date used to
    rebuild the timeline editor, silently undoing the facilitator's edits."""
    context = laptop(browser)
    page = context.new_page()
    page.goto(f"{running.url}/facilitator?programme={running.programme_id}")
    sign_in(page)
    page.get_by_text("New programme from the template").click()
    name_box = page.get_by_label("Programme name")
    name_box.fill("Edited template")
    name_box.press("Tab")
    settled(page)

    timeline = page.locator("[class*='st-key-new_plan-']")
    type_into_first_cell(page, timeline, "Kick-off with both teams")
    type_into_first_cell(page, page.locator(".st-key-new_groups"), "Early help")
    # The date is one spin box per part: type year, month and day, then leave.
    page.get_by_role("spinbutton", name="year, First session").focus()
    page.keyboard.type("20270301")
    page.keyboard.press("Tab")
    settled(page)
    start = page.locator(".st-key-new_start input[type=date]")
    assert start.input_value() == "2027-03-01"
    # The timeline keeps the edit made before the rename and the new date.
    expect_text(first_cell(timeline), "Kick-off with both teams")
    screenshot(page, "template-edits-kept")

    page.get_by_role("button", name="Create programme").click()
    page.wait_for_function(
        "() => /programme=\\d+/.test(location.search) && "
        f"!location.search.includes('programme={running.programme_id}')"
    )
    made = [
        p
        for p in programmes.list_programmes(running.store)
        if p[1] == "Edited template"
    ]
    assert len(made) == 1
    programme_id = made[0][0]
    titles = [s.title for s in programmes.timeline(running.store, programme_id)]
    groups = [g.name for g in programmes.programme_groups(running.store, programme_id)]
    assert "Early help" in groups, groups
    assert titles[0] == "Kick-off with both teams", titles
    context.close()
