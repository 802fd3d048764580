"""Named settings in one key-value table (e.g. the facilitator passphrase hash)."""

from __future__ import annotations

from storage.db import Store


def get(store: Store, key: str) -> str | None:
    with store.read() as db:
        row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return row[0] if row else None


def put(store: Store, key: str, value: str) -> None:
    with store.write() as db:
        db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )


def put_if_absent(store: Store, key: str, value: str) -> bool:
    """Store ``value`` unless the key is set; True if this call stored it (so two
    processes starting together agree on whichever got there first)."""
    with store.write() as db:
        return bool(
            db.execute(
                "INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)",
                [key, value],
            ).rowcount
        )
