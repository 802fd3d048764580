"""Facilitator access: hashing, first-run passphrase, changes, rate limit, pages."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from access import passphrase as hashing
from access import signin
from storage import programmes
from storage.db import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
SETTINGS_PAGE = str(ROOT / "screens" / "facilitator" / "settings.py")
PASSPHRASE = "river lantern copper meadow"
REAL_N = hashing.SCRYPT_N


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    """Cheaper hashes keep these tests quick; one test checks the real cost."""
    monkeypatch.setattr(hashing, "SCRYPT_N", 2**14)
    monkeypatch.delenv(signin.ENV_VAR, raising=False)


class FakeClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def advance(self, seconds: float) -> None:
        self.t += seconds


def configure(store: Store, passphrase: str = PASSPHRASE) -> None:
    assert signin.ensure_passphrase(store, env={signin.ENV_VAR: passphrase}) is None


def stored_hash(store: Store) -> str | None:
    with store.read() as db:
        row = db.execute(
            "SELECT value FROM settings WHERE key = ?", [signin.SETTINGS_KEY]
        ).fetchone()
    return row[0] if row else None


def database_bytes(path: Path) -> bytes:
    """The database file and its write-ahead log, as they sit on disk."""
    return b"".join(
        p.read_bytes() for p in path.parent.glob(path.name + "*") if p.is_file()
    )


# --- hashing ----------------------------------------------------------------------


def test_hash_uses_strong_scrypt_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hashing, "SCRYPT_N", REAL_N)
    encoded = hashing.hash_passphrase(PASSPHRASE)
    scheme, n, r, p, salt_hex, hash_hex = encoded.split("$")
    assert (scheme, int(r), int(p)) == ("scrypt", 8, 1)
    assert int(n) == REAL_N >= 2**15
    assert len(bytes.fromhex(salt_hex)) == 16
    assert len(bytes.fromhex(hash_hex)) == 32
    assert hashing.verify_passphrase(PASSPHRASE, encoded)


def test_hash_is_salted_and_verifies() -> None:
    first = hashing.hash_passphrase(PASSPHRASE)
    second = hashing.hash_passphrase(PASSPHRASE)
    assert first != second
    assert first.split("$")[4] != second.split("$")[4]
    assert hashing.verify_passphrase(PASSPHRASE, first)
    assert hashing.verify_passphrase(PASSPHRASE, second)
    assert PASSPHRASE not in first
    assert PASSPHRASE.encode().hex() not in first


def test_wrong_passphrase_and_malformed_hashes_fail() -> None:
    encoded = hashing.hash_passphrase(PASSPHRASE)
    assert not hashing.verify_passphrase("river lantern copper meadoW", encoded)
    assert not hashing.verify_passphrase("", encoded)
    for broken in ("", "plain", PASSPHRASE, encoded.replace("scrypt", "md5", 1)):
        assert not hashing.verify_passphrase(PASSPHRASE, broken)
    # A tampered row cannot ask for an absurd amount of memory or a weak cost.
    _, _, r, p, salt, digest = encoded.split("$")
    for n in (2**30, 2**4, 3 * 2**14):
        assert not hashing.verify_passphrase(
            PASSPHRASE, f"scrypt${n}${r}${p}${salt}${digest}"
        )


def test_same_characters_typed_differently_verify() -> None:
    encoded = hashing.hash_passphrase("café au lait, s'il vous plaît")
    decomposed = "cafe\u0301 au lait, s'il vous plai\u0302t"
    assert hashing.verify_passphrase(decomposed, encoded)
    assert hashing.verify_passphrase("  café au lait, s'il vous plaît\n", encoded)


# --- the stored passphrase --------------------------------------------------------


def test_first_run_generates_a_passphrase_returned_only_once(store: Store) -> None:
    generated = signin.ensure_passphrase(store, env={})
    assert generated is not None
    assert len(generated) >= hashing.MIN_LENGTH
    assert hashing.GENERATED_BITS >= 80
    assert signin.ensure_passphrase(store, env={}) is None
    assert signin.check_login(store, generated).ok
    # Another store on the same file (another process, a restart) also says None.
    again = open_store(store.path)
    try:
        assert signin.ensure_passphrase(again, env={}) is None
    finally:
        again.close()


def test_generated_passphrases_differ(tmp_path: Path) -> None:
    phrases = {hashing.generate_passphrase() for _ in range(50)}
    assert len(phrases) == 50
    assert all(len(p.replace("-", "")) == 20 for p in phrases)


def test_no_plaintext_reaches_the_database_file(tmp_path: Path) -> None:
    path = tmp_path / "pulse.db"
    store = open_store(path)
    generated = signin.ensure_passphrase(store, env={})
    assert generated is not None
    signin.check_login(store, "a wrong guess for the file")
    signin.change_passphrase(store, generated, PASSPHRASE)
    store.close()
    raw = database_bytes(path)
    assert signin.SETTINGS_KEY.encode() in raw  # the row really is on disk
    for secret in (generated, PASSPHRASE, "a wrong guess for the file"):
        assert secret.encode() not in raw
        assert secret.encode("utf-16-le") not in raw


def test_environment_variable_sets_and_overrides_the_passphrase(store: Store) -> None:
    assert signin.ensure_passphrase(store, env={}) is not None
    assert signin.ensure_passphrase(store, env={signin.ENV_VAR: PASSPHRASE}) is None
    assert signin.check_login(store, PASSPHRASE).ok
    unchanged = stored_hash(store)
    # Same value again: the stored hash is left as it is.
    signin.ensure_passphrase(store, env={signin.ENV_VAR: PASSPHRASE})
    assert stored_hash(store) == unchanged
    # A new value replaces it; the environment wins over secrets.toml.
    signin.ensure_passphrase(
        store,
        env={signin.ENV_VAR: "a new configured passphrase"},
        secrets={signin.SECRETS_KEY: "the secrets file passphrase"},
    )
    assert signin.check_login(store, "a new configured passphrase").ok
    assert not signin.check_login(store, PASSPHRASE).ok


def test_secrets_provide_the_passphrase(store: Store) -> None:
    secrets = {signin.SECRETS_KEY: "the secrets file passphrase"}
    assert signin.ensure_passphrase(store, env={}, secrets=secrets) is None
    assert signin.check_login(store, "the secrets file passphrase").ok


def test_blank_configured_values_count_as_unset(store: Store) -> None:
    blank = signin.ensure_passphrase(
        store, env={signin.ENV_VAR: "  "}, secrets={signin.SECRETS_KEY: ""}
    )
    assert blank is not None  # generated, as on a first run
    with pytest.raises(ValueError, match="must be a string"):
        signin.ensure_passphrase(store, env={}, secrets={signin.SECRETS_KEY: 1234})


def test_change_needs_the_current_passphrase(store: Store) -> None:
    configure(store)
    before = stored_hash(store)
    with pytest.raises(ValueError, match="current passphrase is not right"):
        signin.change_passphrase(store, "not the passphrase", "a brand new passphrase")
    with pytest.raises(ValueError, match="at least 12 characters"):
        signin.change_passphrase(store, PASSPHRASE, "too short")
    with pytest.raises(ValueError, match="same as the current"):
        signin.change_passphrase(store, PASSPHRASE, PASSPHRASE)
    assert stored_hash(store) == before
    signin.change_passphrase(store, PASSPHRASE, "a brand new passphrase")
    assert signin.check_login(store, "a brand new passphrase").ok
    assert not signin.check_login(store, PASSPHRASE).ok


def test_old_hash_parameters_are_upgraded_at_sign_in(store: Store) -> None:
    configure(store)
    old = stored_hash(store)
    assert old is not None and old.startswith(f"scrypt${2**14}$")
    hashing.SCRYPT_N = 2**15  # restored by the autouse fixture's monkeypatch
    assert signin.check_login(store, PASSPHRASE).ok
    assert stored_hash(store).startswith(f"scrypt${2**15}$")
    assert signin.check_login(store, PASSPHRASE).ok


# --- rate limit -------------------------------------------------------------------

FACILITATOR = "facilitator-laptop"
ATTACKER = "participant-phone"


class NoSleep:
    """Records the waits the global pace asks for instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


