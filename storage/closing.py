"""Closing a pulse with a grace period, so answers already being typed still count.

Pressing Close (after confirming) puts an open pulse in ``closing`` with a
deadline (``closes_at``, Unix seconds; one per pulse, nothing per response).
Until then submissions are accepted exactly as when open (``storage.responses``
checks the deadline inside its write transaction); at the deadline the pulse is
closed through the one close path, ``storage.programmes.close_pulse``, by
whichever page or process next calls ``finish_due`` — the participant page,
Present, Live and the timeline all do, and so does start-up. A pulse whose
deadline has passed takes no answers even before ``finish_due`` runs.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable

from storage.db import Store, row_by_id
from storage.programmes import close_pulse

GRACE_ENV = "PULSE_CLOSE_GRACE_SECONDS"


def _grace_seconds() -> int:
    text = os.environ.get(GRACE_ENV, "").strip()
    if not text:
        return 60
    if not text.isdigit() or not 0 < int(text) <= 600:
        raise ValueError(f"{GRACE_ENV} must be a whole number of seconds, 1 to 600.")
    return int(text)


GRACE_SECONDS = _grace_seconds()
"""How long forms already open can still be sent after Close (default 60 s)."""


def begin_closing(
    store: Store,
    pulse_id: int,
    grace_s: float = GRACE_SECONDS,
    *,
    now: Callable[[], float] = time.time,
) -> float:
    """Start the grace period of an open pulse; returns its deadline.

    Closing a pulse that is already closing keeps its first deadline.
    """
    if grace_s < 0:
        raise ValueError("The grace period cannot be negative.")
    with store.write() as db:
        row = row_by_id(db, "pulses", pulse_id, "status, closes_at")
        status, closes_at = row["status"], row["closes_at"]
        if status == "closing" and closes_at is not None:
            return float(closes_at)
        if status != "open":
            raise ValueError(f"Only an open pulse can be closed; this one is {status}.")
        deadline = now() + grace_s
        db.execute(
            "UPDATE pulses SET status = 'closing', closes_at = ? WHERE id = ?",
            [deadline, pulse_id],
        )
    return deadline


def keep_open(store: Store, pulse_id: int) -> bool:
    """Cancel a closing that has not reached its deadline; True if it was."""
    with store.write() as db:
        return bool(
            db.execute(
                "UPDATE pulses SET status = 'open', closes_at = NULL "
                "WHERE id = ? AND status = 'closing'",
                [pulse_id],
            ).rowcount
        )


def deadline(store: Store, pulse_id: int) -> float | None:
    """When a closing pulse stops taking answers; None unless it is closing."""
    with store.read() as db:
        row = db.execute(
            "SELECT closes_at FROM pulses WHERE id = ? AND status = 'closing'",
            [pulse_id],
        ).fetchone()
    return float(row[0]) if row and row[0] is not None else None


def finish_due(store: Store, *, now: Callable[[], float] = time.time) -> list[int]:
    """Close every pulse whose grace period is over; the ids closed."""
    with store.read() as db:
        due = [
            int(r[0])
            for r in db.execute(
                "SELECT id FROM pulses WHERE status = 'closing' AND closes_at <= ?",
                [now()],
            ).fetchall()
        ]
    closed = []
    for pulse_id in due:
        with store.write() as db:
            # Another process may have closed it, or it may have been kept open.
            still = db.execute(
                "SELECT 1 FROM pulses WHERE id = ? AND status = 'closing' "
                "AND closes_at <= ?",
                [pulse_id, now()],
            ).fetchone()
            if still:
                db.execute(
                    "UPDATE pulses SET closes_at = NULL WHERE id = ?", [pulse_id]
                )
        if still:
            close_pulse(store, pulse_id)
            closed.append(pulse_id)
    return closed
