"""Facilitator access: one passphrase, kept only as a salted slow hash.

The passphrase comes from ``PULSE_FACILITATOR_PASSWORD`` or the secret
``facilitator_password`` when either is set; otherwise one is generated on the
first run and handed back once, for the caller to write to an owner-only file
(never to stdout or a log). The database holds only
``scrypt$n$r$p$salt_hex$hash_hex`` in the ``settings`` table.

Failed sign-ins can never lock the facilitator out (DESIGN.md promise 7):

- **Back-off is per client.** A client is a random id the browser keeps (or,
  without one, its browser session); after ``FREE_FAILURES`` wrong passphrases
  *that client* must wait ``FIRST_WAIT_S``, doubling up to ``MAX_WAIT_S``. A
  venue's Wi-Fi puts every phone behind one address, so nothing is keyed on
  the IP address: a participant's five wrong guesses pause only their own
  browser, never the facilitator's.
- **Everyone else only ever waits, never gets refused.** When many failures
  arrive from everywhere (more than ``GLOBAL_FREE_FAILURES`` within
  ``GLOBAL_WINDOW_S``, e.g. someone rotating client ids), each check is slowed
  by ``GLOBAL_DELAY_S`` — the right passphrase still signs in.
- **The state is in the database** (``storage.sessions``), so every worker
  process serving the same file counts the same failures; a restart or a new
  browser session resets nothing. Times are wall-clock Unix seconds, the one
  clock all processes share.
- Checks in one process run one at a time (the scrypt hash takes 128 MiB), and
  a client that is paused is refused before any hashing, so hammering the form
  burns neither CPU nor memory.

Signed-in browsers keep a random session token (``access.tokens``), so a
facilitator who is signed in is not affected by sign-in attempts at all.
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
from storage import sessions, settings
from storage.db import Store
from survey.i18n import N_, Refusal

ENV_VAR = "PULSE_FACILITATOR_PASSWORD"


SECRETS_KEY = "facilitator_password"


SETTINGS_KEY = "facilitator_passphrase_hash"


FREE_FAILURES = 5


FIRST_WAIT_S = 30.0


MAX_WAIT_S = 15 * 60.0


FORGET_AFTER_S = 24 * 3600.0


GLOBAL_WINDOW_S = 600.0


GLOBAL_FREE_FAILURES = 20


GLOBAL_DELAY_S = 1.0


WRONG_PASSPHRASE = N_("That passphrase is not right.")


class PassphraseRejected(Refusal):
    """A passphrase change that was refused; ``str()`` is the English message,
    ``translated(_)`` the message to show."""


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


_check_lock = threading.Lock()


def client_hash(client: str) -> str:
    """How a client is known in the database: a hash of its random id, so the
    file never holds the id a browser could be recognised by."""
    return hashlib.sha256(f"together-pulse-signin:{client}".encode()).hexdigest()[:32]


def _wait_text(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds < 90:
        return f"{seconds} seconds"
    return f"{math.ceil(seconds / 60)} minutes"


def _paused(wait: float) -> LoginResult:
    return LoginResult(
        False,
        wait,
        f"Too many wrong passphrases from this browser. Try again in "
        f"{_wait_text(wait)}.",
    )


def _after_failure(
    previous: sessions.Failures | None, moment: float
) -> sessions.Failures:
    count = 1
    if previous is not None and moment - previous.last_failure <= FORGET_AFTER_S:
        count = previous.failures + 1
    locked_until = moment
    if count >= FREE_FAILURES:
        doublings = min(count - FREE_FAILURES, 16)
        locked_until = moment + min(FIRST_WAIT_S * 2**doublings, MAX_WAIT_S)
    return sessions.Failures(count, moment, locked_until)


def _pause_left(store: Store, key: str, moment: float) -> LoginResult | None:
    previous = sessions.failures(store, key)
    if previous is None or moment - previous.last_failure > FORGET_AFTER_S:
        return None
    wait = previous.locked_until - moment
    return _paused(wait) if wait > 0 else None


def check_login(
    store: Store,
    attempt: str,
    client: str = "",
    *,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> LoginResult:
    """Check a sign-in attempt from ``client`` against the stored passphrase.

    Only this client's own failures can refuse it (``retry_after_s`` says for
    how long); other clients' failures can at most slow it by
    ``GLOBAL_DELAY_S``. ``client`` is the browser's random id; an empty one
    shares a single anonymous bucket.
    """
    key = client_hash(client)
    paused = _pause_left(store, key, now())
    if paused is not None:
        return paused
    if not attempt.strip():
        return LoginResult(False, 0.0, N_("Enter the facilitator passphrase."))
    with _check_lock:
        # Again inside the lock: a burst of parallel tries from one client
        # cannot slip past its count while earlier ones were being checked.
        paused = _pause_left(store, key, now())
        if paused is not None:
            return paused
        stored = _stored_hash(store)
        if stored is None:
            return LoginResult(
                False,
                0.0,
                N_(
                    "No facilitator passphrase is set up yet. Restart the app and "
                    "read where it says the passphrase was written."
                ),
            )
        if sessions.recent_failures(store, now() - GLOBAL_WINDOW_S) > (
            GLOBAL_FREE_FAILURES
        ):
            sleep(GLOBAL_DELAY_S)
        if verify_passphrase(attempt, stored):
            sessions.clear_failures(store, key, now() - FORGET_AFTER_S)
            if not _is_current(stored):
                _store_hash(store, hash_passphrase(attempt))
            return LoginResult(True, 0.0, "Signed in.")
        state = _after_failure(sessions.failures(store, key), now())
        sessions.record_failure(store, key, state)
    if state.locked_until > state.last_failure:
        return _paused(state.locked_until - state.last_failure)
    return LoginResult(False, 0.0, WRONG_PASSPHRASE)


def change_passphrase(
    store: Store,
    current: str,
    new: str,
    client: str = "",
    *,
    now: Callable[[], float] = time.time,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Replace the passphrase. The current one is checked under the same rate
    limit as sign-in; ``PassphraseRejected`` (a ValueError) explains any
    refusal, and a refused change writes nothing."""
    cleaned = new.strip()
    if len(cleaned) < MIN_LENGTH:
        raise PassphraseRejected(
            N_("The new passphrase needs at least {n} characters."), n=MIN_LENGTH
        )
    if len(new) > MAX_LENGTH:
        raise PassphraseRejected(
            N_("The new passphrase can have at most {n} characters."), n=MAX_LENGTH
        )
    result = check_login(store, current, client, now=now, sleep=sleep)
    if not result.ok:
        if result.message == WRONG_PASSPHRASE:
            raise PassphraseRejected(N_("The current passphrase is not right."))
        if result.retry_after_s > 0:
            raise PassphraseRejected(
                N_(
                    "Too many wrong passphrases from this browser. Try again in "
                    "{n} seconds."
                ),
                n=math.ceil(result.retry_after_s),
            )
        raise PassphraseRejected(result.message)
    if _normalise(new) == _normalise(current):
        raise PassphraseRejected(
            N_("The new passphrase is the same as the current one.")
        )
    _store_hash(store, hash_passphrase(new))
