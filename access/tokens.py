"""Random tokens a browser keeps, stored only as hashes: sign-ins and projector links.

A facilitator who signs in gets a fresh 256-bit random token, kept by the
browser in a cookie; the database keeps its SHA-256 with an expiry (a working
day, ``PULSE_SESSION_HOURS``, default 12) and the fingerprint of the passphrase
it was made under. A reload or a new tab sends the cookie and is signed in
again; Sign out deletes the row, so the token is worthless even if a copy
survives; changing the passphrase ends every other sign-in. Neither the
passphrase nor anything derived from it is ever in the browser.

A projector link names one pulse and opens only its present-only page; it is
also a random token stored as a hash, and revoking deletes it. A plain SHA-256
suffices for both: the tokens are random, so there is nothing to guess slowly.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Mapping

from access import signin
from storage import sessions
from storage.db import Store

SESSION_HOURS_ENV = "PULSE_SESSION_HOURS"


DEFAULT_SESSION_HOURS = 12.0


MAX_SESSION_HOURS = 24.0 * 7


TOKEN_BYTES = 32


def session_seconds(env: Mapping[str, str] = os.environ) -> float:
    """How long a sign-in lasts: ``PULSE_SESSION_HOURS`` hours (default 12,
    at most a week); a value that is not a positive number is refused loudly."""
    text = env.get(SESSION_HOURS_ENV, "").strip()
    if not text:
        return DEFAULT_SESSION_HOURS * 3600
    try:
        hours = float(text)
    except ValueError:
        raise ValueError(f"{SESSION_HOURS_ENV} must be a number of hours.") from None
    if not 0 < hours <= MAX_SESSION_HOURS:
        raise ValueError(
            f"{SESSION_HOURS_ENV} must be more than 0 and at most "
            f"{MAX_SESSION_HOURS:g} hours."
        )
    return hours * 3600


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _well_formed(token: object) -> bool:
    return (
        isinstance(token, str)
        and 20 <= len(token) <= 100
        and token.replace("-", "").replace("_", "").isalnum()
        and token.isascii()
    )


def start_session(
    store: Store,
    *,
    now: Callable[[], float] = time.time,
    env: Mapping[str, str] = os.environ,
) -> tuple[str, float]:
    """A new sign-in: ``(token for the browser, expiry as Unix time)``."""
    version = signin.passphrase_version(store)
    if version is None:
        raise ValueError("No facilitator passphrase is set up.")
    token = secrets.token_urlsafe(TOKEN_BYTES)
    expires_at = now() + session_seconds(env)
    sessions.forget_expired(store, now())
    sessions.add_session(store, token_hash(token), expires_at, version)
    return token, expires_at


def session_valid_until(
    store: Store, token: object, *, now: Callable[[], float] = time.time
) -> float | None:
    """The expiry of a live sign-in for ``token``; None if the token is
    malformed, unknown, revoked, expired or from before a passphrase change."""
    if not _well_formed(token):
        return None
    version = signin.passphrase_version(store)
    if version is None:
        return None
    expires_at = sessions.session_expiry(store, token_hash(str(token)), version)
    if expires_at is None or expires_at <= now():
        return None
    return expires_at


def end_session(store: Store, token: object) -> None:
    """Sign out: the token no longer signs anyone in, wherever it was copied."""
    if _well_formed(token):
        sessions.revoke_session(store, token_hash(str(token)))


def end_other_sessions(store: Store, keep: object) -> None:
    """After a passphrase change: every browser but this one signs in again."""
    keep_hash = token_hash(str(keep)) if _well_formed(keep) else None
    sessions.revoke_sessions_except(store, keep_hash)


def new_screen_link(store: Store, pulse_id: int) -> str:
    """A token for a present-only link to one pulse (QR, code, live count)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    sessions.add_screen_link(store, token_hash(token), pulse_id)
    return token


def screen_pulse(store: Store, token: object) -> int | None:
    """The pulse a projector link shows, or None if it is unknown or revoked."""
    if not _well_formed(token):
        return None
    return sessions.screen_link_pulse(store, token_hash(str(token)))


def revoke_screen_links(store: Store, pulse_id: int) -> int:
    """Revoke every projector link of a pulse; how many there were."""
    return sessions.revoke_screen_links(store, pulse_id)
