"""The printable sheet of ticket cards."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from rendering.tickets import ticket_link, ticket_sheet
from storage import tickets
from storage.db import open_store
from survey.codes import spaced_ticket
from tests.fixtures import APP, PASSPHRASE, make_open_pulse, sign_in


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
