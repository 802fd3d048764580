"""The printable sheet of ticket cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import tokens
from rendering.tickets import ticket_link, ticket_sheet
from storage import responses, tickets
from storage.db import Store, open_store
from survey.codes import spaced_ticket
from tests.fixtures import (
    APP,
    PASSPHRASE,
    OpenPulse,
    make_open_pulse,
    sign_in,
    signed_in_page,
)


def test_one_card_per_ticket_with_its_code_and_names_as_text() -> None:
    issued = ["ABCDEFGHJK", "MNPQRSTUVW", "XYZ2345678"]
    html = ticket_sheet(
        programme="<img src=x> **Team**",
        session="Joint day",
        code="K7PX2M",
        base_url="https://pulse.example",
        join_url="https://pulse.example/?code=K7PX2M",
        tickets=issued,
    )
    assert html.count('class="card"') == 3
    assert html.count("<svg") == 3
    for ticket in issued:
        assert spaced_ticket(ticket) in html
    assert "<img src=x>" not in html
    assert "&lt;img src=x&gt; **Team**" in html
    assert "@page { size: A4" in html


def test_the_card_link_carries_the_ticket() -> None:
    assert (
        ticket_link("https://pulse.example/?code=K7PX2M", "ABCDEFGHJK")
        == "https://pulse.example/?code=K7PX2M&ticket=ABCDEFGHJK"
    )


def test_the_present_page_makes_a_sheet_of_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    tickets.set_uses_tickets(store, op.programme_id, True)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["programme"] = str(op.programme_id)
    at.query_params["pulse"] = str(op.pulse.id)
    at.run()
    at.switch_page("screens/facilitator/present.py").run()
    sign_in(at)
    at.sidebar.number_input[0].set_value(12)
    next(b for b in at.sidebar.button if b.label == "Make the cards").click().run()
    assert not at.exception
    assert tickets.ticket_counts(store, op.pulse.id) == tickets.TicketCounts(12, 0)
    assert at.sidebar.get("download_button")
    store.close()


def _ticketed_app(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cards: int
) -> tuple[Store, OpenPulse, list[str]]:
    """The app's database with an open pulse of a programme that uses tickets,
    and ``cards`` cards printed for it."""
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    tickets.set_uses_tickets(store, op.programme_id, True)
    return store, op, tickets.issue_tickets(store, op.pulse.id, cards)


def _html(at: AppTest) -> str:
    return "\n".join(str(h.proto) for h in at.get("html"))


def test_the_projector_shows_how_many_cards_were_printed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A room of 25 can see that 35 cards exist: the present-only projector
    page (no sign-in) shows the count, in the join link's language."""
    store, op, _ = _ticketed_app(tmp_path, monkeypatch, 35)
    link = tokens.new_screen_link(store, op.pulse.id)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = link
    at.run()
    assert not at.exception
    assert "35 cards printed for this pulse." in _html(at)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["view"] = link
    at.query_params["qr_lang"] = "cy"
    at.run()
    assert "Cardiau wedi&#x27;u hargraffu ar gyfer yr arolwg hwn: 35." in _html(at)
    store.close()


def test_present_and_live_room_show_the_printed_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, op, _ = _ticketed_app(tmp_path, monkeypatch, 12)
    present = signed_in_page(
        "screens/facilitator/present.py", programme=op.programme_id, pulse=op.pulse.id
    )
    assert not present.exception
    assert "12 cards printed for this pulse." in _html(present)
    live = signed_in_page(
        "screens/facilitator/live.py", programme=op.programme_id, pulse=op.pulse.id
    )
    assert not live.exception
    assert "12 cards printed for this pulse." in [c.value for c in live.caption]
    store.close()


def test_without_tickets_the_room_sees_no_card_count(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PULSE_DB", str(tmp_path / "app.db"))
    monkeypatch.setenv("PULSE_FACILITATOR_PASSWORD", PASSPHRASE)
    store = open_store(tmp_path / "app.db")
    op = make_open_pulse(store)
    at = signed_in_page(
        "screens/facilitator/present.py", programme=op.programme_id, pulse=op.pulse.id
    )
    assert "printed for this pulse" not in _html(at)
    store.close()


def test_the_present_page_says_the_sheet_cannot_grow_once_answered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before printing the facilitator is told to print enough. Once an answer
    has arrived, cards asked for on a form opened before it are not made, the
    page says why, and it offers no more cards."""
    store, op, cards = _ticketed_app(tmp_path, monkeypatch, 2)
    at = signed_in_page(
        "screens/facilitator/present.py", programme=op.programme_id, pulse=op.pulse.id
    )
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "Print enough cards for everyone now" in warnings
    # Someone answers while the form is on screen; then the facilitator asks.
    responses.submit_response(store, op.pulse.id, op.first_answers(), ticket=cards[0])
    at.sidebar.number_input[0].set_value(4)
    next(b for b in at.sidebar.button if b.label == "Make the cards").click().run()
    assert not at.exception
    assert tickets.ticket_counts(store, op.pulse.id) == tickets.TicketCounts(2, 1)
    assert not at.sidebar.get("download_button")
    assert not any(b.label == "Make the cards" for b in at.sidebar.button)
    said = " ".join(m.value for m in [*at.sidebar.info, *at.sidebar.error])
    assert "no more cards can be printed" in said
    store.close()


def test_a_refused_sheet_is_shown_plainly_and_makes_no_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """If the first answer lands between the page's check and the facilitator's
    press, storage refuses: the page shows the refusal, offers no download, and
    no card was made."""
    store, op, cards = _ticketed_app(tmp_path, monkeypatch, 2)
    responses.submit_response(store, op.pulse.id, op.first_answers(), ticket=cards[0])
    monkeypatch.setattr(tickets, "sheet_is_fixed", lambda *_: False)  # the race
    at = signed_in_page(
        "screens/facilitator/present.py", programme=op.programme_id, pulse=op.pulse.id
    )
    next(b for b in at.sidebar.button if b.label == "Make the cards").click().run()
    assert not at.exception
    assert "No more cards can be printed" in " ".join(e.value for e in at.error)
    assert not at.sidebar.get("download_button")
    assert tickets.ticket_counts(store, op.pulse.id) == tickets.TicketCounts(2, 1)
    store.close()
