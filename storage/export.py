"""CSV exports of a programme: safe aggregate figures and shuffled item-level answers.

Only **closed** pulses are exported: an open pulse's figures move only by the
live release rule (DESIGN.md promise 3), and a file taken mid-pulse would
sidestep it.

``aggregates.csv``
    Per pulse × dimension × group: n, mean, sd and 95% interval, taken from
    ``storage.results.pulse_results`` so every figure has passed the same
    rules as the screen (promises 1 and 2). One further restriction: a group's
    figures appear only if the group is also named in ``answers.csv`` for that
    pulse (pulse-level complementary suppression). Per-dimension suppression
    can show a group that pulse-level suppression hides (skipped items change
    the counts); its dimension n beside the item-level rows would then tell
    which blank-group rows belong to which hidden group.

``answers.csv``
    One row per answer, for closed pulses with at least ``k`` responses.
    Respondents get a fresh random number per pulse (``SystemRandom``), so
    rows can be pivoted to one-row-per-respondent but never linked across
    pulses; no stored id appears. The group is shown only for groups that
    ``survey.disclosure.visible_groups`` allows on the pulse's group counts
    (including "group not given"); the rest are blank, and the blank set is 0
    or at least ``k`` responses, so no group can be recovered by subtraction.
    Comments are never exported: they are stored unlinked and stay unlinked.
"""

from __future__ import annotations

import csv
import io
import math
import os
import random
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from storage import results
from storage.db import MOMENT_ORDER, Store
from survey.disclosure import may_show
from survey.i18n import N_, gettext_for, text_in
from survey.words import EVERYONE, NOT_SAID, pulse_label

AGGREGATE_COLUMNS = (
    "programme",
    "pulse_id",
    "pulse",
    "session_date",
    "status",
    "responses",
    "dimension",
    "group",
    "n",
    "mean",
    "sd",
    "ci95_low",
    "ci95_high",
)
ANSWER_COLUMNS = (
    "pulse_id",
    "pulse",
    "session_date",
    "respondent",
    "group",
    "dimension",
    "item_key",
    "question_id",
    "question",
    "reverse",
    "value",
)
# Translators: CSV column headers; keep them one word (with underscores), as
# scripts and spreadsheets read them.
COLUMN_HEADERS = {
    "programme": N_("programme"),
    "pulse_id": N_("pulse_id"),
    "pulse": N_("pulse"),
    "session_date": N_("session_date"),
    "status": N_("status"),
    "responses": N_("responses"),
    "dimension": N_("dimension"),
    "group": N_("group"),
    "n": N_("n"),
    "mean": N_("mean"),
    "sd": N_("sd"),
    "ci95_low": N_("ci95_low"),
    "ci95_high": N_("ci95_high"),
    "respondent": N_("respondent"),
    "item_key": N_("item_key"),
    "question_id": N_("question_id"),
    "question": N_("question"),
    "reverse": N_("reverse"),
    "value": N_("value"),
}
"""Each column's header, a msgid: the files follow the programme's language."""
AGGREGATES_FILE = "aggregates.csv"
ANSWERS_FILE = "answers.csv"
# Figures are estimates with intervals; more decimals only add false precision.
DECIMALS = 3
# Spreadsheets run cells starting with these as formulas (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_RANDOM = random.SystemRandom()


class ExportError(ValueError):
    """An export that cannot be made; ``str()`` is a message fit to show."""


@dataclass(frozen=True)
class ClosedPulse:
    id: int
    label: str
    session_date: str | None
    status: str


@dataclass(frozen=True)
class ExportOverview:
    """What an export will hold, cheaply, for the data page to say."""

    k: int
    closed: int  # closed pulses with any figures (n ≥ k)
    too_small: int  # closed pulses left out: fewer than k responses
    not_closed: int  # draft or open pulses, never exported


