"""The code guard's buckets (issue 10, finding 15); the participant page's use
of them is tested in test_participant_page.py."""

from __future__ import annotations

from access.code_guard import Allowance, CodeGuard, client_address


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_buckets_refill_with_time_and_addresses_are_counted_apart() -> None:
    clock = Clock()
    guard = CodeGuard(address=Allowance(burst=2, per_second=0.5), now=clock)
    session = guard.new_session_bucket(Allowance(burst=10, per_second=1))
    guard.missed(session, "203.0.113.9")
    guard.missed(session, "203.0.113.9")
    assert guard.wait(session, "203.0.113.9") == 2
    assert guard.wait(session, "198.51.100.7") == 0
    clock.now = 2.0
    assert guard.wait(session, "203.0.113.9") == 0


def test_the_address_table_is_bounded() -> None:
    guard = CodeGuard(address=Allowance(burst=1, per_second=1e-6), max_addresses=3)
    session = guard.new_session_bucket(Allowance(burst=100, per_second=1))
    for n in range(10):
        guard.missed(session, f"10.0.0.{n}")
    assert len(guard._buckets) == 3


def test_behind_the_proxy_the_address_it_saw_counts() -> None:
    assert client_address("198.51.100.7", "1.2.3.4") == "198.51.100.7"
    # Loopback (our proxy): the last X-Forwarded-For entry, which it wrote.
    assert client_address(None, "6.6.6.6, 203.0.113.9") == "203.0.113.9"
    assert client_address(None, None) == "local"
