"""Soak: what the server does over minutes, not seconds.

A sampler records, every few seconds, arrivals, acknowledgements, errors, the
server's memory (RSS) and the dashboards' refresh latency; the report prints
the series and the memory slope after warm-up, so a leak shows as a slope
rather than as one high reading. ``python -m benchmarks.participants
--soak-minutes 10 --rate 20 --dashboards 2`` drives it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from benchmarks.figures import fmt, pct_of
from benchmarks.servers import Server, machine_cpu, self_cpu_s

if TYPE_CHECKING:
    from benchmarks.dashboards import Refresh
    from benchmarks.loadgen import Outcome


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
