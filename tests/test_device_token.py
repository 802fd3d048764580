"""Tests for widgets.device_token: validation, AppTest safety, a real browser."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from widgets.device_token import STORAGE_KEY, TOKEN_HEX_LENGTH, clean_token

REPO_ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT_S = 30
WAIT_MS = 20_000  # bound on every browser wait
SETTLE_MS = 1_500  # time given to a (wrong) extra rerun to show up

VALID = "0123456789abcdef" * 4

SCRIPT = """
import time

import streamlit as st

from widgets.device_token import device_token

runs = st.session_state.setdefault("_runs", [])
runs.append(time.monotonic())
st.write("above")
tok = device_token()
st.write("below")
st.write(f"token={tok}")
st.write(f"runs={len(runs)}")
st.write(f"rerun_delay_ms={int((runs[-1] - runs[0]) * 1000)}")
"""

TOKEN_TEXT = re.compile(rf"^token=([0-9a-f]{{{TOKEN_HEX_LENGTH}}})$")


# --- validation ------------------------------------------------------------


def test_clean_token_accepts_64_lowercase_hex() -> None:
    assert clean_token(VALID) == VALID


@pytest.mark.parametrize(
    "value",
    [
        None,
        "",
        VALID[:-1],
        VALID + "0",
        VALID.upper(),
        VALID[:-1] + "g",
        VALID[:-1] + "\n",
        "\n" + VALID[1:],
        " " * 64,
        "０" * 64,  # full-width digits are not ASCII hex
        "a" * 10_000,
        123,
        ["a" * 64],
        {"token": VALID},
        b"a" * 64,
    ],
)
def test_clean_token_rejects_everything_else(value: Any) -> None:
    assert clean_token(value) is None


# --- AppTest ---------------------------------------------------------------


def test_apptest_runs_without_exception_and_gets_none() -> None:
    at = AppTest.from_string(SCRIPT).run(timeout=30)
    assert not at.exception
    assert "token=None" in [m.value for m in at.markdown]


@pytest.mark.parametrize(
    ("reported", "expected"),
    [
        ({"token": VALID}, VALID),
        ({"token": VALID.upper()}, None),
        ({"token": "<script>"}, None),
        ({"token": 42}, None),
        ({"other": VALID}, None),
    ],
)
def test_apptest_reported_state_is_validated(
    reported: dict[str, Any], expected: str | None
) -> None:
    # Stand in for the browser: put a report in the component's state.
    at = AppTest.from_string(SCRIPT)
    at.session_state["device_token"] = reported
    at.run(timeout=30)
    assert not at.exception
    assert f"token={expected}" in [m.value for m in at.markdown]


# --- real browser ----------------------------------------------------------


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent: the browser test needs Debian chromium")
    work = tmp_path_factory.mktemp("tokdemo")
    app = work / "app.py"
    app.write_text(SCRIPT)
    log_path = work / "server.log"
    port = _free_port()
    pythonpath = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, pythonpath))}
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        "--browser.gatherUsageStats=false",
        "--global.developmentMode=false",
    ]
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited early:\n{log_path.read_text()}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy in time:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url + "/"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="module")
def chromium(server_url: str) -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


def _new_page(browser: Any, init_script: str | None = None) -> Any:
    # A fresh context is a fresh profile: its own, empty localStorage.
    context = browser.new_context(viewport={"width": 390, "height": 844})
    context.set_default_timeout(WAIT_MS)
    if init_script:
        context.add_init_script(init_script)
    return context.new_page()


def _read_token(page: Any) -> str:
    line = page.get_by_text(TOKEN_TEXT)
    line.wait_for(state="visible", timeout=WAIT_MS)
    match = TOKEN_TEXT.match(line.inner_text().strip())
    assert match, line.inner_text()
    return match.group(1)


def _runs_after_settling(page: Any) -> int:
    page.wait_for_timeout(SETTLE_MS)
    text = page.get_by_text(re.compile(r"^runs=\d+$")).inner_text()
    return int(text.strip().removeprefix("runs="))


@pytest.mark.e2e
def test_token_persists_across_reload_and_differs_per_browser(
    chromium: Any, server_url: str
) -> None:
    page = _new_page(chromium)
    started = time.monotonic()
    page.goto(server_url)
    first = _read_token(page)
    arrived_s = time.monotonic() - started
    # Exactly one rerun: the first run gets None, the report reruns once.
    assert _runs_after_settling(page) == 2
    delay = page.get_by_text(re.compile(r"^rerun_delay_ms=")).inner_text()
    print(f"token shown {arrived_s:.2f}s after goto; {delay}")
    assert page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})") == first

    page.reload()
    assert _read_token(page) == first
    assert _runs_after_settling(page) == 2

    other = _new_page(chromium)
    other.goto(server_url)
    second = _read_token(other)
    assert second != first

    page.context.close()
    other.context.close()


@pytest.mark.e2e
def test_malformed_stored_value_is_replaced(chromium: Any, server_url: str) -> None:
    page = _new_page(chromium)
    page.goto(server_url)
    _read_token(page)
    page.evaluate(f"localStorage.setItem({STORAGE_KEY!r}, 'not-a-token')")
    page.reload()
    token = _read_token(page)
    assert page.evaluate(f"localStorage.getItem({STORAGE_KEY!r})") == token
    page.context.close()


@pytest.mark.e2e
def test_without_local_storage_reports_nothing(chromium: Any, server_url: str) -> None:
    # As in a browser with site storage disabled: touching localStorage throws.
    page = _new_page(
        chromium,
        init_script="""
        Object.defineProperty(window, "localStorage", {
          get() { throw new DOMException("storage disabled", "SecurityError"); },
        });
        """,
    )
    page.goto(server_url)
    page.get_by_text("token=None").wait_for(state="visible", timeout=WAIT_MS)
    assert _runs_after_settling(page) == 1  # no report, so no rerun
    assert page.get_by_text("token=None").is_visible()
    page.context.close()


@pytest.mark.e2e
def test_component_takes_no_space_on_a_phone(chromium: Any, server_url: str) -> None:
    page = _new_page(chromium)
    page.goto(server_url)
    _read_token(page)
    box = page.evaluate(
        """() => {
          const el = document.querySelector(".st-key-device_token");
          const r = el.getBoundingClientRect();
          return {display: getComputedStyle(el).display, h: r.height, w: r.width};
        }"""
    )
    assert box == {"display": "none", "h": 0, "w": 0}

    def top_bottom(text: str) -> tuple[float, float]:
        b = page.get_by_text(text, exact=True).bounding_box()
        assert b is not None
        return b["y"], b["y"] + b["height"]

    above = top_bottom("above")
    below = top_bottom("below")
    token_top = page.get_by_text(TOKEN_TEXT).bounding_box()["y"]
    # The gap above/below the component equals the ordinary gap between
    # two neighbouring elements (below -> token line).
    assert below[0] - above[1] == pytest.approx(token_top - below[1], abs=0.5)
    page.context.close()