def login(
    store: Store,
    attempt: str,
    client: str,
    clock: FakeClock,
    sleep: NoSleep | None = None,
) -> signin.LoginResult:
    return signin.check_login(
        store, attempt, client, now=clock, sleep=sleep or NoSleep()
    )


def fail(
    store: Store, times: int, clock: FakeClock, client: str = ATTACKER
) -> signin.LoginResult:
    result = signin.LoginResult(True, 0.0, "")
    for _ in range(times):
        result = login(store, "wrong guess", client, clock)
        assert not result.ok
    return result


def test_five_failures_pause_only_the_client_that_made_them(store: Store) -> None:
    """Finding 10: five wrong tries from a phone must not lock the facilitator out."""
    configure(store)
    clock = FakeClock()
    fourth = fail(store, 4, clock)
    assert fourth.retry_after_s == 0
    assert "not right" in fourth.message
    fifth = fail(store, 1, clock)
    assert fifth.retry_after_s == signin.FIRST_WAIT_S
    assert "try again in 30 seconds" in fifth.message.lower()
    # The facilitator, on another browser, signs in straight away.
    assert login(store, PASSPHRASE, FACILITATOR, clock).ok
    # The phone that guessed waits, even with the right passphrase.
    clock.advance(29)
    refused = login(store, PASSPHRASE, ATTACKER, clock)
    assert not refused.ok
    assert refused.retry_after_s == pytest.approx(1)
    clock.advance(1)
    assert login(store, PASSPHRASE, ATTACKER, clock).ok
    # Success clears that client's count: five more tries before the next pause.
    assert fail(store, 4, clock).retry_after_s == 0


