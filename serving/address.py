"""Where phones reach the app: the base of every join link, QR code and code page.

A phone cannot open ``localhost`` or ``127.x``: that is the phone itself. So the
join address is ``PULSE_PUBLIC_URL`` when set (a domain, a proxy), else this
machine's address on the local network with the port participants connect to
(Caddy's under ``serve.py``, Streamlit's under ``streamlit run``). When only a
loopback address is known the caller is told, so the Present page can warn.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

PUBLIC_URL_ENV = "PULSE_PUBLIC_URL"
# Set by serve.py for its workers: the port phones connect to (Caddy's), which is
# not the port the worker itself listens on.
SERVED_PORT_ENV = "PULSE_SERVED_PORT"
# Connecting a UDP socket sends nothing, but makes the kernel pick the interface
# a real packet would leave by: a documentation address (RFC 5737), then a
# private one, for networks without a default route.
_PROBES = (("192.0.2.1", 9), ("10.254.254.254", 9))


@dataclass(frozen=True)
class JoinBase:
    """``url`` has no trailing slash; ``reachable`` is False when it is loopback."""

    url: str
    reachable: bool


def is_loopback(host: str) -> bool:
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def lan_address() -> str | None:
    """This machine's IPv4 address on its network, or None if it has none."""
    candidates: list[str] = []
    for target in _PROBES:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            try:
                probe.connect(target)
                candidates.append(probe.getsockname()[0])
            except OSError:
                pass
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        candidates += [str(info[4][0]) for info in infos]
    except OSError:
        pass
    for host in candidates:
        address = ipaddress.ip_address(host)
        if not (address.is_loopback or address.is_unspecified or address.is_link_local):
            return host
    return None


def _with_port(scheme: str, host: str, port: int) -> str:
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{host}" if port == default else f"{scheme}://{host}:{port}"


def join_base(
    port: int, env: Mapping[str, str] = os.environ, lan: str | None = None
) -> JoinBase:
    """The address phones use: ``PULSE_PUBLIC_URL``, else the LAN address with
    the served port (``PULSE_SERVED_PORT`` when set, else ``port``).

    ``lan`` overrides the detected address (tests); when no LAN address is
    known the result is the loopback URL with ``reachable=False``.
    """
    configured = (env.get(PUBLIC_URL_ENV) or "").strip()
    if configured:
        url = configured.rstrip("/")
        host = url.split("://", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        return JoinBase(url, not is_loopback(host))
    served = int(env.get(SERVED_PORT_ENV) or port)
    host = lan if lan is not None else lan_address()
    if host is None:
        return JoinBase(_with_port("http", "127.0.0.1", served), False)
    return JoinBase(_with_port("http", host, served), True)


def join_url(base: JoinBase | str, code: str) -> str:
    url = base.url if isinstance(base, JoinBase) else base
    return f"{url}/?code={code}"
