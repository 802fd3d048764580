"""Join a pulse by link or code, answer it, see the thank-you."""

import streamlit as st

from storage import closing, programmes, responses, tickets
from storage.programmes import PulseInfo
from survey import answers, codes
from survey.i18n import N_
from survey.instrument import PRIVACY_POINTS, PRIVACY_TITLE
from ui.answer_form import answer_form, code_box_attributes, kept_answers
from ui.details_note import details_note
from ui.device import known_device_token, reported_device_token
from ui.i18n import _, language_switch
from ui.join_guard import code_missed, code_wait
from ui.phone_style import apply_phone_style
from ui.plain import plain
from ui.present_views import projector_screen
from ui.resources import shared_store
from ui.ticket_views import printed_cards_text

THANK_YOU = N_("Thank you! Your answers are in. You can close this page.")
# The same words for an unknown, a draft and a closed pulse: guessing a code
# must reveal nothing about which codes exist (issue 10, finding 15).
NO_OPEN_PULSE = N_(
    "No pulse has that code open. Check the code on the screen and try again; "
    "if the facilitator has not opened the pulse yet, wait a moment."
)
store = shared_store()
if "view" in st.query_params:
    projector_screen(store, st.query_params["view"])  # a projector link; stops
apply_phone_style()
answered: set[int] = st.session_state.setdefault("answered_pulses", set())
# Pulses this browser has seen open: it may be told that one has closed since.
joined: set[int] = st.session_state.setdefault("joined_pulses", set())
# Answers refused because the pulse closed: kept on screen, never stored.
refused: dict = st.session_state.setdefault("refused_answers", {})
# Pulses whose form this browser session has shown: a Send pressed after the
# pulse closed must still be read, to be refused with the answers kept.
form_shown: set[int] = st.session_state.setdefault("form_shown", set())


def ask_for_code(message: str | None = None) -> None:
    st.title(_("Join a pulse"))
    if message:
        st.error(message)
    with st.form("join", border=False):
        typed = st.text_input(
            _("Code on the screen"),
            max_chars=12,
            placeholder=_("e.g. K7PX2M"),
            key="join_code",
        )
        code_box_attributes("join_code")
        if st.form_submit_button(_("Join"), type="primary", width="stretch"):
            st.query_params["code"] = typed.strip()
            st.rerun()
    st.caption(_("Anonymous: no name, no login, no tracking."))


def ask_for_ticket(pulse_id: int) -> str | None:
    """The one-time ticket from the card's QR link, or typed from the card;
    None (and a form to type it) until there is one that can still answer."""
    ticket = st.query_params.get("ticket", "").strip()
    problem = tickets.ticket_problem(store, pulse_id, ticket) if ticket else None
    if ticket and problem is None:
        return ticket
    if problem:
        st.error(_(problem))
    with st.form(f"ticket-{pulse_id}", border=False):
        typed = st.text_input(
            _("Ticket code on your card"),
            max_chars=16,
            placeholder=_("e.g. K7PX2-MQR9T"),
        )
        if st.form_submit_button(_("Use this ticket"), type="primary", width="stretch"):
            st.query_params["ticket"] = typed.strip()
            st.rerun()
    st.caption(
        _(
            "Each card answers once, and nobody can tell which card is whose: "
            "they were handed out at random."
        )
    )
    return None


def who_can_see_what(k: int) -> None:
    """Before the first question: what is stored, who sees what, what never is."""
    details_note(_(PRIVACY_TITLE), [_(point).format(k=k) for point in PRIVACY_POINTS])


@st.fragment
def answer_and_send(pulse: PulseInfo, ticket: str | None) -> None:
    """The form, and what Send does with it.

    A fragment, so pressing Send reruns only this part: the heading, the
    privacy note and the footer stay as drawn instead of being run and sent
    again for every phone (the submit run is most of a phone's server time).
    The pulse's state is read again by ``submit_response``; the device token is
    the one its own fragment learnt."""
    if pulse.status == "closing":
        closing.finish_due(store)  # a Send after the grace period closes it
    questions = programmes.pulse_questions(store, pulse.id)
    groups = programmes.programme_groups(store, pulse.programme_id)
    form_slot = st.empty()
    with form_slot.container():
        filled = answer_form(pulse, questions, groups)
    form_shown.add(pulse.id)
    if filled is None and pulse.status not in ("open", "closing"):
        form_slot.info(_(answers.not_open_message(pulse.status)))
    if filled is None:
        return
    try:
        responses.submit_response(
            store,
            pulse.id,
            filled.answers,
            group_id=filled.group_id,
            comment=filled.comment,
            device_token=reported_device_token(),
            ticket=ticket,
        )
    except answers.PulseNotOpen:
        refused[pulse.id] = kept = filled.described(questions, groups)
        form_slot.empty()
        with form_slot.container():
            kept_answers(kept)
    except answers.SubmissionRejected as rejected:
        st.error(plain(rejected.translated(_)))
    else:
        # Replace the form in this same run: no second run per submit.
        answered.add(pulse.id)
        form_slot.success(_(THANK_YOU))


language_switch()


code = st.query_params.get("code", "").strip()
wait = code_wait(code) if code else 0
pulse = programmes.pulse_by_code(store, code) if code and not wait else None
if pulse is not None and pulse.status == "closing" and closing.finish_due(store):
    pulse = programmes.pulse_by_code(store, code)
if pulse is not None and pulse.status in ("open", "closing"):
    joined.add(pulse.id)
elif pulse is not None and pulse.id not in joined:
    pulse = None  # a draft or closed pulse looks like no pulse to outsiders

if not code:
    ask_for_code()
elif wait:
    ask_for_code(
        _(
            "Too many codes tried from here. Please wait {seconds} seconds, "
            "then try again."
        ).format(seconds=wait)
    )
elif pulse is None:
    code_missed(code)
    # A code no pulse could have (0, O, 1, I, L; too short) says what is wrong.
    ask_for_code(codes.code_problem(code, _) or _(NO_OPEN_PULSE))
else:
    st.caption(plain(pulse.programme_name))
    st.subheader(plain(pulse.session_title))
    token = known_device_token(store, pulse.id)
    printed = printed_cards_text(store, pulse.id)  # None: no tickets needed
    needs_ticket = printed is not None
    if printed:
        st.caption(printed)  # the room can compare it with the people present
    ticket = None
    if needs_ticket and pulse.id not in answered:
        ticket = ask_for_ticket(pulse.id)
    if pulse.id in answered:
        st.success(_(THANK_YOU))
    elif not needs_ticket and responses.has_answered(store, pulse.id, token):
        st.success(_("You have already answered this pulse on this device. Thank you!"))
    elif pulse.id in refused:
        kept_answers(refused[pulse.id])
    elif pulse.status not in ("open", "closing") and pulse.id not in form_shown:
        st.info(_(answers.not_open_message(pulse.status)))
    elif needs_ticket and ticket is None:
        pass  # the ticket form above is all there is to do
    else:
        who_can_see_what(pulse.k)
        answer_and_send(pulse, ticket)
    st.caption(
        _(
            "Anonymous: no name or login is stored. Results are shown only for "
            "{k} or more answers."
        ).format(k=pulse.k)
    )
