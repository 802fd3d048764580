"""Comments: read them privately, choose which the room sees."""

import streamlit as st

from ui.access import require_facilitator
from ui.comment_views import review_panel
from ui.i18n import _
from ui.pickers import pulse_name, sidebar_pulse
from ui.plain import plain
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title(_("Comments"))
pulse = sidebar_pulse(store)
st.subheader(plain(pulse_name(pulse.session_title, pulse.moment)))
review_panel(store, pulse.id)
