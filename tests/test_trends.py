"""Trends on the demo programme: the story is readable and every figure is safe."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from storage import aggregates, programmes
from storage.db import Store, open_store
from storage.demo import build_demo
from survey import stats, trends
from survey.instrument import SCALE_HIGH, SCALE_LOW
from survey.reliability import PulseItems, within_groups, within_pulse_alpha
from survey.words import EVERYONE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, int]:
    store = open_store(tmp_path_factory.mktemp("trends") / "demo.db")
    return store, build_demo(store)


@pytest.fixture(scope="module")
def result(demo: tuple[Store, int]) -> trends.ProgrammeTrends:
    return aggregates.trends(*demo)


def test_every_dimension_improved_from_first_session_to_follow_up(
    result: trends.ProgrammeTrends,
) -> None:
    overall = [
        r
        for r in result.of_kind("change")
        if r.group == EVERYONE and "(follow-up)" in r.compared
    ]
    assert {r.dimension for r in overall} == {"safety", "connection", "purpose"}
    for reading in overall:
        assert reading.claim == "improved"
        assert reading.low > 0 and reading.p_holm < 0.05
        assert reading.first == "1:1 conversations · before"
        assert reading.later == "Six-month follow-up · before"


def test_changes_compare_like_with_like(result: trends.ProgrammeTrends) -> None:
    for reading in result.of_kind("change"):
        assert reading.first.endswith("· before") and reading.later.endswith("· before")
        assert "Compared because: the same " in reading.text


def test_convergence_reads_only_what_the_change_in_the_gap_supports(
    result: trends.ProgrammeTrends,
) -> None:
    # Issue 11: the change in the gap, first to follow-up, with its interval.
    expected = {
        "connection": (0.53, -0.52, 1.59),
        "purpose": (-0.79, -1.65, 0.07),
        "safety": (1.46, -0.12, 3.04),
    }
    follow_up = [r for r in result.of_kind("gap") if "(follow-up)" in r.compared]
    assert {r.dimension for r in follow_up} == set(expected)
    for reading in follow_up:
        estimate, low, high = expected[reading.dimension]
        assert (reading.estimate, reading.low, reading.high) == pytest.approx(
            (estimate, low, high), abs=0.006
        )
        assert reading.claim == "unclear"  # every interval includes zero
    for reading in result.of_kind("gap"):
        assert reading.claim == "unclear"
        if reading.low > 0 or reading.high < 0:
            assert "once the 6 comparisons read together are allowed" in reading.text


def test_no_figure_below_k_and_no_group_recoverable(
    result: trends.ProgrammeTrends,
) -> None:
    figures = result.figures
    assert (figures["n"] >= result.k).all()
    for _, shown in figures.groupby(["pulse_id", "dimension"]):
        everyone = shown[shown["group"] == EVERYONE]["n"].iloc[0]
        remainder = everyone - shown[shown["group"] != EVERYONE]["n"].sum()
        assert remainder == 0 or remainder >= result.k
    assert set(result.agreement["n"]) <= set(figures["n"])


def test_open_pulses_are_not_in_trends(
    demo: tuple[Store, int], result: trends.ProgrammeTrends
) -> None:
    store, _ = demo
    with store.read() as db:
        open_ids = {
            r[0] for r in db.execute("SELECT id FROM pulses WHERE status='open'")
        }
    assert open_ids
    assert not open_ids & {p.pulse_id for p in result.pulses}


def _answers(store: Store, pulse_ids: list[int], dimension: str) -> pd.DataFrame:
    in_list = ",".join(map(str, pulse_ids))
    with store.read() as db:
        rows = db.execute(
            "SELECT a.pulse_id, a.response_id, a.question_id, "
            "CASE WHEN q.reverse THEN ? - a.value ELSE a.value END, "
            "coalesce(r.group_id, 0) "
            "FROM answers a JOIN questions q ON q.id = a.question_id "
            "JOIN responses r ON r.pulse_id = a.pulse_id AND r.id = a.response_id "
            f"WHERE q.dimension = ? AND a.pulse_id IN ({in_list})",
            [SCALE_LOW + SCALE_HIGH, dimension],
        ).fetchall()
    return pd.DataFrame(
        rows, columns=["pulse", "response", "question", "value", "group"]
    )


def test_reliability_within_pulses_equals_alpha_from_the_raw_answers(
    demo: tuple[Store, int], result: trends.ProgrammeTrends
) -> None:
    store, _ = demo
    full_pulses = [p.pulse_id for p in result.pulses if p.moment in ("before", "after")]
    assert set(result.reliability) == {"safety", "connection", "purpose"}
    for dimension, within in result.reliability.items():
        raw = _answers(store, full_pulses, dimension)
        parts = []
        for _, pulse in raw.groupby("pulse"):
            cells = []
            for _, group in pulse.groupby("group"):  # within groups, then pulses
                matrix = group.pivot_table(
                    index="response", columns="question", values="value"
                ).dropna()
                x = matrix.to_numpy()
                if len(x) >= 2:
                    cells.append(
                        PulseItems(
                            x.var(axis=0, ddof=1),
                            float(x.sum(axis=1).var(ddof=1)),
                            len(x),
                        )
                    )
            if (pooled := within_groups(cells)) is not None:
                parts.append(pooled)
        expected = within_pulse_alpha(parts, result.k)
        assert within.alpha.alpha == pytest.approx(expected.alpha.alpha, abs=1e-9)
        assert within.responses == expected.responses
        # Within pulses, the programme's own rise no longer inflates alpha.
        pooled = raw.pivot_table(
            index=["pulse", "response"], columns="question", values="value"
        ).to_numpy()
        assert within.alpha.alpha < stats.cronbach_alpha(pooled).alpha


def test_agreement_from_aggregates_equals_item_variances(
    demo: tuple[Store, int], result: trends.ProgrammeTrends
) -> None:
    store, _ = demo
    first = result.pulses[0]
    raw = _answers(store, [first.pulse_id], "safety")
    variances = raw.groupby("question")["value"].var(ddof=1).to_numpy()
    shown = result.agreement[
        (result.agreement["order"] == first.order)
        & (result.agreement["dimension_label"] == "Psychological safety")
        & (result.agreement["group"] == EVERYONE)
    ]
    assert shown["rwg"].iloc[0] == pytest.approx(
        stats.rwg_j_star_from_variances(variances, 7)
    )
    assert ((result.agreement["rwg"] >= 0) & (result.agreement["rwg"] <= 1)).all()


def test_trends_are_phase_contrasts_on_the_scale(
    result: trends.ProgrammeTrends,
) -> None:
    phases = result.of_kind("trend")
    assert {r.compared for r in phases} == {
        "before the joint workshop → from the joint workshop on",
        "from the joint workshop on → at follow-up",
    }
    for reading in phases:
        assert SCALE_LOW <= reading.mean_first <= SCALE_HIGH
        assert SCALE_LOW <= reading.mean_later <= SCALE_HIGH


def test_share_who_agree_has_a_wilson_interval(result: trends.ProgrammeTrends) -> None:
    f = result.figures
    assert ((f["agree"] >= 0) & (f["agree"] <= f["n"])).all()
    assert (
        (f["agree_low"] <= f["agree_share"]) & (f["agree_share"] <= f["agree_high"])
    ).all()


def test_data_version_moves_when_a_pulse_closes(tmp_path: Path) -> None:
    store = open_store(tmp_path / "v.db")
    programme_id = build_demo(store)
    before = aggregates.data_version(store, programme_id)
    with store.read() as db:
        open_id = db.execute("SELECT id FROM pulses WHERE status='open'").fetchone()[0]
    programmes.close_pulse(store, open_id)
    assert aggregates.data_version(store, programme_id) != before
    after = aggregates.trends(store, programme_id)
    # Now closed, it is on the timeline, but its 3 answers (< k) show no figure.
    assert open_id in {p.pulse_id for p in after.pulses}
    assert after.figures[after.figures["pulse_id"] == open_id].empty


def test_a_programme_with_nothing_closed_gives_empty_frames(store: Store) -> None:
    programme_id = programmes.create_programme(store, "Empty", ["A", "B"])
    result = aggregates.trends(store, programme_id)
    assert result.figures.empty and result.agreement.empty
    assert result.readings == []
    assert result.gaps("A", "B").empty
    assert np.isnan(stats.mean_ci([]).mean)
