"""Facilitator operations: programmes, groups, timeline, questions, deletion.

Questions that have answers are never edited in place: a facilitator retires
an item and adds a new one, so answers already given keep their meaning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from storage.db import Store
from storage.repository import (
    MIN_K,
    Group,
    PulseInfo,
    add_session,
    create_programme,
    create_pulse,
)
from survey.template import SessionPlan

SESSION_KINDS = (
    "conversations",
    "group session",
    "joint workshop",
    "follow-up",
    "session",
)


@dataclass(frozen=True)
class Programme:
    id: int
    name: str
    k: int
    groups: list[Group]


@dataclass(frozen=True)
class PulseRow:
    id: int
    moment: str
    form: str
    code: str
    status: str
    responses: int


@dataclass(frozen=True)
class SessionRow:
    id: int
    title: str
    kind: str
    date: str | None
    position: int
    pulses: list[PulseRow]


@dataclass(frozen=True)
class QuestionRow:
    id: int
    dimension: str
    text: str
    reverse: bool
    position: int
    retired: bool
    answered: int


def list_programmes(store: Store) -> list[tuple[int, str]]:
    with store.read() as db:
        return db.execute("SELECT id, name FROM programmes ORDER BY id DESC").fetchall()


def get_programme(store: Store, programme_id: int) -> Programme:
    with store.read() as db:
        row = db.execute(
            "SELECT id, name, k FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
        if row is None:
            raise ValueError("No programme has that id.")
        groups = db.execute(
            "SELECT id, name, expected FROM groups WHERE programme_id = ? "
            "ORDER BY position, id",
            [programme_id],
        ).fetchall()
    return Programme(row[0], row[1], row[2], [Group(*g) for g in groups])


def create_from_plan(
    store: Store,
    name: str,
    groups: Sequence[tuple[str, int | None]],
    plan: Sequence[SessionPlan],
    *,
    k: int = 5,
) -> int:
    """A programme with its groups, sessions and draft pulses, from an (edited)
    template plan."""
    programme_id = create_programme(
        store,
        name,
        [g for g, _ in groups],
        k=k,
        expected={g: e for g, e in groups if e},
    )
    for session in plan:
        session_id = add_session(
            store,
            programme_id,
            session.title,
            kind=session.kind,
            date=session.date.isoformat(),
        )
        for moment in session.moments:
            create_pulse(store, session_id, moment)
    return programme_id


def update_programme(store: Store, programme_id: int, name: str, k: int) -> None:
    if not isinstance(k, int) or k < MIN_K:
        raise ValueError(f"The anonymity minimum must be at least {MIN_K}.")
    if not name.strip():
        raise ValueError("A programme needs a name.")
    with store.write() as db:
        db.execute(
            "UPDATE programmes SET name = ?, k = ? WHERE id = ?",
            [name.strip(), k, programme_id],
        )


def save_group(
    store: Store,
    programme_id: int,
    name: str,
    expected: int | None,
    group_id: int | None = None,
) -> None:
    """Add a group, or rename one / change its expected headcount."""
    if not name.strip():
        raise ValueError("A group needs a name.")
    if expected is not None and expected < 0:
        raise ValueError("Expected headcount cannot be negative.")
    with store.write() as db:
        if group_id is None:
            position = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM groups "
                "WHERE programme_id = ?",
                [programme_id],
            ).fetchone()[0]
            db["groups"].insert(
                {
                    "programme_id": programme_id,
                    "name": name.strip(),
                    "expected": expected,
                    "position": position,
                }
            )
        else:
            db.execute(
                "UPDATE groups SET name = ?, expected = ? "
                "WHERE id = ? AND programme_id = ?",
                [name.strip(), expected, group_id, programme_id],
            )


def timeline(store: Store, programme_id: int) -> list[SessionRow]:
    """Sessions in timeline order (date, then position), each with its pulses."""
    with store.read() as db:
        sessions = db.execute(
            "SELECT id, title, kind, date, position FROM sessions "
            "WHERE programme_id = ? ORDER BY date IS NULL, date, position, id",
            [programme_id],
        ).fetchall()
        pulses = db.execute(
            "SELECT p.session_id, p.id, p.moment, p.form, p.code, p.status, "
            "(SELECT count(*) FROM responses r WHERE r.pulse_id = p.id) "
            "FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "WHERE s.programme_id = ? "
            "ORDER BY CASE p.moment WHEN 'before' THEN 0 WHEN 'during' THEN 1 "
            "ELSE 2 END, p.id",
            [programme_id],
        ).fetchall()
    by_session: dict[int, list[PulseRow]] = {}
    for session_id, *rest in pulses:
        by_session.setdefault(session_id, []).append(PulseRow(*rest))
    return [SessionRow(*s, by_session.get(s[0], [])) for s in sessions]


def update_session(
    store: Store, session_id: int, title: str, kind: str, date: str | None
) -> None:
    if not title.strip():
        raise ValueError("A session needs a title.")
    with store.write() as db:
        db.execute(
            "UPDATE sessions SET title = ?, kind = ?, date = ? WHERE id = ?",
            [title.strip(), kind, date, session_id],
        )


def delete_session(store: Store, session_id: int) -> None:
    """Remove a session that has no answers (answers are deleted explicitly)."""
    with store.write() as db:
        answered = db.execute(
            "SELECT count(*) FROM responses r JOIN pulses p ON p.id = r.pulse_id "
            "WHERE p.session_id = ?",
            [session_id],
        ).fetchone()[0]
        if answered:
            raise ValueError(
                "This session has answers. Delete its answers first if you mean to."
            )
        for table in (
            "pulse_questions",
            "submissions",
            "comments",
            "releases",
            "item_stats",
        ):
            db.execute(
                f"DELETE FROM {table} WHERE pulse_id IN "
                "(SELECT id FROM pulses WHERE session_id = ?)",
                [session_id],
            )
        db.execute("DELETE FROM pulses WHERE session_id = ?", [session_id])
        db.execute("DELETE FROM sessions WHERE id = ?", [session_id])


# --- questions ------------------------------------------------------------------


def programme_questions(store: Store, programme_id: int) -> list[QuestionRow]:
    with store.read() as db:
        rows = db.execute(
            "SELECT q.id, q.dimension, q.text, q.reverse, q.position, q.retired, "
            "(SELECT count(*) FROM answers a WHERE a.question_id = q.id) "
            "FROM questions q WHERE q.programme_id = ? ORDER BY q.position, q.id",
            [programme_id],
        ).fetchall()
    return [
        QuestionRow(r[0], r[1], r[2], bool(r[3]), r[4], bool(r[5]), r[6]) for r in rows
    ]


def add_question(
    store: Store, programme_id: int, dimension: str, text: str, reverse: bool
) -> int:
    """A facilitator's own item, in an existing or a new (custom) dimension."""
    dimension = dimension.strip().lower().replace(" ", "_")
    if not dimension or not text.strip():
        raise ValueError("A question needs a dimension and a text.")
    if len(text) > 300:
        raise ValueError("Keep a question under 300 characters: it is read on a phone.")
    with store.write() as db:
        position = db.execute(
            "SELECT coalesce(max(position) + 1, 0) FROM questions "
            "WHERE programme_id = ?",
            [programme_id],
        ).fetchone()[0]
        return int(
            db["questions"]
            .insert(
                {
                    "programme_id": programme_id,
                    "item_key": None,
                    "dimension": dimension,
                    "text": text.strip(),
                    "reverse": int(reverse),
                    "position": position,
                    "retired": 0,
                }
            )
            .last_pk
        )


