"""The operations pages and commands call: create, open/close, submit, count.

Every rule that protects participants is checked here, at the storage
boundary, inside the write transaction: a rejected submission raises a
``ValueError`` subclass with a message fit to show, and writes nothing.
"""

from __future__ import annotations

import math
import sqlite3
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from sqlite_utils import Database

from storage.db import Store
from survey import codes
from survey.instrument import (
    COMMENT_MAX_CHARS,
    COMMENT_PROMPT,
    ITEM_BANK,
    MOMENTS,
    SCALE_HIGH,
    SCALE_LOW,
    Form,
    Moment,
    default_form,
    form_items,
)
from survey.scoring import ScoredItem, answered_items, dimension_scores

MIN_K = 3
STATUSES = ("draft", "open", "closed")
# Reject absurd payloads before doing any work on them.
_RAW_TEXT_LIMIT = 4 * COMMENT_MAX_CHARS


class SubmissionRejected(ValueError):
    """A submission that must not be stored; ``str()`` is the participant message."""


class UnknownPulse(SubmissionRejected):
    pass


class PulseNotOpen(SubmissionRejected):
    pass


class AlreadyAnswered(SubmissionRejected):
    pass


class InvalidSubmission(SubmissionRejected):
    pass


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


@dataclass(frozen=True)
class Group:
    id: int
    name: str
    expected: int | None


# --- programmes, sessions, pulses -------------------------------------------------


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
    if not isinstance(k, int) or k < MIN_K:
        raise ValueError(f"The anonymity minimum must be at least {MIN_K}.")
    if not name.strip():
        raise ValueError("A programme needs a name.")
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
    """Open, close or reopen a pulse."""
    if status not in STATUSES:
        raise ValueError(f"Status must be one of {', '.join(STATUSES)}.")
    with store.write() as db:
        db.execute("UPDATE pulses SET status = ? WHERE id = ?", [status, pulse_id])


def open_pulse(store: Store, pulse_id: int) -> None:
    set_pulse_status(store, pulse_id, "open")


def close_pulse(store: Store, pulse_id: int) -> None:
    """Close a pulse, then empty the WAL so arrival order leaves no trace on disk."""
    set_pulse_status(store, pulse_id, "closed")
    store.forget_write_order()


_PULSE_SELECT = """
    SELECT p.id, p.code, p.status, p.moment, p.form, p.comment_prompt,
           s.id, s.title, s.date, g.id, g.name, g.k
    FROM pulses p
    JOIN sessions s ON s.id = p.session_id
    JOIN programmes g ON g.id = s.programme_id
"""


def pulse_by_id(store: Store, pulse_id: int) -> PulseInfo:
    with store.read() as db:
        row = db.execute(_PULSE_SELECT + " WHERE p.id = ?", [pulse_id]).fetchone()
    if row is None:
        raise UnknownPulse("No pulse has that id.")
    return PulseInfo(*row)


def pulse_by_code(store: Store, typed_code: str) -> PulseInfo | None:
    """The pulse a participant's (typed or linked) code names, if any."""
    code = codes.normalise_code(typed_code)
    if code is None:
        return None
    with store.read() as db:
        row = db.execute(_PULSE_SELECT + " WHERE p.code = ?", [code]).fetchone()
    return PulseInfo(*row) if row else None


def pulse_questions(store: Store, pulse_id: int) -> list[Question]:
    """The questions a pulse asks, in its order."""
    with store.read() as db:
        rows = db.execute(
            "SELECT q.id, q.dimension, q.text, q.reverse FROM pulse_questions pq "
            "JOIN questions q ON q.id = pq.question_id "
            "WHERE pq.pulse_id = ? ORDER BY pq.position",
            [pulse_id],
        ).fetchall()
    return [Question(r[0], r[1], r[2], bool(r[3])) for r in rows]


def programme_groups(store: Store, programme_id: int) -> list[Group]:
    with store.read() as db:
        rows = db.execute(
            "SELECT id, name, expected FROM groups WHERE programme_id = ? "
            "ORDER BY position, id",
            [programme_id],
        ).fetchall()
    return [Group(*row) for row in rows]


# --- submitting -------------------------------------------------------------------


