"""CSV export: only safe figures, only closed pulses, answers unlinkable and
groups suppressed so none can be recovered by subtraction."""

from __future__ import annotations

import csv
import io
import math
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from streamlit.testing.v1 import AppTest

from rendering import csv_files
from storage import export, programmes, responses, results
from storage.__main__ import main
from storage.db import Store, open_store
from storage.demo import build_demo
from survey.words import EVERYONE
from tests.fixtures import make_open_pulse, sign_in

ROOT = Path(__file__).resolve().parents[1]


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def submit_all(store: Store, pulse_id: int, group_id: int | None, answers, count=1):
    for _ in range(count):
        responses.submit_response(store, pulse_id, answers, group_id=group_id)


def figures_by_key(store: Store, pulse_id: int) -> dict[tuple, results.Figure]:
    shown = results.pulse_results(store, pulse_id)
    return {(f.dimension, f.group): f for f in shown.figures}


def check_export(store: Store, programme_id: int) -> None:
    """Every rule the export promises, checked against the database."""
    made = export.export_programme(store, programme_id)
    k = made.k
    aggregates = rows(csv_files.aggregates_csv(made))
    answers = rows(csv_files.answers_csv(made))
    with store.read() as db:
        status = dict(
            db.execute(
                "SELECT p.id, p.status FROM pulses p JOIN sessions s "
                "ON s.id = p.session_id WHERE s.programme_id = ?",
                [programme_id],
            ).fetchall()
        )
    # Aggregates: closed pulses only, n ≥ k, each one a figure pulse_results allows.
    named_by_pulse: dict[int, set[str]] = defaultdict(set)
    respondents: dict[int, dict[str, str]] = defaultdict(dict)
    for row in answers:
        respondents[int(row["pulse_id"])].setdefault(row["respondent"], row["group"])
        assert respondents[int(row["pulse_id"])][row["respondent"]] == row["group"]
        if row["group"]:
            named_by_pulse[int(row["pulse_id"])].add(row["group"])
    for row in aggregates:
        pulse_id = int(row["pulse_id"])
        assert status[pulse_id] == "closed" and row["status"] == "closed"
        assert int(row["n"]) >= k
        allowed = figures_by_key(store, pulse_id)[(row["dimension"], row["group"])]
        assert int(row["n"]) == allowed.n
        assert float(row["mean"]) == pytest.approx(allowed.mean, abs=1e-3)
        for column, value in (("ci95_low", allowed.low), ("sd", allowed.sd)):
            if math.isnan(value):
                assert row[column] == ""
            else:
                assert float(row[column]) == pytest.approx(value, abs=1e-3)
        if row["group"] != EVERYONE:
            # A group's figures only where the answers name that group too.
            assert row["group"] in named_by_pulse[pulse_id]
    # Answers: closed pulses with ≥ k responses, every answer, groups suppressed.
    for pulse_id, state in status.items():
        n = results.room_counts(store, pulse_id).released
        exported = respondents.get(pulse_id, {})
        if state != "closed" or n < k:
            assert not exported
            continue
        with store.read() as db:
            stored_answers = db.execute(
                "SELECT count(*) FROM answers a JOIN responses r ON r.pulse_id = "
                "a.pulse_id AND r.id = a.response_id WHERE a.pulse_id = ? "
                "AND r.released = 1",
                [pulse_id],
            ).fetchone()[0]
        assert sum(1 for r in answers if int(r["pulse_id"]) == pulse_id) == (
            stored_answers
        )
        assert sorted(map(int, exported)) == list(range(1, n + 1))
        per_label = Counter(exported.values())
        blank = per_label.pop("", 0)
        assert all(count >= k for count in per_label.values())
        assert blank == 0 or blank >= k
        shown = results.shown_groups(store, pulse_id)
        assert set(per_label) <= set(shown.values())
        room = results.room_counts(store, pulse_id)
        for label, count in per_label.items():
            assert room.group_counts[label] == count


# --- examples -------------------------------------------------------------------


def test_demo_export_holds_only_closed_pulses_and_allowed_figures(store: Store):
    programme_id = build_demo(store)
    check_export(store, programme_id)
    made = export.export_programme(store, programme_id)
    exported_pulses = {row["pulse_id"] for row in made.aggregates}
    with store.read() as db:
        open_ids = {
            r[0] for r in db.execute("SELECT id FROM pulses WHERE status = 'open'")
        }
    assert open_ids and not open_ids & exported_pulses
    first = made.aggregates[0]
    assert first["pulse"] == "1:1 conversations · before"
    assert first["session_date"] == "2026-01-13"
    assert made.answers


def test_a_closed_pulse_below_k_exports_nothing(store: Store):
    pulse = make_open_pulse(store, k=5)
    submit_all(store, pulse.pulse.id, pulse.groups[0].id, pulse.first_answers(), 4)
    programmes.close_pulse(store, pulse.pulse.id)
    made = export.export_programme(store, pulse.programme_id)
    assert made.aggregates == [] and made.answers == []
    overview = export.export_overview(store, pulse.programme_id)
    assert (overview.closed, overview.too_small) == (0, 1)


