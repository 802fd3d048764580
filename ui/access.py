"""Facilitator sign-in for Streamlit pages.

Every facilitator page calls ``require_facilitator(store)`` before drawing
anything: a browser session that has not signed in gets the sign-in form and
nothing else. Signing in lasts for the browser session (``st.session_state``)
and ends when the passphrase changes. Participant pages never call this.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import streamlit as st

from access import passphrase as hashing
from access import signin
from storage.db import Store

# Holds the fingerprint of the passphrase this session signed in with. No
# widget uses this key, so a browser cannot set it.
_SIGNED_IN = "_facilitator_signed_in"


def _secrets() -> Mapping[str, Any] | None:
    return st.secrets if st.secrets.load_if_toml_exists() else None


def announce_passphrase(store: Store) -> None:
    """At start-up: store the configured passphrase's hash, or on the first run
    generate one and print it on the terminal, once. Never shown in the app."""
    generated = signin.ensure_passphrase(store, os.environ, _secrets())
    if generated is not None:
        print(
            f"Facilitator passphrase (shown once): {generated}\n"
            f"  Change it under Settings. Lost it? Set {signin.ENV_VAR} and restart.",
            flush=True,
        )


def passphrase_source() -> str:
    """Where the facilitator passphrase comes from, for the start-up banner.
    Never the passphrase itself."""
    configured = signin.configured_passphrase(os.environ, _secrets())
    if configured is not None:
        return configured[1]
    return (
        "the one generated on the first run (see the first run's start-up "
        f"message; change it under Settings; lost it? set {signin.ENV_VAR} "
        "and restart)"
    )


def is_signed_in(store: Store) -> bool:
    signed_in = st.session_state.get(_SIGNED_IN)
    return signed_in is not None and signed_in == signin.passphrase_version(store)


def require_facilitator(store: Store) -> None:
    """Return if this browser session is signed in; otherwise show the sign-in
    form and stop the page here."""
    if is_signed_in(store):
        return
    st.session_state.pop(_SIGNED_IN, None)
    st.title("Facilitator sign-in")
    with st.form("facilitator_sign_in", clear_on_submit=True):
        attempt = st.text_input(
            "Facilitator passphrase",
            type="password",
            max_chars=hashing.MAX_LENGTH,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        result = signin.check_login(store, attempt)
        if result.ok:
            st.session_state[_SIGNED_IN] = signin.passphrase_version(store)
            st.rerun()
        st.error(result.message)
    st.caption("Answering a pulse needs no passphrase: use the join link or code.")
    st.stop()


def sign_out_button(key: str = "facilitator_sign_out") -> None:
    if st.button("Sign out", key=key):
        st.session_state.pop(_SIGNED_IN, None)
        st.rerun()


def change_passphrase_form(store: Store) -> None:
    """Current, new and repeated passphrase; a clear message for every refusal."""
    configured = signin.configured_passphrase(os.environ, _secrets())
    if configured is not None:
        st.info(
            f"The passphrase is set by {configured[1]}. Change it there and "
            f"restart the app."
        )
        return
    with st.form("change_passphrase", clear_on_submit=True):
        current = st.text_input(
            "Current passphrase", type="password", autocomplete="current-password"
        )
        new = st.text_input(
            "New passphrase",
            type="password",
            max_chars=hashing.MAX_LENGTH,
            help=f"At least {hashing.MIN_LENGTH} characters. "
            f"A few unrelated words work well.",
        )
        confirm = st.text_input("New passphrase again", type="password")
        submitted = st.form_submit_button("Change passphrase")
    if not submitted:
        return
    if new != confirm:
        st.error("The two new passphrases differ. Nothing was changed.")
        return
    try:
        signin.change_passphrase(store, current, new)
    except signin.PassphraseRejected as refused:
        st.error(f"{refused} Nothing was changed.")
    else:
        st.session_state[_SIGNED_IN] = signin.passphrase_version(store)
        st.success(
            "Passphrase changed. Other browsers signed in before are signed out."
        )
