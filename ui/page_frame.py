"""What every page shares: contrast and target-size fixes to Streamlit's own
styling, and the footer with the accessibility statement link.

Streamlit draws captions as body text at reduced opacity (3.88:1 on white,
below WCAG's 4.5:1), its date segments at 18×20 px and its help "?" at 16 px.
The rules below raise those in both colour schemes: they change opacity and
sizes, never colours, so the light and dark themes both keep their own text
colour. Only our own constant CSS goes through ``st.html``.
"""

from __future__ import annotations

import re

import streamlit as st

from ui.i18n import _

_CSS = r"""
<style>
/* Captions: body text at 80% opacity is >= 6:1 on light and dark backgrounds
   (Streamlit's 60% is 3.88:1 on white). */
[data-testid='stCaptionContainer'] { opacity: 0.8 !important; }
/* WCAG 2.2 target size (minimum): every pointer target at least 24x24 px. */
[data-testid='stTooltipHoverTarget'] button {
  min-width: 24px; min-height: 24px;
  display: inline-flex; align-items: center; justify-content: center;
}
[data-testid='stDateInputField'] [role='spinbutton'] {
  display: inline-block; min-width: 24px; min-height: 24px;
  line-height: 24px; text-align: center;
}
/* On a phone, buttons a thumb can hit: 44 px tall. */
@media (max-width: 640px) {
  .stButton button, .stFormSubmitButton button, .stDownloadButton button,
  [data-testid='stPageLink'] a {
    min-height: 44px;
  }
}
/* Words a screen reader hears that the eye does not need, such as which row
   a button acts on (ui/markdown_text.heard_only): the :small[] span of a
   button label, visually hidden but still in the accessibility tree. */
button [data-testid='stMarkdownContainer'] p > span {
  position: absolute !important; width: 1px; height: 1px; margin: -1px;
  padding: 0; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%);
  white-space: nowrap; border: 0;
}
/* The language link in the facilitator sidebar (ui/i18n.language_switch). */
[data-testid='stSidebar'] .tp-language a {
  display: inline-block; min-height: 24px; min-width: 24px; padding: 0.25rem 0;
  font-weight: 600;
}
/* The footer (app.py): a hairline above, set apart from the page. */
.st-key-page-footer {
  border-top: 1px solid color-mix(in srgb, currentColor 30%, transparent);
  margin-top: 2rem; padding-top: 0.5rem;
}
</style>
"""
FOOTER_KEY = "page-footer"


def compact_css(css: str) -> str:
    """CSS without comments and runs of whitespace: it is sent on every run of
    every session, so the commented source costs bytes per participant."""
    return re.sub(r"\s+", " ", re.sub(r"/\*.*?\*/", "", css, flags=re.S)).strip()


_COMPACT = compact_css(_CSS)


def apply_page_style() -> None:
    st.html(_COMPACT)


def page_footer(statement: st.Page, *, icon: bool = True) -> None:
    """The accessibility statement link, on every page (call it inside the
    container keyed ``FOOTER_KEY``: its rule above is CSS, not a divider).

    ``icon=False`` on the participant pages: the icon is drawn with Streamlit's
    375 KB icon font, which a phone would otherwise download for it alone."""
    st.page_link(
        statement,
        label=_("Accessibility statement"),
        icon=":material/accessibility:" if icon else None,
    )
