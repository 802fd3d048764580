"""A bound on browser sessions per client address.

Every open page is a Streamlit session holding its widgets' values in server
memory (each value at most ``server.maxMessageSize``, 1 MB here). One client
opening pages without end could exhaust memory, so each address may hold at
most ``SESSIONS_PER_ADDRESS`` live sessions at once; a page beyond that is
told so and holds nothing. The bound is generous because a venue's phones
share one public address (an event of 600 phones behind one router fits).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

SESSIONS_PER_ADDRESS = 1000
ENV_VAR = "PULSE_SESSIONS_PER_ADDRESS"


def sessions_per_address(env: dict[str, str] | None = None) -> int:
    """The bound: ``PULSE_SESSIONS_PER_ADDRESS`` when set to a positive whole
    number, else ``SESSIONS_PER_ADDRESS``."""
    value = (env if env is not None else os.environ).get(ENV_VAR, "")
    return int(value) if value.isdigit() and int(value) > 0 else SESSIONS_PER_ADDRESS


class SessionCap:
    """Which live sessions each address holds; ``is_live`` says whether a
    session still exists (the server forgets closed ones on its own)."""

    def __init__(self, limit: int, is_live: Callable[[str], bool]) -> None:
        self._limit = limit
        self._is_live = is_live
        self._lock = threading.Lock()
        self._by_address: dict[str, set[str]] = {}

    def admit(self, session_id: str, address: str) -> bool:
        """Whether this session may run; admitted sessions count until closed."""
        with self._lock:
            held = self._by_address.setdefault(address, set())
            if session_id in held:
                return True
            if len(held) >= self._limit:
                held.intersection_update({s for s in held if self._is_live(s)})
            if len(held) >= self._limit:
                return False
            held.add(session_id)
            return True
