"""``python -m storage demo --scenario`` and ``python -m storage findings``:
programmes with a known truth, and every reading as JSON with a fixed claim."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from storage.__main__ import main
from survey.readings import CLAIMS


def _findings(db: Path, programme: int, capsys: pytest.CaptureFixture) -> list[dict]:
    capsys.readouterr()
    assert (
        main(["findings", "--db", str(db), "--programme", str(programme), "--json"])
        == 0
    )
    return json.loads(capsys.readouterr().out)


def test_every_reading_has_kind_dimension_group_claim_and_text(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "demo.db"
    assert main(["demo", "--db", str(db)]) == 0
    readings = _findings(db, 1, capsys)
    assert {r["kind"] for r in readings} == {"change", "gap", "trend", "reliability"}
    for r in readings:
        assert r["claim"] in CLAIMS[r["kind"]]
        assert r["dimension"] and r["group"] and r["text"]


def test_scenarios_build_their_own_programmes_with_the_truth_visible(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "s.db"
    assert (
        main(["demo", "--db", str(db), "--scenario", "no-change", "--seed", "4"]) == 0
    )
    assert main(["demo", "--db", str(db), "--scenario", "one-group-change"]) == 0
    assert "programme 2" in capsys.readouterr().out
    unchanged = _findings(db, 1, capsys)
    assert not [r for r in unchanged if r["claim"] in ("improved", "declined")]
    changed = _findings(db, 2, capsys)
    assert any(
        r["kind"] == "change"
        and r["group"] == "Social work"
        and r["claim"] == "improved"
        for r in changed
    )


def test_an_unknown_scenario_is_refused_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    with pytest.raises(SystemExit) as stop:
        main(["demo", "--db", str(tmp_path / "x.db"), "--scenario", "miracle"])
    assert stop.value.code == 2
    assert "no-change" in capsys.readouterr().err
    assert not (tmp_path / "x.db").exists()


def test_findings_for_an_unknown_programme_say_so(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    db = tmp_path / "demo.db"
    main(["demo", "--db", str(db)])
    capsys.readouterr()
    assert main(["findings", "--db", str(db), "--programme", "99", "--json"]) == 1
    assert "No programme has that id." in capsys.readouterr().err


def test_findings_never_create_a_database(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["findings", "--db", str(tmp_path / "no.db"), "--programme", "1"]) == 1
    assert not (tmp_path / "no.db").exists()
