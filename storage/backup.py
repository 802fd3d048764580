"""Consistent backups of the live database, and a careful restore.

A backup is taken with ``VACUUM INTO`` over a separate read connection: in
WAL mode that read sees one committed snapshot, so the copy holds every
response acknowledged before it started and no half-written one, while
participants keep submitting (writers are not blocked); and it is written
afresh in key order, so it keeps no trace of the order answers arrived in. The copy is
written beside its destination, checked with ``PRAGMA integrity_check``,
switched to a single self-contained file (``journal_mode=DELETE``), made
readable by its owner only, and only then renamed into place.

Restore refuses to touch a database the app is using: every open SQLite
connection to a WAL database holds a shared lock on it, so failing to take an
exclusive lock means something (the app) has it open. The old file is kept as
``<name>.before-restore``; nothing is ever deleted.

Backups hold everything, including item-level answers and comments: keep them
as carefully as the database, and no longer than the retention period
(a purge cannot reach into old backups).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote

from storage.db import Store

BEFORE_RESTORE = ".before-restore"
_SIDECARS = ("-wal", "-shm")
_REQUIRED_TABLES = {"programmes", "pulses", "responses", "answers", "scores"}
_TIMEOUT_S = 10.0


class BackupError(RuntimeError):
    """A backup or restore that did not happen; ``str()`` says why, and that
    nothing was changed."""


@dataclass(frozen=True)
class RestoreReport:
    target: Path
    previous: Path | None  # where the replaced database was kept
    responses: int


def default_backup_name(now: datetime | None = None) -> str:
    return f"pulse-backup-{(now or datetime.now()):%Y%m%d-%H%M%S}.db"


def backup_store(store: Store, dest: Path, *, overwrite: bool = False) -> Path:
    """Back up the store's database to ``dest`` (a file, or a directory to put
    a dated file in) while it stays in use."""
    if store.path == ":memory:":
        with store.read() as db:  # nobody else can write while we copy
            return _backup_from(db.conn, _destination(dest, overwrite))
    return backup_file(Path(store.path), dest, overwrite=overwrite)


def backup_file(source: Path, dest: Path, *, overwrite: bool = False) -> Path:
    """Back up the database file ``source`` (which may be in use) to ``dest``."""
    if not source.is_file():
        raise BackupError(f"No database at {source}. Nothing was written.")
    with _connect(source, mode="rw") as conn:
        if not _is_pulse_database(conn):
            raise BackupError(
                f"{source} is not a Together Pulse database. Nothing was written."
            )
        return _backup_from(conn, _destination(dest, overwrite))


def backup_bytes(store: Store) -> bytes:
    """A backup as bytes, for a download button (made in a private temp dir)."""
    with tempfile.TemporaryDirectory(prefix="pulse-backup-") as folder:
        path = backup_store(store, Path(folder) / "backup.db")
        return path.read_bytes()


def integrity(path: Path) -> str:
    """``PRAGMA integrity_check`` of a database file, read only: "ok" or the
    problems SQLite reports (or why the file could not be read)."""
    try:
        with _connect(path, mode="ro") as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.DatabaseError as problem:
        return f"not a readable SQLite database ({problem})"
    return "; ".join(str(r[0]) for r in rows[:5])


def in_use(path: Path) -> bool:
    """Whether another connection (the app) has the database open.

    A WAL database holds a shared lock for as long as any connection has it
    open; an exclusive lock taken without waiting fails while one does.
    """
    if not path.exists():
        return False
    try:
        with _exclusive(path):
            return False
    except sqlite3.OperationalError as problem:
        return "locked" in str(problem) or "busy" in str(problem)
    except sqlite3.DatabaseError:
        return False  # not a database at all: nothing can be using it as one


def restore(backup: Path, target: Path) -> RestoreReport:
    """Replace the database at ``target`` with ``backup``, keeping the old one.

    Checks, in order, and changes nothing if any fails: the backup exists, is a
    Together Pulse database and passes ``integrity_check``; the target is not
    in use (stop the app first); no earlier ``.before-restore`` file would be
    overwritten. The backup is copied beside the target and checked again
    before the swap.
    """
    if not backup.is_file():
        raise BackupError(f"No backup file at {backup}. Nothing was changed.")
    if target.exists() and backup.resolve() == target.resolve():
        raise BackupError("The backup and the target are the same file.")
    status = integrity(backup)
    if status != "ok":
        raise BackupError(
            f"The backup {backup} failed its integrity check: {status}. "
            f"Nothing was changed."
        )
    with _connect(backup, mode="ro") as source:
        if not _is_pulse_database(source):
            raise BackupError(
                f"{backup} is not a Together Pulse database. Nothing was changed."
            )
    previous = target.with_name(target.name + BEFORE_RESTORE)
    if target.exists():
        if in_use(target):
            raise BackupError(
                f"{target} is in use — is the app running? Stop the app first, "
                f"then restore. Nothing was changed."
            )
        if any(_with_sidecars(previous)):
            raise BackupError(
                f"{previous} exists from an earlier restore. Move it somewhere "
                f"safe first. Nothing was changed."
            )
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restoring-{os.getpid()}")
    with _connect(backup, mode="ro") as source:
        _backup_from(source, staged)
    if target.exists():  # the app may run as another user than the restore
        os.chmod(staged, stat.S_IMODE(target.stat().st_mode))
    try:
        if target.exists():
            _fold_wal(target)
            for path, kept in zip(
                _with_sidecars(target, all_paths=True),
                _with_sidecars(previous, all_paths=True),
                strict=True,
            ):
                if path.exists():
                    os.replace(path, kept)
        os.replace(staged, target)
        _fsync_dir(target.parent)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    with _connect(target, mode="ro") as restored:
        responses = restored.execute("SELECT count(*) FROM responses").fetchone()[0]
    return RestoreReport(
        target, previous if previous.exists() else None, int(responses)
    )


# --- helpers ------------------------------------------------------------------------


@contextlib.contextmanager
def _connect(path: Path, *, mode: str) -> Iterator[sqlite3.Connection]:
    """A plain connection that never creates a file (``mode`` ro or rw)."""
    uri = f"file:{quote(str(path.resolve()))}?mode={mode}"
    conn = sqlite3.connect(uri, uri=True, timeout=_TIMEOUT_S, isolation_level=None)
    try:
        yield conn
    finally:
        conn.close()


@contextlib.contextmanager
def _exclusive(path: Path) -> Iterator[sqlite3.Connection]:
    """An exclusive lock on the database, taken without waiting."""
    uri = f"file:{quote(str(path.resolve()))}?mode=rw"
    conn = sqlite3.connect(uri, uri=True, timeout=0, isolation_level=None)
    try:
        conn.execute("PRAGMA locking_mode=EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("COMMIT")
        yield conn
    finally:
        conn.close()


def _fold_wal(path: Path) -> None:
    """Close the last connection, which folds the WAL into the file; refuse if
    the app started since the check (its connection holds a lock)."""
    try:
        with _exclusive(path):
            pass
    except sqlite3.OperationalError as problem:
        if "locked" in str(problem) or "busy" in str(problem):
            raise BackupError(
                f"{path} came into use — is the app starting? Stop it first. "
                f"Nothing was changed."
            ) from None
    except sqlite3.DatabaseError:
        pass  # a damaged old file: keep it as it is


def _is_pulse_database(conn: sqlite3.Connection) -> bool:
    try:
        names = {
            row[0]
            for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.DatabaseError:
        return False
    return _REQUIRED_TABLES.issubset(names)


def _destination(dest: Path, overwrite: bool) -> Path:
    """The file to write: ``dest``, or a dated name inside it if a folder."""
    if dest.is_dir():
        dest = dest / default_backup_name()
    if dest.exists() and not overwrite:
        raise BackupError(
            f"{dest} already exists. Choose another name (or overwrite). "
            f"Nothing was written."
        )
    if not dest.parent.is_dir():
        raise BackupError(f"No folder {dest.parent}. Nothing was written.")
    return dest


def _backup_from(source: sqlite3.Connection, dest: Path) -> Path:
    """Copy ``source`` to ``dest`` via a checked temporary file and a rename."""
    try:
        handle, temporary = tempfile.mkstemp(
            dir=dest.parent, prefix=f".{dest.name}.", suffix=".partial"
        )
    except OSError as problem:
        raise BackupError(
            f"Cannot write to {dest.parent}: {problem.strerror}. Nothing was written."
        ) from None
    os.close(handle)  # mode 0600: a backup holds every answer
    staged = Path(temporary)
    try:
        # VACUUM INTO reads one committed snapshot (a single read
        # transaction) and writes every table and index afresh in key order:
        # unlike a page copy, the backup keeps no trace of the order in which
        # answers arrived (cell offsets, free space, WAL).
        source.execute("VACUUM INTO ?", [str(staged)])
        copy = sqlite3.connect(staged, isolation_level=None)
        try:
            copy.execute("PRAGMA journal_mode=DELETE")
            status = "; ".join(
                str(r[0]) for r in copy.execute("PRAGMA integrity_check").fetchall()
            )
        finally:
            copy.close()
        if status != "ok":
            raise BackupError(f"The copy failed its integrity check: {status}.")
        with open(staged, "rb") as written:
            os.fsync(written.fileno())
        os.replace(staged, dest)
        _fsync_dir(dest.parent)
    except sqlite3.Error as problem:
        raise BackupError(f"Backup failed: {problem}. Nothing was written.") from None
    except OSError as problem:
        raise BackupError(
            f"Cannot write {dest}: {problem.strerror}. Nothing was written."
        ) from None
    finally:
        for leftover in _with_sidecars(staged, all_paths=True):
            leftover.unlink(missing_ok=True)
    return dest


def _with_sidecars(path: Path, *, all_paths: bool = False) -> list[Path]:
    """The file and its ``-wal`` / ``-shm`` companions (existing ones only,
    unless ``all_paths``)."""
    paths = [path, *(path.with_name(path.name + s) for s in _SIDECARS)]
    return paths if all_paths else [p for p in paths if p.exists()]


def _fsync_dir(folder: Path) -> None:
    """Make a rename durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
