"""Bounded resources on a real server (issue 10, finding 16): nothing a client
sends may exceed 1 MB, and one address holds a bounded number of sessions."""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest
from streamlit.proto.BackMsg_pb2 import BackMsg

from storage.db import Store
from tests.e2e.harness import (
    chromium_browser,
    new_page,
    require_chromium,
    served_app,
)
from tests.fixtures import make_open_pulse

pytestmark = pytest.mark.e2e
MESSAGE_TOO_BIG = 1009  # RFC 6455 close code


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    def one_open_pulse(store: Store) -> int:
        return make_open_pulse(store).programme_id  # data there: no demo seeding

    env = {"PULSE_SESSIONS_PER_ADDRESS": "2"}
    work = tmp_path_factory.mktemp("bounds")
    with served_app(work, prepare=one_open_pulse, env=env) as app:
        yield app.url


def rerun_with_text(size: int) -> bytes:
    """A well-formed rerun request carrying one text widget value of ``size``
    characters: what a script sends instead of typing into the form."""
    message = BackMsg()
    widget = message.rerun_script.widget_states.widgets.add()
    widget.id = "comment"
    widget.string_value = "x" * size
    return message.SerializeToString()


def test_a_20_megabyte_text_value_closes_the_connection(server: str) -> None:
    """Finding 16: one 20 MB text value was accepted and held per session."""
    sync_client = pytest.importorskip("websockets.sync.client")
    closed = pytest.importorskip("websockets.exceptions").ConnectionClosed
    stream = server.replace("http://", "ws://") + "/_stcore/stream"
    with (
        sync_client.connect(stream, subprotocols=["streamlit"], max_size=None) as ws,
        pytest.raises(closed) as ended,
    ):
        ws.send(rerun_with_text(20_000_000))
        for _ in range(100):  # whatever the server sends first, then the close
            ws.recv(timeout=20)
    # The server refuses the frame from its header: it closes with 1009, or, when
    # the close frame races our still-running send, drops the connection.
    received = ended.value.rcvd
    assert received is None or received.code == MESSAGE_TOO_BIG
    with urllib.request.urlopen(f"{server}/_stcore/health", timeout=10) as health:
        assert health.status == 200  # and it keeps serving everyone else


def test_a_normal_sized_message_is_taken(server: str) -> None:
    sync_client = pytest.importorskip("websockets.sync.client")
    stream = server.replace("http://", "ws://") + "/_stcore/stream"
    with sync_client.connect(stream, subprotocols=["streamlit"], max_size=None) as ws:
        ws.send(rerun_with_text(1000))
        assert ws.recv(timeout=20)  # the app answers


def test_sessions_per_address_are_bounded(server: str) -> None:
    require_chromium()
    with chromium_browser() as browser:
        pages: list[Any] = []
        for _ in range(2):
            page = new_page(browser, phone=True)
            page.goto(server)
            page.get_by_text("Join a pulse").first.wait_for()
            pages.append(page)
        third = new_page(browser, phone=True)
        third.goto(server)
        third.get_by_text("Too many pages of Together Pulse").wait_for()
        assert third.get_by_text("Code on the screen").count() == 0
        pages[0].context.close()  # one person leaves: room for another
        fourth = new_page(browser, phone=True)
        fourth.goto(server)
        fourth.get_by_text("Join a pulse").first.wait_for()
