"""Styling for the participant page: thumb-sized answer buttons, less chrome.

Only our own constant CSS goes through ``st.html``; no participant text does.
"""

import streamlit as st

_CSS = """
<style>
/* Answer buttons at least 44 px tall: comfortable for a thumb. */
[data-testid='stButtonGroup'] button[data-variant='segmented_control'] {
  min-height: 2.9rem !important; font-size: 1.05rem;
}
.tp-anchors {
  display: flex; justify-content: space-between;
  font-size: 0.8rem; color: rgba(49, 51, 63, 0.65);
  margin-top: -0.75rem !important;
}
@media (max-width: 640px) {
  [data-testid='stMainBlockContainer'] { padding-top: 1.5rem; }
}
</style>
"""

_ANCHORS = (
    '<div class="tp-anchors" aria-hidden="true">'
    "<span>← Strongly disagree</span><span>Strongly agree →</span></div>"
)


def apply_phone_style() -> None:
    st.html(_CSS)


def scale_anchors() -> None:
    """The scale's end labels under an item, so anchors stay in view while scrolling."""
    st.html(_ANCHORS)
