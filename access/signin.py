"""Facilitator access: one passphrase, kept only as a salted slow hash.

The passphrase comes from ``PULSE_FACILITATOR_PASSWORD`` or the secret
``facilitator_password`` when either is set; otherwise one is generated on the
first run and handed back once, for the caller to print on the terminal. The
database holds only ``scrypt$n$r$p$salt_hex$hash_hex`` in the ``settings``
table; no plaintext is stored or logged anywhere.

Failed sign-ins are rate-limited per database, for the whole process: after
``FREE_FAILURES`` wrong passphrases each further try must wait
``FIRST_WAIT_S``, doubling with every failure up to ``MAX_WAIT_S``. The
limiter lives in memory, not in the database:

- every browser session shares it (it is keyed by the database file, not by
  the session or the ``Store`` object), so opening new sessions resets nothing;
- it uses a monotonic clock, so changing the wall clock does not shorten a wait;
- a failed try costs no disk write, and the limiter's own lock (held while
  checking a passphrase) serialises sign-ins without ever blocking the
  participants' writes, which take the store's lock;
- tries are checked one at a time, so a burst of parallel tries cannot slip
  past the count, and a locked-out try is refused before any hashing, so
  hammering the form cannot burn CPU or memory.

A server restart clears it; restarting needs access to the server, which is
more than the passphrase protects. Several server processes on one database
would each count on their own (the deployment is one process).
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from access.passphrase import (
    MAX_LENGTH,
    MIN_LENGTH,
    _is_current,
    _normalise,
    generate_passphrase,
    hash_passphrase,
    verify_passphrase,
)
from storage import settings
from storage.db import Store

ENV_VAR = "PULSE_FACILITATOR_PASSWORD"


SECRETS_KEY = "facilitator_password"


SETTINGS_KEY = "facilitator_passphrase_hash"


FREE_FAILURES = 5


FIRST_WAIT_S = 30.0


MAX_WAIT_S = 15 * 60.0


FORGET_AFTER_S = 24 * 3600.0


WRONG_PASSPHRASE = "That passphrase is not right."


class PassphraseRejected(ValueError):
    """A passphrase change that was refused; ``str()`` is the message to show."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    retry_after_s: float
    message: str


def _stored_hash(store: Store) -> str | None:
    return settings.get(store, SETTINGS_KEY)


def _store_hash(store: Store, encoded: str) -> None:
    settings.put(store, SETTINGS_KEY, encoded)


def passphrase_version(store: Store) -> str | None:
    """A short fingerprint of the stored hash: it changes whenever the passphrase
    does, so sign-ins made under an old passphrase can be told apart."""
    encoded = _stored_hash(store)
    if encoded is None:
        return None
    return hashlib.sha256(encoded.encode()).hexdigest()[:16]


def configured_passphrase(
    env: Mapping[str, str] = os.environ, secrets: Mapping[str, Any] | None = None
) -> tuple[str, str] | None:
    """``(passphrase, where it came from)`` from the environment variable or the
    secrets, in that order; None when neither is set (blank counts as unset)."""
    value = env.get(ENV_VAR)
    if value and value.strip():
        return value, f"the {ENV_VAR} environment variable"
    value = secrets.get(SECRETS_KEY) if secrets is not None else None
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{SECRETS_KEY} in .streamlit/secrets.toml must be a string.")
    if not value.strip():
        return None
    return value, f"{SECRETS_KEY} in .streamlit/secrets.toml"


def ensure_passphrase(
    store: Store,
    env: Mapping[str, str] = os.environ,
    secrets: Mapping[str, Any] | None = None,
) -> str | None:
    """Make sure a passphrase hash is stored. Call once at start-up.

    A configured passphrase (environment, then secrets) replaces the stored
    hash when it does not match it; returns None. Otherwise, the first time,
    a passphrase is generated and its hash stored, and the plaintext is
    returned (only this once) for the caller to show on the terminal;
    afterwards returns None.
    """
    configured = configured_passphrase(env, secrets)
    stored = _stored_hash(store)
    if configured is not None:
        passphrase = configured[0]
        if stored is None or not verify_passphrase(passphrase, stored):
            _store_hash(store, hash_passphrase(passphrase))
        return None
    if stored is not None:
        return None
    passphrase = generate_passphrase()
    encoded = hash_passphrase(passphrase)
    # Another process may have got there first: keep the first one.
    inserted = settings.put_if_absent(store, SETTINGS_KEY, encoded)
    return passphrase if inserted else None


