"""WCAG 2.2 AA in a real browser: axe-core on every page and state, plus the
checks axe cannot make (pseudo-element text, reading order, target sizes).

Each state is checked on a phone (390×844) and a laptop (1366×768), in the
light and the dark colour scheme (the app follows the device). One server and
one browser serve the whole module; each viewport has one participant page and
one facilitator page that are reused, and the colour scheme is switched in
place (Streamlit follows ``prefers-color-scheme`` live).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from storage import programmes as repo
from storage.db import Store
from storage.demo import build_demo, open_demo_code
from tests.e2e.axe import (
    LAPTOP_VIEW,
    PHONE_VIEW,
    SCHEMES,
    Violation,
    axe_source,
    report,
    run_axe,
)
from tests.e2e.harness import (
    WAIT_MS,
    screenshot,
    served_app,
)
from tests.fixtures import PASSPHRASE

pytestmark = pytest.mark.e2e
VIEWS = {"phone": PHONE_VIEW, "laptop": LAPTOP_VIEW}


@dataclass
class Site:
    url: str
    store: Store
    programme_id: int
    open_code: str
    closed_code: str
    draft_code: str
    report_html: Path
    pages: dict[tuple[str, str], Any] = field(default_factory=dict)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, browser: Any) -> Iterator[Site]:
    axe = axe_source()
    made: list[tuple[int, int]] = []

    def demo_with_closed_and_draft(store: Store) -> int:
        """The demo plus, in its open pulse's session, a closed pulse and a
        draft one: the states a participant's code can land on."""
        programme_id = build_demo(store)
        session_id = repo.pulse_by_code(store, open_demo_code(store)).session_id
        closed = repo.create_pulse(store, session_id, "after")
        repo.open_pulse(store, closed.id)
        repo.close_pulse(store, closed.id)
        made.append((closed.id, repo.create_pulse(store, session_id, "after").id))
        return programme_id

    work = tmp_path_factory.mktemp("a11y")
    with served_app(work, prepare=demo_with_closed_and_draft) as app:
        closed_id, draft_id = made[0]
        running = Site(
            app.url,
            app.store,
            app.programme_id,
            app.code,
            repo.pulse_by_id(app.store, closed_id).code,
            repo.pulse_by_id(app.store, draft_id).code,
            work / "report.html",
        )
        contexts = []
        try:
            for view, size in VIEWS.items():
                phone = view == "phone"
                for who in ("participant", "facilitator"):
                    context = browser.new_context(
                        viewport=size,
                        is_mobile=phone,
                        has_touch=phone,
                        accept_downloads=True,
                    )
                    contexts.append(context)
                    context.set_default_timeout(WAIT_MS)
                    context.add_init_script(axe)
                    running.pages[view, who] = context.new_page()
            yield running
        finally:
            for context in contexts:
                context.close()


# --- driving the app -----------------------------------------------------------


def settle(page: Any) -> None:
    """Wait until the script run has finished and the page has painted."""
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-stale=true]')"
        " && !document.querySelector('[data-testid=stSkeleton]')"
    )
    page.wait_for_timeout(300)  # let CSS transitions (fade-ins) finish


def set_scheme(page: Any, scheme: str) -> None:
    """Switch the colour scheme in place and wait for Streamlit to follow it."""
    page.emulate_media(color_scheme=scheme)
    dark = "true" if scheme == "dark" else "false"
    page.wait_for_function(
        """(dark) => {
            const app = document.querySelector('[data-testid=stApp]');
            if (!app) return true;  // not a Streamlit page (the report)
            const [r, g, b] = getComputedStyle(app).backgroundColor
                .match(/\\d+/g).map(Number);
            return ((r + g + b) / 3 < 128) === dark;
        }""",
        arg=dark == "true",
    )
    page.wait_for_timeout(250)


