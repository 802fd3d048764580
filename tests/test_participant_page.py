"""The participant page in AppTest: join, answer, thank-you, refusals."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import code_guard
from access.code_guard import Allowance
from storage import closing, programmes, responses, tickets
from storage.db import Store, open_store
from tests.fixtures import APP, OpenPulse, make_open_pulse, row_counts
from ui import join_guard
from ui.answer_form import OPTIONS, SKIP, option_label


@pytest.fixture
def app_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The database the app under test opens (PULSE_DB), already holding data so
    the demo is not seeded into it."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    store = open_store(path)
    yield store
    store.close()


@pytest.fixture
def live(app_store: Store) -> OpenPulse:
    return make_open_pulse(app_store)


def run_app(code: str | None = None, token: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if code is not None:
        at.query_params["code"] = code
    if token is not None:
        # Stand in for the browser's device-token report (widgets/device_token.py).
        at.session_state["device_token"] = {"token": token}
    return at.run()


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "error", "info")
        for e in getattr(at, kind)
    ]
    parts += [e.value for e in at.subheader] + [e.value for e in at.title]
    return "\n".join(str(p) for p in parts)


def items(at: AppTest) -> list:
    """The answer scale: one radio group per question."""
    return [r for r in at.radio if (r.key or "").startswith("answer-")]


def group_choice(at: AppTest):
    return next(r for r in at.radio if (r.key or "").startswith("group-"))


def answer_all(at: AppTest, value: int) -> None:
    for control in items(at):
        control.set_value(value)


def test_join_link_opens_the_pulse_with_every_question(live: OpenPulse) -> None:
    at = run_app(live.pulse.code)
    assert not at.exception
    assert live.pulse.session_title in texts(at)
    assert len(items(at)) == len(live.questions) == 10
    assert group_choice(at).options == ["Social work", "Education", "Prefer not to say"]


def test_typed_code_is_case_insensitive(live: OpenPulse) -> None:
    at = run_app()
    assert "Join a pulse" in texts(at)
    at.text_input[0].set_value(live.pulse.code.lower())
    at.button[0].click().run()
    assert not at.exception
    assert len(items(at)) == len(live.questions)


def test_unknown_code_says_so_and_writes_nothing(live: OpenPulse) -> None:
    before = row_counts(live.store)
    at = run_app("NZPE99")
    assert "No pulse has that code" in texts(at)
    assert not items(at)
    hostile = run_app("<img src=x onerror=alert(1)>")
    assert "only letters and digits" in texts(hostile)
    assert "onerror" not in texts(hostile)
    assert row_counts(live.store) == before


def test_draft_and_closed_pulses_look_like_unknown_codes_to_outsiders(
    live: OpenPulse,
) -> None:
    """Finding 15: a guessed code of a draft or closed pulse showed its names."""
    unknown = texts(run_app("NZPE99"))
    draft = programmes.create_pulse(live.store, live.pulse.session_id, "after")
    at = run_app(draft.code)
    assert texts(at) == unknown
    assert not items(at)
    programmes.close_pulse(live.store, live.pulse.id)
    at = run_app(live.pulse.code)
    assert texts(at) == unknown
    assert live.pulse.session_title not in texts(at)
    assert not items(at)


def test_impossible_codes_get_a_specific_message(live: OpenPulse) -> None:
    """Issue 13 item 9: a code no pulse could have says what is wrong with it."""
    assert "never contain O" in texts(run_app("NOPE99"))
    assert "never contain 0, 1, I, L" in texts(run_app("L1I0AB"))
    assert "Codes have 6 characters; that has 5" in texts(run_app("K7PX2"))
    assert "No pulse has that code" in texts(run_app("ZZZZZZ"))


def test_submit_stores_the_answers_and_thanks(live: OpenPulse) -> None:
    at = run_app(live.pulse.code)
    group_choice(at).set_value("Education")
    answer_all(at, 6)
    at.text_area[0].set_value("**bold** [x](javascript:alert(1))")
    at.button[0].click().run()
    assert not at.exception
    assert "Your answers are in" in texts(at)
    assert responses.count_responses(live.store, live.pulse.id) == 1
    with live.store.read() as db:
        values = {v for (v,) in db.execute("SELECT value FROM answers")}
        group = db.execute("SELECT group_id FROM responses").fetchone()[0]
        comment = db.execute("SELECT text FROM comments").fetchone()[0]
    assert values == {6}
    assert group == live.groups[1].id
    assert (
        comment == "**bold** [x](javascript:alert(1))"
    )  # stored as typed, shown as text


def test_prefer_not_to_say_and_skips_are_accepted(live: OpenPulse) -> None:
    at = run_app(live.pulse.code)
    group_choice(at).set_value("Prefer not to say")
    items(at)[2].set_value(3)
    at.button[0].click().run()
    assert "Your answers are in" in texts(at)
    with live.store.read() as db:
        assert db.execute("SELECT group_id FROM responses").fetchall() == [(None,)]
        assert db.execute("SELECT count(*) FROM answers").fetchone()[0] == 1


def test_nothing_answered_asks_for_one_and_writes_nothing(live: OpenPulse) -> None:
    before = row_counts(live.store)
    at = run_app(live.pulse.code)
    at.button[0].click().run()
    assert "at least one question" in texts(at)
    assert row_counts(live.store) == before


def test_same_device_sees_already_answered(live: OpenPulse) -> None:
    token = secrets.token_hex(32)
    at = run_app(live.pulse.code, token=token)
    answer_all(at, 4)
    at.button[0].click().run()
    assert "Your answers are in" in texts(at)
    # A later visit from the same browser (new session, same stored token).
    again = run_app(live.pulse.code, token=token)
    assert "already answered this pulse on this device" in texts(again)
    assert not items(again)
    # Another device can still answer.
    other = run_app(live.pulse.code, token=secrets.token_hex(32))
    assert items(other)


def test_pulse_closed_while_answering_keeps_nothing(live: OpenPulse) -> None:
    at = run_app(live.pulse.code)
    answer_all(at, 5)
    programmes.close_pulse(live.store, live.pulse.id)
    before = row_counts(live.store)
    at.button[0].click().run()
    assert "closed" in texts(at)
    assert row_counts(live.store) == before


def test_first_run_seeds_the_demo_with_an_open_pulse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "fresh.db"))
    at = run_app()
    assert not at.exception
    store = open_store(tmp_path / "fresh.db")
    with store.read() as db:
        statuses = [s for (s,) in db.execute("SELECT status FROM pulses")]
    assert statuses.count("open") == 1
    assert statuses.count("closed") >= 8


TOO_MANY = "Too many codes tried"


def test_one_browser_is_slowed_after_a_few_wrong_codes(live: OpenPulse) -> None:
    at = run_app()
    for attempt in range(code_guard.SESSION.burst):
        at.text_input[0].set_value(f"WRNG{attempt + 2}Z")  # could be a code
        at.button[0].click().run()
        assert "No pulse has that code" in texts(at)
    at.text_input[0].set_value(live.pulse.code)
    at.button[0].click().run()
    # Not even looked up: the answer is the same whether the code exists or not.
    assert TOO_MANY in texts(at)
    assert not items(at)


def test_new_sessions_from_one_address_share_a_limit(
    live: OpenPulse,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A script that opens a fresh session per guess is held by its address."""
    monkeypatch.setattr(code_guard, "ADDRESS", Allowance(burst=3, per_second=1e-6))
    join_guard.reset()
    for attempt in range(3):
        assert "No pulse has that code" in texts(run_app(f"WRNG{attempt + 2}Z"))
    blocked = run_app(live.pulse.code)
    assert TOO_MANY in texts(blocked)
    assert not items(blocked)


