"""Join a pulse by link or code, answer it, see the thank-you."""

import streamlit as st

from storage import programmes, responses
from survey import answers
from ui.answer_form import answer_form
from ui.device import known_device_token
from ui.phone_style import apply_phone_style
from ui.resources import shared_store

THANK_YOU = "Thank you! Your answers are in. You can close this page."
store = shared_store()
apply_phone_style()
answered: set[int] = st.session_state.setdefault("answered_pulses", set())


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


code = st.query_params.get("code", "").strip()
pulse = programmes.pulse_by_code(store, code) if code else None

if not code:
    ask_for_code()
elif pulse is None:
    ask_for_code("No pulse has that code. Check the code on the screen and try again.")
else:
    st.caption(pulse.programme_name)
    st.subheader(pulse.session_title)
    token = known_device_token(store, pulse.id)
    if pulse.id in answered:
        st.success(THANK_YOU)
    elif responses.has_answered(store, pulse.id, token):
        st.success("You have already answered this pulse on this device. Thank you!")
    elif pulse.status != "open":
        st.info(answers.not_open_message(pulse.status))
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
                )
            except answers.SubmissionRejected as rejected:
                st.error(str(rejected))
            else:
                # Replace the form in this same run: no second run per submit.
                answered.add(pulse.id)
                form_slot.success(THANK_YOU)
    st.caption(
        f"Anonymous: no name or login is stored. Results are shown only for "
        f"{pulse.k} or more answers."
    )
