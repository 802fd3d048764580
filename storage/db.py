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
from sqlite_utils.migrations import Migrations

from survey.instrument import MOMENTS

DEFAULT_DB_PATH = Path("data") / "pulse.db"
BUSY_TIMEOUT_MS = 10_000

migrations = Migrations("together_pulse")

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
        self._configure()
        migrations.apply(self.db)

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
        with self._lock:
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
        with self._lock:
            yield self.db

    def forget_write_order(self) -> None:
        """Checkpoint and truncate the WAL.

        Until a checkpoint, the WAL holds each commit in arrival order: which
        response and comment pages were written together, and in what sequence.
        Emptying it when a pulse closes (and after purges) removes that trail.
        """
        with self._lock:
            self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def pragma(self, name: str) -> object:
        with self.read() as db:
            return db.execute(f"PRAGMA {name}").fetchone()[0]

    def close(self) -> None:
        with self._lock:
            self.db.close()


def open_store(path: Path | str | None = None) -> Store:
    """The configured, migrated store at ``path`` (default: ``database_path()``)."""
    return Store(path if path is not None else database_path())


@migrations()
def m001_initial_schema(db: Database) -> None:
    db["settings"].create({"key": str, "value": str}, pk="key")
    db["programmes"].create(
        {
            "id": int,
            "name": str,
            "k": int,
            "retention_days": int,
            "closed_on": str,
        },
        pk="id",
        not_null={"name", "k"},
        defaults={"k": 5},
    )
    db["groups"].create(
        {"id": int, "programme_id": int, "name": str, "expected": int, "position": int},
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "name"},
    )
    db["sessions"].create(
        {
            "id": int,
            "programme_id": int,
            "title": str,
            "kind": str,
            "date": str,
            "position": int,
        },
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "title"},
    )
    db["questions"].create(
        {
            "id": int,
            "programme_id": int,
            "item_key": str,
            "dimension": str,
            "text": str,
            "reverse": int,
            "position": int,
            "retired": int,
        },
        pk="id",
        foreign_keys=[("programme_id", "programmes", "id")],
        not_null={"programme_id", "dimension", "text"},
        defaults={"reverse": 0, "retired": 0},
    )
    db["pulses"].create(
        {
            "id": int,
            "session_id": int,
            "moment": str,
            "form": str,
            "code": str,
            "status": str,
            "secret": str,
            "comment_prompt": str,
        },
        pk="id",
        foreign_keys=[("session_id", "sessions", "id")],
        not_null={"session_id", "moment", "code", "status", "secret"},
        defaults={"status": "draft"},
    )
    db["pulses"].create_index(["code"], unique=True)
    db["pulse_questions"].create(
        {"pulse_id": int, "question_id": int, "position": int},
        pk=("pulse_id", "question_id"),
        foreign_keys=[
            ("pulse_id", "pulses", "id"),
            ("question_id", "questions", "id"),
        ],
    )
    for table in ("groups", "sessions", "questions"):
        db[table].create_index(["programme_id"])
    db["pulses"].create_index(["session_id"])
    # Response data: random keys, WITHOUT ROWID, no timestamps, no device data.
    # sqlite-utils cannot declare WITHOUT ROWID, hence plain DDL here.
    db.execute(
        """
        CREATE TABLE responses (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            id TEXT NOT NULL,
            group_id INTEGER REFERENCES groups(id),
            PRIMARY KEY (pulse_id, id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE answers (
            pulse_id INTEGER NOT NULL,
            response_id TEXT NOT NULL,
            question_id INTEGER NOT NULL REFERENCES questions(id),
            value INTEGER NOT NULL CHECK (value BETWEEN 1 AND 7),
            PRIMARY KEY (pulse_id, response_id, question_id),
            FOREIGN KEY (pulse_id, response_id) REFERENCES responses(pulse_id, id)
                ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE scores (
            pulse_id INTEGER NOT NULL,
            dimension TEXT NOT NULL,
            response_id TEXT NOT NULL,
            group_id INTEGER,
            score REAL NOT NULL CHECK (score BETWEEN 1 AND 7),
            items INTEGER NOT NULL,
            PRIMARY KEY (pulse_id, dimension, response_id),
            FOREIGN KEY (pulse_id, response_id) REFERENCES responses(pulse_id, id)
                ON DELETE CASCADE
        ) WITHOUT ROWID
        """
    )
    # Trends read dimension figures with one GROUP BY over this covering index.
    db.execute(
        "CREATE INDEX scores_by_group "
        "ON scores (pulse_id, dimension, group_id, items, score)"
    )
    # Per-item sufficient statistics, kept up to date at submit: agreement and
    # reliability for a whole programme without reading every answer, and
    # still available after item-level answers are purged (retention).
    # group_key is the group id, or 0 for "group not given".
    db.execute(
        """
        CREATE TABLE item_stats (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            group_key INTEGER NOT NULL,
            question_id INTEGER NOT NULL REFERENCES questions(id),
            complete INTEGER NOT NULL,
            n INTEGER NOT NULL,
            total REAL NOT NULL,
            squares REAL NOT NULL,
            PRIMARY KEY (pulse_id, group_key, question_id, complete)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE comments (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            id TEXT NOT NULL,
            text TEXT NOT NULL CHECK (length(text) <= 1000),
            PRIMARY KEY (pulse_id, id)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE submissions (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id),
            device_hash TEXT NOT NULL,
            PRIMARY KEY (pulse_id, device_hash)
        ) WITHOUT ROWID
        """
    )


