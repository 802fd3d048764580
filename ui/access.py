"""Facilitator sign-in for Streamlit pages.

Every facilitator page calls ``require_facilitator(store)`` before drawing
anything: a browser that is not signed in gets the sign-in form and nothing
else. A sign-in is a random token the browser keeps in a cookie and the
database keeps as a hash (``access.tokens``): it survives a reload and a new
tab for a working day, ends with Sign out (in every facilitator page's
sidebar), and ends everywhere when the passphrase changes. Participant pages
never call this.
"""

from __future__ import annotations

import math
import os
import secrets
import stat
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from access import passphrase as hashing
from access import signin, tokens
from storage.db import Store, database_path
from ui.i18n import _, counted, refusal
from widgets.browser_cookie import (
    CLIENT_COOKIE,
    SESSION_COOKIE,
    cookie,
    keep_session_cookie,
)

# This browser session's sign-in token (server memory only). No widget uses
# this key, so a browser cannot set it.
_TOKEN = "_facilitator_token"
_CLIENT = "_signin_client"
PASSPHRASE_FILE = "facilitator-passphrase.txt"


def _secrets() -> Mapping[str, Any] | None:
    return st.secrets if st.secrets.load_if_toml_exists() else None


def passphrase_file(store: Store) -> Path:
    """Where a generated passphrase is written: next to the database."""
    return Path(store.path).resolve().parent / PASSPHRASE_FILE


def write_owner_only(path: Path, text: str) -> None:
    """Write ``text`` to a file only its owner can read (mode 0600), created
    with that mode so it is never readable by others, even for a moment."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, stat.S_IRUSR | stat.S_IWUSR)
        os.write(fd, text.encode())
    finally:
        os.close(fd)


def announce_passphrase(store: Store) -> None:
    """At start-up: store the configured passphrase's hash, or on the first run
    generate one and write it to an owner-only file. The terminal (and so any
    service log) gets only where it is and how to reset it, never the secret."""
    generated = signin.ensure_passphrase(store, os.environ, _secrets())
    if generated is None:
        return
    where = passphrase_file(store)
    write_owner_only(
        where,
        f"{generated}\n\nThe Together Pulse facilitator passphrase. Change it "
        f"under Settings (then delete this file), or set {signin.ENV_VAR} and "
        f"restart.\n",
    )
    print(
        f"Facilitator passphrase generated: it is in {where} (readable only by "
        f"you).\n  Change it under Settings. To reset it, set {signin.ENV_VAR} "
        f"and restart.",
        flush=True,
    )


def _client() -> str:
    """This browser's random id for the per-client back-off: its cookie, or a
    random id for this browser session when it has none yet, which the sign-in
    form then hands the browser to keep as its cookie (so the failures of this
    first session still count in the next one, on any worker)."""
    return cookie(CLIENT_COOKIE) or st.session_state.setdefault(
        _CLIENT, secrets.token_hex(16)
    )


def _valid_token(store: Store) -> tuple[str, float] | None:
    """This browser's live sign-in: from this session, else from its cookie."""
    for token in (st.session_state.get(_TOKEN), cookie(SESSION_COOKIE)):
        if token is None:
            continue
        expires_at = tokens.session_valid_until(store, token)
        if expires_at is not None:
            return token, expires_at
    return None


def passphrase_source() -> str:
    """Where the facilitator passphrase comes from, for the start-up banner.
    Never the passphrase itself."""
    configured = signin.configured_passphrase(os.environ, _secrets())
    if configured is not None:
        return configured[1]
    where = database_path().resolve().parent / PASSPHRASE_FILE
    return (
        f"the one generated on the first run, in {where} (readable only by its "
        f"owner; change it under Settings; lost it? set {signin.ENV_VAR} and "
        "restart)"
    )


def is_signed_in(store: Store) -> bool:
    return _valid_token(store) is not None


