"""Tests for widgets.device_token: validation, AppTest safety, a real browser."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from tests.e2e.harness import (
    WAIT_MS,
    chromium_browser,
    new_page,
    require_chromium,
    streamlit_server,
)
from widgets.device_token import STORAGE_KEY, TOKEN_HEX_LENGTH, clean_token

REPO_ROOT = Path(__file__).resolve().parents[1]
SETTLE_MS = 1_500  # time given to a (wrong) extra rerun to show up

VALID = "0123456789abcdef" * 4

SCRIPT = """
import time

import streamlit as st

from tests.e2e.harness import (
    WAIT_MS,
    chromium_browser,
    new_page,
    require_chromium,
    streamlit_server,
)
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


@pytest.mark.parametrize(
    ("reported", "expected"),
    [({"token": VALID}, VALID), ({"token": "<script>"}, None), (None, None)],
)
def test_send_in_another_fragment_reads_a_report_not_yet_learnt(
    reported: dict[str, Any] | None, expected: str | None
) -> None:
    """The answer form's Send runs in its own fragment, where the token's
    fragment does not run: a report that arrived with the tap still counts
    (validated), so a fast Send is still de-duplicated per device."""
    script = (
        "import streamlit as st\n"
        "from ui.device import reported_device_token\n"
        "st.markdown(f'token={reported_device_token()}')\n"
    )
    at = AppTest.from_string(script)
    if reported is not None:
        at.session_state["device_token"] = reported
    at.run(timeout=30)
    assert not at.exception
    assert f"token={expected}" in [m.value for m in at.markdown]


# --- real browser ----------------------------------------------------------


@pytest.fixture(scope="module")
def server_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    require_chromium()
    work = tmp_path_factory.mktemp("tokdemo")
    app = work / "app.py"
    app.write_text(SCRIPT)
    with streamlit_server(app, work / "server.log") as url:
        yield url + "/"


@pytest.fixture(scope="module")
def chromium(server_url: str) -> Iterator[Any]:
    with chromium_browser() as browser:
        yield browser


def _new_page(browser: Any, init_script: str | None = None) -> Any:
    return new_page(browser, init_script=init_script)


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
