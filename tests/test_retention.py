"""Retention: answers and comments go N days after closing; nothing else does."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from storage import programmes, responses, results, retention
from storage.__main__ import main
from storage.db import Store, open_store
from survey import answers
from tests.fixtures import ROW_TABLES, OpenPulse, make_open_pulse, sign_in

CLOSED = date(2026, 3, 31)
DAYS = 30
DUE = date(2026, 4, 30)  # CLOSED + 30 days


def table_rows(store: Store) -> dict[str, set[tuple]]:
    """Every row of every table, to prove exactly what changed."""
    with store.read() as db:
        return {t: set(db.execute(f"SELECT * FROM {t}").fetchall()) for t in ROW_TABLES}


def answered(store: Store, *, comment: str, k: int = 3) -> OpenPulse:
    pulse = make_open_pulse(store, k=k)
    for value in range(1, 7):
        responses.submit_response(
            store,
            pulse.pulse.id,
            pulse.first_answers(value),
            group_id=pulse.groups[value % 2].id,
            comment=f"{comment} {value}",
        )
    results.live_room(store, pulse.pulse.id)  # a release snapshot, with comments
    return pulse


@pytest.fixture
def three(store: Store) -> tuple[OpenPulse, OpenPulse, OpenPulse]:
    """Due (closed, 30 days); kept forever (closed, no period); still running."""
    due = answered(store, comment="due-remark")
    kept = answered(store, comment="kept-remark")
    running = answered(store, comment="running-remark")
    retention.set_retention(store, due.programme_id, DAYS)
    retention.close_programme(store, due.programme_id, CLOSED)
    retention.close_programme(store, kept.programme_id, CLOSED)
    retention.set_retention(store, running.programme_id, 0)
    return due, kept, running


def pulses_of(store: Store, programme_id: int) -> set[int]:
    with store.read() as db:
        return {
            r[0]
            for r in db.execute(
                "SELECT p.id FROM pulses p JOIN sessions s ON s.id = p.session_id "
                "WHERE s.programme_id = ?",
                [programme_id],
            )
        }


def test_purge_removes_exactly_the_due_answers_and_comments(store: Store, three):
    due, kept, running = three
    before = table_rows(store)
    figures_before = results.pulse_results(store, due.pulse.id).figures

    report = retention.apply_retention(store, DUE)

    after = table_rows(store)
    gone = pulses_of(store, due.programme_id)
    for table in ROW_TABLES:
        removed = before[table] - after[table]
        added = after[table] - before[table]
        if table in ("answers", "comments", "scores"):
            # Everything that describes one person goes.
            assert removed == {row for row in before[table] if row[0] in gone}
            assert removed and not added
        elif table in ("score_sums", "item_stats"):
            # Only sums about fewer than k people go; nothing is added.
            assert not added
            assert all(row[0] in gone for row in removed)
        else:
            assert removed == added == set(), table
    assert report.answers == 6 * len(due.questions) and report.comments == 6
    assert [p.programme_id for p in report.purged] == [due.programme_id]
    # Trends keep working: the figures come from released sums, which stay.
    assert results.pulse_results(store, due.pulse.id).figures == figures_before
    room = results.live_room(store, due.pulse.id)
    assert room.released.shown
    assert repr(room.released.figures) == repr(figures_before)  # NaN != NaN


def test_purge_is_idempotent(store: Store, three):
    retention.apply_retention(store, DUE)
    before = table_rows(store)
    again = retention.apply_retention(store, date(2027, 1, 1))
    assert (again.answers, again.comments) == (0, 0)
    assert "nothing to purge" in again.summary()
    assert table_rows(store) == before


def test_nothing_is_purged_before_the_date(store: Store, three):
    due, _, _ = three
    before = table_rows(store)
    report = retention.apply_retention(store, date(2026, 4, 29))
    assert report.purged == [] and table_rows(store) == before
    status = retention.retention_status(store, due.programme_id, date(2026, 4, 29))
    assert status.purge_on == DUE and not status.due


def test_dry_run_counts_without_deleting(store: Store, three):
    before = table_rows(store)
    report = retention.apply_retention(store, DUE, dry_run=True)
    assert report.comments == 6 and "Would delete" in report.summary()
    assert table_rows(store) == before


def test_purged_text_does_not_linger_in_the_file(tmp_path: Path):
    store = open_store(tmp_path / "pulse.db")
    pulse = answered(store, comment="zebra-crossing-remark")
    retention.set_retention(store, pulse.programme_id, 0)
    retention.close_programme(store, pulse.programme_id, CLOSED)

    def raw() -> bytes:  # the database file and its WAL
        return b"".join(p.read_bytes() for p in tmp_path.iterdir() if p.is_file())

    assert b"zebra-crossing-remark" in raw()
    retention.apply_retention(store, CLOSED)
    assert b"zebra-crossing-remark" not in raw()
    store.close()


def test_closing_closes_open_pulses_and_reopening_stops_the_clock(store: Store):
    pulse = answered(store, comment="x")
    assert retention.close_programme(store, pulse.programme_id, CLOSED) == 1
    assert programmes.pulse_by_id(store, pulse.pulse.id).status == "closed"
    with pytest.raises(answers.PulseNotOpen):
        responses.submit_response(store, pulse.pulse.id, pulse.first_answers())
    retention.set_retention(store, pulse.programme_id, 0)
    retention.reopen_programme(store, pulse.programme_id)
    status = retention.retention_status(store, pulse.programme_id, date(2030, 1, 1))
    assert status.closed_on is None and status.purge_on is None and not status.due
    assert retention.apply_retention(store, date(2030, 1, 1)).purged == []


@pytest.mark.parametrize(
    "days", [-1, 1.5, "30", True, retention.MAX_RETENTION_DAYS + 1]
)
def test_bad_retention_is_refused_and_changes_nothing(store: Store, days):
    pulse = answered(store, comment="x")
    before = table_rows(store)
    with pytest.raises(ValueError, match="whole number of days"):
        retention.set_retention(store, pulse.programme_id, days)
    assert table_rows(store) == before


def test_unknown_programme_is_refused(store: Store):
    for call in (
        lambda: retention.set_retention(store, 404, 30),
        lambda: retention.close_programme(store, 404),
        lambda: retention.reopen_programme(store, 404),
        lambda: retention.retention_status(store, 404),
    ):
        with pytest.raises(ValueError, match="No programme has id 404"):
            call()


def test_cli_purge(tmp_path: Path, capsys):
    db = tmp_path / "pulse.db"
    store = open_store(db)
    pulse = answered(store, comment="cli-remark")
    retention.set_retention(store, pulse.programme_id, DAYS)
    retention.close_programme(store, pulse.programme_id, CLOSED)
    store.close()
    assert main(["purge", "--db", str(db), "--today", "2026-04-29"]) == 0
    assert "nothing to purge" in capsys.readouterr().out
    assert main(["purge", "--db", str(db), "--today", DUE.isoformat()]) == 0
    assert "Deleted 60 answers and 6 comments" in capsys.readouterr().out

    assert main(["purge", "--db", str(tmp_path / "missing.db")]) == 1
    assert "No database at" in capsys.readouterr().err
    assert not (tmp_path / "missing.db").exists()
    with pytest.raises(SystemExit) as exit_:
        main(["purge", "--db", str(db), "--today", "30/04/2026"])
    assert exit_.value.code == 2


def test_data_page_closes_a_programme_and_sets_retention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from streamlit.testing.v1 import AppTest

    db = tmp_path / "pulse.db"
    store = open_store(db)
    pulse = answered(store, comment="page-remark")
    store.close()
    monkeypatch.setenv("PULSE_DB", str(db))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", "correct horse battery staple")
    page = Path(__file__).resolve().parents[1] / "screens/facilitator/data.py"
    at = AppTest.from_file(str(page), default_timeout=60)
    at.run()
    sign_in(at)
    close = next(b for b in at.button if b.label == "Close programme")
    assert close.disabled  # its pulse is open: confirm that first
    # Told first what Close does with answers still waiting (storage.held_out).
    assert any(
        c.value.startswith("0 answers are waiting in its open pulses. In each "
                           "pulse, if fewer than 3 are waiting when it closes, "
                           "they are counted but not kept")
        for c in at.caption
    )  # fmt: skip
    next(c for c in at.checkbox if c.label.startswith("Also close")).check().run()
    next(b for b in at.button if b.label == "Close programme").click().run()
    assert not at.exception, at.exception
    assert any(b.label == "Reopen programme" for b in at.button)
    next(c for c in at.checkbox if c.label.startswith("Keep item-level")).uncheck()
    at.run()
    next(n for n in at.number_input if n.label.startswith("Delete them")).set_value(0)
    at.run()
    next(b for b in at.button if b.label == "Save retention").click().run()
    assert not at.exception, at.exception
    store = open_store(db)
    try:
        status = retention.retention_status(store, pulse.programme_id)
        assert status.retention_days == 0 and status.closed_on == date.today()
        assert status.due and status.comments == 6
        assert programmes.pulse_by_id(store, pulse.pulse.id).status == "closed"
    finally:
        store.close()
    assert any(b.label == "Delete now" for b in at.button)
