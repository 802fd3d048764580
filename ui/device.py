"""The device token for the participant page, learnt without a full page rerun.

A device that has been here before sends its token in a cookie, so the first
script run knows it: a reload after answering shows "already answered" at
once, never a flash of the form. Otherwise the browser reports its token a
moment after the page loads; inside a fragment that report reruns only the
fragment, and the whole page reruns only in the rare case where the device
turns out to have answered already (e.g. its cookie was cleared).
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from storage import responses
from storage.db import Store
from widgets.device_token import clean_token, cookie_token, device_token

_KNOWN = "_known_device_token"
_COMPONENT_KEY = "device_token"  # widgets.device_token's default key


@st.fragment
def _learn_device_token(store: Store, pulse_id: int) -> None:
    token = device_token()
    if token is None or st.session_state.get(_KNOWN) == token:
        return
    st.session_state[_KNOWN] = token
    if responses.has_answered(store, pulse_id, token):
        st.rerun()  # the page must now say "already answered"


def known_device_token(store: Store, pulse_id: int) -> str | None:
    """This browser's token: from its cookie on the first run, else once
    reported (None before that, or without JavaScript)."""
    if _KNOWN not in st.session_state and (seen := cookie_token()) is not None:
        st.session_state[_KNOWN] = seen
    _learn_device_token(store, pulse_id)
    return reported_device_token()


def reported_device_token() -> str | None:
    """The token, without drawing anything: for code that runs in another
    fragment (the answer form's Send), where the token's own fragment does not
    run. When Send arrives together with the browser's first report (a fast
    tap), the token's fragment has not run yet: the report itself, validated,
    is read from the component's state, so the answer still counts for this
    device."""
    known = st.session_state.get(_KNOWN)
    if known is not None:
        return known
    state = st.session_state.get(_COMPONENT_KEY)
    return clean_token(state.get("token") if isinstance(state, Mapping) else None)