def submit_response(
    store: Store,
    pulse_id: int,
    answers: Mapping[int, object],
    *,
    group_id: int | None = None,
    comment: str | None = None,
    device_token: str | None = None,
) -> None:
    """Store one anonymous response, or raise ``SubmissionRejected`` and store nothing.

    The response, its answers and scores, the comment (unlinked) and the
    device's keyed hash are written in one transaction; the pulse's status is
    read inside it, so a pulse closed a moment ago takes no more answers.
    """
    clean_comment = clean_text(comment)
    if device_token is not None and not codes.valid_device_token(device_token):
        raise InvalidSubmission("This device's answer token is not valid.")
    with store.write() as db:
        pulse = db.execute(
            "SELECT p.status, p.secret, s.programme_id FROM pulses p "
            "JOIN sessions s ON s.id = p.session_id WHERE p.id = ?",
            [pulse_id],
        ).fetchone()
        if pulse is None:
            raise UnknownPulse("This pulse does not exist.")
        status, secret, programme_id = pulse
        if status != "open":
            raise PulseNotOpen(not_open_message(status))
        items = _scored_items(db, pulse_id)
        valid = validate_answers(answers, items)
        if group_id is not None:
            _check_group(db, programme_id, group_id)
        if device_token is not None:
            try:
                db.execute(
                    "INSERT INTO submissions (pulse_id, device_hash) VALUES (?, ?)",
                    [pulse_id, codes.device_hash(secret, device_token)],
                )
            except sqlite3.IntegrityError:
                raise AlreadyAnswered(
                    "You have already answered this pulse on this device."
                ) from None
        _insert_response(db, pulse_id, group_id, valid, items)
        if clean_comment:
            db["comments"].insert(
                {"pulse_id": pulse_id, "id": codes.new_row_id(), "text": clean_comment}
            )