def set_question_retired(store: Store, question_id: int, retired: bool) -> None:
    """Retired items are left out of new pulses; answers already given stay."""
    with store.write() as db:
        db.execute(
            "UPDATE questions SET retired = ? WHERE id = ?", [int(retired), question_id]
        )


def move_question(store: Store, question_id: int, step: int) -> None:
    """Swap an item with its neighbour in the programme's order (step −1 or +1)."""
    with store.write() as db:
        programme_id, position = db.execute(
            "SELECT programme_id, position FROM questions WHERE id = ?", [question_id]
        ).fetchone()
        ordered = [
            qid
            for (qid,) in db.execute(
                "SELECT id FROM questions WHERE programme_id = ? ORDER BY position, id",
                [programme_id],
            )
        ]
        index = ordered.index(question_id)
        target = index + step
        if not 0 <= target < len(ordered):
            return
        ordered[index], ordered[target] = ordered[target], ordered[index]
        db.conn.executemany(
            "UPDATE questions SET position = ? WHERE id = ?",
            [(pos, qid) for pos, qid in enumerate(ordered)],
        )


def add_pulse(
    store: Store,
    session_id: int,
    moment: str,
    form: str,
    question_ids: Sequence[int] | None = None,
) -> PulseInfo:
    """A draft pulse with the short or full form, or hand-picked questions."""
    if form == "custom":
        if not question_ids:
            raise ValueError("Pick at least one question for a custom pulse.")
        return create_pulse(
            store, session_id, moment, form="custom", question_ids=question_ids
        )
    return create_pulse(store, session_id, moment, form=form)


# --- deleting data -----------------------------------------------------------------


def delete_pulse_responses(store: Store, pulse_id: int) -> int:
    """Delete every answer, score, comment and device hash of a pulse."""
    return _delete_responses(store, "pulse_id = ?", [pulse_id])


def delete_programme_responses(store: Store, programme_id: int) -> int:
    """Delete every answer, score, comment and device hash in a programme."""
    return _delete_responses(
        store,
        "pulse_id IN (SELECT p.id FROM pulses p JOIN sessions s "
        "ON s.id = p.session_id WHERE s.programme_id = ?)",
        [programme_id],
    )


def _delete_responses(store: Store, where: str, params: list) -> int:
    with store.write() as db:
        count = db.execute(f"SELECT count(*) FROM responses WHERE {where}", params)
        deleted = count.fetchone()[0]
        for table in (
            "answers",
            "scores",
            "item_stats",
            "responses",
            "comments",
            "submissions",
            "releases",
        ):
            db.execute(f"DELETE FROM {table} WHERE {where}", params)
    return int(deleted)