def check(site: Site, state: str, who: str, reach: Callable[[Any], None]) -> None:
    """Reach a state on the phone and the laptop; axe it in light and dark."""
    found: list[Violation] = []
    for view in VIEWS:
        page = site.pages[view, who]
        page.emulate_media(color_scheme="light")
        reach(page)
        if page.url.startswith(site.url):  # a page of the app, not the report
            statement = page.get_by_role("link", name="Accessibility statement")
            assert statement.count() == 1, f"{state}: no statement link in the footer"
        for scheme in SCHEMES:
            set_scheme(page, scheme)
            found += run_axe(page, f"{state} {view} {scheme}")
        if view == "phone":
            screenshot(page, f"a11y-{state}-phone-dark")
    assert not found, f"axe found WCAG A/AA violations:\n{report(found)}"


def goto(page: Any, url: str) -> None:
    page.goto(url)
    settle(page)


def facilitator(site: Site, path: str) -> Callable[[Any], None]:
    """Open a facilitator page, signing in when asked."""

    def reach(page: Any) -> None:
        goto(page, f"{site.url}/{path}")
        # The sign-in box only (Settings has a heading of the same name). A
        # remembered sign-in (cookie) may show it inert for a moment first.
        box = page.locator("input[aria-label='Facilitator passphrase']")
        for _ in range(50):
            if not box.count():
                settle(page)
                return
            if box.evaluate("e => !e.closest('[inert]')"):
                break
            page.wait_for_timeout(200)
        page.wait_for_timeout(300)  # inputs are inert until the first run settles
        box.fill(PASSPHRASE)
        box.press("Enter")
        page.wait_for_function("() => !document.querySelector('input[type=password]')")
        settle(page)

    return reach


def then(*steps: Callable[[Any], None]) -> Callable[[Any], None]:
    def reach(page: Any) -> None:
        for step in steps:
            step(page)

    return reach


def click_tab(name: str) -> Callable[[Any], None]:
    def step(page: Any) -> None:
        page.get_by_role("tab", name=name).click()
        settle(page)

    return step


# --- participant -------------------------------------------------------------------


def test_join_page(site: Site) -> None:
    check(site, "join", "participant", lambda p: goto(p, site.url))


def test_wrong_code(site: Site) -> None:
    def reach(page: Any) -> None:
        goto(page, f"{site.url}/?code=ZZZZZZ")
        page.get_by_text("No pulse has that code").wait_for()

    check(site, "wrong-code", "participant", reach)


def test_answer_form(site: Site) -> None:
    def reach(page: Any) -> None:
        goto(page, f"{site.url}/?code={site.open_code}")
        page.get_by_role("button", name="Send my answers").wait_for()

    check(site, "form", "participant", reach)


def test_empty_submit_error(site: Site) -> None:
    def reach(page: Any) -> None:
        goto(page, f"{site.url}/?code={site.open_code}")
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_text("at least one question").wait_for()
        settle(page)

    check(site, "empty-submit", "participant", reach)


def test_thank_you_then_already_answered(site: Site) -> None:
    def thank_you(page: Any) -> None:
        goto(page, f"{site.url}/?code={site.open_code}")
        page.get_by_role("radio", name="5, Somewhat agree").first.check(force=True)
        page.get_by_role("button", name="Send my answers").click()
        page.get_by_text("Your answers are in").wait_for()
        settle(page)

    check(site, "thank-you", "participant", thank_you)

    def already(page: Any) -> None:
        goto(page, f"{site.url}/?code={site.open_code}")
        page.get_by_text("already answered this pulse").wait_for()
        settle(page)

    check(site, "already-answered", "participant", already)


def test_closed_and_draft_pulses(site: Site) -> None:
    # Outsiders cannot tell a draft or closed pulse from an unknown code.
    for state, code in (("closed-pulse", site.closed_code), ("draft", site.draft_code)):

        def reach(page: Any, code: str = code) -> None:
            goto(page, f"{site.url}/?code={code}")
            page.get_by_text("No pulse has that code").wait_for()

        check(site, state, "participant", reach)


