"""Participant load benchmark: a room of phones arriving at once, no browser.

Speaks Streamlit's own websocket protocol (``BackMsg``/``ForwardMsg`` protobufs
from the installed ``streamlit`` package) to simulate N participants arriving
at R per second. Each participant:

1. fetches ``/?code=CODE``, ``/_stcore/health`` (which sets the XSRF cookie) and
   ``/_stcore/host-config`` over HTTP, as the browser does before it connects;
2. opens ``ws://HOST/_stcore/stream`` offering the subprotocols
   ``["streamlit", <xsrf cookie value>]`` with that cookie, and sends a
   ``rerun_script`` BackMsg with ``query_string="code=CODE"``;
3. waits for ``script_finished`` (page load), reads the form's widgets from the
   deltas (the group radio, one segmented control per question, the form's
   submit button; matched by label and widget key, never by hard-coded ids);
4. sends ONE ``rerun_script`` BackMsg carrying every item (random 1..7), the
   group and the submit button's ``trigger_value`` (what the browser sends when
   "Send my answers" is pressed in an ``st.form``), and waits for the
   thank-you text in the resulting deltas (submit latency), then for the end
   of that run, and closes the websocket.

The script starts its own server (``streamlit run app.py`` on a free
127.0.0.1 port, ``PULSE_DB`` set to a fresh temporary database), reads the open
demo pulse's code from the database, runs the load, checks the database holds
exactly the acknowledged responses, and stops the server. In the same run it
drives ``benchmarks/minimal_app/app.py`` (one radio, one button) with the same
pattern and prints our figures as a ratio to that floor.

    python -m benchmarks.participants --participants 300 --rate 30
    python -m benchmarks.participants --rate 30 --soak-minutes 10
    python -m benchmarks.participants --participants 300 --rate 30 --dashboards 2

``--dashboards D`` adds D facilitators watching the Live room while the room
answers. Before the first participant arrives, each dashboard opens
``/live?programme=P&pulse=ID`` (the open pulse) as a browser does (the initial
``rerun_script`` names the page by its URL path, ``page_name="live"``; the
``navigation`` message's ``app_pages`` give the page's script hash, which every
later rerun carries), submits the sign-in form (the passphrase in the text
input, the "Sign in" submit trigger; the server is started with
``PULSE_FACILITATOR_PASSWORD``, and each sign-in costs one scrypt hash) and
turns on "Reveal results". It then does what the browser does when the live
view's ``@st.fragment(run_every=3)`` timer fires: the server announces the
fragment in an ``auto_rerun`` ForwardMsg (fragment id, interval), and every
interval the browser sends a ``rerun_script`` with that ``fragment_id``,
``is_auto_rerun`` and all its widget values (the toggle, the sidebar
pickers). Refresh latency is from that BackMsg to the fragment run's
``script_finished``. Each refresh takes the database write lock (the release
snapshot), so it contends with the participants' submits. A refresh still
running when the next tick is due skips that tick (counted as a late tick; a
browser would queue another). When the participants are done each dashboard
refreshes once more, and its "Answers" figure must equal the stored count.

"Lost" is an acknowledged answer missing from the database; "extra" is a stored
answer nobody saw a thank-you for (a participant that timed out after the
server committed: on a phone, a likely retry).

Not emulated by default: the device-token component's report (in a browser it
costs one extra script run per session; ``--device-token`` emulates it), think
time (``--think-seconds``). Never emulated: static assets (the JS bundle a
first-time phone downloads), heartbeats, reconnects.

The server is one Python process: its script threads share one GIL, so it uses
about one of the machine's cores however many there are; the load generator
(and anything else running) competes with it, and the report says how much.
``--streamlit-option NAME=VALUE`` passes extra options to both servers for A/B
runs (e.g. ``server.fileWatcherType=none``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import random
import resource
import secrets
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import websockets
from streamlit.proto.Alert_pb2 import Alert
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_SCRIPT = REPO_ROOT / "app.py"
MINIMAL_SCRIPT = REPO_ROOT / "benchmarks" / "minimal_app" / "app.py"

# DESIGN.md, Performance: the participant path target on a 2-core machine.
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
# Facilitator dashboards (ui/access.py, pages/facilitator/live.py, ui/live_views.py).
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
    ) -> None:
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
            self._absorb_element(msg.delta.new_element)

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


# --- the two apps' participant scripts ---------------------------------------------


@dataclass
class Submission:
    states: list[WidgetState]
    group: str | None = None  # the radio option sent
    answers: int = 0  # how many items were answered


class PulseScenario:
    """The join page: answer every item and a group, press "Send my answers"."""

    name = "Together Pulse"

    def __init__(self, code: str, device_token: bool):
        self.query_string = f"code={code}"
        self.device_token = device_token

    def token_report(self, page: Page) -> list[WidgetState]:
        """What the device-token component's JavaScript reports after mounting."""
        found = page.find("bidi_component", lambda w: w.label == DEVICE_TOKEN_COMPONENT)
        if not found:
            raise ParticipantError("device-token component not on the page")
        token = secrets.token_hex(32)
        return [_state(found[0].id, json_value=json.dumps({"token": token}))]

    def submission(self, page: Page, rng: random.Random) -> Submission:
        if page.errors:
            raise ParticipantError(f"page shows an error: {page.errors[0][:120]}")
        submit = page.find("button", lambda w: w.submitter and w.label == SUBMIT_LABEL)
        if len(submit) != 1:
            texts = " | ".join(t[:60] for t in page.texts[:4])
            raise ParticipantError(f"no '{SUBMIT_LABEL}' button (page: {texts})")
        form_id = submit[0].form_id
        items = page.find(
            "button_group",
            lambda w: (
                w.form_id == form_id
                and (w.user_key or "").startswith(ANSWER_KEY_PREFIX)
            ),
        )
        if not items:
            raise ParticipantError("form has no answer items")
        states = []
        for item in items:
            value = str(rng.randint(1, 7))
            if value not in item.options:
                raise ParticipantError(f"item options are {item.options}, not 1..7")
            states.append(_state(item.id, string_array_value=[value]))
        group = None
        radios = page.find(
            "radio", lambda w: w.form_id == form_id and w.label == GROUP_LABEL
        )
        if radios:
            group = rng.choice(radios[0].options)
            states.append(_state(radios[0].id, string_value=group))
        states.append(_state(submit[0].id, trigger_value=True))
        return Submission(states, group, len(items))

    @staticmethod
    def acknowledged(page: Page) -> bool:
        return any(THANK_YOU in text for text in page.success)


class MinimalScenario:
    """The floor: pick a radio option and press the button."""

    name = "minimal app"
    query_string = ""
    device_token = False

    def submission(self, page: Page, rng: random.Random) -> Submission:
        radios = page.find("radio", lambda w: w.label == MINIMAL_RADIO_LABEL)
        buttons = page.find("button", lambda w: w.label == MINIMAL_BUTTON_LABEL)
        if not radios or not buttons:
            raise ParticipantError("minimal app: radio or button missing")
        choice = rng.choice(radios[0].options)
        return Submission(
            [
                _state(radios[0].id, string_value=choice),
                _state(buttons[0].id, trigger_value=True),
            ],
            choice,
        )

    @staticmethod
    def acknowledged(page: Page) -> bool:
        return False  # done when the run finishes


class OpenOnly:
    """Open the app without a code (the first session seeds the demo)."""

    name = "open"
    query_string = ""
    device_token = False


# --- one participant ---------------------------------------------------------------