def test_an_open_pulse_is_never_exported(store: Store):
    pulse = make_open_pulse(store, k=3)
    submit_all(store, pulse.pulse.id, None, pulse.first_answers(), 10)
    made = export.export_programme(store, pulse.programme_id)
    assert made.aggregates == [] and made.answers == []
    assert export.export_overview(store, pulse.programme_id).not_closed == 1


def test_answers_carry_no_stored_ids_and_no_comments(store: Store):
    pulse = make_open_pulse(store, k=3)
    for value in range(1, 7):
        responses.submit_response(
            store,
            pulse.pulse.id,
            pulse.first_answers(value),
            comment=f"secret remark {value}",
        )
    programmes.close_pulse(store, pulse.pulse.id)
    made = export.export_programme(store, pulse.programme_id)
    text = csv_files.answers_csv(made) + csv_files.aggregates_csv(made)
    with store.read() as db:
        ids = [r[0] for r in db.execute("SELECT id FROM responses")]
    assert ids and not any(i in text for i in ids)
    assert "secret remark" not in text
    assert "response" not in rows(csv_files.answers_csv(made))[0]


def test_respondent_numbers_are_fresh_per_pulse_and_per_export(store: Store):
    """A number never links two pulses: each pulse numbers 1..n afresh, at
    random (so two exports number the same people differently)."""
    pulse = make_open_pulse(store, k=3)
    values = range(1, 8)
    for value in values:
        responses.submit_response(store, pulse.pulse.id, pulse.first_answers(value))
    programmes.close_pulse(store, pulse.pulse.id)

    def numbering() -> tuple[int, ...]:
        answers = rows(
            csv_files.answers_csv(export.export_programme(store, pulse.programme_id))
        )
        by_number = {int(r["respondent"]): int(r["value"]) for r in answers}
        return tuple(by_number[n] for n in sorted(by_number))

    seen = {numbering() for _ in range(6)}
    assert all(sorted(s) == list(values) for s in seen)
    assert len(seen) > 1  # 7! orders: six identical draws would be a bug


def test_a_small_group_is_blanked_with_its_complement(store: Store):
    """Social work 6, Education 6, no group 2, k = 5: the 2 cannot be hidden
    alone (6 + 6 shown would give them away), so Education is blanked too."""
    pulse = make_open_pulse(store, k=5)
    social, education = pulse.groups
    safety = {q.id: 4 for q in pulse.questions if q.dimension == "safety"}
    submit_all(store, pulse.pulse.id, social.id, pulse.first_answers(5), 6)
    submit_all(store, pulse.pulse.id, education.id, pulse.first_answers(3), 6)
    submit_all(store, pulse.pulse.id, None, safety, 2)
    programmes.close_pulse(store, pulse.pulse.id)
    check_export(store, pulse.programme_id)

    made = export.export_programme(store, pulse.programme_id)
    labels = Counter(
        (r["respondent"], r["group"]) for r in rows(csv_files.answers_csv(made))
    ).keys()
    shown = Counter(group for _, group in labels)
    # One of the two groups of six is shown (decided once, by group id), the
    # other is blanked with the two who gave no group.
    assert shown.pop("") == 8 and list(shown.values()) == [6]
    # The blanked group is hidden in every view, not only here: the screen
    # showing its connection mean (nobody skipped connection) beside the
    # blank rows would single out the two (finding 6).
    (hidden,) = {"Social work", "Education"} - set(shown)
    assert all(group != hidden for _, group in figures_by_key(store, pulse.pulse.id))
    assert not any(r["group"] == hidden for r in made.aggregates)
    (kept,) = set(shown)
    assert any(r["group"] == kept for r in made.aggregates)


def test_spreadsheet_formulas_in_names_are_neutralised(store: Store):
    programme_id = programmes.create_programme(
        store, "=cmd|' /C calc'!A0", ["@SUM(1)"], k=3
    )
    session_id = programmes.add_session(store, programme_id, "+Day", date="2026-02-02")
    pulse = programmes.create_pulse(store, session_id, "after", status="open")
    group = programmes.programme_groups(store, programme_id)[0]
    questions = programmes.pulse_questions(store, pulse.id)
    submit_all(store, pulse.id, group.id, {q.id: 4 for q in questions}, 3)
    programmes.close_pulse(store, pulse.id)
    made = export.export_programme(store, programme_id)
    for text in (csv_files.aggregates_csv(made), csv_files.answers_csv(made)):
        for row in rows(text):
            for value in row.values():
                assert not value.startswith(("=", "+", "-", "@"))
    assert rows(csv_files.aggregates_csv(made))[0]["programme"] == "'=cmd|' /C calc'!A0"


def test_unknown_programme_is_refused(store: Store):
    with pytest.raises(export.ExportError, match="No programme has id 999"):
        export.export_programme(store, 999)


# --- property ---------------------------------------------------------------------

GROUP_NAMES = ("Social work", "Education", "Health")