@dataclass(frozen=True)
class ProgrammeExport:
    """The rows of both files, built once, written as CSV on demand."""

    programme_id: int
    programme_name: str
    k: int
    language: str = "en"
    aggregates: list[dict[str, object]] = field(default_factory=list)
    answers: list[dict[str, object]] = field(default_factory=list)

    def aggregates_csv(self) -> str:
        return to_csv(AGGREGATE_COLUMNS, self.aggregates, self.language)

    def answers_csv(self) -> str:
        return to_csv(ANSWER_COLUMNS, self.answers, self.language)


def export_overview(store: Store, programme_id: int) -> ExportOverview:
    k, _ = _programme(store, programme_id)
    with store.read() as db:
        rows = db.execute(
            "SELECT p.status, (SELECT count(*) FROM responses r "
            "WHERE r.pulse_id = p.id AND r.released = 1) FROM pulses p "
            "JOIN sessions s ON s.id = p.session_id WHERE s.programme_id = ?",
            [programme_id],
        ).fetchall()
    closed = [n for status, n in rows if status == "closed"]
    return ExportOverview(
        k=k,
        closed=sum(1 for n in closed if may_show(n, k)),
        too_small=sum(1 for n in closed if not may_show(n, k)),
        not_closed=len(rows) - len(closed),
    )


def export_programme(store: Store, programme_id: int) -> ProgrammeExport:
    """Both files' rows for a programme's closed pulses, in timeline order.

    Each pulse is read under the store's lock in one go, so its figures and
    its answers describe the same responses.
    """
    k, name = _programme(store, programme_id)
    language = _language(store, programme_id)
    export = ProgrammeExport(programme_id, name, k, language)
    for pulse in closed_pulses(store, programme_id):
        with store.read():  # re-entrant: the calls below see one snapshot
            shown = results.pulse_results(store, pulse.id)
            named = set(results.shown_groups(store, pulse.id).values())
            export.aggregates.extend(
                _aggregate_rows(name, pulse, shown, named, language)
            )
            if may_show(shown.n, k):
                export.answers.extend(_answer_rows(store, pulse, named, language))
    return export


def write_export(store: Store, programme_id: int, out_dir: Path) -> list[Path]:
    """Write ``aggregates.csv`` and ``answers.csv`` into ``out_dir`` (created if
    missing). Each file is written whole or not at all."""
    export = export_programme(store, programme_id)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise ExportError(f"Cannot create {out_dir}: {problem.strerror}.") from None
    if not out_dir.is_dir():
        raise ExportError(f"{out_dir} is not a directory.")
    written = []
    for file_name, text in (
        (AGGREGATES_FILE, export.aggregates_csv()),
        (ANSWERS_FILE, export.answers_csv()),
    ):
        path = out_dir / file_name
        _write_atomically(path, text)
        written.append(path)
    return written


def closed_pulses(store: Store, programme_id: int) -> list[ClosedPulse]:
    """Closed pulses in timeline order (session date, position, moment)."""
    with store.read() as db:
        rows = db.execute(
            "SELECT p.id, s.title, p.moment, s.date, p.status FROM pulses p "
            "JOIN sessions s ON s.id = p.session_id "
            "WHERE s.programme_id = ? AND p.status = 'closed' "
            f"ORDER BY s.date IS NULL, s.date, s.position, s.id, {MOMENT_ORDER}, "
            "p.id",
            [programme_id],
        ).fetchall()
    return [
        ClosedPulse(pid, pulse_label(title, moment), day, status)
        for pid, title, moment, day, status in rows
    ]


