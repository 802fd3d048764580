"""Streamlit's websocket protocol as a browser speaks it, without a browser.

A ``Client`` sends ``BackMsg`` protobufs (the installed ``streamlit`` package's
own classes) and folds the ``ForwardMsg`` replies into a ``Page``: the widgets,
texts, metrics and fragments a browser would know about, so scenarios can find
the form by label and widget key, never by hard-coded ids.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

TARGET_RATE = 30.0
TARGET_SUBMIT_P95_MS = 500.0
RATE_TOLERANCE = 0.01  # asyncio timer granularity when judging the arrival rate

XSRF_COOKIE = "_streamlit_xsrf"
STREAM_PATH = "/_stcore/stream"
THANK_YOU = "Your answers are in"
GROUP_LABEL = "Which group are you part of?"
NO_GROUP = "Prefer not to say"
SUBMIT_LABEL = "Send my answers"
ANSWER_KEY_PREFIX = "answer-"
DEVICE_TOKEN_COMPONENT = "together_pulse_device_token"
MINIMAL_RADIO_LABEL = "Pick one"
MINIMAL_BUTTON_LABEL = "Send"
# Facilitator dashboards (ui/access.py, screens/facilitator/live.py, ui/live_views.py).
PASSPHRASE_ENV = "PULSE_FACILITATOR_PASSWORD"
DASHBOARD_PASSPHRASE = "benchmark passphrase 1"
PASSPHRASE_LABEL = "Facilitator passphrase"
SIGN_IN_LABEL = "Sign in"
LIVE_URL_PATH = "live"
LIVE_TITLE = "Live room"
REVEAL_LABEL = "Reveal results"
REVEAL_KEY_PREFIX = "reveal-"
ANSWERS_METRIC = "Answers"

FINISHED_OK = ForwardMsg.FINISHED_SUCCESSFULLY
FINISHED_FRAGMENT_OK = ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
FINISHED_COMPILE_ERROR = ForwardMsg.FINISHED_WITH_COMPILE_ERROR

CLK_TCK = os.sysconf("SC_CLK_TCK")


class ParticipantError(Exception):
    """Something a participant saw that a real phone would show as a failure."""


# --- the page as the browser would know it ------------------------------------


@dataclass
class Widget:
    kind: str
    id: str
    label: str
    form_id: str
    options: list[str] = field(default_factory=list)
    submitter: bool = False
    # Selectboxes, checkboxes/toggles: the value the browser holds for a widget
    # nobody touched (the default), and a value the server told it to show.
    default: str | bool | None = None
    set_value: bool = False
    value: str | bool | None = None
    # The @st.fragment that drew it: the browser reruns only that fragment when
    # this widget reports a value.
    fragment_id: str = ""

    @property
    def user_key(self) -> str | None:
        """The ``key=`` the script gave the widget (Streamlit puts it in the id)."""
        key = self.id.split("-", maxsplit=2)[-1]
        return None if key == "None" else key


@dataclass
class Page:
    """What one script run drew: widgets, visible texts, errors."""

    widgets: list[Widget] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    success: list[str] = field(default_factory=list)
    metrics: dict[str, str] = field(default_factory=dict)  # label -> value
    charts: int = 0

    def find(self, kind: str, pred: Callable[[Widget], bool]) -> list[Widget]:
        return [w for w in self.widgets if w.kind == kind and pred(w)]


class Client:
    """One websocket session: sends BackMsgs, folds ForwardMsgs into a Page."""

    def __init__(self, ws: websockets.ClientConnection):
        self.ws = ws
        self.page = Page()
        self.page_script_hash = ""
        self.bytes_in = 0
        self.messages_in = 0
        self.query_string: str | None = None  # as the script last set it
        self.app_pages: dict[str, str] = {}  # url path -> page script hash
        self.auto_reruns: dict[str, float] = {}  # fragment id -> interval (s)

    async def rerun(
        self,
        query_string: str,
        states: list[WidgetState],
        page_script_hash: str,
        *,
        page_name: str = "",
        fragment_id: str = "",
        is_auto_rerun: bool = False,
        keep_page: bool = False,
    ) -> None:
        """Send a rerun; ``keep_page`` keeps what earlier runs drew (a fragment
        rerun redraws only the fragment, the rest of the page stays)."""
        msg = BackMsg()
        rerun = msg.rerun_script
        rerun.query_string = query_string
        rerun.page_script_hash = page_script_hash
        rerun.page_name = page_name
        rerun.fragment_id = fragment_id
        rerun.is_auto_rerun = is_auto_rerun
        rerun.widget_states.widgets.extend(states)
        rerun.context_info.timezone = "UTC"
        rerun.context_info.timezone_offset = 0
        rerun.context_info.locale = "en-GB"
        if not keep_page:
            self.page = Page()
        await self.ws.send(msg.SerializeToString())

    async def next(self) -> ForwardMsg:
        data = await self.ws.recv()
        if isinstance(data, str):
            raise ParticipantError("text frame from server (expected protobuf)")
        self.bytes_in += len(data)
        self.messages_in += 1
        msg = ForwardMsg.FromString(data)
        self._absorb(msg)
        return msg

    async def until_finished(
        self, stop_when: Callable[[Page], bool] | None = None, fragment: bool = False
    ):
        """Read until a run finishes (or ``stop_when(page)`` holds); the status.

        ``fragment``: the run is a fragment rerun, which ends with its own status.
        """
        while True:
            msg = await self.next()
            kind = msg.WhichOneof("type")
            if kind == "script_finished":
                status = msg.script_finished
                if status == FINISHED_COMPILE_ERROR:
                    raise ParticipantError("script compile error")
                if status == FINISHED_OK or (
                    fragment and status == FINISHED_FRAGMENT_OK
                ):
                    return status
            elif kind == "page_not_found":
                raise ParticipantError("page not found")
            elif kind == "ref_hash":
                raise ParticipantError("server sent a cached-message reference")
            if stop_when is not None and stop_when(self.page):
                return None

    def _absorb(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_script_hash = msg.new_session.page_script_hash
        elif kind == "navigation":
            # With st.navigation the page that ran is the last navigation message.
            self.page_script_hash = msg.navigation.page_script_hash
            self.app_pages = {
                p.url_pathname: p.page_script_hash for p in msg.navigation.app_pages
            }
        elif kind == "page_info_changed":
            # st.query_params changed: the browser's URL (and later reruns) follow.
            self.query_string = msg.page_info_changed.query_string
        elif kind == "auto_rerun":
            self.auto_reruns[msg.auto_rerun.fragment_id] = msg.auto_rerun.interval
        elif kind == "stop_auto_rerun":
            for fragment_id in msg.stop_auto_rerun.fragment_ids:
                self.auto_reruns.pop(fragment_id, None)
        elif kind == "delta" and msg.delta.HasField("new_element"):
            before = len(self.page.widgets)
            self._absorb_element(msg.delta.new_element)
            for widget in self.page.widgets[before:]:
                widget.fragment_id = msg.delta.fragment_id

    def _absorb_element(self, el) -> None:
        kind = el.WhichOneof("type")
        page = self.page
        if kind == "radio":
            r = el.radio
            page.widgets.append(
                Widget("radio", r.id, r.label, r.form_id, list(r.options))
            )
        elif kind == "button_group":
            g = el.button_group
            options = [o.content for o in g.options]
            page.widgets.append(
                Widget("button_group", g.id, g.label, g.form_id, options)
            )
        elif kind == "button":
            b = el.button
            page.widgets.append(
                Widget(
                    "button", b.id, b.label, b.form_id, submitter=b.is_form_submitter
                )
            )
        elif kind == "bidi_component":
            c = el.bidi_component
            page.widgets.append(Widget("bidi_component", c.id, c.component_name, ""))
        elif kind == "selectbox":
            s = el.selectbox
            options = list(s.options)
            default = options[s.default] if s.HasField("default") and options else None
            raw = s.raw_value if s.HasField("raw_value") else None
            page.widgets.append(
                Widget(
                    "selectbox",
                    s.id,
                    s.label,
                    s.form_id,
                    options,
                    default=default,
                    set_value=s.set_value,
                    value=raw,
                )
            )
        elif kind == "checkbox":  # st.checkbox and st.toggle
            c = el.checkbox
            page.widgets.append(
                Widget(
                    "checkbox",
                    c.id,
                    c.label,
                    c.form_id,
                    default=c.default,
                    set_value=c.set_value,
                    value=c.value,
                )
            )
        elif kind == "text_input":
            t = el.text_input
            page.widgets.append(Widget("text_input", t.id, t.label, t.form_id))
        elif kind == "metric":
            page.metrics[el.metric.label] = el.metric.body
        elif kind in ("vega_lite_chart", "plotly_chart"):
            page.charts += 1
        elif kind == "alert":
            a = el.alert
            page.texts.append(a.body)
            if a.format == Alert.ERROR:
                page.errors.append(a.body)
            elif a.format == Alert.SUCCESS:
                page.success.append(a.body)
        elif kind == "exception":
            page.errors.append(f"{el.exception.type}: {el.exception.message}")
        elif kind == "markdown":
            page.texts.append(el.markdown.body)
        elif kind == "heading":
            page.texts.append(el.heading.body)


def _state(widget_id: str, **value) -> WidgetState:
    state = WidgetState(id=widget_id)
    for name, v in value.items():
        if name == "string_array_value":
            state.string_array_value.data.extend(v)
        else:
            setattr(state, name, v)
    return state


async def http_get(port: int, path: str) -> tuple[int, dict, bytes]:
    """A minimal HTTP/1.1 GET (no dependency): status, lower-cased headers, body."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            "User-Agent: together-pulse-benchmark\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        raw = await reader.read()
    finally:
        writer.close()
        with contextlib.suppress(Exception):
            await writer.wait_closed()
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers.setdefault(name.strip().lower(), value.strip())
    return status, headers, body


def xsrf_from(headers: dict) -> str | None:
    cookie = headers.get("set-cookie", "")
    name, _, rest = cookie.partition("=")
    return rest.split(";")[0] if name.strip() == XSRF_COOKIE else None
