"""Facilitator query times and durable submit throughput at 10k–1M responses.

    python -m benchmarks.queries                      # 10k and 100k
    python -m benchmarks.queries --sizes 10000 100000 1000000 --json out.json

For each size it builds a database with ``python -m storage demo`` logic (the
demo programme plus one synthetic programme of N responses over 12 pulses) and
measures, as server-side time in this process:

- live room refresh (``results.live_room``) for a room-sized open pulse, and
  for an open pulse holding N/12 responses (worst case);
- trends aggregation (``trends.programme_trends``) cold, and the data-version
  check that a cached page render costs;
- whole page script runs (AppTest): Trends (cache warm) and the Live room
  with results revealed, i.e. what Streamlit spends server-side per render;
- durable submits per second from 16 threads (synchronous=FULL, WAL).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from storage import aggregates, programmes, responses, results
from storage.db import Store, open_store
from storage.demo import build_demo, build_synthetic, open_demo_code

ROOT = Path(__file__).resolve().parents[1]


def timed_ms(fn: Callable[[], object], repeat: int = 7) -> dict[str, float]:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(samples), "max_ms": max(samples)}


def submit_throughput(store: Store, pulse_id: int, threads: int = 16, each: int = 40):
    questions = programmes.pulse_questions(store, pulse_id)
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def worker() -> None:
        barrier.wait()
        for _ in range(each):
            try:
                responses.submit_response(
                    store,
                    pulse_id,
                    {q.id: 1 + secrets.randbelow(7) for q in questions},
                    device_token=secrets.token_hex(32),
                )
            except BaseException as exc:  # noqa: BLE001 - counted and reported
                errors.append(exc)

    before = responses.count_responses(store, pulse_id)
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    elapsed = time.perf_counter() - started
    stored = responses.count_responses(store, pulse_id) - before
    return {
        "submits_per_s": stored / elapsed,
        "errors": len(errors),
        "lost": threads * each - len(errors) - stored,
    }


def page_run_ms(
    db_path: Path, page: str, params: dict[str, str], toggle: bool = False
) -> dict[str, float]:
    """Server time of one full run of a facilitator page (signed in, warm)."""
    from streamlit.testing.v1 import AppTest

    os.environ["PULSE_DB"] = str(db_path)
    os.environ["PULSE_FACILITATOR_PASSWORD"] = "benchmark passphrase 1"
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
    for name, value in params.items():
        at.query_params[name] = value
    at.run()
    at.switch_page(page).run()
    box = next(t for t in at.text_input if t.label == "Facilitator passphrase")
    box.set_value("benchmark passphrase 1")
    next(b for b in at.button if b.label == "Sign in").click().run()
    if toggle:
        at.toggle[0].set_value(True).run()
    assert not at.exception, at.exception
    return timed_ms(lambda: at.run(), repeat=5)


def measure(size: int, workdir: Path, page: bool) -> dict:
    path = workdir / f"bench-{size}.db"
    store = open_store(path)
    started = time.perf_counter()
    build_demo(store)
    programme_id = build_synthetic(store, size)
    build_s = time.perf_counter() - started
    room = programmes.pulse_by_code(store, open_demo_code(store))
    with store.read() as db:
        big_pulse = db.execute(
            "SELECT p.id FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "WHERE s.programme_id = ? ORDER BY p.id DESC LIMIT 1",
            [programme_id],
        ).fetchone()[0]
    programmes.open_pulse(store, big_pulse)
    questions = programmes.pulse_questions(store, room.id)
    for person in range(27):  # a room of 30: enough for results to be released
        responses.submit_response(
            store, room.id, {q.id: 1 + (person + q.id) % 7 for q in questions}
        )
    figures = {
        "responses": size,
        "build_s": build_s,
        "live_room_small": timed_ms(lambda: results.live_room(store, room.id)),
        "live_room_big_pulse": timed_ms(lambda: results.live_room(store, big_pulse)),
        "trends_cold": timed_ms(
            lambda: aggregates.trends(store, programme_id), repeat=3
        ),
        "trends_version_check": timed_ms(
            lambda: aggregates.data_version(store, programme_id)
        ),
    }
    if page:
        figures["trends_page_warm"] = page_run_ms(
            path, "screens/facilitator/trends.py", {"programme": str(programme_id)}
        )
        figures["live_page_revealed"] = page_run_ms(
            path,
            "screens/facilitator/live.py",
            {"programme": str(room.programme_id), "pulse": str(room.id)},
            toggle=True,
        )
    figures["submit_16_threads"] = submit_throughput(store, room.id)
    store.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.queries")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--no-page", action="store_true", help="skip the AppTest run")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    print(f"cores: {os.cpu_count()}  (targets: live < 50 ms, trends page < 300 ms)")
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            figures = measure(size, Path(tmp), page=not args.no_page)
            out[size] = figures
            print(f"\n{size:>9,} responses (built in {figures['build_s']:.1f} s)")
            for name, value in figures.items():
                if isinstance(value, dict):
                    shown = ", ".join(f"{k} {v:,.1f}" for k, v in value.items())
                    print(f"  {name:<22} {shown}")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
