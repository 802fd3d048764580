"""Styling for the participant page: thumb-sized answer buttons, less chrome.

Only our own constant CSS goes through ``st.html``; no participant text does.
"""

import streamlit as st

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
  content: "← Strongly disagree"; order: 2; text-align: left;
}
[data-testid='stButtonGroup']::after {
  content: "Strongly agree →"; order: 3; text-align: right;
}
@media (max-width: 640px) {
  [data-testid='stMainBlockContainer'] { padding-top: 1.5rem; }
}
</style>
"""


def apply_phone_style() -> None:
    st.html(_CSS)
