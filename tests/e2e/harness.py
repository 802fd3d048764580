"""Start a real ``streamlit run`` server on a free loopback port, and Chromium.

Playwright cannot download a browser here: Debian's ``/usr/bin/chromium`` is
used. Every wait is bounded; servers are stopped in teardown.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from storage.db import Store, open_store
from storage.demo import build_demo, open_demo_code
from tests.fixtures import APP, PASSPHRASE

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
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
SERVER_START_TIMEOUT_S = 60
# serve.py compresses Streamlit's static files on a machine's first run (~15 s).
SERVE_START_TIMEOUT_S = 120
WAIT_MS = 20_000
PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


def require_chromium() -> None:
    if not CHROMIUM.exists():
        pytest.skip(
            f"browser tests skipped: {CHROMIUM} is absent "
            "(install Debian's chromium: apt-get update && apt-get install chromium)"
        )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def streamlit_server(
    app: Path, log_path: Path, env: Mapping[str, str] | None = None
) -> Iterator[str]:
    """Run ``streamlit run app`` from the repo root (so .streamlit/config.toml
    applies); yield its base URL once healthy."""
    port = free_port()
    pythonpath = [str(REPO_ROOT), os.environ.get("PYTHONPATH", "")]
    full_env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, pythonpath)),
        **(env or {}),
    }
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                pytest.fail(f"streamlit exited early:\n{log_path.read_text()}")
            if _healthy(url):
                break
            if time.monotonic() > deadline:
                pytest.fail(f"streamlit not healthy in time:\n{log_path.read_text()}")
            time.sleep(0.2)
        yield url
    finally:
        stop(proc, grace_s=10)


def stop(proc: subprocess.Popen, *, grace_s: float) -> None:
    """SIGTERM, as a service manager would; SIGKILL if it has not gone after
    ``grace_s`` seconds."""
    proc.terminate()
    try:
        proc.wait(timeout=grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
            return r.status == 200
    except OSError:
        return False


@dataclasses.dataclass
class App:
    """``streamlit run app.py`` over a database of its own: the address a
    browser opens and the store a test prepares and inspects."""

    url: str
    store: Store
    programme_id: int
    code: str | None
    """The join code of the demo's open pulse when the server started."""


@contextlib.contextmanager
def served_app(
    work: Path,
    *,
    prepare: Callable[[Store], int] = build_demo,
    env: Mapping[str, str] | None = None,
) -> Iterator[App]:
    """Prepare a fresh database in ``work`` (the demo by default; ``prepare``
    returns the programme a test is about), then serve it with the tests'
    facilitator passphrase. Every e2e module starts its app here."""
    db_path = work / "pulse.db"
    store = open_store(db_path)
    try:
        programme_id = prepare(store)
        full_env = {
            "PULSE_DB": str(db_path),
            "PULSE_FACILITATOR_PASSWORD": PASSPHRASE,
            **(env or {}),
        }
        with streamlit_server(Path(APP), work / "server.log", full_env) as url:
            yield App(url, store, programme_id, open_demo_code(store))
    finally:
        store.close()


@contextlib.contextmanager
def chromium_browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(
    browser: Any, *, phone: bool = True, init_script: str | None = None
) -> Any:
    """A page in a fresh context (its own, empty localStorage)."""
    context = browser.new_context(
        viewport=PHONE if phone else LAPTOP, is_mobile=phone, has_touch=phone
    )
    context.set_default_timeout(WAIT_MS)
    if init_script:
        context.add_init_script(init_script)
    return context.new_page()


def sign_in(page: Any, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase into the facilitator sign-in and wait until signed
    in. Streamlit keeps inputs inert until the page's first run has settled,
    so wait for that before typing."""
    box = page.get_by_label("Facilitator passphrase")
    box.wait_for()
    page.wait_for_selector(
        "[data-testid=stApp][data-test-script-state=notRunning]", state="attached"
    )
    page.wait_for_timeout(800)
    box.focus()
    page.keyboard.type(passphrase)
    page.keyboard.press("Enter")
    page.get_by_role("button", name="Sign out").wait_for()


def screenshot(page: Any, name: str) -> Path:
    """Save a test artefact a person can look at (test-artifacts/NAME.png)."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@dataclasses.dataclass
class Served:
    """A running ``python serve.py``: ``url`` is Caddy's loopback address;
    ``output`` is what it printed (join link, QR, where the passphrase is)."""

    url: str
    output: Path
    log_dir: Path
    proc: subprocess.Popen

    def printed(self) -> str:
        return self.output.read_text()

    def join_url(self) -> str:
        match = re.search(r"Participants join at:\s+(\S+)", self.printed())
        assert match, f"no join link printed:\n{self.printed()}"
        return match.group(1)


@contextlib.contextmanager
def served_stack(
    work: Path, env: Mapping[str, str] | None = None, workers: int = 2
) -> Iterator[Served]:
    """Run ``python serve.py`` (Caddy and ``workers`` Streamlit processes) on a
    free loopback port; yield once it has printed its banner. Stopped with
    SIGTERM, as a service manager would, and every child with it."""
    port = free_port()
    output = work / "serve-output.txt"
    log_dir = work / "logs"
    cmd = [
        sys.executable, str(REPO_ROOT / "serve.py"),
        "--host", "127.0.0.1", "--port", str(port),
        "--workers", str(workers), "--log-dir", str(log_dir),
    ]  # fmt: skip
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(output, "wb") as out:
        proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT
        )
    served = Served(f"http://127.0.0.1:{port}", output, log_dir, proc)
    try:
        deadline = time.monotonic() + SERVE_START_TIMEOUT_S
        while "Ctrl-C stops" not in output.read_text():
            if proc.poll() is not None:
                pytest.fail(f"serve.py exited early:\n{output.read_text()}")
            if time.monotonic() > deadline:
                pytest.fail(f"serve.py did not start in time:\n{output.read_text()}")
            time.sleep(0.2)
        yield served
    finally:
        stop(proc, grace_s=20)
