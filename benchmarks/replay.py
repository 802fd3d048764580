"""Replay a recorded browser page load over HTTP/1.1, as one phone.

A phone keeps its own cookie jar (Caddy's worker-affinity cookie, Streamlit's
XSRF cookie), sends the ``Accept-Encoding`` Chromium sends, and fetches over
up to six keep-alive connections, as Chromium does per host. The document
comes first; everything else follows in the recorded order. What counts is
what crosses the wire: header and body bytes as received (compressed when the
server compressed them), never decompressed sizes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.record_browser import DEFAULT_OUT

ACCEPT_ENCODING = "gzip, deflate, br, zstd"
USER_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 "
    "(KHTML, like Gecko) Chrome/140.0 Mobile Safari/537.36"
)
CONNECTIONS = 6  # Chromium's limit per host on HTTP/1.1


class ReplayError(Exception):
    pass


@dataclass
class PhoneLoad:
    """One phone's page load: bytes on the wire, statuses, and its cookies."""

    jar: dict[str, str] = field(default_factory=dict)
    wire_bytes: int = 0
    requests: int = 0
    failures: list[str] = field(default_factory=list)
    encodings: dict[str, int] = field(default_factory=dict)


def load_recording(path: Path = DEFAULT_OUT) -> list[str]:
    """The recorded GET paths (``{code}`` left in for the caller to fill)."""
    recording = json.loads(path.read_text())
    return [r["path"] for r in recording["requests"] if r["method"] == "GET"]


class _Connection:
    def __init__(self, host: str, port: int, phone: PhoneLoad) -> None:
        self.host, self.port, self.phone = host, port, phone
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        for attempt in (1, 2):  # a kept-alive connection the server closed
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(
                    self.host, self.port
                )
            try:
                return await self._exchange(path)
            except (ConnectionError, asyncio.IncompleteReadError):
                await self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, path: str) -> int:
        assert self.reader is not None and self.writer is not None
        cookie = "; ".join(f"{k}={v}" for k, v in self.phone.jar.items())
        request = (
            f"GET {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"User-Agent: {USER_AGENT}\r\nAccept: */*\r\n"
            f"Accept-Encoding: {ACCEPT_ENCODING}\r\n"
            + (f"Cookie: {cookie}\r\n" if cookie else "")
            + "Connection: keep-alive\r\n\r\n"
        )
        self.writer.write(request.encode())
        await self.writer.drain()
        head = await self.reader.readuntil(b"\r\n\r\n")
        self.phone.wire_bytes += len(head)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers: list[tuple[str, str]] = []
        for line in lines[1:]:
            if ":" in line:
                name, _, value = line.partition(":")
                headers.append((name.strip().lower(), value.strip()))
        get = {k: v for k, v in headers}
        for name, value in headers:
            if name == "set-cookie":
                key, _, rest = value.partition("=")
                self.phone.jar[key.strip()] = rest.split(";")[0]
        encoding = get.get("content-encoding", "identity")
        self.phone.encodings[encoding] = self.phone.encodings.get(encoding, 0) + 1
        if "content-length" in get:
            body = await self.reader.readexactly(int(get["content-length"]))
            self.phone.wire_bytes += len(body)
        elif get.get("transfer-encoding", "").lower() == "chunked":
            await self._chunked()
        elif status not in (204, 304):
            raise ReplayError(f"{path}: no length (status {status})")
        if get.get("connection", "").lower() == "close":
            await self.close()
        return status

    async def _chunked(self) -> None:
        assert self.reader is not None
        while True:
            size_line = await self.reader.readuntil(b"\r\n")
            self.phone.wire_bytes += len(size_line)
            size = int(size_line.split(b";")[0].strip(), 16)
            chunk = await self.reader.readexactly(size + 2)
            self.phone.wire_bytes += len(chunk)
            if size == 0:
                return

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            with contextlib.suppress(Exception):
                await self.writer.wait_closed()
        self.reader = self.writer = None


async def replay(host: str, port: int, paths: list[str], phone: PhoneLoad) -> None:
    """Fetch ``paths`` (the first alone, as the document) for one phone."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for path in paths[1:]:
        queue.put_nowait(path)
    connections = [_Connection(host, port, phone) for _ in range(CONNECTIONS)]

    async def fetch(connection: _Connection, path: str) -> None:
        status = await connection.get(path)
        phone.requests += 1
        if status >= 400:
            phone.failures.append(f"{path} -> {status}")

    async def drain(connection: _Connection) -> None:
        while not queue.empty():
            await fetch(connection, queue.get_nowait())

    try:
        await fetch(connections[0], paths[0])
        await asyncio.gather(*(drain(c) for c in connections))
    finally:
        for connection in connections:
            await connection.close()
