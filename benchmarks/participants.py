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
   deltas (the group radio, one radio group per question, the form's
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
    python -m benchmarks.participants --served 2 --soak-minutes 10 --rate 20 \
        --dashboards 2 --device-token

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
``script_finished``. A refresh reads without the write lock; it takes the
lock only when a release is due (k new answers since the last one), and then
re-checks inside it, so most refreshes do not contend with submits. A refresh still
running when the next tick is due skips that tick (counted as a late tick; a
browser would queue another). When the participants are done each dashboard
refreshes once more, and its "Answers" figure must equal the stored count.

"Lost" is an acknowledged answer missing from the database; "extra" is a stored
answer nobody saw a thank-you for (a participant that timed out after the
server committed: on a phone, a likely retry).

Not emulated by default: the device-token component's report (in a browser it
is one fragment rerun per session; ``--device-token`` sends it the same way),
think time (``--think-seconds``). Never emulated here: the static files (the
~2.9 MB of JavaScript and fonts a fresh phone downloads), heartbeats,
reconnects. ``python -m benchmarks.hall`` replays what a real Chromium
fetches and drives the served stack; this module measures the protocol path
alone against one ``streamlit run`` process.

The package, by job: ``protocol`` (the websocket client), ``scenarios`` (what
a phone does on each app), ``loadgen`` (arrivals and one phone), ``dashboards``
(facilitators watching), ``servers`` (processes under test, CPU, memory,
database checks), ``soak`` (sampling over minutes), ``report`` and
``figures`` (tables, ratios, verdict), ``minimal_app/`` (the floor).

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
import os
import platform
import sys
import tempfile
from pathlib import Path

import websockets

from benchmarks.dashboards import LiveTarget
from benchmarks.loadgen import fetch_cookie, run_load, warm_up
from benchmarks.protocol import DASHBOARD_PASSPHRASE, PASSPHRASE_ENV, TARGET_RATE
from benchmarks.report import print_db, print_report, verdict
from benchmarks.scenarios import MinimalScenario, OpenOnly, PulseScenario
from benchmarks.servers import (
    APP_SCRIPT,
    MINIMAL_SCRIPT,
    DbSnapshot,
    ServedServer,
    Server,
    busy_pct_of_one_core,
    db_query,
    db_snapshot,
    wait_for_quiet,
)
from benchmarks.soak import print_samples

# DESIGN.md, Performance: the participant path target on a 2-core machine.
# --- one app end to end ----------------------------------------------------------


def bench_pulse(args, n: int, workdir: Path, sample_every: float) -> dict:
    db_path = workdir / "pulse.db"
    # The dashboards sign in with it (and the app prints no generated one).
    env = {PASSPHRASE_ENV: DASHBOARD_PASSPHRASE}
    log = workdir / "pulse-server.log"
    server = (
        ServedServer(APP_SCRIPT, db_path, log, args.served, env)
        if args.served
        else Server(APP_SCRIPT, db_path, log, args.streamlit_option, env=env)
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
    unused_db, log = workdir / "minimal-unused.db", workdir / "minimal-server.log"
    server = (
        ServedServer(MINIMAL_SCRIPT, unused_db, log, args.served)
        if args.served
        else Server(MINIMAL_SCRIPT, unused_db, log, args.streamlit_option)
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
    p.add_argument(
        "--served",
        type=int,
        default=0,
        metavar="WORKERS",
        help="drive python serve.py with this many workers instead of one "
        "streamlit run process (memory and CPU summed over the workers)",
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