# --- facilitator -------------------------------------------------------------------


def test_sign_in(site: Site) -> None:
    def reach(page: Any) -> None:
        goto(page, f"{site.url}/facilitator")
        page.get_by_label("Facilitator passphrase").wait_for()

    check(site, "sign-in", "facilitator", reach)

    def wrong(page: Any) -> None:
        reach(page)
        page.wait_for_timeout(500)
        box = page.get_by_label("Facilitator passphrase")
        box.fill("not the passphrase")
        box.press("Enter")
        page.get_by_role("alert").first.wait_for()
        settle(page)

    check(site, "sign-in-refused", "facilitator", wrong)


PROGRAMMES = "facilitator?programme={programme}"


@pytest.mark.parametrize(
    "tab", ["Timeline", "Actions", "Settings and groups", "Delete"]
)
def test_programmes_tabs(site: Site, tab: str) -> None:
    path = PROGRAMMES.format(programme=site.programme_id)
    check(
        site,
        f"programmes-{tab.split()[0].lower()}",
        "facilitator",
        then(facilitator(site, path), click_tab(tab)),
    )


def test_new_programme_form(site: Site) -> None:
    def open_expander(page: Any) -> None:
        page.get_by_text("New programme from the template").click()
        page.get_by_label("Programme name").wait_for()
        settle(page)

    check(
        site,
        "programmes-new",
        "facilitator",
        then(facilitator(site, "facilitator"), open_expander),
    )


def _pulse_path(site: Site, page_path: str) -> str:
    pulse = repo.pulse_by_code(site.store, site.open_code)
    return f"{page_path}?programme={site.programme_id}&pulse={pulse.id}"


def test_live_room(site: Site) -> None:
    check(site, "live", "facilitator", facilitator(site, _pulse_path(site, "live")))

    def reveal(page: Any) -> None:
        page.locator("[class*='st-key-reveal-'] label").click()
        settle(page)
        page.wait_for_timeout(1500)  # charts render after the fragment's run

    check(
        site,
        "live-revealed",
        "facilitator",
        then(facilitator(site, _pulse_path(site, "live")), reveal),
    )


def test_present(site: Site) -> None:
    check(
        site, "present", "facilitator", facilitator(site, _pulse_path(site, "present"))
    )


@pytest.mark.parametrize("path", ["trends", "questions", "data", "settings"])
def test_facilitator_page(site: Site, path: str) -> None:
    check(
        site,
        path,
        "facilitator",
        facilitator(site, f"{path}?programme={site.programme_id}"),
    )


def test_downloaded_report(site: Site) -> None:
    def reach(page: Any) -> None:
        facilitator(site, f"data?programme={site.programme_id}")(page)
        if not site.report_html.exists():
            with page.expect_download() as download:
                page.get_by_role("button", name="Download the report (HTML)").click()
            download.value.save_as(site.report_html)
        page.goto(site.report_html.as_uri())

    check(site, "report", "facilitator", reach)


# --- public -------------------------------------------------------------------------


def test_accessibility_statement(site: Site) -> None:
    check(
        site,
        "statement",
        "participant",
        lambda p: goto(p, f"{site.url}/accessibility"),
    )


def test_every_page_has_its_own_title(site: Site) -> None:
    """WCAG 2.4.2: a tab, a bookmark or a screen reader tells pages apart."""
    page = site.pages["laptop", "participant"]
    titles = {}
    for path in ("", "accessibility", "facilitator", "live", "trends", "present",
                 "questions", "data", "settings"):  # fmt: skip
        goto(page, f"{site.url}/{path}")
        titles[path] = page.title()
    assert len(set(titles.values())) == len(titles), titles
    assert all(t.endswith(" · Together Pulse") for t in titles.values()), titles
    assert titles[""] == "Answer a pulse · Together Pulse"
