"""Words heard by screen readers but not seen, inside Streamlit button labels."""

from __future__ import annotations

from ui.plain import plain


def heard_only(visible: str, spoken: str) -> str:
    """A button label showing ``visible`` whose accessible name also carries
    ``spoken`` (e.g. which row it acts on). The spoken part is a ``:small[]``
    span that ui/page_frame.py hides visually; it is escaped with ``plain()``
    because it may hold typed text (a question, a code)."""
    return f"{visible} :small[{plain(spoken)}]"
