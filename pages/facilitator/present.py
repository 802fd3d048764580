"""Present: the join QR code, link and code, big, for the projector."""

import streamlit as st

from storage import results
from ui.access import require_facilitator
from ui.links import (
    LOOPBACK_WARNING,
    big_code,
    join_base,
    join_language_choice,
    join_url,
    qr_png,
)
from ui.pickers import sidebar_pulse
from ui.plain import plain
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

pulse = sidebar_pulse(store)
base = join_base()
url = join_url(pulse.code, base, join_language_choice())
st.title(plain(f"{pulse.session_title} · {pulse.moment}"))
if not base.reachable:
    st.warning(LOOPBACK_WARNING, icon=":material/wifi_off:")
qr, words = st.columns([3, 2], vertical_alignment="center")
qr.image(qr_png(url), width="stretch", caption="Scan with your phone camera")
with words:
    st.markdown("### Or go to")
    st.code(url.split("?")[0], language=None, wrap_lines=True)
    st.markdown("### and type the code")
    big_code(pulse.code)
    if pulse.status != "open":
        st.warning(f"This pulse is {pulse.status}: open it so people can answer.")


@st.fragment(run_every=3)
def live_count() -> None:
    room = results.room_counts(store, pulse.id)
    of = f" of {room.total_expected} expected" if room.total_expected else ""
    st.metric("Answers so far", f"{room.n_now}{of}")


with words:
    live_count()
