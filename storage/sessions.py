"""Facilitator sign-ins, failed-sign-in counts and projector links, in SQL.

Everything here is shared by every worker process on the database file, so a
sign-in made through one worker is honoured by the next, and a client's
failures count wherever its tries land. Only hashes of browser tokens and
client ids are stored, never the values themselves, and never an IP address.
Times are Unix seconds (``time.time()``), the one clock every process shares.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from storage.db import Store


@dataclass(frozen=True)
class Failures:
    """A client's failed sign-ins: how many, the last one, paused until when."""

    failures: int
    last_failure: float
    locked_until: float


_FAILURE_FIELDS = ", ".join(f.name for f in fields(Failures))


# --- sign-ins ----------------------------------------------------------------------


def add_session(
    store: Store, token_hash: str, expires_at: float, passphrase_version: str
) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO facilitator_sessions "
            "(token_hash, expires_at, passphrase_version) VALUES (?, ?, ?)",
            [token_hash, expires_at, passphrase_version],
        )


def session_expiry(
    store: Store, token_hash: str, passphrase_version: str
) -> float | None:
    """When the sign-in ends, or None if it is unknown, revoked or was made
    under another passphrase. Expired rows are left for ``forget_expired``."""
    with store.read() as db:
        row = db.execute(
            "SELECT expires_at FROM facilitator_sessions "
            "WHERE token_hash = ? AND passphrase_version = ?",
            [token_hash, passphrase_version],
        ).fetchone()
    return float(row[0]) if row else None


def revoke_session(store: Store, token_hash: str) -> None:
    with store.write() as db:
        db.execute(
            "DELETE FROM facilitator_sessions WHERE token_hash = ?", [token_hash]
        )


def revoke_sessions_except(store: Store, keep_hash: str | None) -> None:
    """Sign out every browser but one (after a passphrase change)."""
    with store.write() as db:
        db.execute(
            "DELETE FROM facilitator_sessions WHERE token_hash IS NOT ?", [keep_hash]
        )


def forget_expired(store: Store, now: float) -> None:
    with store.write() as db:
        db.execute("DELETE FROM facilitator_sessions WHERE expires_at <= ?", [now])


# --- failed sign-ins ---------------------------------------------------------------


def failures(store: Store, client_hash: str) -> Failures | None:
    with store.read() as db:
        rows = db["signin_failures"].rows_where(
            "client_hash = ?", [client_hash], select=_FAILURE_FIELDS
        )
        row = next(rows, None)
    return Failures(**row) if row else None


def record_failure(store: Store, client_hash: str, state: Failures) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO signin_failures "
            "(client_hash, failures, last_failure, locked_until) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (client_hash) DO UPDATE SET failures = excluded.failures, "
            "last_failure = excluded.last_failure, "
            "locked_until = excluded.locked_until",
            [client_hash, state.failures, state.last_failure, state.locked_until],
        )


def clear_failures(store: Store, client_hash: str, forget_before: float) -> None:
    """Forget this client's failures, and everyone's older than ``forget_before``."""
    with store.write() as db:
        db.execute(
            "DELETE FROM signin_failures WHERE client_hash = ? OR last_failure < ?",
            [client_hash, forget_before],
        )


def recent_failures(store: Store, since: float) -> int:
    """Failed sign-ins by every client since ``since`` (for the global pace)."""
    with store.read() as db:
        row = db.execute(
            "SELECT coalesce(sum(failures), 0) FROM signin_failures "
            "WHERE last_failure >= ?",
            [since],
        ).fetchone()
    return int(row[0])


# --- projector links ---------------------------------------------------------------


def add_screen_link(store: Store, token_hash: str, pulse_id: int) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO screen_links (token_hash, pulse_id) VALUES (?, ?)",
            [token_hash, pulse_id],
        )


def screen_link_pulse(store: Store, token_hash: str) -> int | None:
    with store.read() as db:
        row = db.execute(
            "SELECT pulse_id FROM screen_links WHERE token_hash = ?", [token_hash]
        ).fetchone()
    return int(row[0]) if row else None


def screen_link_count(store: Store, pulse_id: int) -> int:
    with store.read() as db:
        return int(
            db.execute(
                "SELECT count(*) FROM screen_links WHERE pulse_id = ?", [pulse_id]
            ).fetchone()[0]
        )


def revoke_screen_links(store: Store, pulse_id: int) -> int:
    with store.write() as db:
        return db.execute(
            "DELETE FROM screen_links WHERE pulse_id = ?", [pulse_id]
        ).rowcount
