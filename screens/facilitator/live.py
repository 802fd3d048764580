"""Live room: answers arriving, and results once the rules and the facilitator
allow (Reveal). Figures move only after k new answers (DESIGN.md promise 3)."""

import streamlit as st

from ui.access import require_facilitator
from ui.i18n import _
from ui.live_views import closing_countdown, live_room_view
from ui.pickers import pulse_name, sidebar_pulse
from ui.plain import plain
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title(_("Live room"))
pulse = sidebar_pulse(store)
st.subheader(plain(pulse_name(pulse.session_title, pulse.moment)))
revealed = st.toggle(
    _("Reveal results"),
    key=f"reveal-{pulse.id}",
    help=_("Keep results hidden while people answer, so nobody is swayed by the room."),
)
closing_countdown(store, pulse.id)
live_room_view(store, pulse.id, revealed)
