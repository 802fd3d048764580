"""The load generator: phones arriving at a rate, each a protocol session.

Every phone opens the page (HTTP, then the websocket), reports its device token
if asked, answers and submits, and waits for the thank-you; each phase has a
timeout and the whole phone a budget. Arrivals are scheduled, not chained, so a
slow server makes phones pile up as they would in a hall.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.WidgetStates_pb2 import WidgetState

from benchmarks.dashboards import (
    DashboardOutcome,
    LiveTarget,
    Refresh,
    dashboard,
    summarise_dashboards,
)
from benchmarks.protocol import (
    STREAM_PATH,
    XSRF_COOKIE,
    Client,
    ParticipantError,
    http_get,
    xsrf_from,
)
from benchmarks.report import print_progress, summarise
from benchmarks.scenarios import MinimalScenario
from benchmarks.servers import Server, machine_cpu, self_cpu_s
from benchmarks.soak import Sample, sampler

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
    http_bytes: int = 0  # page load over HTTP, as on the wire (hall benchmark)
    worker: str | None = None  # the affinity cookie: which worker served it
    messages_in: int = 0
    error: str | None = None
    phase: str = "start"
    client: Client | None = field(default=None, repr=False)


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
    page_load: Callable[[Outcome], Awaitable[dict[str, str]]] | None = None,
) -> Outcome:
    """One phone: open the link, (report a token,) answer, submit, see thanks.

    Each phase has ``args.timeout``; the whole participant ``budget(args)``.
    """
    out = Outcome(index, arrived=time.perf_counter())
    out.lag = max(0.0, out.arrived - scheduled)
    try:
        async with asyncio.timeout(budget(args)):
            await _participant(out, port, scenario, rng, args, submit, page_load)
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
    out: Outcome,
    port: int,
    scenario,
    rng: random.Random,
    args,
    submit: bool,
    page_load: Callable[[Outcome], Awaitable[dict[str, str]]] | None = None,
) -> None:
    """``page_load``, when given, fetches what the browser fetches before the
    websocket and returns the phone's cookie jar (worker affinity included),
    which the websocket then carries."""
    qs = scenario.query_string
    timeout = args.timeout
    cookie = args.shared_cookie
    jar: dict[str, str] = {}
    if page_load is not None:
        out.phase = "http"
        t = time.perf_counter()
        async with asyncio.timeout(timeout):
            jar = await page_load(out)
        cookie = jar.get(XSRF_COOKIE)
        out.http_s = time.perf_counter() - t
    elif not args.no_http:
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
                {"Cookie": "; ".join(f"{k}={v}" for k, v in jar.items())}
                if jar
                else {"Cookie": f"{XSRF_COOKIE}={cookie}"}
                if cookie
                else None
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
            fragment_id = scenario.token_fragment(client.page)
            t = time.perf_counter()
            async with asyncio.timeout(timeout):
                # As the browser: a fragment rerun when the component is in one.
                await client.rerun(
                    qs,
                    token_states,
                    client.page_script_hash,
                    fragment_id=fragment_id,
                    keep_page=bool(fragment_id),
                )
                await client.until_finished(fragment=bool(fragment_id))
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
        in_fragment = bool(sub.fragment_id)
        async with asyncio.timeout(timeout):
            await client.rerun(
                qs,
                [*token_states, *sub.states],
                client.page_script_hash,
                fragment_id=sub.fragment_id,
                keep_page=in_fragment,
            )
            # Our app: stop at the thank-you delta; the floor: at the run's end.
            status = await client.until_finished(
                scenario.acknowledged, fragment=in_fragment
            )
            if status is None:  # the thank-you arrived
                out.submit_s = time.perf_counter() - t1
                out.acknowledged, out.done = True, time.perf_counter()
                out.phase = "finish"
                await client.until_finished(fragment=in_fragment)
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


# --- running a load -----------------------------------------------------------------


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
