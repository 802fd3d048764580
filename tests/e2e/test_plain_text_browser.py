"""Typed names never make a browser fetch anything (issue 10, finding 9).

A programme, session, group, question and action named with a Markdown image
and an HTML image pointing at a local HTTP server that counts requests: every
participant and facilitator page is opened in Chromium, and the server must
see no request, while the names are shown literally.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from storage import actions, programmes, responses
from storage.db import Store
from tests.e2e.harness import (
    chromium_browser,
    free_port,
    new_page,
    screenshot,
    served_app,
    sign_in,
)

pytestmark = pytest.mark.e2e


class Counter(http.server.BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@dataclass
class Setup:
    url: str
    name: str
    code: str
    programme_id: int
    pulse_id: int


@pytest.fixture(scope="module")
def counter() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory, counter: str) -> Iterator[Setup]:
    name = f'![]({counter}/md.gif) **bold** <img src="{counter}/html.gif">'
    opened: list[programmes.PulseInfo] = []

    def hostile_names(store: Store) -> int:
        """A programme whose every name, question and prompt is ``name``: two
        closed pulses with answers and an open one."""
        programme_id = programmes.create_programme(store, name, [f"Team {name}", "Ed"])
        groups = programmes.programme_groups(store, programme_id)
        question_id = programmes.add_question(
            store, programme_id, "safety", name, False
        )
        session_id = programmes.add_session(store, programme_id, name)
        for moment in ("before", "after"):
            closed = programmes.create_pulse(store, session_id, moment)
            programmes.open_pulse(store, closed.id)
            questions = programmes.pulse_questions(store, closed.id)
            for group in groups:
                for value in (3, 4, 5, 6, 5, 4):
                    responses.submit_response(
                        store,
                        closed.id,
                        {q.id: value for q in questions},
                        group_id=group.id,
                    )
            programmes.close_pulse(store, closed.id)
        actions.add_action(store, programme_id, name, session_id=session_id)
        pulse = programmes.create_pulse(
            store, session_id, "during", question_ids=[question_id], comment_prompt=name
        )
        programmes.open_pulse(store, pulse.id)
        opened.append(pulse)
        return programme_id

    work = tmp_path_factory.mktemp("plain")
    with served_app(work, prepare=hostile_names) as app:
        pulse = opened[0]
        yield Setup(app.url, name, pulse.code, app.programme_id, pulse.id)


FACILITATOR_PAGES = (
    "facilitator",
    "live",
    "present",
    "questions",
    "trends",
    "comments",
)


def test_typed_names_fetch_nothing_and_show_literally(setup: Setup) -> None:
    Counter.hits.clear()
    with chromium_browser() as browser:
        phone = new_page(browser, phone=True)
        phone.goto(f"{setup.url}/?code={setup.code}")
        phone.get_by_text("Send my answers").wait_for()
        phone.get_by_text("**bold**").first.wait_for()  # shown as typed
        phone.get_by_text(f"Team {setup.name}").wait_for()  # a group option
        screenshot(phone, "plain-text-participant")
        phone.wait_for_timeout(1000)
        laptop = new_page(browser, phone=False)
        for index, path in enumerate(FACILITATOR_PAGES):
            laptop.goto(
                f"{setup.url}/{path}?programme={setup.programme_id}"
                f"&pulse={setup.pulse_id}"
            )
            if index == 0:
                sign_in(laptop)  # then signed in across page loads (cookie)
            laptop.get_by_text("**bold**").first.wait_for()
            laptop.wait_for_timeout(1500)  # let images, if any, be requested
            screenshot(laptop, f"plain-text-{path}")
    assert Counter.hits == []
