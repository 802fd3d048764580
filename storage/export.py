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
    which blank-group rows belong to which hidden group. ``responses`` is
    how many the figures are about; ``held_out`` how many more answered but
    were held out at Close, counted and not kept (``storage.held_out``).

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

import math
import random
from dataclasses import dataclass, field

from storage import results
from storage.db import MOMENT_ORDER, Store
from survey.disclosure import may_show
from survey.i18n import gettext_for, text_in
from survey.words import EVERYONE, NOT_SAID, pulse_label

# Figures are estimates with intervals; more decimals only add false precision.
DECIMALS = 3
# Spreadsheets run cells starting with these as formulas (CSV injection).
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
    """The rows of both files (``rendering.csv_files`` writes them as CSV)."""

    programme_id: int
    programme_name: str
    k: int
    language: str = "en"
    aggregates: list[dict[str, object]] = field(default_factory=list)
    answers: list[dict[str, object]] = field(default_factory=list)


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
    for pulse in closed_pulses(store, programme_id, language):
        with store.read():  # re-entrant: the calls below see one snapshot
            shown = results.pulse_results(store, pulse.id)
            named = set(results.shown_groups(store, pulse.id).values())
            export.aggregates.extend(
                _aggregate_rows(name, pulse, shown, named, language)
            )
            if may_show(shown.n, k):
                export.answers.extend(_answer_rows(store, pulse, named, language))
    return export


def closed_pulses(
    store: Store, programme_id: int, language: str = "en"
) -> list[ClosedPulse]:
    """Closed pulses in timeline order (session date, position, moment), named
    with the moment in ``language``."""
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
        ClosedPulse(pid, pulse_label(title, moment, language), day, status)
        for pid, title, moment, day, status in rows
    ]


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
            "held_out": shown.held_out,
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
