"""The participant page's guard against guessing join codes (``access.code_guard``)."""

from __future__ import annotations

import streamlit as st

from access.code_guard import Bucket, CodeGuard, client_address

_SESSION_BUCKET = "_code_misses"
_LAST_MISS = "_code_last_miss"


@st.cache_resource(show_spinner=False)
def _guard() -> CodeGuard:
    return CodeGuard()


def reset() -> None:
    """Forget every address's misses (tests; a restart does the same)."""
    _guard.clear()


def current_address() -> str:
    """The client address this browser session is counted under."""
    return client_address(
        st.context.ip_address, st.context.headers.get("X-Forwarded-For")
    )


def _session_bucket() -> Bucket:
    if _SESSION_BUCKET not in st.session_state:
        st.session_state[_SESSION_BUCKET] = _guard().new_session_bucket()
    return st.session_state[_SESSION_BUCKET]


def code_wait(code: str) -> int:
    """Seconds this browser must wait before ``code`` is looked up (the code it
    just missed with may be looked at again: that tells it nothing new)."""
    if st.session_state.get(_LAST_MISS) == code:
        return 0
    return _guard().wait(_session_bucket(), current_address())


def code_missed(code: str) -> None:
    """A code that named no open pulse: count it, once, for this browser and
    its address (reruns of the same page do not count again)."""
    if st.session_state.get(_LAST_MISS) == code:
        return
    st.session_state[_LAST_MISS] = code
    _guard().missed(_session_bucket(), current_address())
