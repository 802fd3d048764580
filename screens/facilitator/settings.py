"""Settings: change the facilitator passphrase (Sign out is in every sidebar)."""

import streamlit as st

from ui.access import change_passphrase_form, require_facilitator
from ui.i18n import _
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title(_("Settings"))
st.subheader(_("Facilitator passphrase"))
change_passphrase_form(store)
