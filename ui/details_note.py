"""A note that opens on request, as the browser's own ``<details>`` element.

Streamlit's ``st.expander`` draws its arrow with the Material Symbols icon
font, a 375 KB download that the participant page needs for nothing else: every
fresh phone in a hall would fetch it. A native ``<details>``/``<summary>`` needs
no font or script, opens with a tap, Enter or Space, and screen readers announce
it as collapsed or expanded by themselves.

Only our own words go in, and they are escaped: the one piece of Markdown the
notes use, ``**bold**``, becomes ``<strong>`` after escaping.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from html import escape

import streamlit as st

_BOLD = re.compile(r"\*\*(.+?)\*\*")
MARKER_CLASS = "tp-details"


def _inline(text: str) -> str:
    return _BOLD.sub(r"<strong>\1</strong>", escape(text))


def details_html(summary: str, points: Sequence[str]) -> str:
    """The markup: ``summary`` as the always-visible line, ``points`` as a list."""
    items = "".join(f"<li>{_inline(point)}</li>" for point in points)
    return (
        f'<details class="{MARKER_CLASS}"><summary>{escape(summary)}</summary>'
        f"<ul>{items}</ul></details>"
    )


def details_note(summary: str, points: Sequence[str]) -> None:
    st.html(details_html(summary, points))
