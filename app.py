"""Together Pulse: entry point. Page config, navigation, shared database handle.

Participants land on the join page (the default page, so a join link is
``/?code=K7PX2M``); facilitator pages sit under ``/facilitator``.
"""

import streamlit as st

from ui.resources import shared_store

st.set_page_config(page_title="Together Pulse", page_icon="🌱", layout="centered")
shared_store()

participant = st.Page(
    "pages/participant/join.py", title="Answer a pulse", icon="✍️", default=True
)
facilitator = [
    st.Page(
        "pages/facilitator/home.py",
        title="Programmes",
        icon="🗂️",
        url_path="facilitator",
    ),
]
page = st.navigation([participant, *facilitator], position="hidden")
if page is not participant:
    with st.sidebar:
        for link in facilitator:
            st.page_link(link)
page.run()
