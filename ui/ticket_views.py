"""Facilitator views for one-time tickets: the programme's rule, and printing
a sheet of cards for a pulse."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from rendering.tickets import ticket_sheet
from storage import tickets
from storage.db import Store
from storage.programmes import PulseInfo
from survey.ticket_sheet import SheetFixed
from ui.i18n import _, ngettext

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
        st.caption(
            _(
                "Pulses that already have printed cards still take answers only "
                "with a card."
            )
        )


def ticket_printer(
    store: Store, pulse: PulseInfo, base_url: str, join_link: str
) -> None:
    """Make N tickets for this pulse and offer the A4 sheet (the only copy):
    each card's QR code is ``join_link`` with its ticket."""
    if not tickets.pulse_uses_tickets(store, pulse.id):
        return
    st.subheader(_("One-time tickets"))
    counts = tickets.ticket_counts(store, pulse.id)
    st.caption(
        _("{issued} printed for this pulse, {used} used.").format(
            issued=counts.issued, used=counts.used
        )
    )
    if tickets.sheet_is_fixed(store, pulse.id):
        st.info(
            _(
                "The sheet for this pulse is fixed: people have answered it (or "
                "it has closed), so no more cards can be printed for it."
            )
        )
    else:
        _print_form(store, pulse, base_url, join_link)
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


def _print_form(store: Store, pulse: PulseInfo, base_url: str, join_link: str) -> None:
    """The form that makes cards, saying first that the sheet cannot grow once
    answers arrive; a refusal (someone answered meanwhile) is shown plainly."""
    st.warning(
        _(
            "Print enough cards for everyone now: once the first answer arrives, "
            "no more cards can be printed for this pulse. The room sees how many "
            "cards were printed."
        ),
        icon=":material/print:",
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
            try:
                made = tickets.issue_tickets(store, pulse.id, int(count))
            except SheetFixed as refused:
                st.error(refused.translated(_))
                return
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
            st.rerun()  # the sidebar's count and the download button above


def printed_cards_text(
    store: Store,
    pulse_id: int,
    ngettext: Callable[[str, str, int], str] = ngettext,
) -> str | None:
    """How many cards were printed for this pulse, in words for the room, when
    the programme uses tickets (else None): a room of 25 sees whether 35 cards
    exist. The projector passes its room language's ``ngettext`` (the name is
    kept so that ``pybabel extract`` finds the message)."""
    printed = tickets.printed(store, pulse_id)
    if printed is None:
        return None
    return ngettext(
        "{n} card printed for this pulse.", "{n} cards printed for this pulse.", printed
    ).format(n=printed)


def printed_cards_line(store: Store, pulse_id: int) -> None:
    """The printed count as a caption (the live room)."""
    text = printed_cards_text(store, pulse_id)
    if text:
        st.caption(text)
