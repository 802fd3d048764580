"""Retention: item-level answers and comments are deleted N days after a
programme closes; per-pulse aggregates stay so trends keep working.

A programme keeps everything while ``retention_days`` is NULL ("keep") or it
has no ``closed_on`` date. From ``closed_on + retention_days`` on, the purge
deletes everything that describes one person — ``answers``, ``comments``,
per-person ``scores``, ``tickets``, the group of each response not shown by
group — and merges any released sum about fewer than k people. The
released sums that stay (each about k or more) keep means, intervals,
agreement and reliability working; comparisons that need each person's score
(Mann–Whitney, Cliff's δ) are no longer possible for purged pulses. The store
runs with ``secure_delete=ON`` and is compacted after a purge, so deleted text
does not linger in the file. Backups and exports taken before still hold it.

``apply_retention`` is idempotent and safe to run at every start-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlite_utils import Database

from storage.db import Store
from storage.programmes import close_pulses

MAX_RETENTION_DAYS = 100 * 366

_PROGRAMME_PULSES = (
    "SELECT p.id FROM pulses p JOIN sessions s ON s.id = p.session_id "
    "WHERE s.programme_id = ?"
)


@dataclass(frozen=True)
class RetentionStatus:
    programme_id: int
    name: str
    retention_days: int | None
    closed_on: date | None
    purge_on: date | None  # None: kept (no period, or not closed)
    due: bool
    answers: int  # item-level answers still stored
    comments: int
    open_pulses: int  # closing the programme closes these too


@dataclass(frozen=True)
class Purged:
    programme_id: int
    name: str
    purge_on: date
    answers: int
    comments: int


@dataclass(frozen=True)
class PurgeReport:
    today: date
    purged: list[Purged] = field(default_factory=list)  # every programme due
    dry_run: bool = False

    @property
    def answers(self) -> int:
        return sum(p.answers for p in self.purged)

    @property
    def comments(self) -> int:
        return sum(p.comments for p in self.purged)

    def summary(self) -> str:
        verb = "Would delete" if self.dry_run else "Deleted"
        if not self.answers and not self.comments:
            return f"Retention ({self.today}): nothing to purge."
        lines = [f"Retention ({self.today}):"]
        lines += [
            f"  {verb} {p.answers:,} answers and {p.comments:,} comments of "
            f"programme {p.programme_id} “{p.name}” (due {p.purge_on})"
            for p in self.purged
            if p.answers or p.comments
        ]
        return "\n".join(lines)


def set_retention(store: Store, programme_id: int, days: int | None) -> None:
    """Keep item-level answers and comments ``days`` after closing (None: keep)."""
    if days is not None and (
        type(days) is not int or not 0 <= days <= MAX_RETENTION_DAYS
    ):
        raise ValueError(
            f"Retention must be a whole number of days from 0 to "
            f"{MAX_RETENTION_DAYS:,}, or none to keep everything."
        )
    with store.write() as db:
        _require_programme(db, programme_id)
        db.execute(
            "UPDATE programmes SET retention_days = ? WHERE id = ?",
            [days, programme_id],
        )


def close_programme(store: Store, programme_id: int, on: date | None = None) -> int:
    """Mark a programme closed on ``on`` (default today) and close its open
    pulses, since a closed programme takes no answers. Returns how many
    pulses were closed."""
    day = on or date.today()
    if not isinstance(day, date):
        raise ValueError("The closing date must be a date.")
    with store.write() as db:
        _require_programme(db, programme_id)
        db.execute(
            "UPDATE programmes SET closed_on = ? WHERE id = ?",
            [day.isoformat(), programme_id],
        )
        open_pulses = [
            pulse_id
            for (pulse_id,) in db.execute(
                f"SELECT id FROM pulses WHERE status IN ('open', 'closing') "
                f"AND id IN ({_PROGRAMME_PULSES})",
                [programme_id],
            ).fetchall()
        ]
    # The one close path: final release, device hashes dropped, file compacted.
    return close_pulses(store, open_pulses) if open_pulses else 0


def reopen_programme(store: Store, programme_id: int) -> None:
    """Clear the closing date: nothing is purged until it closes again.
    (Pulses stay as they are; open them one by one.)"""
    with store.write() as db:
        _require_programme(db, programme_id)
        db.execute(
            "UPDATE programmes SET closed_on = NULL WHERE id = ?", [programme_id]
        )


def retention_status(
    store: Store, programme_id: int, today: date | None = None
) -> RetentionStatus:
    today = today or date.today()
    with store.read() as db:
        row = _require_programme(db, programme_id)
        answers, comments = _counts(db, programme_id)
        open_pulses = db.execute(
            f"SELECT count(*) FROM pulses WHERE status IN ('open', 'closing') "
            f"AND id IN ({_PROGRAMME_PULSES})",
            [programme_id],
        ).fetchone()[0]
    name, days, closed_raw = row
    closed_on = _parse_date(closed_raw)
    purge_on = _purge_date(days, closed_on)
    return RetentionStatus(
        programme_id,
        name,
        days,
        closed_on,
        purge_on,
        purge_on is not None and today >= purge_on,
        answers,
        comments,
        int(open_pulses),
    )


def apply_retention(
    store: Store, today: date | None = None, *, dry_run: bool = False
) -> PurgeReport:
    """Purge every programme whose retention date has come (call at start-up).

    One transaction per programme: a failure leaves that programme as it was.
    """
    today = today or date.today()
    with store.read() as db:
        programmes = db.execute(
            "SELECT id, name, retention_days, closed_on FROM programmes "
            "WHERE retention_days IS NOT NULL AND closed_on IS NOT NULL ORDER BY id"
        ).fetchall()
    purged: list[Purged] = []
    for programme_id, name, days, closed_raw in programmes:
        purge_on = _purge_date(days, _parse_date(closed_raw))
        if purge_on is None or today < purge_on:
            continue
        if dry_run:
            with store.read() as db:
                answers, comments = _counts(db, programme_id)
        else:
            with store.write() as db:
                answers, comments = _purge(db, programme_id)
        purged.append(Purged(programme_id, name, purge_on, answers, comments))
    if not dry_run and any(p.answers or p.comments for p in purged):
        store.compact()
    return PurgeReport(today, purged, dry_run)


# --- helpers ------------------------------------------------------------------------


def _require_programme(db: Database, programme_id: int) -> tuple:
    row = db.execute(
        "SELECT name, retention_days, closed_on FROM programmes WHERE id = ?",
        [programme_id],
    ).fetchone()
    if row is None:
        raise ValueError(f"No programme has id {programme_id}.")
    return row


def _parse_date(raw: object) -> date | None:
    try:
        return date.fromisoformat(str(raw)) if raw else None
    except ValueError:
        return None  # an unreadable date never triggers a purge


def _purge_date(days: int | None, closed_on: date | None) -> date | None:
    if days is None or closed_on is None:
        return None
    return closed_on + timedelta(days=int(days))


def _counts(db: Database, programme_id: int) -> tuple[int, int]:
    answers, comments = (
        db.execute(
            f"SELECT count(*) FROM {table} WHERE pulse_id IN ({_PROGRAMME_PULSES})",
            [programme_id],
        ).fetchone()[0]
        for table in ("answers", "comments")
    )
    return int(answers), int(comments)


def _purge(db: Database, programme_id: int) -> tuple[int, int]:
    """Delete what describes one person: item answers, comments, per-person
    dimension scores, used tickets, and the group of any response a view does
    not show by group (held out, or in a group the pulse hides). Released sums
    split finer than a figure (by items answered, by complete or not) are
    merged wherever a part covers fewer than k people: deleting such a part
    would move the figures and let before minus after single those people
    out, while merging keeps every figure as it was. Reliability of a merged
    pulse is then "too few"; means, intervals and agreement stay."""
    where = f"pulse_id IN ({_PROGRAMME_PULSES})"
    answers = db.execute(f"DELETE FROM answers WHERE {where}", [programme_id]).rowcount
    comments = db.execute(
        f"DELETE FROM comments WHERE {where}", [programme_id]
    ).rowcount
    db.execute(f"DELETE FROM scores WHERE {where}", [programme_id])
    # A response row stays only to be counted. Its group is kept only where
    # every view shows it (released, in a group the pulse shows: at least k
    # of them); otherwise the row would say that the one person of a hidden
    # group answered, or which group the latecomer held out at Close is in.
    db.execute(
        "UPDATE responses SET group_id = NULL WHERE group_id IS NOT NULL "
        f"AND {where} AND (released = 0 OR group_id NOT IN (SELECT value FROM "
        "json_each((SELECT visible FROM disclosures d "
        "WHERE d.pulse_id = responses.pulse_id))))",
        [programme_id],
    )
    # Used tickets say whose card answered to whoever knows who got which card.
    db.execute(f"DELETE FROM tickets WHERE {where}", [programme_id])
    k = db.execute("SELECT k FROM programmes WHERE id = ?", [programme_id]).fetchone()[
        0
    ]
    for table, keys, split, sums in _SPLIT_SUMS:
        _merge_small(db, table, keys, split, sums, where, programme_id, k)
    return int(answers), int(comments)


# (table, the figure's key, the finer split, the summed columns)
_SPLIT_SUMS = (
    ("score_sums", ("pulse_id", "dimension", "group_key"), "items",
     ("n", "total", "squares", "agree")),
    ("item_stats", ("pulse_id", "group_key", "question_id"), "complete",
     ("n", "total", "squares")),
)  # fmt: skip


def _merge_small(
    db: Database,
    table: str,
    keys: tuple[str, ...],
    split: str,
    sums: tuple[str, ...],
    where: str,
    programme_id: int,
    k: int,
) -> None:
    key_list = ", ".join(keys)
    small = db.execute(
        f"SELECT DISTINCT {key_list} FROM {table} WHERE {where} AND n < ?",
        [programme_id, k],
    ).fetchall()
    match = " AND ".join(f"{key} = ?" for key in keys)
    for key in small:
        merged = db.execute(
            f"SELECT {', '.join(f'sum({s})' for s in sums)} FROM {table} WHERE {match}",
            list(key),
        ).fetchone()
        db.execute(f"DELETE FROM {table} WHERE {match}", list(key))
        columns = [*keys, split, *sums]
        db.execute(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES "
            f"({', '.join('?' for _ in columns)})",
            [*key, 0, *merged],
        )
