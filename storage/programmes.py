"""The shape of a programme: programmes, groups, timeline, questions, pulses.

Questions that have answers are never edited in place: a facilitator retires
an item and adds a new one, so answers already given keep their meaning.
Answers themselves go in and out through ``storage.responses``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from storage.db import MOMENT_ORDER, Store, delete_rows, row_by_id
from storage.held_out import COUNTED, drop_held_out, forget_comment_gap
from storage.results import release_all
from survey import codes
from survey.answers import UnknownPulse
from survey.i18n import LANGUAGES, N_, Refusal
from survey.instrument import (
    COMMENT_PROMPT,
    ITEM_BANK,
    MOMENTS,
    Form,
    Moment,
    default_form,
    form_items,
)
from survey.template import SessionPlan
from survey.words import check_group_names, check_k

STATUSES = ("draft", "open", "closed")
QUESTION_MAX_CHARS = 300


@dataclass(frozen=True)
class PulseInfo:
    id: int
    code: str
    status: str
    moment: str
    form: str
    comment_prompt: str | None
    session_id: int
    session_title: str
    session_date: str | None
    programme_id: int
    programme_name: str
    k: int


@dataclass(frozen=True)
class Question:
    id: int
    dimension: str
    text: str
    reverse: bool
    text_cy: str | None = None
    """The facilitator's Welsh text, if given (bank items use the catalogue)."""


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    expected: int | None


def create_programme(
    store: Store,
    name: str,
    groups: Sequence[str] = (),
    *,
    k: int = 5,
    expected: Mapping[str, int] | None = None,
) -> int:
    """A new programme with its groups and its own copy of the item bank.

    Each programme owns its questions so later edits to one programme's items
    never change another's, nor answers already given.
    """
    check_k(k)
    if not name.strip():
        raise Refusal(N_("A programme needs a name."))
    check_group_names(groups)
    expected = expected or {}
    with store.write() as db:
        programme_id = db["programmes"].insert({"name": name.strip(), "k": k}).last_pk
        db["groups"].insert_all(
            {
                "programme_id": programme_id,
                "name": group,
                "expected": expected.get(group),
                "position": position,
            }
            for position, group in enumerate(groups)
        )
        db["questions"].insert_all(
            {
                "programme_id": programme_id,
                "item_key": item.key,
                "dimension": item.dimension,
                "text": item.text,
                "reverse": int(item.reverse),
                "position": position,
                "retired": 0,
            }
            for position, item in enumerate(ITEM_BANK)
        )
    return int(programme_id)


def add_session(
    store: Store,
    programme_id: int,
    title: str,
    *,
    kind: str = "session",
    date: str | None = None,
    position: int | None = None,
) -> int:
    """A session on the programme's timeline (appended when no position given)."""
    with store.write() as db:
        if position is None:
            position = db.execute(
                "SELECT coalesce(max(position) + 1, 0) FROM sessions "
                "WHERE programme_id = ?",
                [programme_id],
            ).fetchone()[0]
        return int(
            db["sessions"]
            .insert(
                {
                    "programme_id": programme_id,
                    "title": title,
                    "kind": kind,
                    "date": date,
                    "position": position,
                }
            )
            .last_pk
        )


def create_pulse(
    store: Store,
    session_id: int,
    moment: Moment,
    *,
    form: Form | None = None,
    comment_prompt: str | None = COMMENT_PROMPT,
    question_ids: Sequence[int] | None = None,
    status: str = "draft",
) -> PulseInfo:
    """A pulse for a session with a fresh unique join code and HMAC secret.

    Without ``question_ids`` the pulse asks the programme's current items of the
    form (short during a session, full before and after).
    """
    if moment not in MOMENTS:
        raise ValueError(f"Moment must be one of {', '.join(MOMENTS)}.")
    if status not in STATUSES:
        raise ValueError(f"Status must be one of {', '.join(STATUSES)}.")
    form = form or default_form(moment)
    with store.write() as db:
        programme_id = _programme_of_session(db, session_id)
        if question_ids is None:
            question_ids = _form_question_ids(db, programme_id, form)
        _check_questions_belong(db, programme_id, question_ids)
        code = _unused_code(db)
        pulse_id = (
            db["pulses"]
            .insert(
                {
                    "session_id": session_id,
                    "moment": moment,
                    "form": form,
                    "code": code,
                    "status": status,
                    "secret": codes.new_pulse_secret(),
                    "comment_prompt": comment_prompt,
                }
            )
            .last_pk
        )
        db["pulse_questions"].insert_all(
            {"pulse_id": pulse_id, "question_id": qid, "position": position}
            for position, qid in enumerate(question_ids)
        )
    return pulse_by_id(store, int(pulse_id))