def test_guessing_for_hours_never_locks_out_the_right_passphrase(store: Store) -> None:
    """Four tries an hour used to keep sign-in closed indefinitely."""
    configure(store)
    clock = FakeClock()
    for _ in range(24):
        for _ in range(4):
            login(store, "wrong guess", ATTACKER, clock)
        clock.advance(3600)
        assert login(store, PASSPHRASE, FACILITATOR, clock).ok


def test_the_wait_doubles_and_is_capped(store: Store) -> None:
    configure(store)
    clock = FakeClock()
    waits = []
    for _ in range(12):
        result = login(store, "wrong guess", ATTACKER, clock)
        waits.append(result.retry_after_s)
        clock.advance(result.retry_after_s)
    assert waits[:4] == [0, 0, 0, 0]
    assert waits[4:10] == [30, 60, 120, 240, 480, 900]
    assert waits[10:] == [signin.MAX_WAIT_S] * 2
    assert "15 minutes" in login(store, "x", ATTACKER, clock).message


def test_refused_tries_while_paused_do_not_extend_the_wait(store: Store) -> None:
    configure(store)
    clock = FakeClock()
    fail(store, 5, clock)
    for _ in range(20):
        clock.advance(1)
        login(store, "wrong guess", ATTACKER, clock)
    clock.advance(10)
    assert login(store, PASSPHRASE, ATTACKER, clock).ok


def test_the_count_is_shared_through_the_database(store: Store) -> None:
    """Issue 12: several worker processes serve one file; a second Store on the
    same file (another process) sees the same client's failures."""
    configure(store)
    clock = FakeClock()
    fail(store, 5, clock)
    other = open_store(store.path)
    try:
        refused = login(other, PASSPHRASE, ATTACKER, clock)
        assert login(other, PASSPHRASE, FACILITATOR, clock).ok
    finally:
        other.close()
    assert not refused.ok
    assert refused.retry_after_s == signin.FIRST_WAIT_S


def test_many_failures_from_everywhere_slow_checks_but_never_refuse(
    store: Store,
) -> None:
    """Someone rotating client ids escapes the per-client pause; then every
    check waits a little (a delay, never a lockout)."""
    configure(store)
    clock = FakeClock()
    for n in range(signin.GLOBAL_FREE_FAILURES + 1):
        login(store, "wrong guess", f"rotating-{n}", clock)
    sleep = NoSleep()
    assert login(store, PASSPHRASE, FACILITATOR, clock, sleep).ok
    assert sleep.waits == [signin.GLOBAL_DELAY_S]
    clock.advance(signin.GLOBAL_WINDOW_S + 1)
    quiet = NoSleep()
    assert login(store, PASSPHRASE, FACILITATOR, clock, quiet).ok
    assert quiet.waits == []


