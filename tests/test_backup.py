"""Backup while people answer, and a restore that refuses to do harm."""

from __future__ import annotations

import secrets
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from storage import backup, responses
from storage.__main__ import main
from storage.db import Store, open_store
from storage.demo import build_demo, build_synthetic
from survey import codes
from tests.fixtures import OpenPulse, make_open_pulse

THREADS = 16


def integrity_ok(path: Path) -> bool:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    finally:
        conn.close()


def query(path: Path, sql: str, params: tuple = ()) -> list[tuple]:
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


class Room:
    """16 phones submitting until told to stop; records each acknowledged
    device token (its keyed hash is stored in the same transaction as the
    response, so it proves the response committed)."""

    def __init__(self, pulse: OpenPulse):
        self.pulse = pulse
        self.acknowledged: list[str] = []
        self.errors: list[BaseException] = []
        self._lock = threading.Lock()
        self.stop = threading.Event()
        self.threads = [
            threading.Thread(target=self._phone, args=(i,)) for i in range(THREADS)
        ]

    def _phone(self, index: int) -> None:
        group = self.pulse.groups[index % 2].id
        try:
            while not self.stop.is_set():
                token = secrets.token_hex(32)
                responses.submit_response(
                    self.pulse.store,
                    self.pulse.pulse.id,
                    self.pulse.first_answers(1 + index % 7),
                    group_id=group,
                    comment=f"comment {token}",
                    device_token=token,
                )
                with self._lock:
                    self.acknowledged.append(token)
        except BaseException as problem:  # noqa: BLE001 - reported by the test
            self.errors.append(problem)

    def acked(self) -> set[str]:
        with self._lock:
            return set(self.acknowledged)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 60
        while len(self.acked()) < count:
            assert not self.errors, self.errors
            assert time.monotonic() < deadline, "submissions stalled"
            time.sleep(0.005)


def test_backup_during_submissions_restores_complete(store: Store, tmp_path: Path):
    build_demo(store)
    build_synthetic(store, 20_000)  # ~9 MB: each backup takes a while
    pulse = make_open_pulse(store)
    room = Room(pulse)
    for thread in room.threads:
        thread.start()
    taken: list[tuple[Path, set[str]]] = []
    acknowledged_during = 0
    try:
        for round_ in range(3):
            room.wait_for(40 * (round_ + 1))
            before = room.acked()  # every one of these returned before the backup
            path = backup.backup_store(store, tmp_path / f"during-{round_}.db")
            acknowledged_during += len(room.acked()) - len(before)
            assert all(t.is_alive() for t in room.threads)  # still submitting
            taken.append((path, before))
    finally:
        room.stop.set()
        for thread in room.threads:
            thread.join()
    assert not room.errors
    assert acknowledged_during > 0  # the backups did not block the room

    secret = query(
        Path(store.path), "SELECT secret FROM pulses WHERE id = ?", (pulse.pulse.id,)
    )[0][0]
    for path, before in taken:
        restored = tmp_path / f"restored-{path.stem}.db"
        backup.restore(path, restored)
        assert integrity_ok(restored)
        hashes = {
            h
            for (h,) in query(
                restored,
                "SELECT device_hash FROM submissions WHERE pulse_id = ?",
                (pulse.pulse.id,),
            )
        }
        assert {codes.device_hash(secret, t) for t in before} <= hashes
        # Nothing half-written: each response has all its answers and scores,
        # and responses, device hashes, comments and item counts agree.
        asked = len(pulse.questions)
        assert not query(
            restored,
            "SELECT r.id FROM responses r WHERE r.pulse_id = ? AND ("
            "(SELECT count(*) FROM answers a WHERE a.pulse_id = r.pulse_id "
            " AND a.response_id = r.id) != ? OR "
            "(SELECT count(*) FROM scores s WHERE s.pulse_id = r.pulse_id "
            " AND s.response_id = r.id) != ?)",
            (pulse.pulse.id, asked, len({q.dimension for q in pulse.questions})),
        )
        (n_responses,), (comments,), (answers,) = (
            query(restored, f"SELECT {what} WHERE pulse_id = ?", (pulse.pulse.id,))[0]
            for what in (
                "count(*) FROM responses",
                "count(*) FROM comments",
                "count(*) FROM answers",
            )
        )
        assert n_responses == len(hashes) == comments >= len(before)
        assert answers == n_responses * asked
        # And the app can open it (migrations, WAL) and count it.
        reopened = open_store(restored)
        assert responses.count_responses(reopened, pulse.pulse.id) == n_responses
        reopened.close()


