"""The served stack (``python serve.py``: Caddy in front of two Streamlit workers
on one database) as participants and facilitators meet it in a real browser.

- A phone-sized Chromium answers through Caddy and is thanked; Streamlit's
  bundles arrive brotli-compressed from Caddy, not from a worker.
- The Present page's QR code, decoded from a screenshot, is exactly the join
  link ``serve.py`` printed, and that link is not ``localhost``.
- Two workers, one database: start-up work happened once (one demo, one
  passphrase hash); phones pinned to different workers both count; the live
  room and its released figures are the same whichever worker a facilitator
  reached;
  a browser's wrong passphrases pause it on every worker (the back-off lives in
  the database, keyed by the browser's own id), while another browser on the
  other worker signs in at once.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from access.signin import FREE_FAILURES, client_hash
from serving.address import is_loopback, lan_address
from serving.caddy import AFFINITY_COOKIE
from storage.db import Store, open_store
from storage.demo import DEMO_NAME
from storage.programmes import pulse_by_code
from storage.responses import count_responses
from tests.e2e.harness import (
    new_page,
    require_chromium,
    screenshot,
    served_stack,
)

pytestmark = pytest.mark.e2e
PASSPHRASE = "served stack passphrase"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    require_chromium()
    work = tmp_path_factory.mktemp("served")
    env = {"PULSE_DB": str(work / "pulse.db"), "PULSE_FACILITATOR_PASSWORD": PASSPHRASE}
    with served_stack(work, env, workers=2) as served:
        served.db = work / "pulse.db"
        yield served


@pytest.fixture
def store(stack: Any) -> Iterator[Store]:
    s = open_store(stack.db)
    yield s
    s.close()


def _code(join_url: str) -> str:
    return parse_qs(urlsplit(join_url).query)["code"][0]


def _answer(page: Any) -> None:
    """Pick a group, tap an answer on every statement, send; wait for thanks."""
    page.get_by_text("Send my answers").wait_for()
    page.get_by_text("Education", exact=True).click()
    # One radio group per statement (ui/answer_form.py); tap the value's box.
    groups = page.locator("[class*='st-key-answer-'] [role='radiogroup']")
    for index in range(groups.count()):
        value = 3 + index % 4
        groups.nth(index).locator("[data-testid='stRadioOption']").nth(value - 1).tap()
    page.get_by_role("button", name="Send my answers").tap()
    page.get_by_text("Your answers are in").wait_for()


def _no_page_not_found(page: Any) -> None:
    """A fresh Streamlit process answers the first deep link it sees (before
    any session has run ``st.navigation``) with a "Page not found" dialog that
    makes the page inert; serve.py runs the app once in each worker so nobody
    meets it."""
    page.wait_for_timeout(500)
    assert page.locator("[data-testid='stDialog']").count() == 0


def _is_bundle(url: str) -> bool:
    """Streamlit's JavaScript and CSS (fonts are compressed already)."""
    path = urlsplit(url).path
    return path.startswith("/static/") and path.endswith((".js", ".css"))


def _worker_cookie(page: Any) -> str | None:
    for cookie in page.context.cookies():
        if cookie["name"] == AFFINITY_COOKIE:
            return cookie["value"]
    return None


def _sign_in(page: Any) -> None:
    box = page.get_by_label("Facilitator passphrase")
    box.wait_for()
    _no_page_not_found(page)
    box.fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    try:
        box.wait_for(state="detached")
    except Exception:
        screenshot(page, "served-sign-in-failed")
        raise


def test_phone_answers_through_caddy_with_compressed_bundles(
    stack: Any, browser: Any, store: Store
) -> None:
    code = _code(stack.join_url())
    pulse = pulse_by_code(store, code)
    before = count_responses(store, pulse.id)
    page = new_page(browser, phone=True)
    bundles: list[dict[str, str]] = []
    page.on(
        "response",
        lambda r: bundles.append(r.headers) if _is_bundle(r.url) else None,
    )
    page.goto(f"{stack.url}/?code={code}")
    _answer(page)
    screenshot(page, "served-phone-thank-you")
    assert count_responses(store, pulse.id) == before + 1
    assert _worker_cookie(page), "no worker affinity cookie was set"
    large = [h for h in bundles if int(h.get("content-length", 0)) > 2000]
    assert large and all(h.get("content-encoding") == "br" for h in large)
    assert all(h.get("server") == "Caddy" for h in bundles)
    assert all("immutable" in h.get("cache-control", "") for h in bundles)


