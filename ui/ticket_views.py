"""Facilitator views for one-time tickets: the programme's rule, and printing
a sheet of cards for a pulse."""

from __future__ import annotations

import streamlit as st

from rendering.tickets import ticket_sheet
from storage import tickets
from storage.db import Store
from storage.programmes import PulseInfo
from ui.i18n import _

_SHEET = "_ticket_sheet"


def ticket_rule(store: Store, programme_id: int) -> None:
    """Turn one-time tickets on or off for the programme's pulses."""
    required = tickets.uses_tickets(store, programme_id)
    wanted = st.toggle(
        _("Answer only with one-time tickets (printed QR cards)"),
        value=required,
        key=f"tickets-{programme_id}",
        help=_(
            "Each printed card answers once, so nobody can send extra answers "
            "to work out someone else's. Print the cards from the Present page."
        ),
    )
    if wanted != required:
        tickets.set_uses_tickets(store, programme_id, wanted)
        st.rerun()
    if not wanted:
        st.caption(
            _(
                "Without tickets, answers that come without a device token (a "
                "private window, or a script) are accepted, so one person can "
                "answer more than once: see the README, “Anonymity, as stored”."
            )
        )


def ticket_printer(
    store: Store, pulse: PulseInfo, base_url: str, join_link: str
) -> None:
    """Make N tickets for this pulse and offer the A4 sheet (the only copy):
    each card's QR code is ``join_link`` with its ticket."""
    if not tickets.uses_tickets(store, pulse.programme_id):
        return
    st.subheader(_("One-time tickets"))
    counts = tickets.ticket_counts(store, pulse.id)
    st.caption(
        _("{issued} printed for this pulse, {used} used.").format(
            issued=counts.issued, used=counts.used
        )
    )
    with st.form(f"print-tickets-{pulse.id}", border=False):
        count = st.number_input(
            _("How many cards"),
            min_value=1,
            max_value=tickets.MAX_TICKETS_PER_SHEET,
            value=30,
            step=1,
        )
        if st.form_submit_button(_("Make the cards")):
            made = tickets.issue_tickets(store, pulse.id, int(count))
            st.session_state[_SHEET] = (
                pulse.id,
                ticket_sheet(
                    programme=pulse.programme_name,
                    session=pulse.session_title,
                    code=pulse.code,
                    base_url=base_url,
                    join_url=join_link,
                    tickets=made,
                ),
            )
    sheet = st.session_state.get(_SHEET)
    if sheet and sheet[0] == pulse.id:
        st.download_button(
            _("Download the cards (HTML, print on A4)"),
            data=sheet[1].encode("utf-8"),
            file_name=f"tickets-{pulse.code}.html",
            mime="text/html",
            icon=":material/print:",
            key=f"ticket-sheet-{pulse.id}",
        )
        st.caption(
            _(
                "This sheet is the only copy of these tickets: only their hashes "
                "are stored. Cut the cards, shuffle them, hand them out at random."
            )
        )
