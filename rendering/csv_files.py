"""CSV text a spreadsheet opens safely.

Text cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``,
``@``, tab, carriage return) are prefixed with ``'``: names and questions are
typed by people (OWASP, CSV injection).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Protocol

from survey.i18n import N_, gettext_for

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


AGGREGATE_COLUMNS = (
    "programme",
    "pulse_id",
    "pulse",
    "session_date",
    "status",
    "responses",
    "held_out",
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
    # Answers counted but not in the figures: held out at Close, not kept.
    "held_out": N_("held_out"),
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


class CsvError(ValueError):
    """A file could not be written; ``str()`` says why. Nothing partial is left."""


class ExportRows(Protocol):
    language: str
    aggregates: list[dict[str, object]]
    answers: list[dict[str, object]]


def _write_atomically(path: Path, text: str) -> None:
    """UTF-8 with a byte-order mark, so spreadsheets read "·" and accents."""
    try:
        handle, temporary = tempfile.mkstemp(
            dir=path.parent, prefix=f".{path.name}.", suffix=".partial"
        )
    except OSError as problem:
        raise CsvError(f"Cannot write to {path.parent}: {problem.strerror}.") from None
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except OSError as problem:
        Path(temporary).unlink(missing_ok=True)
        raise CsvError(f"Cannot write {path}: {problem.strerror}.") from None


def aggregates_csv(export: ExportRows) -> str:
    return to_csv(AGGREGATE_COLUMNS, export.aggregates, export.language)


def answers_csv(export: ExportRows) -> str:
    return to_csv(ANSWER_COLUMNS, export.answers, export.language)


def write_files(export: ExportRows, out_dir: Path) -> list[Path]:
    """Write ``aggregates.csv`` and ``answers.csv`` into ``out_dir`` (created if
    missing). Each file is written whole or not at all."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as problem:
        raise CsvError(f"Cannot create {out_dir}: {problem.strerror}.") from None
    if not out_dir.is_dir():
        raise CsvError(f"{out_dir} is not a directory.")
    written = []
    for file_name, text in (
        (AGGREGATES_FILE, aggregates_csv(export)),
        (ANSWERS_FILE, answers_csv(export)),
    ):
        path = out_dir / file_name
        _write_atomically(path, text)
        written.append(path)
    return written