def set_pulse_status(store: Store, pulse_id: int, status: str) -> None:
    """Open, close or reopen a pulse. Closing goes through the one close path
    (``close_pulses``): a bare status change would skip the final release,
    keep the device hashes and leave the file in arrival order."""
    if status not in STATUSES:
        raise ValueError(f"Status must be one of {', '.join(STATUSES)}.")
    if status == "closed":
        close_pulses(store, [pulse_id])
        return
    with store.write() as db:
        db.execute("UPDATE pulses SET status = ? WHERE id = ?", [status, pulse_id])


def open_pulse(store: Store, pulse_id: int) -> None:
    set_pulse_status(store, pulse_id, "open")


def close_pulse(store: Store, pulse_id: int) -> None:
    """Close one pulse (see ``close_pulses``)."""
    close_pulses(store, [pulse_id])


def close_pulses(store: Store, pulse_ids: Sequence[int]) -> int:
    """The one close path, for a pulse or a whole programme.

    In one transaction each pulse stops taking answers, gets its final release
    (the same rule as the live room: nothing moves by fewer than k, so a late
    straggler is held out rather than revealed), and forgets which devices
    answered: its device hashes are deleted and its secret replaced, so no
    browser token can be matched to anything in the file. Answers still held
    out after that release, and comments not in a batch, are counted and
    deleted (``storage.held_out``): kept, they would tell whoever holds the
    file who answered last, and what they said. An unknown id refuses the
    whole call and nothing is written. Then the file is
    compacted (``Store.compact``): WAL emptied and pages rebuilt in key order,
    so the order people answered in leaves no trace. Reopening a pulse later
    starts a fresh device list: someone who answered before could answer
    again. Returns how many pulses were open and are now closed.
    """
    closed = 0
    with store.write() as db:
        for pulse_id in pulse_ids:
            status = db.execute(
                "SELECT status FROM pulses WHERE id = ?", [pulse_id]
            ).fetchone()
            if status is None:
                raise UnknownPulse("No pulse has that id.")
            closed += status[0] != "closed"
            db.execute(
                "UPDATE pulses SET status = 'closed', secret = ? WHERE id = ?",
                [codes.new_pulse_secret(), pulse_id],
            )
            db.execute("DELETE FROM submissions WHERE pulse_id = ?", [pulse_id])
            release_all(db, pulse_id)
            drop_held_out(db, pulse_id)
            forget_comment_gap(db, pulse_id)
    store.compact()
    return closed


_PULSE_SELECT = """
    SELECT p.id, p.code, p.status, p.moment, p.form, p.comment_prompt,
           s.id AS session_id, s.title AS session_title, s.date AS session_date,
           g.id AS programme_id, g.name AS programme_name, g.k
    FROM pulses p
    JOIN sessions s ON s.id = p.session_id
    JOIN programmes g ON g.id = s.programme_id
"""


def pulse_by_id(store: Store, pulse_id: int) -> PulseInfo:
    with store.read() as db:
        row = next(db.query(_PULSE_SELECT + " WHERE p.id = ?", [pulse_id]), None)
    if row is None:
        raise UnknownPulse("No pulse has that id.")
    return PulseInfo(**row)


def pulse_by_code(store: Store, typed_code: str) -> PulseInfo | None:
    """The pulse a participant's (typed or linked) code names, if any."""
    code = codes.normalise_code(typed_code)
    if code is None:
        return None
    with store.read() as db:
        row = next(db.query(_PULSE_SELECT + " WHERE p.code = ?", [code]), None)
    return PulseInfo(**row) if row else None


def pulse_questions(store: Store, pulse_id: int) -> list[Question]:
    """The questions a pulse asks, in its order."""
    with store.read() as db:
        rows = list(
            db.query(
                "SELECT q.id, q.dimension, q.text, q.reverse, q.text_cy "
                "FROM pulse_questions pq "
                "JOIN questions q ON q.id = pq.question_id "
                "WHERE pq.pulse_id = ? ORDER BY pq.position",
                [pulse_id],
            )
        )
    return [Question(**{**r, "reverse": bool(r["reverse"])}) for r in rows]