def test_present_qr_is_the_printed_join_link(stack: Any, browser: Any) -> None:
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    printed = stack.join_url()
    host = urlsplit(printed).hostname or ""
    assert urlsplit(printed).port == int(urlsplit(stack.url).port or 0)
    page = new_page(browser, phone=False)
    page.goto(f"{stack.url}/facilitator")
    _sign_in(page)
    page.get_by_role("link", name="Present (QR)").click()
    # However the page draws the QR code (image, SVG), wait for the room's
    # words and read the code from what is on the screen.
    page.get_by_text(_code(printed), exact=True).first.wait_for()
    page.wait_for_timeout(1000)
    shot = screenshot(page, "served-present-qr")
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(shot))]
    assert decoded == [printed]
    if lan_address() is None:
        # No network here: then the page must say the link cannot work.
        assert is_loopback(host)
        page.get_by_text("Phones cannot open this link").wait_for()
    else:
        assert not is_loopback(host)
        assert page.get_by_text("Phones cannot open this link").count() == 0


def _phones_on_two_workers(stack: Any, browser: Any, code: str) -> list[Any]:
    """Open phones until two sit on different workers (the cookie says which)."""
    by_worker: dict[str, Any] = {}
    for _ in range(8):
        page = new_page(browser, phone=True)
        page.goto(f"{stack.url}/?code={code}")
        page.get_by_text("Send my answers").wait_for()
        cookie = _worker_cookie(page)
        if cookie and cookie not in by_worker:
            by_worker[cookie] = page
        else:
            page.context.close()
        if len(by_worker) == 2:
            return list(by_worker.values())
    pytest.fail("Caddy never placed a phone on the second worker")


def _facilitator_live(stack: Any, browser: Any, worker_cookie: str) -> Any:
    page = new_page(browser, phone=False)
    domain = urlsplit(stack.url).hostname
    page.context.add_cookies(
        [
            {
                "name": AFFINITY_COOKIE,
                "value": worker_cookie,
                "domain": domain,
                "path": "/",
            }
        ]
    )
    page.goto(f"{stack.url}/facilitator")
    _sign_in(page)
    assert _worker_cookie(page) == worker_cookie  # still on the chosen worker
    page.get_by_role("link", name="Live room").click()
    _reveal(page).wait_for()
    return page


def _reveal(page: Any) -> Any:
    return page.get_by_test_id("stCheckbox").get_by_text("Reveal results")


def _metric(page: Any, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label).first
    return metric.locator("[data-testid='stMetricValue']").inner_text().strip()


def test_two_workers_share_one_database(stack: Any, browser: Any, store: Store) -> None:
    with store.read() as db:
        demos = db.execute(
            "SELECT count(*) FROM programmes WHERE name = ?", [DEMO_NAME]
        ).fetchone()[0]
        hashes = db.execute("SELECT count(*) FROM settings").fetchone()[0]
    assert demos == 1 and hashes == 1  # prepared once, not once per worker
    for log in stack.log_dir.glob("worker-*.log"):
        assert "Demo programme created" not in log.read_text()

    code = _code(stack.join_url())
    pulse = pulse_by_code(store, code)
    before = count_responses(store, pulse.id)
    phones = _phones_on_two_workers(stack, browser, code)
    cookies = [_worker_cookie(p) for p in phones]
    for phone in phones:
        _answer(phone)
    after = count_responses(store, pulse.id)
    assert after == before + 2
    assert after >= pulse.k  # enough to reveal

    rooms = [_facilitator_live(stack, browser, c) for c in cookies]
    for room in rooms:
        _reveal(room).click()
    for index, room in enumerate(rooms):
        room.wait_for_function(
            "n => [...document.querySelectorAll('[data-testid=stMetricValue]')]"
            ".some(e => e.innerText.trim() === String(n))",
            arg=after,
        )
        room.get_by_text("Results are ready").wait_for(state="detached")
        screenshot(room, f"served-live-worker-{index + 1}")
    # The released figures come from one snapshot in the database, so both
    # workers show the same numbers.
    texts = [
        re.sub(r"\s+", " ", room.locator("[data-testid='stMain']").inner_text())
        for room in rooms
    ]
    numbers = [re.findall(r"\d+(?:\.\d+)?", t) for t in texts]
    assert numbers[0] == numbers[1]


def _affinity_cookies(stack: Any) -> list[str]:
    """The affinity cookie of each of the two workers: Caddy picks a worker for
    every request that brings none, and says which in ``Set-Cookie``."""
    seen: list[str] = []
    for _ in range(40):
        with urllib.request.urlopen(f"{stack.url}/", timeout=10) as response:
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                value = rest.split(";", 1)[0]
                if name.strip() == AFFINITY_COOKIE and value not in seen:
                    seen.append(value)
        if len(seen) == 2:
            return seen
    pytest.fail(f"Caddy never placed a request on the second worker: {seen}")


