"""Guessing join codes is slow: per-client limits on codes that lead nowhere.

A code that names no open pulse (unknown, draft or closed: the participant
page answers all three with the same words) is a *miss*. Misses drain two
token buckets:

- one per browser session, strict (``SESSION``): a person who mistypes a
  code a few times is never slowed, a script in one session is at once;
- one per client address, generous (``ADDRESS``), because a venue's phones
  share one public address behind its router: a hall of several hundred
  people mistyping now and then stays well inside it, while a script that
  opens a new session per guess is held to about one guess a second.

At one guess a second, finding one of ten open pulses among 31⁶ ≈ 887 million
codes takes years. When a bucket is empty the code is not even looked up, so
a refusal says nothing about the code. Buckets live in this process's memory
(a restart clears them; with several workers each counts on its own) and the
address table is bounded, so guessing cannot grow memory either.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Allowance:
    """How many misses a bucket holds, and how fast it refills."""

    burst: int
    per_second: float


SESSION = Allowance(burst=5, per_second=1 / 20)
ADDRESS = Allowance(burst=120, per_second=1.0)
MAX_ADDRESSES = 10_000


class Bucket:
    """A token bucket: ``burst`` tokens, refilled at ``per_second``."""

    def __init__(self, allowance: Allowance, now: float) -> None:
        self.allowance = allowance
        self.tokens = float(allowance.burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self.updated)
        self.tokens = min(
            float(self.allowance.burst),
            self.tokens + elapsed * self.allowance.per_second,
        )
        self.updated = now

    def wait(self, now: float) -> float:
        """Seconds until one token is available (0 when one is)."""
        self._refill(now)
        if self.tokens >= 1:
            return 0.0
        return (1 - self.tokens) / self.allowance.per_second

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens = max(0.0, self.tokens - 1)


class CodeGuard:
    """The process-wide address buckets; session buckets are handed in by the
    caller (kept in that session's state)."""

    def __init__(
        self,
        *,
        address: Allowance | None = None,
        max_addresses: int = MAX_ADDRESSES,
        now: Callable[[], float] = time.monotonic,
    ) -> None:
        self._address = address or ADDRESS
        self._max = max_addresses
        self._now = now
        self._lock = threading.Lock()
        self._buckets: OrderedDict[str, Bucket] = OrderedDict()

    def new_session_bucket(self, allowance: Allowance = SESSION) -> Bucket:
        return Bucket(allowance, self._now())

    def wait(self, session: Bucket, address: str | None) -> int:
        """Whole seconds to wait before another code may be tried (0: go ahead)."""
        with self._lock:
            now = self._now()
            waits = [session.wait(now)]
            if address is not None and address in self._buckets:
                waits.append(self._buckets[address].wait(now))
            return math.ceil(max(waits))

    def missed(self, session: Bucket, address: str | None) -> None:
        """Count a code that led nowhere against the session and the address."""
        with self._lock:
            now = self._now()
            session.take(now)
            if address is None:
                return
            bucket = self._buckets.pop(address, None) or Bucket(self._address, now)
            bucket.take(now)
            self._buckets[address] = bucket  # most recent last
            while len(self._buckets) > self._max:
                self._buckets.popitem(last=False)


def client_address(ip_address: str | None, forwarded_for: str | None) -> str:
    """The address to count a client under.

    Streamlit reports no address (None) for a loopback connection: that is our
    own proxy (``serve.py``) or a local test. Behind the proxy, the last entry
    of ``X-Forwarded-For`` is the one the proxy itself wrote (earlier entries
    come from the client and may be forged). Anything else counts as "local".
    """
    if isinstance(ip_address, str) and ip_address:
        return ip_address
    if isinstance(forwarded_for, str) and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return "local"