def programme_groups(store: Store, programme_id: int) -> list[Group]:
    with store.read() as db:
        rows = list(
            db.query(
                "SELECT id, name, expected FROM groups WHERE programme_id = ? "
                "ORDER BY position, id",
                [programme_id],
            )
        )
    return [Group(**row) for row in rows]


def _programme_of_session(db: Database, session_id: int) -> int:
    return int(row_by_id(db, "sessions", session_id, "programme_id")["programme_id"])


def _form_question_ids(db: Database, programme_id: int, form: Form) -> list[int]:
    keys = [item.key for item in form_items(form)]
    rows = db.execute(
        "SELECT id, item_key FROM questions WHERE programme_id = ? AND retired = 0 "
        "ORDER BY position",
        [programme_id],
    ).fetchall()
    return [qid for qid, key in rows if key in keys]


def _check_questions_belong(
    db: Database, programme_id: int, question_ids: Sequence[int]
) -> None:
    own = {
        qid
        for (qid,) in db.execute(
            "SELECT id FROM questions WHERE programme_id = ?", [programme_id]
        )
    }
    if not question_ids or not set(question_ids) <= own:
        raise Refusal(N_("A pulse asks at least one of its own programme's questions."))


def _unused_code(db: Database) -> str:
    for _ in range(100):
        code = codes.new_code()
        if not db.execute("SELECT 1 FROM pulses WHERE code = ?", [code]).fetchone():
            return code
    raise RuntimeError("Could not find an unused join code.")


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
    language: str = "en"
    """The language of the programme's report and CSV headers (``en`` or ``cy``)."""


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
    answered: int  # released answers only: moves by 0 or at least k
    text_cy: str | None = None


def list_programmes(store: Store) -> list[tuple[int, str]]:
    with store.read() as db:
        return db.execute("SELECT id, name FROM programmes ORDER BY id DESC").fetchall()


def get_programme(store: Store, programme_id: int) -> Programme:
    with store.read() as db:
        row = next(
            db.query(
                "SELECT id, name, k, language FROM programmes WHERE id = ?",
                [programme_id],
            ),
            None,
        )
        if row is None:
            raise ValueError("No programme has that id.")
        groups = [
            Group(**g)
            for g in db.query(
                "SELECT id, name, expected FROM groups WHERE programme_id = ? "
                "ORDER BY position, id",
                [programme_id],
            )
        ]
    return Programme(**row, groups=groups)


def set_programme_language(store: Store, programme_id: int, language: str) -> None:
    """Write the programme's report and CSV headers in ``language`` (en or cy)."""
    if language not in LANGUAGES:
        raise ValueError(f"Language must be one of {', '.join(LANGUAGES)}.")
    with store.write() as db:
        db.execute(
            "UPDATE programmes SET language = ? WHERE id = ?", [language, programme_id]
        )


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
    """Rename a programme or change its anonymity minimum.

    k only goes up once any pulse has answers: lowering it would let figures
    about fewer people appear. Raising it never re-releases anything: figures
    already released stay, and any about fewer than the new k are hidden.
    """
    check_k(k)
    if not name.strip():
        raise Refusal(N_("A programme needs a name."))
    with store.write() as db:
        current, answered = db.execute(
            f"SELECT k, EXISTS (SELECT 1 FROM pulses p JOIN sessions s "
            f"ON s.id = p.session_id WHERE s.programme_id = g.id AND {COUNTED} > 0) "
            "FROM programmes g WHERE g.id = ?",
            [programme_id],
        ).fetchone()
        if answered and k < current:
            raise Refusal(
                N_(
                    "The anonymity minimum cannot go below {k} once people have "
                    "answered: it can only be raised."
                ),
                k=current,
            )
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
    """Add a group, or rename one / change its expected headcount.

    Answers belong to a group by id, so renaming moves nobody; names must be
    unique in the programme and may not be a word the app itself shows.
    """
    if expected is not None and expected < 0:
        raise Refusal(N_("Expected headcount cannot be negative."))
    with store.write() as db:
        others = [
            row["name"]
            for row in db.query(
                "SELECT name FROM groups WHERE programme_id = ? AND id IS NOT ?",
                [programme_id, group_id],
            )
        ]
        check_group_names([*others, name])
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
        sessions = list(
            db.query(
                "SELECT id, title, kind, date, position FROM sessions "
                "WHERE programme_id = ? ORDER BY date IS NULL, date, position, id",
                [programme_id],
            )
        )
        pulses = list(
            db.query(
                "SELECT p.session_id, p.id, p.moment, p.form, p.code, p.status, "
                f"{COUNTED} AS responses FROM pulses p "
                "JOIN sessions s ON s.id = p.session_id "
                f"WHERE s.programme_id = ? ORDER BY {MOMENT_ORDER}, p.id",
                [programme_id],
            )
        )
    by_session: dict[int, list[PulseRow]] = {}
    for pulse in pulses:
        session_id = pulse.pop("session_id")
        by_session.setdefault(session_id, []).append(PulseRow(**pulse))
    return [SessionRow(**s, pulses=by_session.get(s["id"], [])) for s in sessions]


