"""A hall of phones, loaded as browsers load it, side by side on three stacks.

    python -m benchmarks.hall --phones 600 --rate 30
    python -m benchmarks.hall --phones 300 --rate 20 --stacks served --kill-worker-at 5

Every simulated phone replays the HTTP requests a fresh Chromium makes for the
join link (recorded by ``benchmarks.record_browser`` from a real Chromium run,
``benchmarks/recorded/phone-join.json``) with Chromium's ``Accept-Encoding``
and its own cookie jar, then opens the websocket carrying those cookies (the
worker-affinity cookie included) and does what the browser does: the first
run, the device-token report as the fragment rerun the browser sends, answers
and submit in one form run, thank-you. The same arrivals drive, one after the
other:

- ``direct``: ``streamlit run app.py``, one process serving everything;
- ``served``: ``python serve.py`` (Caddy, one Streamlit worker per core);
- ``floor``: the minimal one-radio app behind the same served stack.

Reported per stack: phones thanked, errors, the database against the
acknowledged answers, page-ready (first byte requested to the form drawn:
the HTTP replay, then connect and first run, so overlap a browser would get
is not counted), tap-to-thank-you, bytes on the wire per phone (HTTP as
received plus websocket payload), Streamlit CPU per phone (all workers) and
Caddy's, and the load average before and after (the machine is shared).

``--kill-worker-at S`` kills one worker S seconds into the served run: phones
whose websocket drops reload once with their cookie jar (as a person would);
the report splits phones by the worker they started on.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.figures import dist_ms, fmt
from benchmarks.loadgen import Outcome, participant
from benchmarks.protocol import DASHBOARD_PASSPHRASE, PASSPHRASE_ENV
from benchmarks.replay import PhoneLoad, load_recording, replay
from benchmarks.scenarios import MinimalScenario, PulseScenario
from benchmarks.servers import (
    APP_SCRIPT,
    MINIMAL_SCRIPT,
    ServedServer,
    Server,
    db_snapshot,
    proc_cpu_s,
    self_cpu_s,
)
from serving.caddy import AFFINITY_COOKIE

TARGETS = {
    "page_ready_p95_ms": 1000.0,
    "thank_you_p95_ms": 500.0,
    "wire_mb_per_phone": 1.0,
    "cpu_vs_floor": 1.5,
}


@dataclass
class Stack:
    """A server under test (``Server`` or ``ServedServer``), its port, its
    database, and the processes whose CPU counts."""

    name: str
    server: Server | ServedServer
    db: Path | None

    @property
    def port(self) -> int:
        return self.server.port

    def children(self) -> dict[str, list[int]]:
        """Streamlit workers and Caddy (the process itself for ``direct``)."""
        if isinstance(self.server, ServedServer):
            return self.server.children()
        assert self.server.proc is not None
        return {"streamlit": [self.server.proc.pid], "caddy": []}

    def cpu(self) -> dict[str, float]:
        return {
            kind: sum(proc_cpu_s(p) or 0.0 for p in pids)
            for kind, pids in self.children().items()
        }

    def stop(self) -> None:
        self.server.stop()


def _prepare_db(work: Path) -> tuple[Path, str, int]:
    from storage.db import open_store
    from storage.demo import open_demo_code, seed_demo_if_empty
    from storage.programmes import pulse_by_code

    db = work / "pulse.db"
    store = open_store(db)
    seed_demo_if_empty(store)
    code = open_demo_code(store)
    pulse = pulse_by_code(store, code)
    store.close()
    return db, code, pulse.id


def start_stack(name: str, work: Path, workers: int) -> Stack:
    env = {PASSPHRASE_ENV: DASHBOARD_PASSPHRASE}
    if name == "direct":
        db = work / "pulse.db"
        server: Server | ServedServer = Server(
            APP_SCRIPT, db, work / "direct.log", env=env
        )
    elif name == "served":
        db = work / "pulse.db"
        server = ServedServer(APP_SCRIPT, db, work / "served.txt", workers, env)
    else:
        db = None
        server = ServedServer(
            MINIMAL_SCRIPT, work / "floor-unused.db", work / "floor.txt", workers
        )
    server.start()
    return Stack(name, server, db)


async def run_phones(
    stack: Stack,
    scenario,
    paths: list[str],
    n: int,
    rate: float,
    args: argparse.Namespace,
    kill_at: float | None = None,
) -> tuple[list[dict], float]:
    """Phones arriving at ``rate``; returns one record per phone and the span."""
    rng = random.Random(args.seed)
    records: list[dict] = []

    async def one(index: int, scheduled: float) -> None:
        await asyncio.sleep(max(0.0, scheduled - time.perf_counter()))
        phone = PhoneLoad()

        async def page_load(out: Outcome) -> dict[str, str]:
            before = phone.wire_bytes
            await replay("127.0.0.1", stack.port, paths, phone)
            out.http_bytes += phone.wire_bytes - before
            out.worker = phone.jar.get(AFFINITY_COOKIE)
            return dict(phone.jar)

        first = await participant(
            index, scheduled, stack.port, scenario, rng, args, page_load=page_load
        )
        outcome, retried = first, False
        if kill_at is not None and first.error and not first.acknowledged:
            retried = True  # a person reloads once, with the same cookies
            outcome = await participant(
                index, time.perf_counter(), stack.port, scenario, rng, args,
                page_load=page_load,
            )  # fmt: skip
        records.append(
            {
                "index": index,
                "arrived": first.arrived,
                "worker": first.worker,
                "error": outcome.error,
                "first_error": first.error,
                "retried": retried,
                "acknowledged": outcome.acknowledged,
                "answers": outcome.answers,
                "page_ready_s": (first.http_s or 0) + (first.load_s or 0)
                if first.load_s is not None
                else None,
                "thank_you_s": outcome.submit_s,
                "http_bytes": phone.wire_bytes,
                "ws_bytes": first.bytes_in + (outcome.bytes_in if retried else 0),
                "http_failures": phone.failures[:3],
                "encodings": phone.encodings,
            }
        )

    async def killer() -> None:
        await asyncio.sleep(kill_at or 0)
        victim = stack.children()["streamlit"][0]
        os.kill(victim, signal.SIGKILL)
        print(f"  killed worker pid {victim} at {kill_at:g} s", flush=True)

    t0 = time.perf_counter() + 0.2
    tasks = [asyncio.create_task(one(i, t0 + i / rate)) for i in range(n)]
    if kill_at is not None:
        tasks.append(asyncio.create_task(killer()))
    await asyncio.gather(*tasks)
    return records, time.perf_counter() - t0


def measure(name: str, work: Path, paths: list[str], args) -> dict:
    """Start one stack, warm every worker up, run the phones, check the db."""
    pulse_id = None
    if name != "floor":
        db, code, pulse_id = _prepare_db(work)
        scenario = PulseScenario(code, device_token=True)
        paths = [p.replace("{code}", code) for p in paths]
    else:
        scenario = MinimalScenario()
        paths = [p.replace("?code={code}", "") for p in paths]
    stack = start_stack(name, work, args.workers)
    try:
        warm = 2 * args.workers
        asyncio.run(run_phones(stack, scenario, paths, warm, 5.0, args))
        before_db = db_snapshot(stack.db, pulse_id) if stack.db else None
        load_before = os.getloadavg()
        cpu0 = stack.cpu()
        gen0 = self_cpu_s()
        kill_at = args.kill_worker_at if name == "served" else None
        records, span = asyncio.run(
            run_phones(stack, scenario, paths, args.phones, args.rate, args, kill_at)
        )
        cpu1 = stack.cpu()
        cpu0["generator"], cpu1["generator"] = gen0, self_cpu_s()
        load_after = os.getloadavg()
        after_db = db_snapshot(stack.db, pulse_id) if stack.db else None
    finally:
        stack.stop()
    return summarise(name, records, span, cpu0, cpu1, before_db, after_db, (
        load_before, load_after))  # fmt: skip


def _arrival_rate(arrivals: list[float]) -> float | None:
    arrivals = sorted(arrivals)
    if len(arrivals) < 2 or arrivals[-1] == arrivals[0]:
        return None
    return (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])


def _mean_kb(values: list[int]) -> float:
    return sum(values) / max(1, len(values)) / 1024


def _per_phone(cpu0: dict, cpu1: dict, kind: str, n: int) -> float:
    return 1000 * (cpu1[kind] - cpu0[kind]) / n


def summarise(name, records, span, cpu0, cpu1, before, after, loads) -> dict:
    n = len(records)
    acked = [r for r in records if r["acknowledged"]]
    loaded = [r for r in records if r["page_ready_s"] is not None] or records
    errors: dict[str, int] = {}
    for r in records:
        if r["error"]:
            errors[r["error"][:120]] = errors.get(r["error"][:120], 0) + 1
    result = {
        "stack": name,
        "phones": n,
        "thanked": len(acked),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "arrival_rate": _arrival_rate([r["arrived"] for r in records]),
        "page_ready_ms": dist_ms([r["page_ready_s"] for r in records]),
        "thank_you_ms": dist_ms([r["thank_you_s"] for r in records]),
        # Over the phones whose page load finished (a timed-out one is partial).
        "http_kb_per_phone": _mean_kb([r["http_bytes"] for r in loaded]),
        "ws_kb_per_phone": sum(r["ws_bytes"] for r in records) / n / 1024,
        "streamlit_cpu_ms_per_phone": _per_phone(cpu0, cpu1, "streamlit", n),
        "caddy_cpu_ms_per_phone": _per_phone(cpu0, cpu1, "caddy", n),
        "generator_cpu_pct": 100 * (cpu1["generator"] - cpu0["generator"]) / span,
        "load_average_before_after": [round(loads[0][0], 2), round(loads[1][0], 2)],
        "http_failures": sum(len(r["http_failures"]) for r in records),
    }
    result["wire_mb_per_phone"] = (
        result["http_kb_per_phone"] + result["ws_kb_per_phone"]
    ) / 1024
    if before is not None and after is not None:
        stored = after.responses - before.responses
        hashes = after.device_hashes - before.device_hashes
        answers = after.answers - before.answers
        sent = sum(r["answers"] for r in acked)
        result["db"] = {
            "stored": stored,
            "acknowledged": len(acked),
            "answers_stored": answers,
            "answers_acknowledged": sent,
            "device_hashes": hashes,
            "lost": max(0, len(acked) - stored),
            "extra": max(0, stored - len(acked)),
            "exact": stored == len(acked) and answers == sent and hashes == stored,
        }
    workers: dict[str, dict[str, int]] = {}
    for r in records:
        w = workers.setdefault(str(r["worker"])[:8], {"phones": 0, "dropped": 0})
        w["phones"] += 1
        w["dropped"] += bool(r["first_error"])
        w["recovered"] = w.get("recovered", 0) + (r["retried"] and r["acknowledged"])
    result["by_first_worker"] = workers
    return result


ROWS = [
    ("phones thanked / arrived", lambda r: f"{r['thanked']} / {r['phones']}"),
    ("errors", lambda r: str(r["errors"])),
    ("database exact (lost / extra)", lambda r: _db(r)),
    ("arrivals /s", lambda r: fmt(r["arrival_rate"], ".1f")),
    ("page ready p50 / p95 ms", lambda r: _pair(r["page_ready_ms"])),
    ("tap to thank-you p50 / p95 ms", lambda r: _pair(r["thank_you_ms"])),
    ("HTTP KB on the wire / phone", lambda r: fmt(r["http_kb_per_phone"])),
    ("websocket KB / phone", lambda r: fmt(r["ws_kb_per_phone"])),
    ("Streamlit CPU ms / phone", lambda r: fmt(r["streamlit_cpu_ms_per_phone"])),
    ("Caddy CPU ms / phone", lambda r: fmt(r["caddy_cpu_ms_per_phone"])),
    ("load generator CPU, % of a core", lambda r: fmt(r["generator_cpu_pct"])),
    (
        "load average before / after",
        lambda r: "{} / {}".format(*r["load_average_before_after"]),
    ),  # fmt: skip
]


def _db(r: dict) -> str:
    if "db" not in r:
        return "-"
    return f"{r['db']['exact']} ({r['db']['lost']} / {r['db']['extra']})"


def _pair(d: dict) -> str:
    return f"{fmt(d.get('p50'))} / {fmt(d.get('p95'))}"


def print_report(results: dict[str, dict]) -> None:
    names = list(results)
    print(f"\n{'':34}" + "".join(f"{n:>22}" for n in names))
    for label, get in ROWS:
        print(f"{label:34}" + "".join(f"{get(results[n]):>22}" for n in names))
    served, direct, floor = (results.get(k) for k in ("served", "direct", "floor"))
    if served and direct:
        print(
            "served / direct: Streamlit CPU "
            f"{_ratio(served, direct, 'streamlit_cpu_ms_per_phone')}, bytes "
            f"{_ratio(served, direct, 'wire_mb_per_phone')}, page-ready p95 "
            f"{_ratio(served['page_ready_ms'], direct['page_ready_ms'], 'p95')}"
        )
    if served and floor:
        print(
            "served / floor: Streamlit CPU "
            f"{_ratio(served, floor, 'streamlit_cpu_ms_per_phone')} "
            f"(target <= {TARGETS['cpu_vs_floor']:g}x)"
        )
    for name, r in results.items():
        for kind, count in r["error_kinds"].items():
            print(f"  {name}: {count}x {kind}")
        if len(r["by_first_worker"]) > 1 or any(
            w["dropped"] for w in r["by_first_worker"].values()
        ):
            print(f"  {name} by first worker: {r['by_first_worker']}")
    if served:
        print("\n" + verdict(served, floor))


def _ratio(a: dict, b: dict, key: str) -> str:
    x, y = a.get(key), b.get(key)
    return f"{x / y:.2f}x" if x is not None and y else "-"


def verdict(served: dict, floor: dict | None) -> str:
    checks = {
        "all thanked": served["thanked"] == served["phones"],
        "0 errors": served["errors"] == 0,
        "database exact": served.get("db", {}).get("exact", False),
        "page-ready p95 < 1 s": (served["page_ready_ms"].get("p95") or 1e9)
        < TARGETS["page_ready_p95_ms"],
        "tap-to-thank-you p95 < 500 ms": (served["thank_you_ms"].get("p95") or 1e9)
        < TARGETS["thank_you_p95_ms"],
        "<= 1 MB per phone": served["wire_mb_per_phone"]
        <= TARGETS["wire_mb_per_phone"],
    }
    if floor:
        ratio = served["streamlit_cpu_ms_per_phone"] / max(
            floor["streamlit_cpu_ms_per_phone"], 1e-9
        )
        checks[f"CPU {ratio:.2f}x floor <= 1.5x"] = ratio <= TARGETS["cpu_vs_floor"]
    failed = [k for k, ok in checks.items() if not ok]
    status = "PASS" if not failed else "FAIL: " + ", ".join(failed)
    return f"VERDICT (served stack): {status}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--phones", type=int, default=600)
    p.add_argument("--rate", type=float, default=30.0)
    p.add_argument("--stacks", default="direct,served,floor")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    p.add_argument("--kill-worker-at", type=float, default=None)
    p.add_argument("--timeout", type=float, default=30.0, help="seconds per phase")
    p.add_argument(
        "--think-seconds",
        type=float,
        default=0.0,
        help="each phone reads for about this long before submitting (its "
        "session stays open: what --kill-worker-at needs to hit)",
    )
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--json", type=Path)
    args = p.parse_args(argv)
    # What loadgen.participant expects of a run's settings.
    args.no_http, args.shared_cookie = True, None
    args.ws_compression = True
    paths = load_recording()
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="pulse-hall-") as tmp:
        for name in args.stacks.split(","):
            work = Path(tmp) / name
            work.mkdir()
            print(
                f"{name}: {args.phones} phones at {args.rate:g}/s, "
                f"{len(paths)} HTTP requests each (load {os.getloadavg()[0]:.2f})",
                flush=True,
            )
            results[name] = measure(name, work, paths, args)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))
    print_report(results)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