@dataclass
class Outcome:
    index: int
    arrived: float = 0.0  # perf_counter when the participant started
    lag: float = 0.0  # how late the arrival was against its schedule
    http_s: float | None = None
    load_s: float | None = None  # websocket connect -> first script_finished
    token_s: float | None = None  # emulated device-token rerun
    submit_s: float | None = None  # submit BackMsg -> thank-you delta
    finish_s: float | None = None  # submit BackMsg -> end of the resulting run
    done: float | None = None  # perf_counter at acknowledgement
    acknowledged: bool = False
    group: str | None = None
    answers: int = 0
    bytes_in: int = 0
    messages_in: int = 0
    error: str | None = None
    phase: str = "start"
    client: Client | None = field(default=None, repr=False)


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


def budget(args: argparse.Namespace) -> float:
    """Seconds one participant may take in all before it counts as an error."""
    return 2 * args.timeout + 1.5 * args.think_seconds


async def participant(
    index: int,
    scheduled: float,
    port: int,
    scenario,
    rng: random.Random,
    args: argparse.Namespace,
    submit: bool = True,
) -> Outcome:
    """One phone: open the link, (report a token,) answer, submit, see thanks.

    Each phase has ``args.timeout``; the whole participant ``budget(args)``.
    """
    out = Outcome(index, arrived=time.perf_counter())
    out.lag = max(0.0, out.arrived - scheduled)
    try:
        async with asyncio.timeout(budget(args)):
            await _participant(out, port, scenario, rng, args, submit)
    except ParticipantError as exc:
        out.error = str(exc)
    except TimeoutError:
        out.error = f"timeout in phase '{out.phase}'"
    except websockets.ConnectionClosed as exc:
        out.error = f"websocket closed in phase '{out.phase}': {exc}"
    except (OSError, websockets.InvalidHandshake) as exc:
        out.error = f"{type(exc).__name__} in phase '{out.phase}': {exc}"
    if out.client is not None:
        out.bytes_in, out.messages_in = out.client.bytes_in, out.client.messages_in
        out.client = None
    return out


async def _participant(
    out: Outcome, port: int, scenario, rng: random.Random, args, submit: bool
) -> None:
    qs = scenario.query_string
    timeout = args.timeout
    cookie = args.shared_cookie
    if not args.no_http:
        # What the browser fetches before opening the websocket; the health
        # check is where it gets its XSRF cookie.
        out.phase = "http"
        t = time.perf_counter()
        async with asyncio.timeout(timeout):
            await http_get(port, "/" + (f"?{qs}" if qs else ""))
            status, headers, _ = await http_get(port, "/_stcore/health")
            if status != 200:
                raise ParticipantError(f"health check HTTP {status}")
            cookie = xsrf_from(headers)
            await http_get(port, "/_stcore/host-config")
        out.http_s = time.perf_counter() - t
    out.phase = "connect"
    t0 = time.perf_counter()
    async with asyncio.timeout(timeout):
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}{STREAM_PATH}",
            # As the browser: ["streamlit", <XSRF cookie value>].
            subprotocols=["streamlit", cookie or "PLACEHOLDER_AUTH_TOKEN"],
            additional_headers=(
                {"Cookie": f"{XSRF_COOKIE}={cookie}"} if cookie else None
            ),
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
            compression="deflate" if args.ws_compression else None,
            open_timeout=None,
            close_timeout=2,
        )
    async with ws:
        client = out.client = Client(ws)
        out.phase = "load"
        async with asyncio.timeout(timeout):
            await client.rerun(qs, [], "")
            await client.until_finished()
        out.load_s = time.perf_counter() - t0
        if not submit:
            return
        token_states: list[WidgetState] = []
        if scenario.device_token:
            out.phase = "token"
            token_states = scenario.token_report(client.page)
            t = time.perf_counter()
            async with asyncio.timeout(timeout):
                await client.rerun(qs, token_states, client.page_script_hash)
                await client.until_finished()
            out.token_s = time.perf_counter() - t
            if client.page.errors:
                raise ParticipantError(f"after token: {client.page.errors[0][:120]}")
        if args.think_seconds:  # a person reading and tapping
            out.phase = "think"
            await asyncio.sleep(rng.uniform(0.5, 1.5) * args.think_seconds)
        sub = scenario.submission(client.page, rng)
        out.group, out.answers = sub.group, sub.answers
        out.phase = "submit"
        t1 = time.perf_counter()
        async with asyncio.timeout(timeout):
            await client.rerun(
                qs, [*token_states, *sub.states], client.page_script_hash
            )
            # Our app: stop at the thank-you delta; the floor: at the run's end.
            status = await client.until_finished(scenario.acknowledged)
            if status is None:  # the thank-you arrived
                out.submit_s = time.perf_counter() - t1
                out.acknowledged, out.done = True, time.perf_counter()
                out.phase = "finish"
                await client.until_finished()
            out.finish_s = time.perf_counter() - t1
        if client.page.errors:
            raise ParticipantError(f"after submit: {client.page.errors[0][:120]}")
        if isinstance(scenario, MinimalScenario):
            out.submit_s = out.finish_s
            out.acknowledged, out.done = True, time.perf_counter()
        elif not out.acknowledged:
            texts = " | ".join(t[:60] for t in client.page.texts[:4])
            raise ParticipantError(f"run finished without thank-you ({texts})")
        out.phase = "close"


# --- facilitator dashboards --------------------------------------------------------


@dataclass(frozen=True)
class LiveTarget:
    """The pulse the dashboards watch (the open one the participants answer)."""

    programme_id: int
    pulse_id: int

    @property
    def query_string(self) -> str:
        return f"programme={self.programme_id}&pulse={self.pulse_id}"


@dataclass
class Refresh:
    done: float  # perf_counter when the fragment run finished
    latency_s: float  # auto-rerun BackMsg -> the fragment run's script_finished


@dataclass
class DashboardOutcome:
    index: int
    http_s: float | None = None
    load_s: float | None = None  # websocket connect -> sign-in page drawn
    sign_in_s: float | None = None  # "Sign in" pressed -> live room drawn
    reveal_s: float | None = None  # "Reveal results" on -> run finished
    refreshes: list[Refresh] = field(default_factory=list)
    late_ticks: int = 0  # ticks skipped: the previous refresh was still running
    interval_s: float | None = None  # the fragment's run_every
    final_s: float | None = None  # the refresh once the participants are done
    final_answers: int | None = None  # the "Answers" figure it drew
    final_charts: int = 0  # charts drawn in that last refresh (results revealed)
    refresh_bytes_in: int = 0  # ForwardMsg bytes of all the refreshes
    bytes_in: int = 0
    messages_in: int = 0
    error: str | None = None
    phase: str = "start"
    ready: asyncio.Event = field(default_factory=asyncio.Event, repr=False)


