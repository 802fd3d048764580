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
from survey.words import EVERYONE


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Store, int]:
    store = open_store(tmp_path_factory.mktemp("trends") / "demo.db")
    return store, build_demo(store)


@pytest.fixture(scope="module")
def result(demo: tuple[Store, int]) -> trends.ProgrammeTrends:
    return aggregates.trends(*demo)


def test_every_dimension_rose_from_first_session_to_follow_up(
    result: trends.ProgrammeTrends,
) -> None:
    overall = [
        c for c in result.changes if c.group == EVERYONE and "follow-up" in c.compared
    ]
    assert {c.dimension for c in overall} == {"safety", "connection", "purpose"}
    for change in overall:
        assert change.result.diff > 0
        assert change.reading.startswith("likely improvement")


def test_the_groups_converge_on_purpose(result: trends.ProgrammeTrends) -> None:
    gaps = result.gaps("Social work", "Education")
    purpose = gaps[gaps["dimension_label"] == "Purpose"].sort_values("order")
    first, last = purpose.iloc[0], purpose.iloc[-1]
    assert first["low"] > 0  # clearly apart at the start
    assert abs(last["gap"]) < abs(first["gap"])


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
            "CASE WHEN q.reverse THEN ? - a.value ELSE a.value END "
            "FROM answers a JOIN questions q ON q.id = a.question_id "
            f"WHERE q.dimension = ? AND a.pulse_id IN ({in_list})",
            [SCALE_LOW + SCALE_HIGH, dimension],
        ).fetchall()
    return pd.DataFrame(rows, columns=["pulse", "response", "question", "value"])


def test_reliability_from_aggregates_equals_alpha_on_the_raw_answers(
    demo: tuple[Store, int], result: trends.ProgrammeTrends
) -> None:
    store, _ = demo
    full_pulses = [p.pulse_id for p in result.pulses if p.moment in ("before", "after")]
    for reliability in result.reliability:
        raw = _answers(store, full_pulses, reliability.dimension)
        matrix = raw.pivot_table(
            index=["pulse", "response"], columns="question", values="value"
        ).to_numpy()
        expected = stats.cronbach_alpha(matrix)
        assert reliability.alpha.n == expected.n
        assert reliability.alpha.alpha == pytest.approx(expected.alpha, abs=1e-9)
        assert reliability.alpha.low == pytest.approx(expected.low, abs=1e-9)


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


def test_slopes_need_five_pulses(result: trends.ProgrammeTrends) -> None:
    assert {s.dimension for s in result.slopes} == {"safety", "connection", "purpose"}
    for slope in result.slopes:
        assert slope.pulses >= trends.MIN_PULSES_FOR_SLOPE
        assert slope.per_month.slope > 0


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
    assert result.changes == result.slopes == result.reliability == []
    assert result.gaps("A", "B").empty
    assert np.isnan(stats.mean_ci([]).mean)