def update_session(
    store: Store, session_id: int, title: str, kind: str, date: str | None
) -> None:
    if not title.strip():
        raise Refusal(N_("A session needs a title."))
    with store.write() as db:
        db.execute(
            "UPDATE sessions SET title = ?, kind = ?, date = ? WHERE id = ?",
            [title.strip(), kind, date, session_id],
        )


def delete_session(store: Store, session_id: int) -> None:
    """Remove a session with its pulses, if nothing would be lost.

    Refused (``ValueError`` with a message, nothing deleted) when the session
    has answers — delete them explicitly first — or agreed actions. What goes
    with it is found from the schema's foreign keys (``delete_rows``).
    """
    with store.write() as db:
        row_by_id(db, "sessions", session_id, "id")  # refuses an unknown id
        answered = db.execute(
            f"SELECT coalesce(sum({COUNTED}), 0) FROM pulses p WHERE p.session_id = ?",
            [session_id],
        ).fetchone()[0]
        if answered:
            raise Refusal(
                N_("This session has answers. Delete its answers first if you mean to.")
            )
        agreed = db.execute(
            "SELECT count(*) FROM actions WHERE session_id = ?", [session_id]
        ).fetchone()[0]
        if agreed:
            raise Refusal(
                N_(
                    "This session has agreed actions ({n}). Delete them first "
                    "(Actions tab) if you mean to remove the session."
                ),
                n=agreed,
            )
        delete_rows(db, "sessions", "id = ?", [session_id])


def programme_questions(store: Store, programme_id: int) -> list[QuestionRow]:
    with store.read() as db:
        rows = list(
            db.query(
                "SELECT q.id, q.dimension, q.text, q.reverse, q.position, q.retired, "
                "(SELECT coalesce(sum(i.n), 0) FROM item_stats i "
                "WHERE i.question_id = q.id) AS answered, q.text_cy "
                "FROM questions q WHERE q.programme_id = ? ORDER BY q.position, q.id",
                [programme_id],
            )
        )
    return [
        QuestionRow(
            **r | {"reverse": bool(r["reverse"]), "retired": bool(r["retired"])}
        )
        for r in rows
    ]


def add_question(
    store: Store,
    programme_id: int,
    dimension: str,
    text: str,
    reverse: bool,
    *,
    text_cy: str | None = None,
) -> int:
    """A facilitator's own item, in an existing or a new (custom) dimension.

    ``text_cy`` is the same statement in Welsh: Welsh speakers see it, and
    their answers land on the same question as English speakers' answers.
    Without it they see the English text.
    """
    dimension = dimension.strip().lower().replace(" ", "_")
    text_cy = (text_cy or "").strip() or None
    if not dimension or not text.strip():
        raise Refusal(N_("A question needs a dimension and a text."))
    if len(text) > QUESTION_MAX_CHARS or len(text_cy or "") > QUESTION_MAX_CHARS:
        raise Refusal(
            N_("Keep a question under {n} characters: it is read on a phone."),
            n=QUESTION_MAX_CHARS,
        )
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
                    "text_cy": text_cy,
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
            raise Refusal(N_("Pick at least one question for a custom pulse."))
        return create_pulse(
            store, session_id, moment, form="custom", question_ids=question_ids
        )
    return create_pulse(store, session_id, moment, form=form)


def open_pulse_codes(store: Store) -> list[str]:
    """Join codes of every open pulse, newest session first (for the start-up
    message)."""
    with store.read() as db:
        rows = db.execute(
            "SELECT p.code FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "WHERE p.status = 'open' ORDER BY s.date DESC, p.id DESC"
        ).fetchall()
    return [row[0] for row in rows]