class Dashboard:
    """A facilitator's browser tab on the Live room: signed in, results revealed,
    refreshed by the live view fragment's ``run_every`` timer."""

    def __init__(
        self, out: DashboardOutcome, port: int, target: LiveTarget, args
    ) -> None:
        self.out, self.port, self.target, self.args = out, port, target, args
        self.client: Client | None = None
        self.live_hash = ""
        # What the browser's widget manager holds, sent with every rerun.
        self.states: dict[str, WidgetState] = {}

    @property
    def query_string(self) -> str:
        """The browser's URL query: the app rewrites it (st.query_params)."""
        qs = self.client.query_string if self.client else None
        return qs if qs is not None else self.target.query_string

    def _after_full_run(self, page: Page) -> None:
        """As the browser after a whole-page run: widgets outside forms keep their
        value (or take their default, or the value the server set); widgets no
        longer drawn are forgotten. Form values are sent only on submit, and
        buttons are one-shot triggers."""
        drawn = {w.id for w in page.widgets}
        for w in page.widgets:
            if w.form_id or w.kind not in ("selectbox", "checkbox"):
                continue
            if w.set_value:
                value = w.value
            elif w.id in self.states:
                continue
            else:
                value = w.default
            if value is None:
                self.states.pop(w.id, None)
            elif w.kind == "selectbox":
                self.states[w.id] = _state(w.id, string_value=value)
            else:
                self.states[w.id] = _state(w.id, bool_value=value)
        for widget_id in list(self.states):
            if widget_id not in drawn:
                del self.states[widget_id]

    async def _full_run(self, extra: list[WidgetState]) -> Page:
        client = self.client
        await client.rerun(
            self.query_string, [*self.states.values(), *extra], self.live_hash
        )
        await client.until_finished()
        if client.page.errors:
            raise ParticipantError(
                f"{self.out.phase}: page shows an error: {client.page.errors[0][:120]}"
            )
        self._after_full_run(client.page)
        return client.page

    async def open(self, ws: websockets.ClientConnection) -> None:
        """Load the live page, sign in, reveal results (before the participants)."""
        out, args = self.out, self.args
        client = self.client = Client(ws)
        t = time.perf_counter()
        out.phase = "load"
        async with asyncio.timeout(args.timeout):
            # First load of /live: the browser names the page by its URL path.
            await client.rerun(
                self.target.query_string, [], "", page_name=LIVE_URL_PATH
            )
            await client.until_finished()
        out.load_s = time.perf_counter() - t
        self.live_hash = client.app_pages.get(LIVE_URL_PATH, "")
        if not self.live_hash:
            raise ParticipantError(
                f"navigation lists no '{LIVE_URL_PATH}' page: "
                f"{sorted(client.app_pages)}"
            )
        if client.page_script_hash != self.live_hash:
            raise ParticipantError("opened another page than the live room")
        page = client.page
        self._after_full_run(page)
        secret = page.find("text_input", lambda w: w.label == PASSPHRASE_LABEL)
        sign_in = page.find(
            "button", lambda w: w.submitter and w.label == SIGN_IN_LABEL
        )
        if len(secret) != 1 or len(sign_in) != 1:
            texts = " | ".join(t[:60] for t in page.texts[:4])
            raise ParticipantError(f"no sign-in form (page: {texts})")

        out.phase = "sign-in"
        t = time.perf_counter()
        async with asyncio.timeout(args.timeout):
            page = await self._full_run(
                [
                    _state(secret[0].id, string_value=DASHBOARD_PASSPHRASE),
                    _state(sign_in[0].id, trigger_value=True),
                ]
            )
        out.sign_in_s = time.perf_counter() - t
        if LIVE_TITLE not in page.texts:
            texts = " | ".join(t[:60] for t in page.texts[:4])
            raise ParticipantError(f"signed in but no live room (page: {texts})")

        out.phase = "reveal"
        key = f"{REVEAL_KEY_PREFIX}{self.target.pulse_id}"
        reveal = page.find("checkbox", lambda w: w.user_key == key)
        if len(reveal) != 1 or reveal[0].label != REVEAL_LABEL:
            raise ParticipantError(f"no '{REVEAL_LABEL}' toggle keyed {key}")
        t = time.perf_counter()
        async with asyncio.timeout(args.timeout):
            self.states[reveal[0].id] = _state(reveal[0].id, bool_value=True)
            await self._full_run([])
        out.reveal_s = time.perf_counter() - t
        if len(client.auto_reruns) != 1:
            raise ParticipantError(
                f"expected one auto-rerun fragment, the server announced "
                f"{len(client.auto_reruns)}"
            )
        out.interval_s = next(iter(client.auto_reruns.values()))

    async def refresh(self) -> tuple[float, Page]:
        """What the browser sends when the fragment's run_every timer fires."""
        client = self.client
        if len(client.auto_reruns) != 1:
            raise ParticipantError("the server stopped the live view's auto-rerun")
        fragment_id = next(iter(client.auto_reruns))
        t = time.perf_counter()
        async with asyncio.timeout(self.args.timeout):
            await client.rerun(
                self.query_string,
                list(self.states.values()),
                self.live_hash,
                fragment_id=fragment_id,
                is_auto_rerun=True,
            )
            await client.until_finished(fragment=True)
        latency = time.perf_counter() - t
        page = client.page
        if page.errors:
            raise ParticipantError(f"refresh shows an error: {page.errors[0][:120]}")
        if ANSWERS_METRIC not in page.metrics:
            raise ParticipantError(f"refresh drew no '{ANSWERS_METRIC}' figure")
        return latency, page

    async def watch(self, stop: asyncio.Event, log: list[Refresh]) -> None:
        """Refresh every interval until ``stop``, then once more for the count."""
        out = self.out
        out.phase = "refresh"
        bytes0 = self.client.bytes_in
        interval = out.interval_s or 3.0
        next_tick = time.perf_counter() + interval
        while not stop.is_set():
            delay = next_tick - time.perf_counter()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                if stop.is_set():
                    break
            latency, _ = await self.refresh()
            refresh = Refresh(time.perf_counter(), latency)
            out.refreshes.append(refresh)
            log.append(refresh)
            next_tick += interval
            while next_tick <= time.perf_counter():
                out.late_ticks += 1
                next_tick += interval
        out.phase = "final refresh"
        out.final_s, page = await self.refresh()
        answers = page.metrics[ANSWERS_METRIC].replace(",", "")
        out.final_answers = int(answers) if answers.isdigit() else None
        out.final_charts = page.charts
        out.refresh_bytes_in = self.client.bytes_in - bytes0


async def dashboard(
    out: DashboardOutcome,
    port: int,
    target: LiveTarget,
    args: argparse.Namespace,
    stop: asyncio.Event,
    log: list[Refresh],
) -> DashboardOutcome:
    """One facilitator tab for the whole run; ``out.ready`` is set once it is
    signed in and revealed (or has failed)."""
    board = Dashboard(out, port, target, args)
    try:
        await _dashboard(board, port, args, stop, log)
    except ParticipantError as exc:
        out.error = str(exc)
    except TimeoutError:
        out.error = f"timeout in phase '{out.phase}'"
    except websockets.ConnectionClosed as exc:
        out.error = f"websocket closed in phase '{out.phase}': {exc}"
    except (OSError, websockets.InvalidHandshake) as exc:
        out.error = f"{type(exc).__name__} in phase '{out.phase}': {exc}"
    finally:
        out.ready.set()
        if board.client is not None:
            out.bytes_in = board.client.bytes_in
            out.messages_in = board.client.messages_in
    return out


