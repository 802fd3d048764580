"""Reporting: percentiles, the side-by-side table, ratios to the floor, and
the verdict against DESIGN.md's targets."""

from __future__ import annotations

import os
import time
from dataclasses import asdict
from typing import TYPE_CHECKING

from benchmarks.figures import dist_ms, fmt, pct_of
from benchmarks.protocol import RATE_TOLERANCE, TARGET_RATE, TARGET_SUBMIT_P95_MS

if TYPE_CHECKING:
    from benchmarks.loadgen import Sample


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


# --- report ------------------------------------------------------------------------


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
