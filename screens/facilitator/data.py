"""Data: export CSVs, download a backup, close a programme and set retention."""

import streamlit as st

from ui.access import require_facilitator
from ui.data_views import (
    backup_section,
    export_section,
    report_section,
    retention_section,
)
from ui.i18n import _
from ui.pickers import programme_picker
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title(_("Data"))
with st.sidebar:
    programme_id = programme_picker(store)
if programme_id is not None:
    report_section(store, programme_id)
    st.divider()
    export_section(store, programme_id)
    st.divider()
    retention_section(store, programme_id)
    st.divider()
backup_section(store)
