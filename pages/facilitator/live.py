"""Live room: answers arriving, and results once the rules and the facilitator
allow (Reveal). Figures move only after k new answers (DESIGN.md promise 3)."""

import streamlit as st

from storage import repository as repo
from ui.access import require_facilitator
from ui.live_views import live_room_view
from ui.pickers import programme_picker, pulse_picker
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title("Live room")
with st.sidebar:
    programme_id = programme_picker(store)
    pulse_id = pulse_picker(store, programme_id) if programme_id else None
if pulse_id is None:
    st.info("Choose a pulse in the sidebar.")
    st.stop()

pulse = repo.pulse_by_id(store, pulse_id)
st.subheader(f"{pulse.session_title} · {pulse.moment}")
revealed = st.toggle(
    "Reveal results",
    key=f"reveal-{pulse_id}",
    help="Keep results hidden while people answer, so nobody is swayed by the room.",
)
live_room_view(store, pulse_id, revealed)