def test_a_parallel_burst_from_one_client_cannot_slip_past_the_count(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    configure(store)
    checked = []
    real_verify = hashing.verify_passphrase

    def counting_verify(passphrase: str, encoded: str) -> bool:
        checked.append(passphrase)
        return real_verify(passphrase, encoded)

    monkeypatch.setattr(signin, "verify_passphrase", counting_verify)
    clock = FakeClock()
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(lambda _: login(store, "wrong guess", ATTACKER, clock), range(40))
        )
    assert not any(r.ok for r in results)
    # Only five guesses were ever checked; every other try was refused unhashed.
    assert len(checked) == signin.FREE_FAILURES
    assert sum(r.retry_after_s == 0 for r in results) == signin.FREE_FAILURES - 1
    assert login(store, PASSPHRASE, ATTACKER, clock).retry_after_s > 0
    assert login(store, PASSPHRASE, FACILITATOR, clock).ok


def test_change_passphrase_is_rate_limited_too(store: Store) -> None:
    configure(store)
    clock = FakeClock()
    for _ in range(5):
        with pytest.raises(ValueError):
            signin.change_passphrase(
                store, "wrong", "a brand new passphrase", ATTACKER, now=clock
            )
    with pytest.raises(ValueError, match="(?i)try again in"):
        signin.change_passphrase(
            store, PASSPHRASE, "a brand new passphrase", ATTACKER, now=clock
        )
    assert login(store, PASSPHRASE, ATTACKER, clock).retry_after_s > 0


def test_failures_are_forgotten_after_a_quiet_day(store: Store) -> None:
    configure(store)
    clock = FakeClock()
    fail(store, 4, clock)
    clock.advance(signin.FORGET_AFTER_S + 1)
    assert fail(store, 4, clock).retry_after_s == 0


def test_failed_sign_ins_store_no_client_id(tmp_path: Path) -> None:
    path = tmp_path / "pulse.db"
    store = open_store(path)
    configure(store)
    fail(store, 6, FakeClock(), client="a-very-recognisable-browser-id")
    store.close()
    assert b"a-very-recognisable-browser-id" not in database_bytes(path)


def test_unset_or_empty_attempts_are_explained(tmp_path: Path) -> None:
    store = open_store(tmp_path / "empty.db")
    try:
        assert "No facilitator passphrase" in signin.check_login(store, "x").message
        configure(store)
        assert "Enter" in signin.check_login(store, "   ").message
        # Blank attempts are not counted as failures.
        clock = FakeClock()
        for _ in range(10):
            login(store, "", ATTACKER, clock)
        assert login(store, PASSPHRASE, ATTACKER, clock).ok
    finally:
        store.close()


# --- pages ------------------------------------------------------------------------

GUARDED_SCRIPT = """
import os

import streamlit as st

from storage.db import open_store
from ui.access import require_facilitator

store = open_store(os.environ["PULSE_DB"])
require_facilitator(store)
st.write("secret area")
"""


@pytest.fixture
def app_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    """The database the app under test opens (PULSE_DB): a passphrase set and a
    programme in it, so the demo is not seeded."""
    path = tmp_path / "app.db"
    monkeypatch.setenv("PULSE_DB", str(path))
    store = open_store(path)
    configure(store)
    programmes.create_programme(store, "Test programme", ["Social work"])
    yield store
    store.close()


def texts(at: AppTest) -> str:
    parts = [
        e.value
        for kind in ("markdown", "caption", "success", "error", "info", "title")
        for e in getattr(at, kind)
    ]
    return "\n".join(str(p) for p in parts)


def guarded() -> AppTest:
    return AppTest.from_string(GUARDED_SCRIPT, default_timeout=30).run()


def sign_in(at: AppTest, passphrase: str) -> AppTest:
    at.text_input[0].set_value(passphrase)
    return at.button[0].click().run()


