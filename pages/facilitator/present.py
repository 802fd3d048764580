"""Present: the join QR code, link and code, big, for the projector.

The words the room reads follow the join link's language (a Welsh QR code
gets Welsh instructions, marked ``lang="cy"`` on this English page).
"""

from html import escape

import streamlit as st

from storage import results
from survey.i18n import N_, translations
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
from ui.ticket_views import ticket_printer

store = shared_store()
require_facilitator(store)

pulse = sidebar_pulse(store)
base = join_base()
room_language = join_language_choice()
url = join_url(pulse.code, base, room_language)
with st.sidebar:
    ticket_printer(store, pulse, base.url, url)
lang = room_language or "en"
room_words = translations(lang).gettext


def for_the_room(text: str, tag: str = "p") -> None:
    """Our own constant words, in the room's language and marked with it."""
    st.html(f'<{tag} lang="{lang}" class="tp-room">{escape(room_words(text))}</{tag}>')


st.title(plain(f"{pulse.session_title} · {pulse.moment}"))
if not base.reachable:
    st.warning(LOOPBACK_WARNING, icon=":material/wifi_off:")
qr, words = st.columns([3, 2], vertical_alignment="center")
qr.image(qr_png(url), width="stretch")
with qr:
    for_the_room(N_("Scan with your phone camera"))
with words:
    for_the_room(N_("Or go to"), "h3")
    st.code(url.split("?")[0], language=None, wrap_lines=True)
    for_the_room(N_("and type the code"), "h3")
    big_code(pulse.code)
    if pulse.status != "open":
        st.warning(f"This pulse is {pulse.status}: open it so people can answer.")


@st.fragment(run_every=3)
def live_count() -> None:
    room = results.room_counts(store, pulse.id)
    if room.total_expected:
        count = room_words(N_("{n} of {expected} expected")).format(
            n=room.n_now, expected=room.total_expected
        )
    else:
        count = str(room.n_now)
    st.metric(room_words(N_("Answers so far")), count)


with words:
    live_count()