@migrations()
def m002_releases(db: Database) -> None:
    # The figures last released for each open pulse (promise 3). No timestamps.
    db["releases"].create(
        {"pulse_id": int, "n": int, "snapshot": str},
        pk="pulse_id",
        foreign_keys=[("pulse_id", "pulses", "id")],
    )


@migrations()
def m003_actions(db: Database) -> None:
    # Changes a programme agreed to try, and their dated status updates.
    db["actions"].create(
        {
            "id": int,
            "programme_id": int,
            "session_id": int,
            "title": str,
            "dimensions": str,
            "groups": str,
        },
        pk="id",
        foreign_keys=[
            ("programme_id", "programmes", "id"),
            ("session_id", "sessions", "id"),
        ],
        not_null={"programme_id", "title"},
    )
    db["action_updates"].create(
        {"id": int, "action_id": int, "date": str, "status": str, "note": str},
        pk="id",
        foreign_keys=[("action_id", "actions", "id")],
        not_null={"action_id", "date", "status"},
    )
    db["actions"].create_index(["programme_id"])
    db["action_updates"].create_index(["action_id"])


@migrations()
def m010_tickets_and_comment_review(db: Database) -> None:
    # One-time tickets (optional per programme): only keyed hashes, per pulse,
    # WITHOUT ROWID keyed by the hash so no row order says which was used when;
    # nothing links a ticket to the response it sent.
    db.execute("ALTER TABLE programmes ADD COLUMN tickets INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE programmes ADD COLUMN ticket_key TEXT")
    db.execute(
        """
        CREATE TABLE tickets (
            pulse_id INTEGER NOT NULL REFERENCES pulses(id) ON DELETE CASCADE,
            hash TEXT NOT NULL,
            used INTEGER NOT NULL DEFAULT 0 CHECK (used IN (0, 1)),
            PRIMARY KEY (pulse_id, hash)
        ) WITHOUT ROWID
        """
    )
    # Comments reach the facilitator in batches (storage.comments) and the room
    # only once chosen; the comment minimum is k unless set (NULL).
    db.execute("ALTER TABLE programmes ADD COLUMN comment_k INTEGER")
    db.execute(
        "ALTER TABLE comments ADD COLUMN state TEXT NOT NULL DEFAULT 'held' "
        "CHECK (state IN ('held', 'review', 'shown', 'hidden'))"
    )
    db.execute(
        """
        CREATE TABLE comment_releases (
            pulse_id INTEGER PRIMARY KEY REFERENCES pulses(id) ON DELETE CASCADE,
            n INTEGER NOT NULL
        )
        """
    )