def to_csv(
    columns: Sequence[str], rows: Iterable[dict[str, object]], language: str = "en"
) -> str:
    """CSV text with headers in ``language``; text cells that a spreadsheet
    would run as a formula are prefixed with ``'``."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(columns))
    writer.writerow(
        {c: gettext_for(language, COLUMN_HEADERS.get(c, c)) for c in columns}
    )
    for row in rows:
        writer.writerow({key: _cell(value) for key, value in row.items()})
    return buffer.getvalue()


# --- helpers ------------------------------------------------------------------------


def _programme(store: Store, programme_id: int) -> tuple[int, str]:
    with store.read() as db:
        row = db.execute(
            "SELECT k, name FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
    if row is None:
        raise ExportError(f"No programme has id {programme_id}.")
    return int(row[0]), str(row[1])


def _language(store: Store, programme_id: int) -> str:
    with store.read() as db:
        row = db.execute(
            "SELECT language FROM programmes WHERE id = ?", [programme_id]
        ).fetchone()
    return str(row[0]) if row else "en"


def _group_word(language: str, group: str) -> str:
    """The app's own group words ("Everyone", "Group not given") in the file's
    language; group names people typed stay as typed."""
    return gettext_for(language, group) if group in (EVERYONE, NOT_SAID) else group


def _aggregate_rows(
    programme: str,
    pulse: ClosedPulse,
    shown: results.PulseResults,
    named: set[str],
    language: str = "en",
) -> list[dict[str, object]]:
    return [
        {
            "programme": programme,
            "pulse_id": pulse.id,
            "pulse": pulse.label,
            "session_date": pulse.session_date or "",
            "status": pulse.status,
            "responses": shown.n,
            "dimension": figure.dimension,
            "group": _group_word(language, figure.group),
            "n": figure.n,
            "mean": _number(figure.mean),
            "sd": _number(figure.sd),
            "ci95_low": _number(figure.low),
            "ci95_high": _number(figure.high),
        }
        for figure in shown.figures
        if figure.group == EVERYONE or figure.group in named
    ]


def _answer_rows(
    store: Store, pulse: ClosedPulse, named: set[str], language: str = "en"
) -> list[dict[str, object]]:
    with store.read() as db:
        respondents = db.execute(
            "SELECT r.id, coalesce(g.name, ?) FROM responses r "
            "LEFT JOIN groups g ON g.id = r.group_id "
            "WHERE r.pulse_id = ? AND r.released = 1",
            [NOT_SAID, pulse.id],
        ).fetchall()
        answers = db.execute(
            "SELECT a.response_id, q.id, q.item_key, q.dimension, q.text, q.reverse, "
            "a.value, coalesce(pq.position, q.position), q.text_cy FROM answers a "
            "JOIN questions q ON q.id = a.question_id "
            "LEFT JOIN pulse_questions pq "
            "ON pq.pulse_id = a.pulse_id AND pq.question_id = a.question_id "
            "JOIN responses r ON r.pulse_id = a.pulse_id AND r.id = a.response_id "
            "WHERE a.pulse_id = ? AND r.released = 1",
            [pulse.id],
        ).fetchall()
    _RANDOM.shuffle(respondents)
    number = {rid: i for i, (rid, _) in enumerate(respondents, start=1)}
    group = {rid: name if name in named else "" for rid, name in respondents}
    ordered = sorted(answers, key=lambda a: (number[a[0]], a[7], a[1]))
    return [
        {
            "pulse_id": pulse.id,
            "pulse": pulse.label,
            "session_date": pulse.session_date or "",
            "respondent": number[rid],
            "group": _group_word(language, group[rid]),
            "dimension": dimension,
            "item_key": item_key or "",
            "question_id": qid,
            "question": text_in(language, text, text_cy),
            "reverse": int(bool(reverse)),
            "value": value,
        }
        for rid, qid, item_key, dimension, text, reverse, value, _, text_cy in ordered
    ]


def _number(value: float) -> float | str:
    """Rounded; blank where there is no value (no interval when everyone
    gave the same answer)."""
    return "" if math.isnan(value) else round(value, DECIMALS)


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _write_atomically(path: Path, text: str) -> None:
    """UTF-8 with a byte-order mark, so spreadsheets read "·" and accents."""
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
    except OSError as problem:
        raise ExportError(
            f"Cannot write to {path.parent}: {problem.strerror}."
        ) from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as problem:
        Path(temporary).unlink(missing_ok=True)
        raise ExportError(f"Cannot write {path}: {problem.strerror}.") from None