class _Limiter:
    """Failed-sign-in state for one database, shared by every session."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.failures = 0
        self.last_failure = -math.inf
        self.locked_until = -math.inf


_limiters: dict[str, _Limiter] = {}


_limiters_lock = threading.Lock()


def _limiter_for(store: Store) -> _Limiter:
    # Keyed by the database file, so every Store opened on it in this process
    # (the app's shared one, a command's, a test's) counts failures together.
    if store.path == ":memory:":
        key = f":memory:{id(store)}"
    else:
        key = os.path.realpath(store.path)
    with _limiters_lock:
        return _limiters.setdefault(key, _Limiter())


def _wait_text(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _locked(wait: float) -> LoginResult:
    return LoginResult(
        False,
        wait,
        f"Too many wrong passphrases. Sign-in is paused: try again in "
        f"{_wait_text(wait)}.",
    )


def check_login(
    store: Store, attempt: str, *, now: Callable[[], float] = time.monotonic
) -> LoginResult:
    """Check a sign-in attempt against the stored passphrase, rate-limited.

    While sign-in is paused every attempt is refused, the right passphrase
    too, and ``retry_after_s`` says how long until the next try is allowed.
    """
    limiter = _limiter_for(store)
    with limiter.lock:
        wait = limiter.locked_until - now()
        if wait > 0:
            return _locked(wait)
        if not attempt.strip():
            return LoginResult(False, 0.0, "Enter the facilitator passphrase.")
        stored = _stored_hash(store)
        if stored is None:
            return LoginResult(
                False,
                0.0,
                "No facilitator passphrase is set up yet. Restart the app and "
                "read the passphrase it prints on the terminal.",
            )
        if verify_passphrase(attempt, stored):
            limiter.failures = 0
            limiter.locked_until = -math.inf
            if not _is_current(stored):
                _store_hash(store, hash_passphrase(attempt))
            return LoginResult(True, 0.0, "Signed in.")
        moment = now()
        if moment - limiter.last_failure > FORGET_AFTER_S:
            limiter.failures = 0
        limiter.failures += 1
        limiter.last_failure = moment
        if limiter.failures < FREE_FAILURES:
            return LoginResult(False, 0.0, WRONG_PASSPHRASE)
        doublings = min(limiter.failures - FREE_FAILURES, 16)
        wait = min(FIRST_WAIT_S * 2**doublings, MAX_WAIT_S)
        limiter.locked_until = moment + wait
        return _locked(wait)


def change_passphrase(
    store: Store,
    current: str,
    new: str,
    *,
    now: Callable[[], float] = time.monotonic,
) -> None:
    """Replace the passphrase. The current one is checked under the same rate
    limit as sign-in; ``PassphraseRejected`` (a ValueError) explains any
    refusal, and a refused change writes nothing."""
    cleaned = new.strip()
    if len(cleaned) < MIN_LENGTH:
        raise PassphraseRejected(
            f"The new passphrase needs at least {MIN_LENGTH} characters."
        )
    if len(new) > MAX_LENGTH:
        raise PassphraseRejected(
            f"The new passphrase can have at most {MAX_LENGTH} characters."
        )
    result = check_login(store, current, now=now)
    if not result.ok:
        if result.message == WRONG_PASSPHRASE:
            raise PassphraseRejected("The current passphrase is not right.")
        raise PassphraseRejected(result.message)
    if _normalise(new) == _normalise(current):
        raise PassphraseRejected("The new passphrase is the same as the current one.")
    _store_hash(store, hash_passphrase(new))
