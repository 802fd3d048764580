"""Record what a fresh phone-sized Chromium fetches for a join link.

    python -m benchmarks.record_browser [--out benchmarks/recorded/phone-join.json]

Starts the served stack (``python serve.py``, one worker: what phones meet at
an event, including its copy of Streamlit's files) on a fresh database (the
demo's open pulse), opens ``/?code=CODE`` in Debian's Chromium at phone size
with an empty cache, waits until the questions are drawn (Streamlit fetches the
radio's script only when a radio is first drawn, so the Send button can appear
before them), and writes every HTTP request the page made, in
order (method, path with the code replaced by ``{code}``, resource type). The
websocket is recorded as one entry, not replayed over HTTP. ``benchmarks.hall``
replays this list for every simulated phone, so when Streamlit is upgraded (new
bundle names, more or fewer chunks) re-running this script keeps the benchmark
honest.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import streamlit

from benchmarks.servers import APP_SCRIPT, ServedServer

DEFAULT_OUT = Path(__file__).resolve().parent / "recorded" / "phone-join.json"
CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}
# The form is ready when its questions are: the first answer box is drawn.
FORM_READY = "[class*='st-key-answer-'] [data-testid='stRadioOption']"


def record(out: Path) -> dict:
    from playwright.sync_api import sync_playwright

    from storage.db import open_store
    from storage.demo import open_demo_code, seed_demo_if_empty

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "pulse.db"
        store = open_store(db)
        seed_demo_if_empty(store)
        code = open_demo_code(store)
        store.close()
        assert code, "the demo has no open pulse"
        server = ServedServer(APP_SCRIPT, db, Path(tmp) / "server.log", workers=1)
        server.start()
        try:
            requests = _browse(sync_playwright, server.port, code)
        finally:
            server.stop()
    recording = {
        "streamlit": streamlit.__version__,
        "recorded": time.strftime("%Y-%m-%d"),
        "browser": "Debian chromium, 390x844 phone, empty cache",
        "server": "python serve.py --workers 1",
        "join_path": "/?code={code}",
        "requests": requests,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(recording, indent=1) + "\n")
    return recording


def _browse(sync_playwright, port: int, code: str) -> list[dict]:
    seen: list[dict] = []

    def on_request(request) -> None:
        parts = urlsplit(request.url)
        if parts.port != port:
            return
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        seen.append(
            {
                "method": request.method,
                "path": path.replace(code, "{code}"),
                "type": request.resource_type,
            }
        )

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
            ],
        )
        try:
            context = browser.new_context(
                viewport=PHONE, is_mobile=True, has_touch=True
            )
            page = context.new_page()
            page.on("request", on_request)
            page.goto(f"http://127.0.0.1:{port}/?code={code}")
            page.locator(FORM_READY).first.wait_for(timeout=60_000)
            page.wait_for_timeout(2000)  # late chunks (fonts, icons) after the form
        finally:
            browser.close()
    return seen


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    recording = record(args.out)
    kinds: dict[str, int] = {}
    for r in recording["requests"]:
        kinds[r["type"]] = kinds.get(r["type"], 0) + 1
    print(f"{len(recording['requests'])} requests recorded to {args.out}: {kinds}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