async def _dashboard(
    board: Dashboard, port: int, args, stop: asyncio.Event, log: list[Refresh]
) -> None:
    out = board.out
    cookie = args.shared_cookie
    if not args.no_http:
        out.phase = "http"
        t = time.perf_counter()
        async with asyncio.timeout(args.timeout):
            await http_get(port, f"/{LIVE_URL_PATH}?{board.target.query_string}")
            status, headers, _ = await http_get(port, "/_stcore/health")
            if status != 200:
                raise ParticipantError(f"health check HTTP {status}")
            cookie = xsrf_from(headers)
            await http_get(port, "/_stcore/host-config")
        out.http_s = time.perf_counter() - t
    out.phase = "connect"
    async with asyncio.timeout(args.timeout):
        ws = await websockets.connect(
            f"ws://127.0.0.1:{port}{STREAM_PATH}",
            subprotocols=["streamlit", cookie or "PLACEHOLDER_AUTH_TOKEN"],
            additional_headers=(
                {"Cookie": f"{XSRF_COOKIE}={cookie}"} if cookie else None
            ),
            origin=f"http://127.0.0.1:{port}",
            max_size=None,
            compression="deflate" if args.ws_compression else None,
            open_timeout=None,
            close_timeout=2,
        )
    async with ws:
        await board.open(ws)
        out.ready.set()
        await board.watch(stop, log)
        out.phase = "close"


def summarise_dashboards(outs: list[DashboardOutcome]) -> dict:
    refreshes = [r for o in outs for r in o.refreshes]
    errors: dict[str, int] = {}
    for o in outs:
        if o.error:
            key = o.error[:140]
            errors[key] = errors.get(key, 0) + 1
    n_refresh = len(refreshes)
    return {
        "requested": len(outs),
        "signed_in": sum(o.sign_in_s is not None for o in outs),
        "interval_s": next((o.interval_s for o in outs if o.interval_s), None),
        "refreshes": n_refresh,
        "late_ticks": sum(o.late_ticks for o in outs),
        "refresh_ms": dist_ms([r.latency_s for r in refreshes]),
        "final_refresh_ms": dist_ms([o.final_s for o in outs]),
        "http_ms": dist_ms([o.http_s for o in outs]),
        "load_ms": dist_ms([o.load_s for o in outs]),
        "sign_in_ms": dist_ms([o.sign_in_s for o in outs]),
        "reveal_ms": dist_ms([o.reveal_s for o in outs]),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "final_answers": [o.final_answers for o in outs],
        "final_charts": [o.final_charts for o in outs],
        # (the final refresh after the participants included)
        "kb_in_per_refresh": (
            sum(o.refresh_bytes_in for o in outs)
            / (n_refresh + sum(o.final_s is not None for o in outs))
            / 1024
            if n_refresh
            else None
        ),
    }


# --- the server under test -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """``streamlit run SCRIPT`` on a free 127.0.0.1 port, cwd = repo root."""

    def __init__(
        self,
        script: Path,
        db_path: Path,
        log_path: Path,
        options: list[str] | None = None,
        env: dict[str, str] | None = None,
    ):
        self.script, self.db_path, self.log_path = script, db_path, log_path
        self.options = options or []
        self.env = env or {}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, wait_s: float = 60.0) -> None:
        env = dict(os.environ, PULSE_DB=str(self.db_path), **self.env)
        env.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
        cmd = [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            str(self.script.relative_to(REPO_ROOT)),
            "--server.port",
            str(self.port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ]
        for option in self.options:
            name, _, value = option.partition("=")
            cmd += [f"--{name}", value]
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            cmd, cwd=REPO_ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"server exited with {self.proc.returncode}:\n{self.log_tail()}"
                )
            try:
                status, _, _ = asyncio.run(
                    asyncio.wait_for(http_get(self.port, "/_stcore/health"), 2)
                )
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.25)
        self.stop()
        raise RuntimeError(f"server not healthy after {wait_s:g} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        with contextlib.suppress(Exception):
            self._log.close()

    def exit_note(self) -> str | None:
        """Why the server is gone, if it stopped before we stopped it."""
        if self.proc is None or self.proc.poll() is None:
            return None
        return (
            f"server exited DURING the run (code {self.proc.returncode}; a signal "
            f"from another process?):\n{self.log_tail(8)}"
        )

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        """Distinct warning/error/traceback lines the server logged."""
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return []
        seen: dict[str, int] = {}
        for line in text.splitlines():
            if any(w in line for w in ("WARNING", "ERROR", "Traceback", "Exception")):
                key = line.split(" ", 2)[-1][:160] if line[:4].isdigit() else line
                seen[key[:160]] = seen.get(key[:160], 0) + 1
        return [f"{n}x {line}" for line, n in seen.items()]

    def rss_mb(self) -> float | None:
        return rss_mb(self.proc.pid) if self.proc else None

    def cpu_s(self) -> float | None:
        return proc_cpu_s(self.proc.pid) if self.proc else None


def rss_mb(pid: int) -> float | None:
    try:
        import psutil  # optional

        return psutil.Process(pid).memory_info().rss / 2**20
    except ImportError:
        pass
    except Exception:
        return None
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def proc_cpu_s(pid: int) -> float | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime


def self_cpu_s() -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return ru.ru_utime + ru.ru_stime


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) jiffies over all cores, from /proc/stat."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    except OSError:
        return None
    values = [int(v) for v in first]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    total = sum(values[:8])
    return total - idle, total


def busy_pct_of_one_core(seconds: float = 1.0) -> float | None:
    """How busy the whole machine is right now, in % of one core."""
    m0 = machine_cpu()
    time.sleep(seconds)
    m1 = machine_cpu()
    if not m0 or not m1 or m1[1] <= m0[1]:
        return None
    return 100 * (m1[0] - m0[0]) / (m1[1] - m0[1]) * (os.cpu_count() or 1)


def wait_for_quiet(max_wait: float, threshold: float = 25.0) -> float | None:
    """Wait (bounded) until other processes leave the machine mostly idle."""
    deadline = time.monotonic() + max_wait
    busy = busy_pct_of_one_core()
    while busy is not None and busy > threshold and time.monotonic() < deadline:
        print(f"  machine busy ({busy:.0f}% of one core); waiting for quiet ...")
        time.sleep(5)
        busy = busy_pct_of_one_core()
    return busy


# --- database checks ----------------------------------------------------------------


def db_query(path: Path, sql: str, params=()) -> list[tuple]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


@dataclass
class DbSnapshot:
    responses: int
    answers: int
    by_group: dict[str, int]
    device_hashes: int  # rows in submissions (only with a device token)


def db_snapshot(path: Path, pulse_id: int) -> DbSnapshot:
    responses = db_query(
        path, "SELECT count(*) FROM responses WHERE pulse_id = ?", [pulse_id]
    )[0][0]
    answers = db_query(
        path, "SELECT count(*) FROM answers WHERE pulse_id = ?", [pulse_id]
    )[0][0]
    rows = db_query(
        path,
        "SELECT coalesce(g.name, ?), count(*) FROM responses r "
        "LEFT JOIN groups g ON g.id = r.group_id WHERE r.pulse_id = ? "
        "GROUP BY 1",
        [NO_GROUP, pulse_id],
    )
    hashes = db_query(
        path, "SELECT count(*) FROM submissions WHERE pulse_id = ?", [pulse_id]
    )[0][0]
    return DbSnapshot(responses, answers, dict(rows), hashes)


# --- running a load -----------------------------------------------------------------


@dataclass
class Sample:
    t: float
    arrived: int
    done: int  # acknowledged so far
    errors: int  # so far
    rss_mb: float | None
    # The rest are over the interval since the previous sample:
    server_cpu_pct: float | None  # of one core
    server_cpu_ms_per_ack: float | None  # does the app get dearer as data grows?
    others_cpu_pct: float | None  # other processes + kernel, of one core
    submit_p95_ms: float | None  # of participants who finished in the interval
    refreshes: int = 0  # dashboard refreshes so far
    refresh_p95_ms: float | None = None  # of dashboard refreshes in the interval