@st.composite
def programme_plans(draw: st.DrawFn) -> dict:
    k = draw(st.integers(3, 6))
    groups = list(GROUP_NAMES[: draw(st.integers(0, 3))])
    response = st.tuples(
        # group (None: not given), dimensions answered (bit mask), a value
        st.sampled_from([None, *range(len(groups))]),
        st.integers(1, 7),
        st.integers(1, 7),
    )
    pulses = []
    for _ in range(draw(st.integers(1, 3))):
        # Sizes drawn first, so pulses around and well above k are common.
        size = draw(st.integers(0, 30))
        pulses.append(
            {
                "closed": draw(st.booleans() | st.just(True)),
                "responses": draw(st.lists(response, min_size=size, max_size=size)),
            }
        )
    return {"k": k, "groups": groups, "pulses": pulses}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(programme_plans())
def test_export_never_reveals_fewer_than_k(plan: dict):
    store = open_store(":memory:")
    try:
        programme_id = programmes.create_programme(
            store, "Property", plan["groups"], k=plan["k"]
        )
        group_ids = [g.id for g in programmes.programme_groups(store, programme_id)]
        for index, pulse_plan in enumerate(plan["pulses"]):
            session_id = programmes.add_session(
                store, programme_id, f"Session {index}", date=f"2026-0{index + 1}-01"
            )
            pulse = programmes.create_pulse(store, session_id, "after", status="open")
            questions = programmes.pulse_questions(store, pulse.id)
            dimensions = sorted({q.dimension for q in questions})
            for group, mask, value in pulse_plan["responses"]:
                kept = [d for i, d in enumerate(dimensions) if mask >> i & 1]
                answers = {
                    q.id: (value + q.id) % 7 + 1
                    for q in questions
                    if q.dimension in (kept or dimensions[:1])
                }
                responses.submit_response(
                    store,
                    pulse.id,
                    answers,
                    group_id=None if group is None else group_ids[group],
                )
            if pulse_plan["closed"]:
                programmes.close_pulse(store, pulse.id)
        check_export(store, programme_id)
        made = export.export_programme(store, programme_id)
        event(f"answers exported: {bool(made.answers)}")
        event(f"some group blanked: {any(r['group'] == '' for r in made.answers)}")
        event(f"some group named: {any(r['group'] for r in made.answers)}")
    finally:
        store.close()


# --- command line and page --------------------------------------------------------


@pytest.fixture
def demo_db(tmp_path: Path) -> Path:
    path = tmp_path / "pulse.db"
    s = open_store(path)
    build_demo(s)
    s.close()
    return path


def test_cli_export_writes_both_files(demo_db: Path, tmp_path: Path, capsys):
    out = tmp_path / "out" / "nested"
    assert (
        main(["export", "--programme", "1", "--out", str(out), "--db", str(demo_db)])
        == 0
    )
    aggregates = rows((out / "aggregates.csv").read_text(encoding="utf-8-sig"))
    answers = rows((out / "answers.csv").read_text(encoding="utf-8-sig"))
    assert aggregates and answers
    assert all(int(r["n"]) >= 5 for r in aggregates)
    assert all(r["sd"] and r["ci95_high"] for r in aggregates)
    assert "Wrote" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--programme", "999"], "No programme has id 999"),
        (["--programme", "1", "--db", "{tmp}/missing.db"], "No database at"),
        (["--programme", "1", "--out", "{tmp}/file.txt/out"], "Cannot create"),
    ],
)
def test_cli_export_refuses_bad_input(
    demo_db: Path, tmp_path: Path, capsys, argv: list[str], message: str
):
    (tmp_path / "file.txt").write_text("not a folder")
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if "--out" not in argv:
        argv += ["--out", str(tmp_path / "out")]
    if "--db" not in argv:
        argv += ["--db", str(demo_db)]
    assert main(["export", *argv]) == 1
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out").exists()
    assert not (tmp_path / "missing.db").exists()


def test_cli_export_refuses_an_unwritable_folder(demo_db: Path, tmp_path: Path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    try:
        probe = locked / "probe"
        try:
            probe.write_text("")
        except OSError:
            pass
        else:
            pytest.skip("running as a user who can write anywhere (root)")
        code = main(
            ["export", "--programme", "1", "--out", str(locked), "--db", str(demo_db)]
        )
        assert code == 1
        assert "Cannot write" in capsys.readouterr().err
    finally:
        locked.chmod(0o700)


def test_data_page_offers_downloads_after_sign_in(demo_db: Path, monkeypatch):
    monkeypatch.setenv("PULSE_DB", str(demo_db))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", "correct horse battery staple")
    at = AppTest.from_file(
        str(ROOT / "screens/facilitator/data.py"), default_timeout=60
    )
    at.run()
    assert not at.download_button  # signed out: the sign-in form only
    sign_in(at)
    assert not at.exception, at.exception
    labels = [b.label for b in at.download_button]
    assert labels == [
        "Download the report (HTML)",
        "Aggregates (means, intervals)",
        "Item-level answers (shuffled)",
        "Download a backup",
    ]
    assert any(b.label == "Close programme" for b in at.button)