def _pin(page: Any, stack: Any, worker_cookie: str) -> None:
    page.context.add_cookies(
        [
            {
                "name": AFFINITY_COOKIE,
                "value": worker_cookie,
                "domain": urlsplit(stack.url).hostname,
                "path": "/",
            }
        ]
    )


def _browser_cookie(page: Any, name: str) -> str:
    """A cookie the page's own script sets: wait for it (bounded)."""
    deadline = time.monotonic() + 20
    while True:
        for cookie in page.context.cookies():
            if cookie["name"] == name:
                return cookie["value"]
        assert time.monotonic() < deadline, f"the browser never got {name}"
        page.wait_for_timeout(200)


def _failures(store: Store, client: str) -> int:
    with store.read() as db:
        row = db.execute(
            "SELECT failures FROM signin_failures WHERE client_hash = ?",
            [client_hash(client)],
        ).fetchone()
    return int(row[0]) if row else 0


def test_wrong_passphrases_pause_a_browser_on_every_worker(
    stack: Any, browser: Any, store: Store
) -> None:
    """Five wrong passphrases through worker A pause this browser when it next
    opens the page on worker B, right passphrase or not; another browser on
    worker B is not refused for them. (Earlier, a browser whose first visit had
    no client cookie counted its failures under that visit's id, so the next
    visit, on any worker, started again from zero.)"""
    worker_a, worker_b = _affinity_cookies(stack)
    page = new_page(browser, phone=False)
    _pin(page, stack, worker_a)
    page.goto(f"{stack.url}/facilitator")
    box = page.get_by_label("Facilitator passphrase")
    box.wait_for()
    _no_page_not_found(page)
    client = _browser_cookie(page, "tp_client")
    for attempt in range(1, FREE_FAILURES + 1):
        box.fill(f"not the passphrase {attempt}")
        page.get_by_role("button", name="Sign in").click()
        deadline = time.monotonic() + 30
        while _failures(store, client) < attempt:
            assert time.monotonic() < deadline, f"failure {attempt} never counted"
            page.wait_for_timeout(200)
    page.get_by_text("Too many wrong passphrases from this browser").wait_for()
    assert _worker_cookie(page) == worker_a

    # The same browser, now on worker B, with the right passphrase: paused.
    _pin(page, stack, worker_b)
    page.goto(f"{stack.url}/facilitator")
    box.wait_for()
    assert _worker_cookie(page) == worker_b
    box.fill(PASSPHRASE)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Too many wrong passphrases from this browser").wait_for()
    assert box.is_visible()  # still the sign-in form: not signed in
    screenshot(page, "served-sign-in-paused-on-worker-b")
    page.context.close()

    # Someone else, on worker B: the right passphrase signs in.
    other = new_page(browser, phone=False)
    _pin(other, stack, worker_b)
    other.goto(f"{stack.url}/facilitator")
    _sign_in(other)
    assert _worker_cookie(other) == worker_b
    other.context.close()


def _children(stack: Any) -> dict[int, str]:
    """serve.py's child processes: pid -> command line."""
    pid = stack.proc.pid
    found = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        with contextlib.suppress(OSError):
            cmd = Path(f"/proc/{child}/cmdline").read_bytes().replace(b"\0", b" ")
            found[int(child)] = cmd.decode()
    return found


def _workers(stack: Any) -> list[int]:
    return [p for p, cmd in _children(stack).items() if "streamlit" in cmd]


def test_a_killed_worker_is_restarted_and_phones_still_answer(
    stack: Any, browser: Any, store: Store
) -> None:
    victim = _workers(stack)[0]
    os.kill(victim, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while not ("restarting" in stack.printed() and len(_workers(stack)) == 2):
        assert time.monotonic() < deadline, stack.printed()
        time.sleep(0.2)
    assert victim not in _workers(stack)
    code = _code(stack.join_url())
    pulse = pulse_by_code(store, code)
    before = count_responses(store, pulse.id)
    for _ in range(2):  # whichever worker Caddy picks, the phone is thanked
        page = new_page(browser, phone=True)
        page.goto(f"{stack.url}/?code={code}")
        _answer(page)
        page.context.close()
    assert count_responses(store, pulse.id) == before + 2


def test_sigterm_stops_caddy_and_every_worker(stack: Any) -> None:
    """Last in this module: it stops the stack the fixture started."""
    children = list(_children(stack))
    assert len(children) == 3  # two workers and Caddy
    stack.proc.send_signal(signal.SIGTERM)
    assert stack.proc.wait(timeout=30) == 0
    for pid in children:
        assert not Path(f"/proc/{pid}").exists() or _is_zombie(pid)
    assert "Stopped." in stack.printed()


def _is_zombie(pid: int) -> bool:
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    return True