def require_facilitator(store: Store) -> None:
    """Return if this browser is signed in (and put Sign out in the sidebar);
    otherwise show the sign-in form and stop the page here."""
    live = _valid_token(store)
    if live is not None:
        token, expires_at = live
        st.session_state[_TOKEN] = token
        keep_session_cookie(token, expires_at - time.time())
        with st.sidebar:
            sign_out_button(store)
        return
    st.session_state.pop(_TOKEN, None)
    keep_session_cookie(None, 0, _client())
    st.title(_("Facilitator sign-in"))
    with st.form("facilitator_sign_in", clear_on_submit=True):
        attempt = st.text_input(
            _("Facilitator passphrase"),
            type="password",
            max_chars=hashing.MAX_LENGTH,
            autocomplete="current-password",
        )
        submitted = st.form_submit_button(_("Sign in"), type="primary")
    if submitted:
        result = signin.check_login(store, attempt, _client())
        if result.ok:
            st.session_state[_TOKEN] = tokens.start_session(store)[0]
            st.rerun()
        st.error(login_message(result))
    st.caption(_("Answering a pulse needs no passphrase: use the join link or code."))
    st.stop()


def sign_out_button(store: Store, key: str = "facilitator_sign_out") -> None:
    """Sign out of this browser: the token is revoked, so every tab of it and
    any copy of the cookie stop working."""
    if st.button(_("Sign out"), key=key, icon=":material/logout:"):
        tokens.end_session(store, st.session_state.pop(_TOKEN, None))
        st.rerun()


def change_passphrase_form(store: Store) -> None:
    """Current, new and repeated passphrase; a clear message for every refusal."""
    configured = signin.configured_passphrase(os.environ, _secrets())
    if configured is not None:
        st.info(
            _(
                "The passphrase is set by {where}. Change it there and restart the app."
            ).format(where=_where(configured[1]))
        )
        return
    with st.form("change_passphrase", clear_on_submit=True):
        current = st.text_input(
            _("Current passphrase"), type="password", autocomplete="current-password"
        )
        new = st.text_input(
            _("New passphrase"),
            type="password",
            max_chars=hashing.MAX_LENGTH,
            help=_("At least {n} characters. A few unrelated words work well.").format(
                n=hashing.MIN_LENGTH
            ),
        )
        confirm = st.text_input(_("New passphrase again"), type="password")
        submitted = st.form_submit_button(_("Change passphrase"))
    if not submitted:
        return
    if new != confirm:
        st.error(_("The two new passphrases differ. Nothing was changed."))
        return
    try:
        signin.change_passphrase(store, current, new, _client())
    except signin.PassphraseRejected as refused:
        st.error(_("{problem} Nothing was changed.").format(problem=refusal(refused)))
    else:
        token = tokens.start_session(store)[0]
        tokens.end_other_sessions(store, token)
        st.session_state[_TOKEN] = token
        st.success(
            _("Passphrase changed. Other browsers signed in before are signed out.")
        )


def login_message(result: signin.LoginResult) -> str:
    """Why a sign-in was refused, in the page's language (a pause says how long)."""
    if result.retry_after_s > 0:
        seconds = math.ceil(result.retry_after_s)
        if seconds < 90:
            return counted(
                "Too many wrong passphrases from this browser. Try again in "
                "{n} second.",
                "Too many wrong passphrases from this browser. Try again in "
                "{n} seconds.",
                seconds,
            )
        minutes = math.ceil(seconds / 60)
        return counted(
            "Too many wrong passphrases from this browser. Try again in {n} minute.",
            "Too many wrong passphrases from this browser. Try again in {n} minutes.",
            minutes,
        )
    return _(result.message)


def _where(source: str) -> str:
    """Where a configured passphrase comes from, in the page's language."""
    if source.startswith("the ") and signin.ENV_VAR in source:
        return _("the {name} environment variable").format(name=signin.ENV_VAR)
    return _("{key} in .streamlit/secrets.toml").format(key=signin.SECRETS_KEY)
