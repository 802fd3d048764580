"""Servers under test and what they cost: ``streamlit run`` on a free port,
process CPU and memory from /proc, and the database checks."""

from __future__ import annotations

import asyncio
import contextlib
import os
import resource
import socket
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from benchmarks.protocol import CLK_TCK, NO_GROUP, http_get

REPO_ROOT = Path(__file__).resolve().parent.parent
APP_SCRIPT = REPO_ROOT / "app.py"
MINIMAL_SCRIPT = REPO_ROOT / "benchmarks" / "minimal_app" / "app.py"


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


class ServedServer:
    """``python serve.py`` (Caddy and ``workers`` Streamlit processes) on a free
    127.0.0.1 port, with the ``Server`` interface: ``port`` is Caddy's; CPU and
    memory are summed over the Streamlit workers (Caddy's CPU apart)."""

    def __init__(
        self,
        script: Path,
        db_path: Path,
        log_path: Path,
        workers: int = 2,
        env: dict[str, str] | None = None,
    ):
        self.script, self.db_path, self.log_path = script, db_path, log_path
        self.workers, self.env = workers, env or {}
        self.port = free_port()
        self.proc: subprocess.Popen | None = None

    def start(self, wait_s: float = 180.0) -> None:
        env = dict(os.environ, PULSE_DB=str(self.db_path), **self.env)
        cmd = [
            sys.executable, str(REPO_ROOT / "serve.py"), "--host", "127.0.0.1",
            "--port", str(self.port), "--workers", str(self.workers),
            "--app", str(self.script),
            "--log-dir", str(self.log_path.with_suffix(".logs")),
        ]  # fmt: skip
        with open(self.log_path, "wb") as out:
            self.proc = subprocess.Popen(
                cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )
        deadline = time.monotonic() + wait_s
        while "Ctrl-C stops" not in self.log_tail(200):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"serve.py did not start:\n{self.log_tail()}")
            time.sleep(0.2)

    def children(self) -> dict[str, list[int]]:
        """Streamlit workers and Caddy, by pid."""
        found: dict[str, list[int]] = {"streamlit": [], "caddy": []}
        if self.proc is None or self.proc.poll() is not None:
            return found
        pid = self.proc.pid
        for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
            try:
                cmd = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            kind = "caddy" if cmd[0].endswith(b"caddy") else "streamlit"
            found[kind].append(int(child))
        return found

    def cpu_s(self, kind: str = "streamlit") -> float | None:
        return sum(proc_cpu_s(p) or 0.0 for p in self.children()[kind])

    def rss_mb(self) -> float | None:
        return sum(rss_mb(p) or 0.0 for p in self.children()["streamlit"])

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)

    def exit_note(self) -> str | None:
        if self.proc is None or self.proc.poll() is None:
            return None
        return f"serve.py exited DURING the run:\n{self.log_tail(8)}"

    def log_tail(self, lines: int = 20) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def log_problems(self) -> list[str]:
        problems = []
        for log in sorted(self.log_path.with_suffix(".logs").glob("worker-*.log")):
            text = log.read_text(errors="replace")
            problems += [
                f"{log.name}: {line[:160]}"
                for line in text.splitlines()
                if any(w in line for w in ("ERROR", "Traceback", "Exception"))
            ]
        return problems[:20]


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
