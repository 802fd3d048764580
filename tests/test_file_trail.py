"""What the file itself says about who answered when (finding 2, 8, 11).

Random keys randomise the logical order only: SQLite writes each new cell of
a page below the previous one, so the byte offsets of cells record arrival
order. These tests read the pages directly (``tests.forensics``), as someone
with a copy of the file or a backup would.
"""

from __future__ import annotations

from pathlib import Path

from scipy.stats import kendalltau

from storage import backup, programmes, responses, retention
from storage.db import Store
from tests.fixtures import OpenPulse
from tests.forensics import records_on_disk

PEOPLE = 40


def answer_in_order(op: OpenPulse, count: int) -> list[str]:
    """Submit ``count`` answers; the response ids in the order they arrived."""
    arrived: list[str] = []
    for i in range(count):
        responses.submit_response(op.store, op.pulse.id, op.scoring_answers(1 + i % 7))
        with op.store.read() as db:
            ids = {r[0] for r in db.execute("SELECT id FROM responses").fetchall()}
        (new,) = ids - set(arrived)
        arrived.append(new)
    return arrived


def disk_order(path: Path, arrived: list[str]) -> float:
    """Kendall's tau between arrival and the order cells sit in the file."""
    on_disk = [record[1] for _, _, record in records_on_disk(path, "responses")]
    position = {rid: i for i, rid in enumerate(on_disk)}
    assert set(position) >= set(arrived)
    return kendalltau(range(len(arrived)), [position[r] for r in arrived]).statistic


def test_the_open_file_does_keep_arrival_order(open_pulse: OpenPulse) -> None:
    """The baseline the README documents: while a pulse is open, it does."""
    arrived = answer_in_order(open_pulse, PEOPLE)
    open_pulse.store.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert abs(disk_order(Path(open_pulse.store.path), arrived)) > 0.9


def test_after_close_the_file_holds_no_arrival_order(open_pulse: OpenPulse) -> None:
    arrived = answer_in_order(open_pulse, PEOPLE)
    programmes.close_pulse(open_pulse.store, open_pulse.pulse.id)
    path = Path(open_pulse.store.path)
    assert abs(disk_order(path, arrived)) < 0.5
    assert Path(f"{path}-wal").stat().st_size == 0


def test_closing_a_programme_compacts_the_file_too(open_pulse: OpenPulse) -> None:
    """Finding 8: the programme's close went another way and left the WAL."""
    arrived = answer_in_order(open_pulse, PEOPLE)
    retention.close_programme(open_pulse.store, open_pulse.programme_id)
    path = Path(open_pulse.store.path)
    assert abs(disk_order(path, arrived)) < 0.5
    assert Path(f"{path}-wal").stat().st_size == 0


def test_a_backup_taken_while_people_answer_holds_no_order(
    open_pulse: OpenPulse, tmp_path: Path
) -> None:
    arrived = answer_in_order(open_pulse, PEOPLE)
    copy = backup.backup_store(open_pulse.store, tmp_path / "copy.db")
    for _ in range(3):  # people keep answering afterwards
        responses.submit_response(
            open_pulse.store, open_pulse.pulse.id, open_pulse.scoring_answers(4)
        )
    assert abs(disk_order(copy, arrived)) < 0.5


def test_deleted_answers_leave_no_text_in_the_file(open_pulse: OpenPulse) -> None:
    """Finding 11: deleted text stayed readable until the connection closed."""
    marker = "a very particular remark about the deputy head"
    for _ in range(6):
        responses.submit_response(
            open_pulse.store,
            open_pulse.pulse.id,
            open_pulse.scoring_answers(4),
            comment=marker,
        )
    responses.delete_pulse_responses(open_pulse.store, open_pulse.pulse.id)
    path = Path(open_pulse.store.path)
    for part in (path, Path(f"{path}-wal")):
        if part.exists():
            assert marker.encode() not in part.read_bytes()


def test_closing_forgets_which_devices_answered(store: Store, open_pulse) -> None:
    token = "ab" * 32
    responses.submit_response(
        store, open_pulse.pulse.id, open_pulse.scoring_answers(4), device_token=token
    )
    before = programmes.pulse_by_id(store, open_pulse.pulse.id)
    programmes.close_pulse(store, open_pulse.pulse.id)
    with store.read() as db:
        assert not db.execute("SELECT count(*) FROM submissions").fetchone()[0]
        (secret,) = db.execute(
            "SELECT secret FROM pulses WHERE id = ?", [before.id]
        ).fetchone()
    assert not responses.has_answered(store, open_pulse.pulse.id, token)
    assert secret  # replaced: a token kept in a browser matches nothing
