"""Facilitators watching the live room while the room answers: sign in, reveal,
then the fragment auto-reruns the browser sends every few seconds."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.figures import dist_ms
from benchmarks.protocol import (
    ANSWERS_METRIC,
    DASHBOARD_PASSPHRASE,
    LIVE_TITLE,
    LIVE_URL_PATH,
    PASSPHRASE_LABEL,
    REVEAL_KEY_PREFIX,
    REVEAL_LABEL,
    SIGN_IN_LABEL,
    STREAM_PATH,
    XSRF_COOKIE,
    Client,
    Page,
    ParticipantError,
    _state,
    http_get,
    xsrf_from,
)

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
