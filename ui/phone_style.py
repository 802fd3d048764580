"""Styling for the participant page: thumb-sized answer buttons, less chrome.

Only our own constant CSS goes through ``st.html``; no participant text does.
"""

import json

import streamlit as st

from survey.instrument import SCALE_HIGH, SCALE_LABELS, SCALE_LOW
from ui.i18n import _, current_language

_CSS = r"""
<style>
/* Answer buttons at least 44 px tall: comfortable for a thumb. */
[data-testid='stButtonGroup'] button[data-variant='segmented_control'] {
  min-height: 2.9rem !important; font-size: 1.05rem;
}
/* The scale's end labels under every item, drawn by CSS: no extra element
   per item to send or render. The group becomes a wrapping flex box: label
   and buttons take full rows, the two end labels share the last row. */
[data-testid='stButtonGroup'] { display: flex; flex-wrap: wrap; }
[data-testid='stButtonGroup'] > * { flex-basis: 100%; }
[data-testid='stButtonGroup']::before,
[data-testid='stButtonGroup']::after {
  flex: 1 1 50%; font-size: 0.8rem; color: rgba(49, 51, 63, 0.7);
  margin-top: 0.25rem;
}
[data-testid='stButtonGroup']::before {
  content: LOW_LABEL; order: 2; text-align: left;
}
[data-testid='stButtonGroup']::after {
  content: HIGH_LABEL; order: 3; text-align: right;
}
/* The language link (ui/i18n.language_switch): top right, thumb-sized. */
.tp-language { text-align: right; margin: -0.5rem 0 -1rem; }
.tp-language a {
  display: inline-block; min-height: 2.75rem; min-width: 2.75rem;
  padding: 0.6rem 0.5rem; box-sizing: border-box; font-weight: 600;
}
@media (max-width: 640px) {
  [data-testid='stMainBlockContainer'] { padding-top: 1.5rem; }
}
</style>
"""


# Streamlit's own hint under a text box ("Press Enter to submit form") has no
# Welsh; the Join button beside it says the same, so it is hidden in Welsh.
_HIDE_ENGLISH_HINTS = """
<style>[data-testid='InputInstructions'] { display: none; }</style>
"""


def _css_string(text: str) -> str:
    """A CSS string literal for catalogue text (JSON escaping is valid CSS)."""
    return json.dumps(text, ensure_ascii=False).replace("<", "\\3c ")


def apply_phone_style() -> None:
    low = _css_string(f"← {_(SCALE_LABELS[SCALE_LOW])}")
    high = _css_string(f"{_(SCALE_LABELS[SCALE_HIGH])} →")
    css = _CSS.replace("LOW_LABEL", low).replace("HIGH_LABEL", high)
    if current_language() != "en":
        css += _HIDE_ENGLISH_HINTS
    st.html(css)