def test_a_right_code_costs_nothing(live: OpenPulse) -> None:
    for _ in range(code_guard.SESSION.burst + 3):
        assert items(run_app(live.pulse.code))


def test_an_over_long_comment_is_refused_not_cut(live: OpenPulse) -> None:
    """Finding 17: text sent around the widget was cut to 1,000 characters and
    stored. Now it is refused with a message and nothing is written."""
    at = run_app(live.pulse.code)
    answer_all(at, 5)
    at.text_area[0].set_value("x" * 1500)
    before = row_counts(live.store)
    at.button[0].click().run()
    assert "at most 1000 characters" in texts(at)
    assert "Your answers are in" not in texts(at)
    assert row_counts(live.store) == before


def test_a_ticketed_pulse_answers_once_per_card(live: OpenPulse) -> None:
    """Finding 5 through the page: with tickets, the link alone opens no form;
    the card's link answers once."""
    tickets.set_uses_tickets(live.store, live.programme_id, True)
    (ticket,) = tickets.issue_tickets(live.store, live.pulse.id, 1)
    bare = run_app(live.pulse.code)
    assert not items(bare)
    assert any(t.label == "Ticket code on your card" for t in bare.text_input)
    assert "1 card printed for this pulse." in texts(bare)

    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["code"] = live.pulse.code
    at.query_params["ticket"] = ticket
    at.run()
    answer_all(at, 5)
    at.button[0].click().run()
    assert "Your answers are in" in texts(at)

    again = AppTest.from_file(APP, default_timeout=30)
    again.query_params["code"] = live.pulse.code
    again.query_params["ticket"] = ticket
    again.run()
    assert "already been used" in texts(again)
    assert not items(again)
    assert responses.count_responses(live.store, live.pulse.id) == 1


