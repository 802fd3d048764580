"""Styling for the participant page: the answer scale as a row of thumb-sized
boxes, thumb-sized group choices, less chrome.

The scale (ui/answer_form.py) is one ``st.radio`` per item. Its options are
drawn as boxes at least 44×44 px; the radio circles are hidden (the box is the
target, the choice shows as a thick border, tint and bold number, not by colour
alone). Each option's label is "N" + ", " + meaning in two ``:small[]`` spans:
the ", " is always visually hidden and the meaning too, except under 1 and 7
where it is the visible end label; a screen reader hears "5, Somewhat agree"
on every option. Nothing is a CSS pseudo-element, so all text is real, in
reading order and reaches contrast checks. Only colours derived from the
current text colour are used, so light and dark themes both work.

Only our own constant CSS goes through ``st.html``; no participant text does.
"""

import streamlit as st

from ui.i18n import current_language
from ui.page_frame import compact_css

_SCALE = "[class*='st-key-answer-']"
_GROUP = "[class*='st-key-group-']"

_CSS = f"""
<style>
{_SCALE}, {_SCALE} [data-testid='stRadio'] {{ width: 100%; }}
/* A grid of equal boxes: 7 in a row on a phone (47 px each at 390 px), and
   at 320 px; fewer per row only when zoomed further. The row gap holds the
   end labels when the boxes wrap. */
{_SCALE} [role='radiogroup'] {{
  display: grid; grid-template-columns: repeat(auto-fit, minmax(2.25rem, 1fr));
  column-gap: 0.3rem; row-gap: 2.75rem; width: 100%;
  position: relative; padding-bottom: 3rem;
}}
{_SCALE} [role='radiogroup'] > div {{ min-width: 0; margin: 0; position: static; }}
{_SCALE} [data-testid='stRadioOption'] {{
  position: relative; width: 100%; min-height: 2.75rem; margin: 0;
  box-sizing: border-box; display: flex !important;
  justify-content: center; align-items: center;
  border: 1px solid color-mix(in srgb, currentColor 60%, transparent);
  border-radius: 0.5rem; padding: 0;
}}
{_SCALE} [data-testid='stRadioOption'] > div {{
  flex: 1 1 auto; align-self: stretch;
  display: flex; justify-content: center; align-items: center;
}}
{_SCALE} [data-testid='stRadioOption'] > div > div:first-child {{ display: none; }}
{_SCALE} [data-testid='stRadioOption'] [data-testid='stMarkdownContainer'],
{_SCALE} [data-testid='stRadioOption'] p {{
  font-size: 1.05rem; margin: 0 !important; text-align: center; line-height: 1.5;
}}
{_SCALE} [data-testid='stRadioOption']:has(input:checked) {{
  border: 3px solid currentColor; font-weight: 700;
  background: color-mix(in srgb, currentColor 14%, transparent);
}}
{_SCALE} [data-testid='stRadioOption']:has(input:focus-visible) {{
  outline: 3px solid currentColor; outline-offset: 2px;
}}
/* ", " and the meaning: heard, not seen. Inline text at font-size 0 (not
   clipped out of flow), so the name is "5, Somewhat agree" with no space
   inserted before the comma ... */
{_SCALE} [data-testid='stRadioOption'] p > span {{
  display: inline !important; font-size: 0 !important;
}}
/* ... except the meaning of the two end points: the visible anchors, under
   their boxes. */
{_SCALE} [role='radiogroup'] > div:is(:nth-child(1), :nth-child(7))
  [data-testid='stRadioOption'] p > span:last-child {{
  position: absolute; top: calc(100% + 2px); white-space: nowrap;
  line-height: 2.75rem; font-size: 0.875rem !important; font-weight: 400;
}}
{_SCALE} [role='radiogroup'] > div:nth-child(1) p > span:last-child {{ left: 0; }}
{_SCALE} [role='radiogroup'] > div:nth-child(7) p > span:last-child {{ right: 0; }}
/* "Skip" takes an answer back: only there once an answer is chosen, in the
   middle of the end-label row (so the page does not jump). */
{_SCALE} [role='radiogroup'] > div:nth-child(8) {{
  position: absolute; bottom: 0; left: 50%; transform: translateX(-50%);
  min-width: 5rem;
}}
{_SCALE} [role='radiogroup'] > div:nth-child(8) [data-testid='stRadioOption'] {{
  border-style: dashed;
}}
{_SCALE} [role='radiogroup']:not(:has(input:checked)) > div:nth-child(8) {{
  display: none;
}}
/* "Who can see your answers?" (ui/details_note.py): a native <details>,
   framed like Streamlit's expander, its summary a thumb-sized target. */
.tp-details {{
  border: 1px solid color-mix(in srgb, currentColor 25%, transparent);
  border-radius: 0.5rem;
}}
.tp-details > summary {{
  min-height: 2.75rem; padding: 0.6rem 1rem; box-sizing: border-box;
  cursor: pointer;
}}
.tp-details > ul {{ margin: 0 1rem 1rem; }}
/* The language link (ui/i18n.language_switch): top right, thumb-sized. */
.tp-language {{ text-align: right; margin: -0.5rem 0 -1rem; }}
.tp-language a {{
  display: inline-block; min-height: 2.75rem; min-width: 2.75rem;
  padding: 0.6rem 0.5rem; box-sizing: border-box; font-weight: 600;
}}
@media (max-width: 359px) {{
  /* Narrow or zoomed: "Skip" gets a row of its own below the end labels. */
  {_SCALE} [role='radiogroup'] {{ padding-bottom: 6rem; }}
}}
@media (max-width: 640px) {{
  /* Group choices a thumb can hit: the whole option (circle and name) is
     the target, at least 44x44 however short the group's name. */
  {_GROUP} [data-testid='stRadioOption'] {{
    min-height: 2.75rem; min-width: 2.75rem; align-items: center;
    box-sizing: border-box;
  }}
  [data-testid='stMainBlockContainer'] {{ padding-top: 1.5rem; }}
}}
</style>
"""


# Streamlit's own hint under a text box ("Press Enter to submit form") has no
# Welsh; the Join button beside it says the same, so it is hidden in Welsh.
_HIDE_ENGLISH_HINTS = """
<style>[data-testid='InputInstructions'] { display: none; }</style>
"""
_COMPACT = compact_css(_CSS)


def apply_phone_style() -> None:
    css = _COMPACT
    if current_language() != "en":
        css += _HIDE_ENGLISH_HINTS
    st.html(css)
