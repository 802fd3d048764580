"""Actions: the small, concrete changes a programme agreed to try.

Each is tied to the session where it was agreed, so it can be drawn on the
trends timeline and the report can say what the pulses did afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from storage.db import Store
from survey.actions import ACTION_STATUSES, Action, ActionUpdate
from survey.i18n import N_, Refusal


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
        raise Refusal(N_("An action needs a title."))
    if len(title) > 200:
        raise Refusal(N_("Keep an action's title under {n} characters."), n=200)
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
