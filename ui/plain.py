"""Typed text as plain text in Streamlit's Markdown places.

Titles, captions, alerts, metrics and most widget labels (and radio options)
are rendered by Streamlit as Markdown, including images: a name containing
``![](http://host/px.gif)`` would make every browser showing it fetch that
address. CommonMark lets any ASCII punctuation be backslash-escaped, and an
escaped character is always literal, so escaping every one of them leaves no
Markdown, HTML, LaTeX (``$``), colour directive (``:red[…]``) or typographic
replacement (``->``) in the text. Use ``plain()`` on any text a person typed
(programme, session, group, question, dimension, action names) that goes
through such a place; ``st.text``, ``st.code``, tables and charts show text
as it is and need nothing.
"""

from __future__ import annotations

import re
import string

_PUNCTUATION = re.compile("([" + re.escape(string.punctuation) + "])")


def plain(text: object) -> str:
    """``text`` with every ASCII punctuation character backslash-escaped, and
    line breaks flattened to spaces (labels and titles are one line)."""
    flat = " ".join(str(text).split())
    return _PUNCTUATION.sub(r"\\\1", flat)


# GFM turns bare web addresses and e-mail addresses into links after escapes
# are resolved, so escaping cannot stop it; a WORD JOINER (U+2060, invisible,
# never a line break) between "https" / "www" / "name" and what follows can.
_AUTOLINK = re.compile(r"(?i)\b(https?|www)(?=\\[:.])|(?=\\@)")
WORD_JOINER = "\u2060"


def unlinked(escaped: str) -> str:
    """``plain()`` output that GFM cannot turn into a link either: a word
    joiner after "http(s)" and "www" and before "@" (seen as nothing).

    For text no screen reader reads from the page (a label Streamlit marks
    ``aria-hidden`` and names separately), so the joiner is never heard.
    """
    return _AUTOLINK.sub(lambda m: (m.group(1) or "") + WORD_JOINER, escaped)