def validate_answers(
    answers: Mapping[int, object], items: Mapping[int, ScoredItem]
) -> dict[int, int]:
    """The answers as ``{question_id: value}`` if every one is acceptable.

    Values must be real integers on the scale (not bools, floats, strings or
    NaN); question ids must belong to this pulse; at least one is required.
    """
    if not isinstance(answers, Mapping):
        raise InvalidSubmission("Answers must map questions to values.")
    valid: dict[int, int] = {}
    for question_id, value in answers.items():
        if type(question_id) is not int or question_id not in items:
            raise InvalidSubmission("An answer refers to a question not in this pulse.")
        if type(value) is not int or not SCALE_LOW <= value <= SCALE_HIGH:
            shown = (
                "not a number"
                if isinstance(value, float) and math.isnan(value)
                else repr(value)
            )
            raise InvalidSubmission(
                f"Answers must be whole numbers from {SCALE_LOW} to {SCALE_HIGH} "
                f"(got {shown[:20]})."
            )
        valid[question_id] = value
    if not valid:
        raise InvalidSubmission("Please answer at least one question.")
    return valid


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(text: object) -> str | None:
    """Free text fit to store: control, surrogate and bidi-override characters
    stripped, whitespace trimmed; ``None`` when empty.

    Raises ``InvalidSubmission`` for non-text or text over the limit, rather
    than silently truncating what someone wrote.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidSubmission("A comment must be text.")
    if len(text) > _RAW_TEXT_LIMIT:
        raise InvalidSubmission(
            f"Comments can be at most {COMMENT_MAX_CHARS} characters."
        )
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI_CONTROLS)
    ).strip()
    if len(kept) > COMMENT_MAX_CHARS:
        raise InvalidSubmission(
            f"Comments can be at most {COMMENT_MAX_CHARS} characters."
        )
    return kept or None


def has_answered(store: Store, pulse_id: int, device_token: str | None) -> bool:
    """Whether this device already answered this pulse (best effort, no identity)."""
    if device_token is None or not codes.valid_device_token(device_token):
        return False
    with store.read() as db:
        row = db.execute(
            "SELECT secret FROM pulses WHERE id = ?", [pulse_id]
        ).fetchone()
        if row is None:
            return False
        return (
            db.execute(
                "SELECT 1 FROM submissions WHERE pulse_id = ? AND device_hash = ?",
                [pulse_id, codes.device_hash(row[0], device_token)],
            ).fetchone()
            is not None
        )


def count_responses(store: Store, pulse_id: int) -> int:
    with store.read() as db:
        return db.execute(
            "SELECT count(*) FROM responses WHERE pulse_id = ?", [pulse_id]
        ).fetchone()[0]


# --- helpers ----------------------------------------------------------------------


def not_open_message(status: str) -> str:
    if status == "closed":
        return "This pulse has closed. Thank you — answers are no longer being taken."
    return "This pulse has not opened yet. Please wait for the facilitator to open it."


def _programme_of_session(db: Database, session_id: int) -> int:
    row = db.execute(
        "SELECT programme_id FROM sessions WHERE id = ?", [session_id]
    ).fetchone()
    if row is None:
        raise ValueError("No session has that id.")
    return int(row[0])


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
        raise ValueError("A pulse asks at least one of its own programme's questions.")


def _unused_code(db: Database) -> str:
    for _ in range(100):
        code = codes.new_code()
        if not db.execute("SELECT 1 FROM pulses WHERE code = ?", [code]).fetchone():
            return code
    raise RuntimeError("Could not find an unused join code.")


def _scored_items(db: Database, pulse_id: int) -> dict[int, ScoredItem]:
    rows = db.execute(
        "SELECT q.id, q.dimension, q.reverse FROM pulse_questions pq "
        "JOIN questions q ON q.id = pq.question_id WHERE pq.pulse_id = ?",
        [pulse_id],
    ).fetchall()
    return {qid: ScoredItem(dim, bool(rev)) for qid, dim, rev in rows}


def _check_group(db: Database, programme_id: int, group_id: object) -> None:
    if (
        type(group_id) is not int
        or not db.execute(
            "SELECT 1 FROM groups WHERE id = ? AND programme_id = ?",
            [group_id, programme_id],
        ).fetchone()
    ):
        raise InvalidSubmission("That group is not part of this programme.")


_INSERT_RESPONSE = "INSERT INTO responses (pulse_id, id, group_id) VALUES (?, ?, ?)"
_INSERT_ANSWER = (
    "INSERT INTO answers (pulse_id, response_id, question_id, value) "
    "VALUES (?, ?, ?, ?)"
)
_INSERT_SCORE = (
    "INSERT INTO scores (pulse_id, dimension, response_id, group_id, score, items) "
    "VALUES (?, ?, ?, ?, ?, ?)"
)
_UPSERT_ITEM_STATS = (
    "INSERT INTO item_stats (pulse_id, group_key, question_id, complete, n, total, "
    "squares) VALUES (?, ?, ?, ?, 1, ?, ?) "
    "ON CONFLICT (pulse_id, group_key, question_id, complete) DO UPDATE SET "
    "n = n + 1, total = total + excluded.total, squares = squares + excluded.squares"
)


@dataclass
class _ResponseRows:
    responses: list[tuple] = field(default_factory=list)
    answers: list[tuple] = field(default_factory=list)
    scores: list[tuple] = field(default_factory=list)
    item_stats: list[tuple] = field(default_factory=list)

    def add(
        self,
        pulse_id: int,
        group_id: int | None,
        answers: Mapping[int, int],
        items: Mapping[int, ScoredItem],
    ) -> None:
        response_id = codes.new_row_id()
        answered = answered_items(answers, items)
        asked = Counter(item.dimension for item in items.values())
        self.responses.append((pulse_id, response_id, group_id))
        self.answers.extend(
            (pulse_id, response_id, qid, value) for qid, value in answers.items()
        )
        self.scores.extend(
            (pulse_id, dim, response_id, group_id, score, answered[dim])
            for dim, score in dimension_scores(answers, items).items()
        )
        self.item_stats.extend(
            (
                pulse_id,
                group_id or 0,
                qid,
                int(answered[items[qid].dimension] == asked[items[qid].dimension]),
                value,
                value * value,
            )
            for qid, value in answers.items()
        )

    def insert(self, db: Database) -> None:
        db.conn.executemany(_INSERT_RESPONSE, self.responses)
        db.conn.executemany(_INSERT_ANSWER, self.answers)
        db.conn.executemany(_INSERT_SCORE, self.scores)
        db.conn.executemany(_UPSERT_ITEM_STATS, self.item_stats)


def _insert_response(
    db: Database,
    pulse_id: int,
    group_id: int | None,
    answers: Mapping[int, int],
    items: Mapping[int, ScoredItem],
) -> None:
    rows = _ResponseRows()
    rows.add(pulse_id, group_id, answers, items)
    rows.insert(db)


def insert_responses_bulk(
    db: Database,
    pulse_id: int,
    responses: Iterable[tuple[int | None, Mapping[int, int]]],
    items: Mapping[int, ScoredItem],
) -> int:
    """Insert many generated (already valid) responses in the caller's transaction.

    For demo and benchmark data only: participant answers go through
    ``submit_response`` and its checks.
    """
    rows = _ResponseRows()
    for group_id, answers in responses:
        rows.add(pulse_id, group_id, answers, items)
    rows.insert(db)
    return len(rows.responses)


def scored_items(store: Store, pulse_id: int) -> dict[int, ScoredItem]:
    with store.read() as db:
        return _scored_items(db, pulse_id)
