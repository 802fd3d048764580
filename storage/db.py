"""Open and configure the database, and migrate its schema.

Streamlit runs every browser session in its own thread, so one connection is
shared (``check_same_thread=False``) behind a lock: writes are serialised and
each one is a ``BEGIN IMMEDIATE`` transaction committed with
``synchronous=FULL``, so a thank-you means the answer is on disk.

Tables that hold anything about a response are ``WITHOUT ROWID`` with random
keys: their stored order says nothing about the order people answered in.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from storage.schema import migrations
from survey.instrument import MOMENTS

DEFAULT_DB_PATH = Path("data") / "pulse.db"
BUSY_TIMEOUT_MS = 10_000


# Pulses within a session sort by moment (``survey.instrument.MOMENTS``).
MOMENT_ORDER = (
    "CASE p.moment "
    + " ".join(f"WHEN '{m}' THEN {i}" for i, m in enumerate(MOMENTS))
    + f" ELSE {len(MOMENTS)} END"
)


def database_path() -> Path:
    """``PULSE_DB`` when set, else the embedded default ``data/pulse.db``."""
    return Path(os.environ.get("PULSE_DB") or DEFAULT_DB_PATH)


class Store:
    """The database handle every page and command shares.

    ``write()`` yields inside an immediate transaction under the lock and commits
    on success or rolls back on any exception, so a rejected submission writes
    nothing. ``read()`` takes the same lock: one connection serves all threads.
    """

    def __init__(self, path: Path | str):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, check_same_thread=False, timeout=BUSY_TIMEOUT_MS / 1000
        )
        self.db = Database(conn)
        self._lock = threading.RLock()
        self._depth = 0  # nested read()/write() blocks now open
        self._wal_due = False  # a compaction's WAL is still to be emptied
        self._configure()
        migrated = migrations.pending(self.db)
        migrations.apply(self.db)
        if migrated and self.path != ":memory:":
            # A migration may delete what people said (m022): leave none of
            # it in free pages or the WAL.
            self.compact()

    def _configure(self) -> None:
        with self.db.ensure_autocommit_on():
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=FULL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            # Deleted answers are overwritten, not left readable in free pages.
            self.db.execute("PRAGMA secure_delete=ON")

    @contextlib.contextmanager
    def write(self) -> Iterator[Database]:
        with self._held():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.rollback()
                raise
            else:
                self.db.execute("COMMIT")

    @contextlib.contextmanager
    def read(self) -> Iterator[Database]:
        with self._held():
            yield self.db

    @contextlib.contextmanager
    def _held(self) -> Iterator[None]:
        """The lock, and on leaving the outermost block a retry of an emptying
        of the WAL that another connection's read kept from finishing."""
        with self._lock:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
                if self._depth == 0 and self._wal_due:
                    self._wal_due = not self._empty_wal(wait=False)

    def compact(self) -> None:
        """Rebuild the file in key order and empty the WAL.

        Until then the file remembers arrival order twice over: the WAL holds
        each commit in sequence, and within a b-tree page SQLite writes each
        new cell below the previous one, so cell offsets record which response
        came first even though keys are random. ``VACUUM`` rewrites every
        table and index in key order; the truncating checkpoints before and
        after leave no old frames behind. Called when a pulse or programme
        closes and after deletes and purges (``secure_delete`` already zeroes
        freed cells).

        Another connection reading at that moment (the other worker, a backup
        being taken, the command line) keeps the WAL from being emptied, and
        SQLite says so only in the checkpoint's result: then the WAL, still
        holding the open pulse's pages in arrival order, is emptied as soon as
        this store is next used with nobody else reading (``_held``).
        """
        with self._lock:
            self._empty_wal()
            self.db.execute("VACUUM")
            self._wal_due = not self._empty_wal()

    def _empty_wal(self, *, wait: bool = True) -> bool:
        """Checkpoint and truncate the WAL; False when another connection's
        read kept it from finishing. Without ``wait``, gives up at once
        rather than holding a page up for the busy timeout."""
        if not wait:
            self.db.execute("PRAGMA busy_timeout=0")
        try:
            busy = self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        finally:
            if not wait:
                self.db.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        return not busy

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def pragma(self, name: str) -> object:
        with self.read() as db:
            return db.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self.db.close()


def delete_rows(db: Database, table: str, where: str, params: list) -> int:
    """Delete rows of ``table`` matching ``where``, and every row that refers to
    them, found from the schema's foreign keys (so a new table cannot be
    forgotten). Run inside a write transaction. Returns rows deleted from
    ``table`` itself."""
    for child, columns, parents in referrers(db, table):
        delete_rows(
            db,
            child,
            f"({', '.join(columns)}) IN "
            f"(SELECT {', '.join(parents)} FROM {table} WHERE {where})",
            params,
        )
    return db.execute(f"DELETE FROM {table} WHERE {where}", params).rowcount


def referrers(db: Database, table: str) -> list[tuple[str, list[str], list[str]]]:
    """(table, columns, parent columns) of every foreign key pointing at ``table``."""
    found = []
    for (child,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' "
        "AND name NOT LIKE 'sqlite_%'"
    ).fetchall():
        keys: dict[int, tuple[list[str], list[str]]] = {}
        for fk in db.execute(f"PRAGMA foreign_key_list({child})").fetchall():
            fk_id, _, parent, column, parent_column = fk[:5]
            if parent == table:
                cols, pcols = keys.setdefault(fk_id, ([], []))
                cols.append(column)
                pcols.append(parent_column or "rowid")
        found += [(child, cols, pcols) for cols, pcols in keys.values()]
    return found


_SINGULAR = {"pulses": "pulse", "sessions": "session", "programmes": "programme"}


def row_by_id(db: Database, table: str, row_id: int, columns: str = "*") -> dict:
    """One row of ``table`` as a dict; ``ValueError`` ("No pulse has that
    id.") when there is none, so every caller refuses an unknown id alike."""
    row = next(
        db.query(f"SELECT {columns} FROM [{table}] WHERE id = ?", [row_id]), None
    )
    if row is None:
        raise ValueError(f"No {_SINGULAR.get(table, 'row')} has that id.")
    return row


_ONE_PULSE = (
    "FROM pulses p JOIN sessions s ON s.id = p.session_id "
    "JOIN programmes g ON g.id = s.programme_id WHERE p.id = ?"
)


def pulse_columns(db: Database, pulse_id: int, columns: str) -> tuple | None:
    """``columns`` (SQL over the pulse ``p``, its session ``s`` and programme
    ``g``) of one pulse, or None when no pulse has that id: the one way a
    pulse is read with its programme."""
    return db.execute(f"SELECT {columns} {_ONE_PULSE}", [pulse_id]).fetchone()


def pulse_programme(db: Database, pulse_id: int) -> dict:
    """The programme row a pulse belongs to, with the pulse's ``status``;
    ``ValueError`` when no pulse has that id."""
    row = next(db.query(f"SELECT g.*, p.status {_ONE_PULSE}", [pulse_id]), None)
    if row is None:
        raise ValueError("No pulse has that id.")
    return row


def open_store(path: Path | str | None = None) -> Store:
    """The configured, migrated store at ``path`` (default: ``database_path()``)."""
    return Store(path if path is not None else database_path())
