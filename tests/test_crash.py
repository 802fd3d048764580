"""Kill -9 the writing process repeatedly during concurrent submissions:
the database stays intact and every acknowledged response is there."""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import time
from pathlib import Path

from storage.db import open_store
from survey.codes import device_hash
from tests.fixtures import make_open_pulse

ROOT = Path(__file__).resolve().parents[1]
CYCLES = 5
RUN_SECONDS = (0.6, 0.9, 1.2, 0.7, 1.0)


def _run_and_kill(db: Path, pulse_id: int, seconds: float) -> list[str]:
    """Start the writer, read acknowledgements for ``seconds``, then SIGKILL it."""
    proc = subprocess.Popen(
        [
            sys.executable,
            str(ROOT / "tests" / "crash_writer.py"),
            str(db),
            str(pulse_id),
            "8",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    acknowledged: list[str] = []
    buffer = b""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + 60  # imports; replaced once the writer is ready
    try:
        while time.monotonic() < deadline:
            if selector.select(timeout=0.05):
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                buffer += chunk
                if buffer.startswith(b"ready\n"):
                    buffer = buffer.removeprefix(b"ready\n")
                    deadline = time.monotonic() + seconds
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    # Only complete lines were acknowledged before the kill.
    lines = buffer.split(b"\n")
    acknowledged += [line.decode() for line in lines[:-1] if len(line) == 64]
    return acknowledged


def test_sigkill_during_concurrent_submissions_loses_nothing(tmp_path: Path) -> None:
    db = tmp_path / "crash.db"
    store = open_store(db)
    op = make_open_pulse(store)
    with store.read() as d:
        secret = d.execute(
            "SELECT secret FROM pulses WHERE id = ?", [op.pulse.id]
        ).fetchone()[0]
    store.close()

    acknowledged: list[str] = []
    for cycle in range(CYCLES):
        acknowledged += _run_and_kill(db, op.pulse.id, RUN_SECONDS[cycle])
    assert len(acknowledged) > 20, "the writer should have committed something"

    store = open_store(db)
    try:
        assert store.pragma("integrity_check") == "ok"
        with store.read() as d:
            stored = {h for (h,) in d.execute("SELECT device_hash FROM submissions")}
            responses = d.execute("SELECT count(*) FROM responses").fetchone()[0]
            orphans = d.execute(
                "SELECT count(*) FROM responses r WHERE NOT EXISTS "
                "(SELECT 1 FROM answers a WHERE a.pulse_id = r.pulse_id "
                "AND a.response_id = r.id)"
            ).fetchone()[0]
            fk_problems = d.execute("PRAGMA foreign_key_check").fetchall()
        missing = [t for t in acknowledged if device_hash(secret, t) not in stored]
        assert missing == []
        # Every submission row has its response (one transaction), none half-written.
        assert responses == len(stored)
        assert orphans == 0 and fk_problems == []
    finally:
        store.close()
