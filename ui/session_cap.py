"""Streamlit glue for ``access.session_cap``: refuse a page beyond the bound."""

from __future__ import annotations

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from access.session_cap import SessionCap, sessions_per_address
from survey.i18n import N_
from ui.i18n import _
from ui.join_guard import current_address

TOO_MANY_PAGES = N_(
    "Too many pages of Together Pulse are open from your network right now. "
    "Close some, then reload this page."
)


@st.cache_resource(show_spinner=False)
def _cap() -> SessionCap:
    return SessionCap(
        sessions_per_address(), lambda sid: Runtime.instance().is_active_session(sid)
    )


def admit_session() -> None:
    """Stop this page, holding nothing, if its address has too many sessions."""
    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return  # AppTest and bare runs have no server sessions to bound
    if not _cap().admit(ctx.session_id, current_address()):
        st.error(_(TOO_MANY_PAGES))
        st.stop()
