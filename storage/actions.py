"""Actions: the small, concrete changes a programme agreed to try.

Each is tied to the session where it was agreed, so it can be drawn on the
trends timeline and the report can say what the pulses did afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from storage.db import Store

ACTION_STATUSES = ("planned", "started", "done", "dropped")


@dataclass(frozen=True)
class ActionUpdate:
    date: str
    status: str
    note: str


@dataclass(frozen=True)
class Action:
    id: int
    title: str
    session_id: int | None
    session_title: str | None
    dimensions: list[str]
    groups: list[str]
    updates: list[ActionUpdate]

    @property
    def status(self) -> str:
        return self.updates[-1].status if self.updates else "planned"


def add_action(
    store: Store,
    programme_id: int,
    title: str,
    *,
    session_id: int | None,
    dimensions: Sequence[str] = (),
    groups: Sequence[str] = (),
    today: date | None = None,
) -> int:
    if not title.strip():
        raise ValueError("An action needs a title.")
    if len(title) > 200:
        raise ValueError("Keep an action's title under 200 characters.")
    with store.write() as db:
        action_id = (
            db["actions"]
            .insert(
                {
                    "programme_id": programme_id,
                    "session_id": session_id,
                    "title": title.strip(),
                    "dimensions": ",".join(dimensions),
                    "groups": ",".join(groups),
                }
            )
            .last_pk
        )
        db["action_updates"].insert(
            {
                "action_id": action_id,
                "date": (today or date.today()).isoformat(),
                "status": "planned",
                "note": "",
            }
        )
    return int(action_id)


def update_action(
    store: Store, action_id: int, status: str, note: str = "", today: date | None = None
) -> None:
    """A dated status change (planned / started / done / dropped)."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"Status must be one of {', '.join(ACTION_STATUSES)}.")
    with store.write() as db:
        db["action_updates"].insert(
            {
                "action_id": action_id,
                "date": (today or date.today()).isoformat(),
                "status": status,
                "note": note.strip()[:500],
            }
        )


def programme_actions(store: Store, programme_id: int) -> list[Action]:
    with store.read() as db:
        rows = db.execute(
            "SELECT a.id, a.title, a.session_id, s.title, a.dimensions, a.groups "
            "FROM actions a LEFT JOIN sessions s ON s.id = a.session_id "
            "WHERE a.programme_id = ? ORDER BY s.date, a.id",
            [programme_id],
        ).fetchall()
        updates = db.execute(
            "SELECT u.action_id, u.date, u.status, u.note FROM action_updates u "
            "JOIN actions a ON a.id = u.action_id WHERE a.programme_id = ? "
            "ORDER BY u.date, u.id",
            [programme_id],
        ).fetchall()
    by_action: dict[int, list[ActionUpdate]] = {}
    for action_id, when, status, note in updates:
        by_action.setdefault(action_id, []).append(ActionUpdate(when, status, note))
    return [
        Action(
            id=r[0],
            title=r[1],
            session_id=r[2],
            session_title=r[3],
            dimensions=[d for d in (r[4] or "").split(",") if d],
            groups=[g for g in (r[5] or "").split(",") if g],
            updates=by_action.get(r[0], []),
        )
        for r in rows
    ]


def trend_markers(store: Store, programme_id: int, pulses: Sequence) -> pd.DataFrame:
    """Where each action sits on the trends timeline: just after the last pulse
    of the session that agreed it."""
    last_order: dict[int, float] = {}
    with store.read() as db:
        session_of = dict(
            db.execute(
                "SELECT p.id, p.session_id FROM pulses p JOIN sessions s "
                "ON s.id = p.session_id WHERE s.programme_id = ?",
                [programme_id],
            ).fetchall()
        )
    for pulse in pulses:
        session_id = session_of.get(pulse.pulse_id)
        last_order[session_id] = max(last_order.get(session_id, -1), pulse.order)
    rows = [
        {"label": f"Action: {a.title}", "order": last_order[a.session_id] + 0.5}
        for a in programme_actions(store, programme_id)
        if a.status != "dropped" and a.session_id in last_order
    ]
    return pd.DataFrame(rows, columns=["label", "order"])
