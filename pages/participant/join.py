"""Join a pulse by link or code, answer it, see the thank-you."""

import streamlit as st

from storage import programmes, responses, tickets
from survey import answers
from ui.answer_form import answer_form
from ui.device import known_device_token
from ui.join_guard import code_missed, code_wait
from ui.phone_style import apply_phone_style
from ui.plain import plain
from ui.resources import shared_store

THANK_YOU = "Thank you! Your answers are in. You can close this page."
# The same words for an unknown, a draft and a closed pulse: guessing a code
# must reveal nothing about which codes exist (issue 10, finding 15).
NO_OPEN_PULSE = (
    "No pulse has that code open. Check the code on the screen and try again; "
    "if the facilitator has not opened the pulse yet, wait a moment."
)
store = shared_store()
apply_phone_style()
answered: set[int] = st.session_state.setdefault("answered_pulses", set())
# Pulses this browser has seen open: it may be told that one has closed since.
joined: set[int] = st.session_state.setdefault("joined_pulses", set())


def ask_for_code(message: str | None = None) -> None:
    st.title("Join a pulse")
    if message:
        st.error(message)
    with st.form("join", border=False):
        typed = st.text_input(
            "Code on the screen", max_chars=12, placeholder="e.g. K7PX2M"
        )
        if st.form_submit_button("Join", type="primary", width="stretch"):
            st.query_params["code"] = typed.strip()
            st.rerun()
    st.caption("Anonymous: no name, no login, no tracking.")


def ask_for_ticket(pulse_id: int) -> str | None:
    """The one-time ticket from the card's QR link, or typed from the card;
    None (and a form to type it) until there is one that can still answer."""
    ticket = st.query_params.get("ticket", "").strip()
    problem = tickets.ticket_problem(store, pulse_id, ticket) if ticket else None
    if ticket and problem is None:
        return ticket
    if problem:
        st.error(problem)
    with st.form(f"ticket-{pulse_id}", border=False):
        typed = st.text_input(
            "Ticket code on your card", max_chars=16, placeholder="e.g. K7PX2-MQR9T"
        )
        if st.form_submit_button("Use this ticket", type="primary", width="stretch"):
            st.query_params["ticket"] = typed.strip()
            st.rerun()
    st.caption(
        "Each card answers once, and nobody can tell which card is whose: they "
        "were handed out at random."
    )
    return None


code = st.query_params.get("code", "").strip()
wait = code_wait(code) if code else 0
pulse = programmes.pulse_by_code(store, code) if code and not wait else None
if pulse is not None and pulse.status == "open":
    joined.add(pulse.id)
elif pulse is not None and pulse.id not in joined:
    pulse = None  # a draft or closed pulse looks like no pulse to outsiders

if not code:
    ask_for_code()
elif wait:
    ask_for_code(
        f"Too many codes tried from here. Please wait {wait} seconds, then try again."
    )
elif pulse is None:
    code_missed(code)
    ask_for_code(NO_OPEN_PULSE)
else:
    st.caption(plain(pulse.programme_name))
    st.subheader(plain(pulse.session_title))
    token = known_device_token(store, pulse.id)
    needs_ticket = tickets.uses_tickets(store, pulse.programme_id)
    ticket = None
    if needs_ticket and pulse.id not in answered:
        ticket = ask_for_ticket(pulse.id)
    if pulse.id in answered:
        st.success(THANK_YOU)
    elif not needs_ticket and responses.has_answered(store, pulse.id, token):
        st.success("You have already answered this pulse on this device. Thank you!")
    elif pulse.status != "open":
        st.info(answers.not_open_message(pulse.status))
    elif needs_ticket and ticket is None:
        pass  # the ticket form above is all there is to do
    else:
        questions = programmes.pulse_questions(store, pulse.id)
        groups = programmes.programme_groups(store, pulse.programme_id)
        form_slot = st.empty()
        with form_slot.container():
            filled = answer_form(pulse, questions, groups)
        if filled is not None:
            try:
                responses.submit_response(
                    store,
                    pulse.id,
                    filled.answers,
                    group_id=filled.group_id,
                    comment=filled.comment,
                    device_token=token,
                    ticket=ticket,
                )
            except answers.SubmissionRejected as rejected:
                st.error(plain(rejected))
            else:
                # Replace the form in this same run: no second run per submit.
                answered.add(pulse.id)
                form_slot.success(THANK_YOU)
    st.caption(
        f"Anonymous: no name or login is stored. Results are shown only for "
        f"{pulse.k} or more answers."
    )
