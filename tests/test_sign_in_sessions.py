"""Sign-ins that survive a reload: random tokens stored only as hashes, with
expiry, revoked by Sign out and by a passphrase change; projector links."""

from __future__ import annotations

from pathlib import Path

import pytest

from access import passphrase as hashing
from access import signin, tokens
from storage import programmes
from storage.db import Store, open_store

PASSPHRASE = "river lantern copper meadow"


@pytest.fixture(autouse=True)
def quick_scrypt(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hashing, "SCRYPT_N", 2**14)


@pytest.fixture
def signed(store: Store) -> Store:
    signin.ensure_passphrase(store, env={signin.ENV_VAR: PASSPHRASE})
    return store


class Clock:
    def __init__(self) -> None:
        self.t = 1_800_000_000.0

    def __call__(self) -> float:
        return self.t


def test_a_sign_in_lasts_a_working_day_then_ends(signed: Store) -> None:
    clock = Clock()
    token, expires_at = tokens.start_session(signed, now=clock, env={})
    assert expires_at == clock.t + 12 * 3600
    assert tokens.session_valid_until(signed, token, now=clock) == expires_at
    clock.t = expires_at - 1
    assert tokens.session_valid_until(signed, token, now=clock) is not None
    clock.t = expires_at
    assert tokens.session_valid_until(signed, token, now=clock) is None


def test_the_working_day_is_configurable_and_checked() -> None:
    assert tokens.session_seconds({"PULSE_SESSION_HOURS": "8"}) == 8 * 3600
    for bad in ("0", "-1", "a day", "1000"):
        with pytest.raises(ValueError, match="PULSE_SESSION_HOURS"):
            tokens.session_seconds({"PULSE_SESSION_HOURS": bad})


def test_sign_out_revokes_the_token_everywhere(signed: Store) -> None:
    token, _ = tokens.start_session(signed)
    other, _ = tokens.start_session(signed)
    tokens.end_session(signed, token)
    assert tokens.session_valid_until(signed, token) is None
    assert tokens.session_valid_until(signed, other) is not None


def test_a_passphrase_change_ends_every_earlier_sign_in(signed: Store) -> None:
    token, _ = tokens.start_session(signed)
    signin.change_passphrase(signed, PASSPHRASE, "a brand new passphrase")
    assert tokens.session_valid_until(signed, token) is None
    fresh, _ = tokens.start_session(signed)
    tokens.end_other_sessions(signed, fresh)
    assert tokens.session_valid_until(signed, fresh) is not None


def test_forged_or_malformed_tokens_sign_nobody_in(signed: Store) -> None:
    tokens.start_session(signed)
    for forged in (None, "", "x" * 43, "<script>", 12345, "a" * 500):
        assert tokens.session_valid_until(signed, forged) is None


def test_only_hashes_of_tokens_reach_the_file(tmp_path: Path) -> None:
    path = tmp_path / "pulse.db"
    store = open_store(path)
    signin.ensure_passphrase(store, env={signin.ENV_VAR: PASSPHRASE})
    token, _ = tokens.start_session(store)
    pulse = _a_pulse(store)
    link = tokens.new_screen_link(store, pulse)
    store.close()
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("pulse.db*"))
    assert tokens.token_hash(token).encode() in raw
    assert token.encode() not in raw
    assert link.encode() not in raw


def _a_pulse(store: Store) -> int:
    programme = programmes.create_programme(store, "P", ["A"])
    session = programmes.add_session(store, programme, "S")
    return programmes.create_pulse(store, session, "before").id


def test_a_projector_link_shows_one_pulse_until_revoked(store: Store) -> None:
    pulse = _a_pulse(store)
    link = tokens.new_screen_link(store, pulse)
    assert tokens.screen_pulse(store, link) == pulse
    other = link[:-1] + ("B" if link.endswith("A") else "A")
    assert tokens.screen_pulse(store, other) is None
    assert tokens.revoke_screen_links(store, pulse) == 1
    assert tokens.screen_pulse(store, link) is None
