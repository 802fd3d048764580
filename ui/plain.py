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
