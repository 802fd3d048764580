"""The downloadable report: self-contained, safe, and saying what the pages say."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storage import actions, programmes, responses
from storage.db import open_store
from storage.demo import build_demo
from ui.data_views import report_html as programme_report


@pytest.fixture(scope="module")
def demo_report(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = open_store(tmp_path_factory.mktemp("report") / "demo.db")
    programme_id = build_demo(store)
    actions.add_action(
        store,
        programme_id,
        "<script>alert('x')</script> & more",
        session_id=None,
        dimensions=["safety"],
    )
    return programme_report(store, programme_id)


def test_report_needs_no_network(demo_report: str) -> None:
    assert not re.search(r"<(script|link|iframe)\b", demo_report, re.I)
    fetched = re.findall(r'(?:src|href)\s*=\s*"([^"]+)"', demo_report)
    # Charts are embedded PNGs (data: URLs); nothing is fetched from anywhere.
    assert all(f.startswith("data:image/png;base64,") for f in fetched)
    assert len(fetched) >= 7
    assert not re.findall(r"https?://", demo_report)


def test_report_is_printable_on_a4_and_escapes_text(demo_report: str) -> None:
    assert "@page { size: A4" in demo_report
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; more" in demo_report
    assert "<script" not in demo_report


def test_every_chart_is_one_named_image(demo_report: str) -> None:
    # A screen reader meets each chart as one image named by what it shows:
    # its title and subtitle (issue 14).
    images = re.findall(r"<img\b[^>]*>", demo_report)
    assert len(images) >= 7
    for image in images:
        name = re.search(r'alt="Chart: ([^"]+)"', image)
        assert name and len(name.group(1)) > 10, image[-200:]
    assert re.search(r'alt="Chart: Psychological safety', demo_report)


def test_report_summary_and_actions(demo_report: str) -> None:
    assert "Psychological safety, everyone: improved." in demo_report
    assert "no clear change in the gap" in demo_report
    assert "the gap narrowed" not in demo_report
    assert "Fortnightly joint case review" in demo_report
    assert "Afterwards — Connection:" in demo_report


def test_what_followed_an_action_is_a_like_with_like_change(
    demo_report: str,
) -> None:
    # It said "Connection: 4.3 when agreed, 5.3 at Six-month follow-up ·
    # before": two means without an interval, the first after a session and
    # the second before one, read as what the action did.
    followed = re.findall(r"Afterwards — [^<]*", demo_report)
    assert followed
    for sentence in followed:
        assert "when agreed" not in sentence
        assert "cannot show what caused" in sentence
        moments = re.findall(r"· (\w+), [\d.]+ at [^;]*? · (\w+) \(everyone", sentence)
        assert moments, sentence
        assert all(a == b for a, b in moments), sentence  # same kind of moment
        assert re.search(
            r"change [+-]\d\.\d\d \[[+-]\d\.\d\d, [+-]\d\.\d\d\]", sentence
        )


def test_report_carries_the_methods_note(demo_report: str) -> None:
    assert "How to read these figures" in demo_report
    assert "analysed as independent samples" in demo_report
    assert "Holm" in demo_report
    assert "does not mean" in demo_report


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    k=st.integers(min_value=3, max_value=6),
    pulses=st.lists(
        st.lists(st.sampled_from([0, 1, None]), max_size=14), min_size=1, max_size=3
    ),
)
def test_report_never_shows_a_figure_for_fewer_than_k(
    tmp_path_factory: pytest.TempPathFactory, k: int, pulses: list[list[int | None]]
) -> None:
    store = open_store(tmp_path_factory.mktemp("r") / "p.db")
    programme_id = programmes.create_programme(store, "Random", ["A", "B"], k=k)
    groups = programmes.programme_groups(store, programme_id)
    for index, people in enumerate(pulses):
        session = programmes.add_session(
            store, programme_id, f"S{index}", date=f"2026-0{index + 1}-01"
        )
        pulse = programmes.create_pulse(store, session, "before")
        programmes.open_pulse(store, pulse.id)
        questions = programmes.pulse_questions(store, pulse.id)
        for person, group in enumerate(people):
            responses.submit_response(
                store,
                pulse.id,
                {q.id: 1 + (person * 3 + q.id) % 7 for q in questions},
                group_id=None if group is None else groups[group].id,
            )
        programmes.close_pulse(store, pulse.id)
    html = programme_report(store, programme_id)
    shown_ns = [int(n) for n in re.findall(r"\(n=(\d+)\)", html)]
    assert all(n >= k for n in shown_ns)
    store.close()