async def sampler(
    server: Server,
    t0: float,
    every: float,
    outcomes: list[Outcome],
    counter: dict,
    samples: list[Sample],
    stop: asyncio.Event,
    refresh_log: list[Refresh],
) -> None:
    last = (time.perf_counter(), server.cpu_s(), self_cpu_s(), machine_cpu())
    seen = acked = refreshes_seen = 0
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), every)
        now = (time.perf_counter(), server.cpu_s(), self_cpu_s(), machine_cpu())
        wall = now[0] - last[0]
        server_s = now[1] - last[1] if None not in (now[1], last[1]) else None
        others = None
        if now[3] and last[3] and now[3][1] > last[3][1] and server_s is not None:
            busy = (now[3][0] - last[3][0]) / (now[3][1] - last[3][1])
            busy_cores = busy * (os.cpu_count() or 1)
            ours = (server_s + now[2] - last[2]) / wall
            others = max(0.0, 100 * (busy_cores - ours))  # clock skew: not < 0
        new_acks = counter["acknowledged"] - acked
        recent = [o.submit_s * 1000 for o in outcomes[seen:] if o.submit_s is not None]
        recent_refreshes = [r.latency_s * 1000 for r in refresh_log[refreshes_seen:]]
        seen, acked, last = len(outcomes), counter["acknowledged"], now
        refreshes_seen = len(refresh_log)
        samples.append(
            Sample(
                t=round(now[0] - t0, 1),
                arrived=counter["arrived"],
                done=counter["acknowledged"],
                errors=counter["errors"],
                rss_mb=server.rss_mb(),
                server_cpu_pct=100 * server_s / wall if server_s is not None else None,
                server_cpu_ms_per_ack=(
                    1000 * server_s / new_acks if server_s and new_acks else None
                ),
                others_cpu_pct=others,
                submit_p95_ms=pct_of(recent, 95),
                refreshes=len(refresh_log),
                refresh_p95_ms=pct_of(recent_refreshes, 95),
            )
        )


async def run_load(
    server: Server,
    scenario,
    n: int,
    rate: float,
    args: argparse.Namespace,
    sample_every: float,
    progress: bool,
    live: LiveTarget | None = None,
) -> dict:
    """Participants arriving at ``rate``; with ``live``, ``args.dashboards``
    facilitator dashboards watch that pulse for the whole run."""
    rng = random.Random(args.seed)
    outcomes: list[Outcome] = []
    counter = {"arrived": 0, "acknowledged": 0, "errors": 0}
    samples: list[Sample] = []
    stop = asyncio.Event()
    tasks: list[asyncio.Task] = []
    refresh_log: list[Refresh] = []
    dash_stop = asyncio.Event()
    dash_tasks: list[asyncio.Task] = []
    boards: list[DashboardOutcome] = []
    if live is not None and args.dashboards:
        # Signed in (one scrypt hash each) and revealed before anyone arrives.
        t = time.perf_counter()
        boards = [DashboardOutcome(i) for i in range(args.dashboards)]
        dash_tasks = [
            asyncio.create_task(
                dashboard(out, server.port, live, args, dash_stop, refresh_log)
            )
            for out in boards
        ]
        readies = [asyncio.create_task(out.ready.wait()) for out in boards]
        await asyncio.wait(readies, timeout=4 * args.timeout + 5)
        for ready in readies:
            ready.cancel()
        print(
            f"  {args.dashboards} facilitator dashboard(s) on the live room, signed "
            f"in and revealed in {time.perf_counter() - t:.1f} s"
            + "".join(
                f"; dashboard {out.index} failed: {out.error}"
                for out in boards
                if out.error
            ),
            flush=True,
        )

    async def one(i: int, scheduled: float) -> None:
        counter["arrived"] += 1
        out = await participant(i, scheduled, server.port, scenario, rng, args)
        outcomes.append(out)
        counter["acknowledged"] += out.acknowledged
        counter["errors"] += out.error is not None

    cpu0, self0, mach0 = server.cpu_s(), self_cpu_s(), machine_cpu()
    rss0 = server.rss_mb()
    t0 = time.perf_counter()
    sample_task = asyncio.create_task(
        sampler(server, t0, sample_every, outcomes, counter, samples, stop, refresh_log)
    )
    next_report = t0 + 60
    for i in range(n):
        scheduled = t0 + i / rate
        delay = scheduled - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, scheduled)))
        if progress and time.perf_counter() >= next_report:
            next_report += 60
            print_progress(t0, samples, bool(dash_tasks))
    # Every participant has its own timeouts; this is the backstop.
    # (A participant stuck in several slow phases is cancelled and counted.)
    deadline = budget(args) + 10
    _, pending = await asyncio.wait(tasks, timeout=deadline)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending, timeout=10)
    cancelled = len(pending)
    elapsed = time.perf_counter() - t0
    stop.set()
    await sample_task
    cpu1, self1, mach1 = server.cpu_s(), self_cpu_s(), machine_cpu()
    rss1 = server.rss_mb()
    dashboards = None
    if dash_tasks:
        dash_stop.set()  # each finishes its refresh, refreshes once more, closes
        _, pending = await asyncio.wait(dash_tasks, timeout=2 * args.timeout + 5)
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending, timeout=10)
        for out, task in zip(boards, dash_tasks, strict=True):
            if task in pending:
                out.error = out.error or f"not finished (phase '{out.phase}')"
        dashboards = summarise_dashboards(boards)
    result = summarise(
        scenario.name,
        outcomes,
        n,
        rate,
        cancelled,
        elapsed,
        server_cpu=(cpu1 - cpu0) if cpu0 is not None and cpu1 is not None else None,
        self_cpu=self1 - self0,
        machine=(mach0, mach1),
        rss=(rss0, rss1),
        samples=samples,
    )
    result["dashboards"] = dashboards
    return result


def print_progress(t0: float, samples: list[Sample], dashboards: bool) -> None:
    if not samples:
        return
    s = samples[-1]
    rss = f"{s.rss_mb:.0f} MB" if s.rss_mb is not None else "?"
    watched = (
        f", dashboard refreshes {s.refreshes} (p95 {fmt(s.refresh_p95_ms)} ms)"
        if dashboards
        else ""
    )
    print(
        f"  [{time.perf_counter() - t0:6.0f} s] arrived {s.arrived}, "
        f"acknowledged {s.done}, errors {s.errors}, server RSS {rss}{watched}",
        flush=True,
    )


