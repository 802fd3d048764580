"""Settings: change the facilitator passphrase, sign out."""

import streamlit as st

from ui.access import change_passphrase_form, require_facilitator, sign_out_button
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title("Settings")
st.subheader("Facilitator passphrase")
change_passphrase_form(store)
st.divider()
sign_out_button()
