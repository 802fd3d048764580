"""Facilitator pages in AppTest: access, template, pulse control, live room."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from storage import closing, programmes, responses, results
from storage.db import Store, open_store
from storage.demo import DEMO_NAME
from tests.fixtures import APP, PASSPHRASE, sign_in, signed_in_page

FACILITATOR_PAGES = [
    "screens/facilitator/programmes.py",
    "screens/facilitator/live.py",
    "screens/facilitator/present.py",
    "screens/facilitator/questions.py",
    "screens/facilitator/settings.py",
]


@pytest.fixture
def demo_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The app's database after its first run: the demo programme is seeded."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    AppTest.from_file(APP, default_timeout=60).run()
    store = open_store(path)
    yield store
    store.close()


def page(path: str, *, signed_in: bool = True, **params: str) -> AppTest:
    if signed_in:
        at = signed_in_page(path, **params)
    else:
        at = AppTest.from_file(APP, default_timeout=60)
        for name, value in params.items():
            at.query_params[name] = value
        at.run()  # st.navigation registers the pages on the first run
        at.switch_page(path).run()
    assert not at.exception, at.exception
    return at


def shown_text(at: AppTest) -> str:
    kinds = (
        "markdown",
        "caption",
        "info",
        "warning",
        "error",
        "success",
        "title",
        "subheader",
        "header",
        "metric",
    )
    parts = []
    for kind in kinds:
        for element in getattr(at, kind):
            parts.append(str(getattr(element, "value", "")))
            parts.append(str(getattr(element, "label", "")))
    return "\n".join(parts)


def charts(at: AppTest) -> list:
    return at.get("vega_lite_chart")


def demo_open_pulse(store: Store) -> int:
    with store.read() as db:
        return db.execute("SELECT id FROM pulses WHERE status = 'open'").fetchone()[0]


def button(at: AppTest, key: str):
    return next(b for b in at.button if b.key == key)


@pytest.mark.parametrize("path", FACILITATOR_PAGES)
def test_no_access_without_the_passphrase(demo_store: Store, path: str) -> None:
    at = page(path, signed_in=False)
    text = shown_text(at)
    assert "Facilitator sign-in" in text
    assert DEMO_NAME not in text
    assert not at.get("image") and not charts(at) and not at.tabs


def test_wrong_passphrase_is_refused(demo_store: Store) -> None:
    at = page(FACILITATOR_PAGES[0], signed_in=False)
    sign_in(at, "wrong passphrase")
    assert "Facilitator sign-in" in shown_text(at)
    assert not at.tabs


def test_build_the_four_month_programme_from_the_template(demo_store: Store) -> None:
    at = page("screens/facilitator/programmes.py")
    next(t for t in at.text_input if t.label == "Programme name").set_value(
        "Leeds joint working"
    )
    next(b for b in at.button if b.label == "Create programme").click().run()
    assert not at.exception
    created = [
        p
        for p in programmes.list_programmes(demo_store)
        if p[1] == "Leeds joint working"
    ]
    assert len(created) == 1
    sessions = programmes.timeline(demo_store, created[0][0])
    titles = [s.title for s in sessions]
    assert titles == [
        "1:1 conversations",
        "Social work session",
        "Education session",
        "Joint workshop, day 1",
        "Joint workshop, day 2",
        "Six-month follow-up",
    ]
    assert sum(len(s.pulses) for s in sessions) == 1 + 2 + 2 + 3 + 2 + 2
    assert {p.status for s in sessions for p in s.pulses} == {"draft"}
    assert programmes.get_programme(demo_store, created[0][0]).k == 5


def test_open_and_close_a_pulse(demo_store: Store) -> None:
    programme_id = programmes.list_programmes(demo_store)[0][0]
    first = programmes.timeline(demo_store, programme_id)[0].pulses[0]
    at = page("screens/facilitator/programmes.py", programme=str(programme_id))
    button(at, f"open-{first.id}").click().run()
    assert programmes.pulse_by_id(demo_store, first.id).status == "open"
    # Close asks first (a popover), then leaves a grace period.
    pressed = time.time()
    button(at, f"confirm-close-{first.id}").click().run()
    assert programmes.pulse_by_id(demo_store, first.id).status == "closing"
    deadline = closing.deadline(demo_store, first.id)
    assert deadline is not None
    assert pressed <= deadline - closing.GRACE_SECONDS <= time.time()
    button(at, f"keep-open-{first.id}").click().run()
    assert programmes.pulse_by_id(demo_store, first.id).status == "open"
    button(at, f"confirm-close-{first.id}").click().run()
    # The grace period ends by the one close path.
    assert closing.finish_due(demo_store, now=lambda: deadline + 3600) == [first.id]
    assert programmes.pulse_by_id(demo_store, first.id).status == "closed"


def test_live_view_shows_the_count_and_nothing_below_k(demo_store: Store) -> None:
    pulse_id = demo_open_pulse(demo_store)
    at = page("screens/facilitator/live.py", pulse=str(pulse_id))
    assert responses.count_responses(demo_store, pulse_id) == 3
    assert "Answers" in shown_text(at) and "3" in shown_text(at)
    assert "Results appear once at least 5" in shown_text(at)
    at.toggle[0].set_value(True).run()
    assert not charts(at)  # even revealed: 3 < k


def test_live_view_reveals_released_results(demo_store: Store) -> None:
    pulse_id = demo_open_pulse(demo_store)
    questions = programmes.pulse_questions(demo_store, pulse_id)
    for value in (4, 6):
        responses.submit_response(
            demo_store, pulse_id, {q.id: value for q in questions}
        )
    at = page("screens/facilitator/live.py", pulse=str(pulse_id))
    assert not charts(at)  # hidden until Reveal
    assert "Reveal results" in shown_text(at)
    at.toggle[0].set_value(True).run()
    assert len(charts(at)) == 2
    assert results.live_room(demo_store, pulse_id).released.n == 5


def test_present_shows_qr_link_and_code(demo_store: Store) -> None:
    pulse_id = demo_open_pulse(demo_store)
    code = programmes.pulse_by_id(demo_store, pulse_id).code
    at = page("screens/facilitator/present.py", pulse=str(pulse_id))
    html = "\n".join(str(h.proto) for h in at.get("html"))
    assert "data:image/svg+xml;base64," in html  # the QR code, a scalable SVG
    assert code in html
    assert "Answers so far: <strong>3</strong> of" in html


def test_delete_needs_confirmation(demo_store: Store) -> None:
    programme_id = programmes.list_programmes(demo_store)[0][0]
    pulse_id = demo_open_pulse(demo_store)
    at = page("screens/facilitator/programmes.py", programme=str(programme_id))
    next(b for b in at.button if b.label == "Delete all answers").click().run()
    assert responses.count_responses(demo_store, pulse_id) == 3
    next(t for t in at.text_input if t.label == "Type DELETE to confirm").set_value(
        "DELETE"
    )
    next(b for b in at.button if b.label == "Delete all answers").click().run()
    with demo_store.read() as db:
        assert db.execute("SELECT count(*) FROM responses").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM comments").fetchone()[0] == 0


def test_actions_form_starts_at_the_current_session(demo_store: Store) -> None:
    """Issue 13 item 9: "Agreed at" defaulted to the first session."""
    programme_id = programmes.list_programmes(demo_store)[0][0]
    pulse_id = demo_open_pulse(demo_store)
    live_session = next(
        s.id
        for s in programmes.timeline(demo_store, programme_id)
        if any(p.id == pulse_id for p in s.pulses)
    )
    at = page("screens/facilitator/programmes.py", programme=str(programme_id))
    agreed_at = next(s for s in at.selectbox if s.label == "Agreed at")
    assert agreed_at.value == live_session
    assert live_session != programmes.timeline(demo_store, programme_id)[0].id


def test_close_says_what_is_waiting_and_what_happens_to_it(
    demo_store: Store,
) -> None:
    """The facilitator is told before closing: three answers are waiting
    (k = 5), and fewer than k at Close are counted but not kept, and why."""
    pulse_id = demo_open_pulse(demo_store)
    programme_id = programmes.pulse_by_id(demo_store, pulse_id).programme_id
    at = page("screens/facilitator/programmes.py", programme=str(programme_id))
    said = shown_text(at)
    assert "3 answers are waiting to join the results" in said
    assert "If fewer than 5 are waiting when the pulse closes" in said
    assert "counted but not kept" in said


def test_live_view_of_a_closed_pulse_counts_the_latecomer_it_did_not_keep(
    demo_store: Store,
) -> None:
    pulse_id = demo_open_pulse(demo_store)
    questions = programmes.pulse_questions(demo_store, pulse_id)
    for value in (4, 6):
        responses.submit_response(
            demo_store, pulse_id, {q.id: value for q in questions}
        )
    assert results.live_room(demo_store, pulse_id).released.n == 5
    responses.submit_response(demo_store, pulse_id, {q.id: 1 for q in questions})
    programmes.close_pulse(demo_store, pulse_id)
    at = page("screens/facilitator/live.py", pulse=str(pulse_id))
    next(box for box in at.selectbox if box.label == "Pulse").set_value(pulse_id).run()
    said = shown_text(at)
    assert "Showing results from 5 answers." in said
    assert (
        "1 answer arrived after the last release: fewer than 5, so it is counted "
        "but was not kept, to keep its author anonymous." in said
    )