def test_a_pulse_with_cards_asks_for_one_after_tickets_are_turned_off(
    live: OpenPulse,
) -> None:
    """The room was told how many cards exist; turning tickets off for the
    programme does not open that pulse's form to the bare link."""
    tickets.set_uses_tickets(live.store, live.programme_id, True)
    tickets.issue_tickets(live.store, live.pulse.id, 2)
    tickets.set_uses_tickets(live.store, live.programme_id, False)
    bare = run_app(live.pulse.code)
    assert not items(bare)
    assert any(t.label == "Ticket code on your card" for t in bare.text_input)


def test_a_form_sent_in_the_grace_period_counts(live: OpenPulse) -> None:
    """Issue 13 finding 4: Close leaves a grace period for forms already open."""
    at = run_app(live.pulse.code)
    closing.begin_closing(live.store, live.pulse.id)  # 60 s from now
    answer_all(at, 5)
    at.button[0].click().run()
    assert "Your answers are in" in texts(at)
    assert responses.count_responses(live.store, live.pulse.id) == 1


def test_answers_refused_after_the_grace_period_stay_on_screen(
    live: OpenPulse,
) -> None:
    """After the grace period the answers are not recorded, and the participant
    sees them kept on screen with a message saying so and why."""
    at = run_app(live.pulse.code)
    closing.begin_closing(live.store, live.pulse.id, grace_s=0)
    before = row_counts(live.store)
    group_choice(at).set_value("Education")
    answer_all(at, 6)
    at.text_area[0].set_value("my *own* words")
    at.button[0].click().run()
    assert not at.exception
    shown = texts(at)
    assert "not recorded" in shown and "closed before they arrived" in shown
    kept = "\n".join(t.value for t in at.text)
    assert "Group: Education" in kept
    assert f"1. {live.questions[0].text} — 6" in kept
    assert "Comment: my *own* words" in kept
    assert "Your answers are in" not in shown
    assert row_counts(live.store) == before
    # A later run (the page refreshing) still shows them, not a bare "closed".
    at.run()
    assert "not recorded" in texts(at)
    assert "Group: Education" in "\n".join(t.value for t in at.text)
    # The next visitor finds the pulse closed through the one close path.
    assert programmes.pulse_by_id(live.store, live.pulse.id).status == "closed"


def test_each_item_is_a_radio_group_named_by_its_plain_question(
    live: OpenPulse,
) -> None:
    # st.radio's label becomes the group's aria-label as given: it must carry
    # no Markdown of ours, only the number and the question as typed.
    at = run_app(live.pulse.code)
    questions = programmes.pulse_questions(live.store, live.pulse.id)
    assert [r.label for r in items(at)] == [
        f"{n}. {q.text}" for n, q in enumerate(questions, start=1)
    ]
    assert all(r.horizontal and r.value is None for r in items(at))


def test_skip_takes_an_answer_back(live: OpenPulse) -> None:
    at = run_app(live.pulse.code)
    first, second = items(at)[:2]
    first.set_value(3)
    first.set_value(SKIP)
    second.set_value(5)
    at.button[0].click().run()
    assert "Your answers are in" in texts(at)
    with live.store.read() as db:
        assert db.execute("SELECT value FROM answers").fetchall() == [(5,)]


def test_only_skipped_items_count_as_nothing_answered(live: OpenPulse) -> None:
    before = row_counts(live.store)
    at = run_app(live.pulse.code)
    items(at)[0].set_value(SKIP)
    at.button[0].click().run()
    assert "at least one question" in texts(at)
    assert row_counts(live.store) == before


def test_every_option_says_its_number_and_meaning() -> None:
    # ui/phone_style.py hides the spans visually (except the end labels); a
    # screen reader hears the whole label: "5, Somewhat agree".
    assert option_label(5) == "5:small[,] :small[Somewhat agree]"
    assert option_label(1) == "1:small[,] :small[Strongly disagree]"
    assert option_label(SKIP) == "Skip :small[this question]"
    assert OPTIONS == [1, 2, 3, 4, 5, 6, 7, SKIP]