def test_guard_hides_the_page_until_signed_in(app_store: Store) -> None:
    at = guarded()
    assert not at.exception
    assert "Facilitator sign-in" in texts(at)
    assert "secret area" not in texts(at)
    assert at.text_input[0].label == "Facilitator passphrase"
    sign_in(at, PASSPHRASE)
    assert not at.exception
    assert "secret area" in texts(at)
    assert not at.text_input
    # Signed in for this browser session only.
    assert "secret area" not in texts(guarded())


def test_guard_refuses_a_wrong_passphrase(app_store: Store) -> None:
    at = sign_in(guarded(), "not the passphrase")
    assert "That passphrase is not right." in [e.value for e in at.error]
    assert "secret area" not in texts(at)


def test_another_browsers_failures_do_not_block_sign_in(app_store: Store) -> None:
    """Finding 10 through the page: a phone's five wrong tries pause that
    phone; the facilitator's browser signs in at once."""
    attacker = guarded()
    for _ in range(signin.FREE_FAILURES):
        sign_in(attacker, "not the passphrase")
    assert "try again in" in attacker.error[0].value.lower()
    sign_in(attacker, PASSPHRASE)
    assert "secret area" not in texts(attacker)
    fresh = sign_in(guarded(), PASSPHRASE)
    assert "secret area" in texts(fresh)


def test_settings_page_needs_sign_in_then_changes_the_passphrase(
    app_store: Store,
) -> None:
    at = AppTest.from_file(SETTINGS_PAGE, default_timeout=30).run()
    assert not at.exception
    assert "Settings" not in [t.value for t in at.title]
    sign_in(at, PASSPHRASE)
    assert [t.value for t in at.title] == ["Settings"]

    def change(current: str, new: str, confirm: str) -> AppTest:
        for field, value in zip(at.text_input, (current, new, confirm), strict=True):
            field.set_value(value)
        return at.button[0].click().run()

    change(PASSPHRASE, "a brand new passphrase", "a brand new passphrasf")
    assert "differ" in at.error[0].value
    change("wrong", "a brand new passphrase", "a brand new passphrase")
    assert "current passphrase is not right" in at.error[0].value
    assert signin.check_login(app_store, PASSPHRASE).ok
    change(PASSPHRASE, "a brand new passphrase", "a brand new passphrase")
    assert "Passphrase changed" in at.success[0].value
    assert signin.check_login(app_store, "a brand new passphrase").ok
    assert [t.value for t in at.title] == ["Settings"]  # still signed in here
    # Sign out: back to the sign-in form.
    at.button(key="facilitator_sign_out").click().run()
    assert "Facilitator sign-in" in texts(at)


def test_changing_the_passphrase_signs_out_other_sessions(app_store: Store) -> None:
    other = sign_in(guarded(), PASSPHRASE)
    assert "secret area" in texts(other)
    signin.change_passphrase(app_store, PASSPHRASE, "a brand new passphrase")
    other.run()
    assert "secret area" not in texts(other)
    assert "Facilitator sign-in" in texts(other)


def test_settings_page_defers_to_a_configured_passphrase(
    app_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(signin.ENV_VAR, PASSPHRASE)
    at = sign_in(AppTest.from_file(SETTINGS_PAGE, default_timeout=30).run(), PASSPHRASE)
    assert signin.ENV_VAR in at.info[0].value
    assert len(at.text_input) == 0


def test_a_generated_passphrase_goes_to_an_owner_only_file_not_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Finding 17: stdout ends up in service logs; only the file's place is printed."""
    from ui.access import announce_passphrase, passphrase_file

    store = open_store(tmp_path / "fresh.db")
    try:
        announce_passphrase(store)
        printed = capsys.readouterr().out
        where = passphrase_file(store)
        assert where == tmp_path / "facilitator-passphrase.txt"
        assert str(where) in printed
        assert signin.ENV_VAR in printed  # how to reset it
        assert where.stat().st_mode & 0o777 == 0o600
        passphrase = where.read_text().splitlines()[0]
        assert passphrase not in printed
        assert signin.check_login(store, passphrase).ok
        announce_passphrase(store)
        assert capsys.readouterr().out == ""
    finally:
        store.close()