def pct_of(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def dist_ms(values: list[float | None]) -> dict:
    vals = [v * 1000 for v in values if v is not None]
    if not vals:
        return {"n": 0}
    return {
        "n": len(vals),
        "mean": sum(vals) / len(vals),
        "p50": pct_of(vals, 50),
        "p95": pct_of(vals, 95),
        "p99": pct_of(vals, 99),
        "max": max(vals),
    }


def summarise(
    name,
    outcomes,
    n,
    rate,
    cancelled,
    elapsed,
    *,
    server_cpu,
    self_cpu,
    machine,
    rss,
    samples,
) -> dict:
    outcomes = sorted(outcomes, key=lambda o: o.index)
    arrivals = sorted(o.arrived for o in outcomes)
    span = arrivals[-1] - arrivals[0] if len(arrivals) > 1 else 0.0
    acked = [o for o in outcomes if o.acknowledged]
    errors: dict[str, int] = {}
    for o in outcomes:
        if o.error:
            key = o.error[:140]
            errors[key] = errors.get(key, 0) + 1
    if cancelled:
        errors["not finished by the backstop deadline"] = cancelled
    done_times = [o.done for o in acked if o.done is not None]
    throughput = (
        len(acked) / (max(done_times) - arrivals[0]) if done_times and arrivals else 0
    )
    # Drift: does latency grow as the run goes on (a backlog building up)?
    thirds = [o.submit_s for o in outcomes if o.submit_s is not None]
    k = len(thirds) // 3
    drift = None
    if k >= 10:
        first, last = pct_of(thirds[:k], 95), pct_of(thirds[-k:], 95)
        drift = last / first if first else None
    (m0, m1) = machine
    machine_busy = None
    if m0 and m1 and m1[1] > m0[1]:
        machine_busy = 100 * (m1[0] - m0[0]) / (m1[1] - m0[1]) * (os.cpu_count() or 1)
    group_counts: dict[str, int] = {}
    for o in acked:
        if o.group is not None:
            group_counts[o.group] = group_counts.get(o.group, 0) + 1
    return {
        "app": name,
        "participants": n,
        "requested_rate": rate,
        "arrived": len(outcomes) + cancelled,
        "achieved_rate": (len(arrivals) - 1) / span if span > 0 else None,
        "max_arrival_lag_ms": 1000 * max((o.lag for o in outcomes), default=0),
        "acknowledged": len(acked),
        "acknowledged_answers": sum(o.answers for o in acked),
        "acknowledged_groups": group_counts,
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "elapsed_s": elapsed,
        "completion_throughput": throughput,
        "http_ms": dist_ms([o.http_s for o in outcomes]),
        "load_ms": dist_ms([o.load_s for o in outcomes]),
        "token_ms": dist_ms([o.token_s for o in outcomes]),
        "submit_ms": dist_ms([o.submit_s for o in outcomes]),
        "finish_ms": dist_ms([o.finish_s for o in outcomes]),
        "submit_p95_drift": drift,
        "kb_in_per_participant": (
            sum(o.bytes_in for o in outcomes) / len(outcomes) / 1024 if outcomes else 0
        ),
        "messages_in_per_participant": (
            sum(o.messages_in for o in outcomes) / len(outcomes) if outcomes else 0
        ),
        "server_cpu_s": server_cpu,
        "server_cpu_ms_per_participant": (
            1000 * server_cpu / len(outcomes) if server_cpu and outcomes else None
        ),
        "loadgen_cpu_s": self_cpu,
        "loadgen_cpu_pct_of_core": 100 * self_cpu / elapsed if elapsed else None,
        "machine_cpu_busy_pct_of_one_core": machine_busy,
        "other_processes_cpu_pct_of_one_core": (
            max(0.0, machine_busy - 100 * ((server_cpu or 0) + self_cpu) / elapsed)
            if machine_busy is not None and elapsed
            else None
        ),
        "server_rss_mb_start": rss[0],
        "server_rss_mb_end": rss[1],
        "server_rss_mb_peak": max(
            (s.rss_mb for s in samples if s.rss_mb is not None), default=rss[1]
        ),
        "samples": [asdict(s) for s in samples],
    }


# --- one app end to end ----------------------------------------------------------


async def warm_up(port: int, scenario, args: argparse.Namespace) -> Outcome:
    out = await participant(
        -1, time.perf_counter(), port, scenario, random.Random(0), args, submit=False
    )
    if out.error:
        raise RuntimeError(f"warm-up failed: {out.error}")
    return out


def fetch_cookie(port: int, args: argparse.Namespace) -> str | None:
    """One XSRF cookie for every participant (only used with --no-http)."""
    if not args.no_http:
        return None
    _, headers, _ = asyncio.run(http_get(port, "/_stcore/health"))
    return xsrf_from(headers)


def bench_pulse(args, n: int, workdir: Path, sample_every: float) -> dict:
    db_path = workdir / "pulse.db"
    server = Server(
        APP_SCRIPT,
        db_path,
        workdir / "pulse-server.log",
        args.streamlit_option,
        # The dashboards sign in with it (and the app prints no generated one).
        env={PASSPHRASE_ENV: DASHBOARD_PASSPHRASE},
    )
    print(f"Starting Together Pulse: port {server.port}, PULSE_DB={db_path}")
    server.start()
    try:
        args.shared_cookie = fetch_cookie(server.port, args)
        # The first session seeds the demo programme (one open pulse).
        asyncio.run(warm_up(server.port, OpenOnly(), args))
        rows = db_query(
            db_path,
            "SELECT p.id, p.code, s.programme_id FROM pulses p "
            "JOIN sessions s ON s.id = p.session_id WHERE p.status = 'open' "
            "ORDER BY p.id",
        )
        if len(rows) != 1:
            raise RuntimeError(f"expected one open pulse, found {rows}")
        pulse_id, code, programme_id = rows[0]
        scenario = PulseScenario(code, args.device_token)
        asyncio.run(warm_up(server.port, scenario, args))
        before = db_snapshot(db_path, pulse_id)
        print(
            f"  open pulse {code} (id {pulse_id}): {before.responses} responses "
            f"before the run; {n} participants at {args.rate:g}/s"
        )
        live = LiveTarget(programme_id, pulse_id)
        result = asyncio.run(
            run_load(
                server, scenario, n, args.rate, args, sample_every, args.soak, live
            )
        )
        after = db_snapshot(db_path, pulse_id)
        result["db"] = db_check(before, after, result, args.device_token)
        if result["dashboards"] is not None:
            # What the facilitators saw last: every stored answer, counted.
            finals = result["dashboards"]["final_answers"]
            result["dashboards"]["stored_responses"] = after.responses
            result["dashboards"]["final_count_exact"] = bool(finals) and all(
                f == after.responses for f in finals
            )
        result["server_log_problems"] = server.log_problems()
        result["server_exit"] = server.exit_note()
        result["pulse_code"] = code
        return result
    finally:
        server.stop()


def db_check(
    before: DbSnapshot, after: DbSnapshot, result: dict, device_token: bool
) -> dict:
    stored = after.responses - before.responses
    hashes = after.device_hashes - before.device_hashes
    # Every acknowledged answer from a device with a token left one device hash.
    expected_hashes = result["acknowledged"] if device_token else 0
    acked = result["acknowledged"]
    answers = after.answers - before.answers
    groups = {
        name: after.by_group.get(name, 0) - before.by_group.get(name, 0)
        for name in set(after.by_group) | set(before.by_group)
    }
    groups = {k: v for k, v in groups.items() if v}
    return {
        "responses_before": before.responses,
        "responses_after": after.responses,
        "stored": stored,
        "acknowledged": acked,
        "lost": max(0, acked - stored),
        "extra": max(0, stored - acked),
        "answers_stored": answers,
        "answers_acknowledged": result["acknowledged_answers"],
        "groups_stored": groups,
        "groups_acknowledged": result["acknowledged_groups"],
        "device_hashes_stored": hashes,
        "device_hashes_expected": expected_hashes,
        "exact": stored == acked
        and answers == result["acknowledged_answers"]
        and groups == result["acknowledged_groups"]
        and hashes == expected_hashes,
    }


def bench_minimal(args, n: int, workdir: Path, sample_every: float) -> dict:
    server = Server(
        MINIMAL_SCRIPT,
        workdir / "minimal-unused.db",
        workdir / "minimal-server.log",
        args.streamlit_option,
    )
    print(f"Starting the minimal app: port {server.port}")
    server.start()
    try:
        args.shared_cookie = fetch_cookie(server.port, args)
        scenario = MinimalScenario()
        asyncio.run(warm_up(server.port, scenario, args))
        result = asyncio.run(
            run_load(server, scenario, n, args.rate, args, sample_every, args.soak)
        )
        result["server_log_problems"] = server.log_problems()
        result["server_exit"] = server.exit_note()
        return result
    finally:
        server.stop()


# --- report ------------------------------------------------------------------------


def fmt(v, spec=".0f", unit="") -> str:
    return "-" if v is None else f"{v:{spec}}{unit}"


def trio(d: dict) -> str:
    if not d.get("n"):
        return "-"
    return f"{d['p50']:.0f} / {d['p95']:.0f} / {d['max']:.0f}"


def ratio(a, b) -> str:
    if a is None or b is None or not b:
        return ""
    return f"{a / b:.2f}x"


def print_report(ours: dict, floor: dict | None) -> None:
    cols = [ours, floor] if floor else [ours]
    head = f"{'':38}{'Together Pulse':>22}"
    if floor:
        head += f"{'minimal app':>22}{'ratio':>9}"
    print("\n" + head)
    print("-" * len(head))

    def row(label: str, get, spec=".0f", show_ratio=True) -> None:
        vals = [get(c) for c in cols]
        line = f"{label:38}{fmt(vals[0], spec):>22}"
        if floor:
            r = ratio(vals[0], vals[1]) if show_ratio else ""
            line += f"{fmt(vals[1], spec):>22}{r:>9}"
        print(line)

    def dist_row(label: str, key: str) -> None:
        line = f"{label:38}{trio(ours[key]):>22}"
        if floor:
            r = ratio(ours[key].get("p95"), floor[key].get("p95"))
            line += f"{trio(floor[key]):>22}{r:>9}"
        print(line)

    row("participants", lambda c: c["participants"], "d", False)
    row("requested arrivals/s", lambda c: c["requested_rate"], ".1f", False)
    row("achieved arrivals/s", lambda c: c["achieved_rate"], ".2f")
    row("max arrival lag (ms)", lambda c: c["max_arrival_lag_ms"], ".0f", False)
    row("completed (acknowledged)", lambda c: c["acknowledged"], "d")
    row("completion throughput /s", lambda c: c["completion_throughput"], ".2f")
    row("errors", lambda c: c["errors"], "d", False)
    print("latency ms, p50 / p95 / max (ratio of p95s):")
    dist_row("  HTTP before connect (3 GETs)", "http_ms")
    dist_row("  page load (connect -> finished)", "load_ms")
    if ours["token_ms"].get("n"):
        dist_row("  device-token rerun (emulated)", "token_ms")
    dist_row("  submit (-> thank-you | finished)", "submit_ms")
    dist_row("  submit -> run finished", "finish_ms")
    dash = ours.get("dashboards")
    if dash:

        def dash_row(label: str, value: str) -> None:
            line = f"{label:38}{value:>22}"
            if floor:
                line += f"{'-':>22}"
            print(line)

        dash_row("  dashboard refresh (fragment rerun)", trio(dash["refresh_ms"]))
        dash_row("  dashboard refresh after the run", trio(dash["final_refresh_ms"]))
        dash_row("  dashboard sign-in (before arrivals)", trio(dash["sign_in_ms"]))
        print(
            f"facilitator dashboards (live room, results revealed, refreshed every "
            f"{fmt(dash['interval_s'], 'g')} s):"
        )
        dash_row(
            "  signed in / requested", f"{dash['signed_in']} / {dash['requested']}"
        )
        dash_row("  refreshes during the run", str(dash["refreshes"]))
        dash_row("  late ticks (refresh > interval)", str(dash["late_ticks"]))
        dash_row("  dashboard errors", str(dash["errors"]))
        dash_row("  ForwardMsg KB in / refresh", fmt(dash["kb_in_per_refresh"], ".1f"))
        finals = ", ".join(fmt(f, "d") for f in dash["final_answers"])
        dash_row(
            f"  'Answers' shown at the end (db {dash.get('stored_responses', '?')})",
            finals,
        )
    row("submit p95 last third / first third", lambda c: c["submit_p95_drift"], ".2f")
    row(
        "server CPU ms / participant"
        + (" (+dashb.)" if ours.get("dashboards") else ""),
        lambda c: c["server_cpu_ms_per_participant"],
    )
    row("load generator CPU, % of one core", lambda c: c["loadgen_cpu_pct_of_core"])
    row(
        "machine CPU busy, % of one core",
        lambda c: c["machine_cpu_busy_pct_of_one_core"],
        show_ratio=False,
    )
    row(
        "  of which other processes + kernel, %",
        lambda c: c["other_processes_cpu_pct_of_one_core"],
        show_ratio=False,
    )
    row("ForwardMsg KB in / participant", lambda c: c["kb_in_per_participant"], ".1f")
    row("ForwardMsgs / participant", lambda c: c["messages_in_per_participant"], ".1f")
    row("server RSS start MB", lambda c: c["server_rss_mb_start"], show_ratio=False)
    row("server RSS peak MB", lambda c: c["server_rss_mb_peak"], show_ratio=False)
    row("server RSS end MB", lambda c: c["server_rss_mb_end"], show_ratio=False)
    for c in cols:
        for kind, count in c["error_kinds"].items():
            print(f"  error ({c['app']}): {count}x {kind}")
    if dash:
        for kind, count in dash["error_kinds"].items():
            print(f"  dashboard error: {count}x {kind}")
        print(
            "\nDashboards: refresh latency is client-side, from the auto-rerun "
            "BackMsg to the fragment run's script_finished, under the participants' "
            "load (DESIGN.md target: live room refresh < 50 ms server time). Server "
            "CPU per participant includes the dashboards' refreshes."
        )
    print(
        f"\nNote: {os.cpu_count()} CPU cores shared by the server AND this load "
        "generator (and anything else running); latencies are client-side and "
        "include the generator's own queueing."
    )


def print_db(db: dict) -> None:
    print(
        f"\nDatabase: responses {db['responses_before']} -> {db['responses_after']} "
        f"(+{db['stored']}); acknowledged {db['acknowledged']}; lost {db['lost']}, "
        f"extra {db['extra']}; answers stored {db['answers_stored']} vs sent "
        f"{db['answers_acknowledged']}; by group stored {db['groups_stored']} vs "
        f"acknowledged {db['groups_acknowledged']}; device hashes stored "
        f"{db['device_hashes_stored']} vs expected {db['device_hashes_expected']} -> "
        f"{'EXACT' if db['exact'] else 'MISMATCH'}"
    )


def print_samples(samples: list[dict], dashboards: bool = False) -> None:
    print(
        "\nServer memory over time (per interval: server CPU % of one core, server "
        "CPU ms per acknowledged participant, other processes' CPU %, submit p95"
        + (
            "; dashboard refreshes so far and their p95 in the interval"
            if dashboards
            else ""
        )
        + "):"
    )
    print(
        f"{'t (s)':>7}{'arrived':>9}{'acked':>9}{'errors':>7}{'RSS MB':>9}"
        f"{'CPU %':>7}{'ms/ack':>8}{'others %':>9}{'p95 ms':>8}"
        + (f"{'refr.':>7}{'refr p95':>9}" if dashboards else "")
    )
    for s in samples:
        print(
            f"{s['t']:>7.0f}{s['arrived']:>9}{s['done']:>9}{s['errors']:>7}"
            f"{fmt(s['rss_mb'], '.1f'):>9}{fmt(s['server_cpu_pct']):>7}"
            f"{fmt(s['server_cpu_ms_per_ack']):>8}{fmt(s['others_cpu_pct']):>9}"
            f"{fmt(s['submit_p95_ms']):>8}"
            + (
                f"{s['refreshes']:>7}{fmt(s['refresh_p95_ms']):>9}"
                if dashboards
                else ""
            )
        )


def verdict(ours: dict, args) -> tuple[bool, str]:
    db = ours["db"]
    rate = ours["achieved_rate"] or 0
    p95 = ours["submit_ms"].get("p95")
    checks = {
        f"arrivals {rate:.1f}/s >= {TARGET_RATE:g}": rate
        >= TARGET_RATE * (1 - RATE_TOLERANCE),
        f"p95 tap-to-thank-you {fmt(p95)} ms < {TARGET_SUBMIT_P95_MS:g}": p95
        is not None
        and p95 < TARGET_SUBMIT_P95_MS,
        f"errors {ours['errors']} == 0": ours["errors"] == 0,
        f"lost {db['lost']} == 0": db["lost"] == 0,
        f"extra {db['extra']} == 0": db["extra"] == 0,
    }
    dash = ours.get("dashboards")
    if args.dashboards:
        errors = dash["errors"] if dash else args.dashboards
        checks[f"dashboard errors {errors} == 0"] = errors == 0
        finals = dash["final_answers"] if dash else []
        stored = dash.get("stored_responses") if dash else None
        checks[f"dashboards' final count {finals} == stored {stored}"] = bool(
            dash and dash.get("final_count_exact")
        )
    ok = all(checks.values())
    parts = [("ok " if v else "FAIL ") + k for k, v in checks.items()]
    return ok, f"VERDICT: {'PASS' if ok else 'FAIL'} -- " + "; ".join(parts)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.participants", description=__doc__.split("\n")[0]
    )
    p.add_argument("--participants", type=int, default=300)
    p.add_argument("--rate", type=float, default=30.0, help="arrivals per second")
    p.add_argument(
        "--soak-minutes",
        type=float,
        default=0,
        help="run at --rate for this long (overrides --participants), sampling "
        "server memory",
    )
    p.add_argument(
        "--dashboards",
        type=int,
        default=0,
        metavar="D",
        help="D facilitator dashboards on the live room (signed in, results "
        "revealed) refreshing every 3 s during the run, as a browser does",
    )
    p.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="also drive the minimal app (default: on, off in soak mode)",
    )
    p.add_argument(
        "--device-token",
        action="store_true",
        help="emulate the device-token component's report (one extra rerun per "
        "participant, as in a browser)",
    )
    p.add_argument(
        "--no-http",
        action="store_true",
        help="skip the three HTTP GETs a browser makes before connecting",
    )
    p.add_argument(
        "--ws-compression",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="offer permessage-deflate, as browsers do (default: on)",
    )
    p.add_argument(
        "--think-seconds",
        type=float,
        default=0.0,
        help="mean pause between page load and submit (default 0: submit as soon "
        "as the page is drawn; a person takes tens of seconds)",
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=15.0,
        help="seconds per phase; a participant gets twice this in all",
    )
    p.add_argument("--sample-seconds", type=float, default=None)
    p.add_argument(
        "--streamlit-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra option for both servers, e.g. server.fileWatcherType=none "
        "(repeatable; for A/B runs, the project config still applies)",
    )
    p.add_argument(
        "--wait-quiet",
        type=float,
        default=0,
        metavar="SECONDS",
        help="before starting, wait up to this long for the machine to be idle",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path, help="write the results here as JSON")
    p.add_argument("--keep-workdir", action="store_true")
    args = p.parse_args(argv)
    if args.rate <= 0 or args.participants < 1:
        p.error("--rate and --participants must be positive")
    if args.dashboards < 0:
        p.error("--dashboards must be 0 or more")

    args.soak = args.soak_minutes > 0
    n = (
        max(1, int(args.rate * 60 * args.soak_minutes))
        if args.soak
        else args.participants
    )
    if args.soak and args.soak_minutes > 240:
        p.error("--soak-minutes is capped at 240")
    sample_every = args.sample_seconds or (5.0 if args.soak else 1.0)
    baseline = args.baseline if args.baseline is not None else not args.soak
    if args.dashboards:
        print(
            f"--dashboards {args.dashboards}: facilitators watch the live room "
            "(results revealed) during the Together Pulse run."
        )
    for option in args.streamlit_option:
        if "=" not in option:
            p.error(f"--streamlit-option {option!r}: expected NAME=VALUE")
        print(f"Extra server option for both apps: --{option.replace('=', ' ', 1)}")
    if args.no_http:
        print("--no-http: reusing one XSRF cookie; no per-participant HTTP GETs.")
    print(
        f"Participant benchmark: {n} participants at {args.rate:g}/s"
        + (f" (soak, {args.soak_minutes:g} min)" if args.soak else "")
        + f"; {os.cpu_count()} cores; Python {platform.python_version()}; "
        f"websockets {websockets.__version__}"
    )
    if not args.device_token:
        print(
            "  (device-token report not emulated: a browser adds one script run per "
            "participant; use --device-token)"
        )
    busy = wait_for_quiet(args.wait_quiet) if args.wait_quiet else None
    busy = busy if busy is not None else busy_pct_of_one_core()
    if busy is not None:
        print(f"  machine busy before the run: {busy:.0f}% of one core")
        if busy > 25:
            print(
                "  WARNING: other processes are using the CPU; figures will be "
                "pessimistic (see --wait-quiet)"
            )
    args.busy_before = busy
    workdir = Path(tempfile.mkdtemp(prefix="pulse-bench-"))
    try:
        ours = bench_pulse(args, n, workdir, sample_every)
        floor = bench_minimal(args, n, workdir, sample_every) if baseline else None
    finally:
        if args.keep_workdir:
            print(f"Kept the databases and server logs in {workdir}")
        else:
            for f in sorted(workdir.glob("*")):
                with contextlib.suppress(OSError):
                    f.unlink()
            with contextlib.suppress(OSError):
                workdir.rmdir()
    print_report(ours, floor)
    print_db(ours["db"])
    if args.soak:
        print_samples(ours["samples"], bool(ours.get("dashboards")))
    for label, res in (("Together Pulse", ours), ("minimal app", floor)):
        if res and res.get("server_exit"):
            print(f"\nWARNING ({label}): {res['server_exit']}")
        if res and res["server_log_problems"]:
            print(f"\nServer log warnings/errors ({label}):")
            for line in res["server_log_problems"][:10]:
                print(f"  {line}")
    ok, line = verdict(ours, args)
    if args.rate < TARGET_RATE:
        line += f" (requested rate {args.rate:g}/s is below the target)"
    others = ours.get("other_processes_cpu_pct_of_one_core")
    if others is not None and others > 25:
        line += (
            f" [other processes used {others:.0f}% of a core during the run: "
            "re-run on a quiet machine]"
        )
    print("\n" + line)
    if args.json:
        payload = {
            "config": {
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in vars(args).items()
                if k != "shared_cookie"
            },
            "machine": {"cpu_count": os.cpu_count(), "python": sys.version},
            "together_pulse": ours,
            "minimal_app": floor,
            "verdict": {"pass": ok, "line": line},
        }
        args.json.write_text(json.dumps(payload, indent=2, default=str))
        print(f"Results written to {args.json}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