def test_backup_and_restore_round_trip_by_command(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    store = open_store(db)
    build_demo(store)
    pulse = make_open_pulse(store, k=3)
    store.close()
    copy = tmp_path / "backups" / "monday.db"
    copy.parent.mkdir()
    assert main(["backup", str(copy), "--db", str(db)]) == 0
    assert integrity_ok(copy)
    assert copy.stat().st_mode & 0o077 == 0  # a backup holds every answer

    # Later: more answers arrive, then the database is restored from Monday.
    store = open_store(db)
    responses.submit_response(store, pulse.pulse.id, pulse.first_answers())
    before_restore = query(db, "SELECT count(*) FROM responses")[0][0]
    store.close()
    assert main(["restore", str(copy), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "before-restore" in out
    kept = tmp_path / "pulse.db.before-restore"
    assert integrity_ok(db) and integrity_ok(kept)
    assert query(kept, "SELECT count(*) FROM responses")[0][0] == before_restore
    assert query(db, "SELECT count(*) FROM responses")[0][0] == before_restore - 1
    assert not (tmp_path / "pulse.db-wal").exists()


def test_restore_refuses_while_the_app_has_the_database_open(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    copy = tmp_path / "copy.db"
    app = open_store(db)  # what the running app holds
    build_demo(app)
    backup.backup_store(app, copy)
    try:
        assert backup.in_use(db)
        assert main(["restore", str(copy), "--db", str(db)]) == 1
        assert "Stop the app first" in capsys.readouterr().err
        assert not (tmp_path / "pulse.db.before-restore").exists()
        responses.count_responses(app, 1)  # the app is undisturbed
    finally:
        app.close()
    assert not backup.in_use(db)


def test_restore_refuses_a_damaged_backup(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    store = open_store(db)
    build_demo(store)
    store.close()
    good = backup.backup_file(db, tmp_path / "good.db")
    original = db.read_bytes()

    damaged = tmp_path / "damaged.db"
    data = bytearray(good.read_bytes())
    page_size = int.from_bytes(data[16:18], "big")
    for page in range(2, len(data) // page_size, 3):  # scribble over b-tree pages
        data[page * page_size + 8 : page * page_size + 64] = b"\xff" * 56
    damaged.write_bytes(bytes(data))
    assert main(["restore", str(damaged), "--db", str(db)]) == 1
    assert "integrity check" in capsys.readouterr().err

    (tmp_path / "text.db").write_text("not a database at all")
    assert main(["restore", str(tmp_path / "text.db"), "--db", str(db)]) == 1
    assert "not a readable SQLite database" in capsys.readouterr().err

    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE x (y)").connection.close()
    assert main(["restore", str(other), "--db", str(db)]) == 1
    assert "not a Together Pulse database" in capsys.readouterr().err

    assert main(["restore", str(tmp_path / "missing.db"), "--db", str(db)]) == 1
    assert "No backup file" in capsys.readouterr().err

    assert db.read_bytes() == original
    assert not (tmp_path / "pulse.db.before-restore").exists()


def test_restore_never_overwrites_an_earlier_before_restore(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    store = open_store(db)
    build_demo(store)
    store.close()
    copy = backup.backup_file(db, tmp_path / "copy.db")
    backup.restore(copy, db)
    assert main(["restore", str(copy), "--db", str(db)]) == 1
    assert "exists from an earlier restore" in capsys.readouterr().err


def test_backup_refuses_bad_paths_and_writes_nothing(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    store = open_store(db)
    build_demo(store)
    store.close()
    existing = tmp_path / "existing.db"
    existing.write_bytes(b"keep me")
    assert main(["backup", str(existing), "--db", str(db)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert existing.read_bytes() == b"keep me"
    assert main(["backup", str(existing), "--db", str(db), "--overwrite"]) == 0
    assert integrity_ok(existing)

    assert (
        main(["backup", str(tmp_path / "no" / "such" / "b.db"), "--db", str(db)]) == 1
    )
    assert "No folder" in capsys.readouterr().err
    assert main(["backup", str(tmp_path / "b.db"), "--db", str(tmp_path / "x.db")]) == 1
    assert "No database at" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists() and not (tmp_path / "b.db").exists()

    folder = tmp_path / "nightly"
    folder.mkdir()
    assert main(["backup", str(folder), "--db", str(db)]) == 0
    (made,) = folder.iterdir()
    assert made.name.startswith("pulse-backup-") and integrity_ok(made)
    assert not [p for p in tmp_path.rglob("*.partial")]


def test_backup_bytes_is_a_whole_database(store: Store, tmp_path: Path):
    build_demo(store)
    data = backup.backup_bytes(store)
    path = tmp_path / "downloaded.db"
    path.write_bytes(data)
    assert integrity_ok(path)
    assert query(path, "SELECT count(*) FROM responses") == query(
        Path(store.path), "SELECT count(*) FROM responses"
    )


def test_in_memory_store_can_be_backed_up(tmp_path: Path):
    memory = open_store(":memory:")
    build_demo(memory)
    path = backup.backup_store(memory, tmp_path / "mem.db")
    memory.close()
    assert integrity_ok(path)
    assert query(path, "SELECT count(*) FROM responses")[0][0] > 0


def test_restore_needs_a_backup_argument():
    with pytest.raises(SystemExit) as exit_:
        main(["restore"])
    assert exit_.value.code == 2


def test_restore_after_a_crash_keeps_the_unflushed_answers(tmp_path: Path):
    """An app killed mid-run leaves answers in pulse.db-wal; the kept
    ``.before-restore`` file must still hold them."""
    db = tmp_path / "pulse.db"
    store = open_store(db)
    build_demo(store)
    copy = backup.backup_store(store, tmp_path / "copy.db")
    store.close()
    script = (
        "import os, sys\n"
        "from storage.db import open_store\n"
        "from storage.programmes import create_programme\n"
        f"s = open_store({str(db)!r})\n"
        "s.db.execute('PRAGMA wal_autocheckpoint=0')\n"
        "create_programme(s, 'After the backup')\n"
        "os._exit(0)  # no close: the WAL is left behind\n"
    )
    root = Path(__file__).resolve().parents[1]
    subprocess.run([sys.executable, "-c", script], check=True, cwd=root)
    assert (tmp_path / "pulse.db-wal").stat().st_size > 0
    backup.restore(copy, db)
    kept = tmp_path / "pulse.db.before-restore"
    assert integrity_ok(kept) and integrity_ok(db)
    names = {n for (n,) in query(kept, "SELECT name FROM programmes")}
    assert "After the backup" in names
    assert "After the backup" not in {
        n for (n,) in query(db, "SELECT name FROM programmes")
    }
    assert not (tmp_path / "pulse.db-wal").exists()
