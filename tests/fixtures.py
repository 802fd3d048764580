"""Shared test helpers (imported by tests; fixtures stay in conftest.py)."""

from __future__ import annotations

import re

_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def as_shown(markdown: str) -> str:
    """What a person reads from a Markdown body whose typed parts were escaped
    with ``ui.plain.plain``: every backslash-escaped character, literally."""
    return _ESCAPED.sub(r"\1", markdown)
