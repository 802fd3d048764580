"""Child processes of the served stack: started, watched, restarted, stopped.

Each child gets its own session (so a Ctrl-C in the terminal reaches only
``serve.py``, which then stops the children in order) and is asked by the
kernel to terminate if ``serve.py`` itself dies, so no worker outlives it.
"""

from __future__ import annotations

import ctypes
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

_PR_SET_PDEATHSIG = 1
STOP_TIMEOUT_S = 10.0
# A worker that dies again this soon after a restart is waited on a little
# longer each time (a broken install should not spin a core).
RESTART_BACKOFF_S = (0.5, 1.0, 2.0, 5.0)
STABLE_AFTER_S = 30.0


def _die_with_parent() -> None:
    """Runs in the child before exec: SIGTERM when the parent goes (Linux)."""
    try:
        libc = ctypes.CDLL("libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except OSError:
        pass


@dataclass
class Child:
    """One command kept running; ``restarts`` counts unplanned restarts."""

    name: str
    cmd: Sequence[str]
    env: Mapping[str, str]
    cwd: Path
    log: IO[bytes] | None = None
    proc: subprocess.Popen | None = None
    restarts: int = 0
    started_at: float = 0.0
    _next_start: float = field(default=0.0, repr=False)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            list(self.cmd),
            cwd=self.cwd,
            env=dict(self.env),
            stdout=self.log if self.log is not None else None,
            stderr=subprocess.STDOUT if self.log is not None else None,
            start_new_session=True,
            preexec_fn=_die_with_parent if sys.platform == "linux" else None,
        )
        self.started_at = time.monotonic()

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        if not self.alive():
            return
        assert self.proc is not None
        self.proc.terminate()
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)


def healthy(
    port: int,
    path: str = "/_stcore/health",
    timeout: float = 2.0,
    host: str = "127.0.0.1",
) -> bool:
    try:
        url = f"http://{host}:{port}{path}"
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except OSError:
        return False


def wait_healthy(
    children: Sequence[tuple[Child, int]],
    timeout: float,
    path: str,
    host: str = "127.0.0.1",
) -> None:
    """Wait until every ``(child, port)`` answers ``path``; raise with the
    child's name if one exits or the time runs out."""
    deadline = time.monotonic() + timeout
    pending = list(children)
    while pending:
        for child, port in list(pending):
            if not child.alive():
                raise RuntimeError(f"{child.name} exited while starting")
            if healthy(port, path, host=host):
                pending.remove((child, port))
        if pending and time.monotonic() > deadline:
            names = ", ".join(c.name for c, _ in pending)
            raise RuntimeError(f"{names} not healthy after {timeout:.0f} s")
        if pending:
            time.sleep(0.2)


class Supervisor:
    """Keeps children running until ``stop()``; restarts any that die."""

    def __init__(self, children: Sequence[Child], announce=print) -> None:
        self.children = list(children)
        self.stopping = False
        self._announce = announce

    def start_all(self) -> None:
        for child in self.children:
            child.start()

    def check(self) -> list[Child]:
        """Restart children that have exited (unless stopping); returns them."""
        restarted = []
        now = time.monotonic()
        for child in self.children:
            if self.stopping or child.alive():
                continue
            if child._next_start == 0.0:
                quick = now - child.started_at < STABLE_AFTER_S
                step = min(child.restarts, len(RESTART_BACKOFF_S) - 1) if quick else 0
                child._next_start = now + RESTART_BACKOFF_S[step]
                code = child.proc.returncode if child.proc else None
                self._announce(f"{child.name} stopped (exit {code}); restarting")
            if now >= child._next_start:
                child._next_start = 0.0
                child.restarts += 1
                child.start()
                restarted.append(child)
        return restarted

    def stop(self) -> None:
        """Stop every child: SIGTERM all at once, then wait (kill after 10 s)."""
        self.stopping = True
        for child in self.children:
            if child.alive():
                assert child.proc is not None
                child.proc.send_signal(signal.SIGTERM)
        for child in reversed(self.children):
            child.stop()


def streamlit_worker_cmd(
    app: Path, port: int, options: Sequence[str] = ()
) -> list[str]:
    return [
        sys.executable, "-m", "streamlit", "run", str(app),
        "--server.headless=true",
        "--server.address=127.0.0.1",
        f"--server.port={port}",
        "--server.fileWatcherType=none",
        "--server.runOnSave=false",
        *options,
    ]  # fmt: skip


def worker_env(base: Mapping[str, str], extra: Mapping[str, str]) -> dict[str, str]:
    env = {**base, **extra}
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env
