"""Present: the join QR code, link and code, big, for the projector; and a
present-only link for a projector that should not be signed in.

The words the room reads follow the join link's language (a Welsh QR code
gets Welsh instructions, marked ``lang="cy"`` on this English page).
"""

import streamlit as st

from ui.access import require_facilitator
from ui.links import join_base, join_language_choice, join_url
from ui.pickers import sidebar_pulse
from ui.present_views import present_view, projector_link_controls
from ui.resources import shared_store
from ui.ticket_views import ticket_printer

store = shared_store()
require_facilitator(store)

pulse = sidebar_pulse(store)
room_language = join_language_choice()
base = join_base()
with st.sidebar:
    ticket_printer(store, pulse, base.url, join_url(pulse.code, base, room_language))
    projector_link_controls(store, pulse.id, room_language)
present_view(store, pulse, room_language)
