"""Read a SQLite file the way someone holding a copy could: page by page.

Enough of the file format (https://www.sqlite.org/fileformat2.html) to list a
table's records in the order they sit on disk — by page, then by cell offset
within the page — without asking SQLite, which would hand them back in key
order and hide what the bytes say.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

_LEAF_TABLE, _LEAF_INDEX, _INTERIOR_TABLE, _INTERIOR_INDEX = 13, 10, 5, 2


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def _record(payload: bytes) -> tuple:
    header_size, at = _varint(payload, 0)
    types = []
    while at < header_size:
        serial, at = _varint(payload, at)
        types.append(serial)
    values: list[object] = []
    at = header_size
    sizes = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8}
    for serial in types:
        if serial in (0, 8, 9):
            values.append(None if serial == 0 else serial - 8)
        elif serial in sizes:
            size = sizes[serial]
            values.append(int.from_bytes(payload[at : at + size], "big", signed=True))
            at += size
        else:
            size = (serial - 12) // 2 if serial % 2 == 0 else (serial - 13) // 2
            raw = payload[at : at + size]
            values.append(raw.decode() if serial % 2 else raw)
            at += size
    return tuple(values)


def records_on_disk(path: Path, table: str) -> list[tuple[int, int, tuple]]:
    """(page, cell offset, record) for every record of ``table`` (a WITHOUT
    ROWID table or a rowid table), in the order they sit in the file."""
    data = Path(path).read_bytes()
    page_size = int.from_bytes(data[16:18], "big") or 65536
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        (root,) = conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?",
            [table],
        ).fetchone()
    found: list[tuple[int, int, tuple]] = []
    pending = [root]
    while pending:
        number = pending.pop()
        base = (number - 1) * page_size
        header = base + (100 if number == 1 else 0)
        kind = data[header]
        cells = int.from_bytes(data[header + 3 : header + 5], "big")
        interior = kind in (_INTERIOR_TABLE, _INTERIOR_INDEX)
        pointers = header + (12 if interior else 8)
        if interior:
            pending.append(int.from_bytes(data[header + 8 : header + 12], "big"))
        for i in range(cells):
            offset = int.from_bytes(
                data[pointers + 2 * i : pointers + 2 * i + 2], "big"
            )
            at = base + offset
            if interior:
                pending.append(int.from_bytes(data[at : at + 4], "big"))
                if kind == _INTERIOR_TABLE:
                    continue
                at += 4
            size, at = _varint(data, at)
            if kind == _LEAF_TABLE:
                _, at = _varint(data, at)  # rowid
            found.append((number, offset, _record(data[at : at + size])))
    return sorted(found, key=lambda cell: (cell[0], cell[1]))


def wal_commits(path: Path) -> list[bytes]:
    """The page images of each commit still in ``path``'s WAL, oldest first,
    each commit's pages joined (https://www.sqlite.org/fileformat2.html#walformat).
    What someone who copies the ``-wal`` file beside an open database holds."""
    wal = Path(f"{path}-wal").read_bytes()
    if len(wal) < 32:
        return []
    page_size = int.from_bytes(wal[8:12], "big")
    salts = wal[16:24]
    commits: list[bytes] = []
    pages: list[bytes] = []
    at = 32
    while at + 24 + page_size <= len(wal) and wal[at + 8 : at + 16] == salts:
        pages.append(wal[at + 24 : at + 24 + page_size])
        if int.from_bytes(wal[at + 4 : at + 8], "big"):  # commit frame
            commits.append(b"".join(pages))
            pages = []
        at += 24 + page_size
    return commits
