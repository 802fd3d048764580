"""The document's ``lang`` attribute, and the language this browser remembers.

Streamlit serves ``<html lang="en">`` whatever the page shows, so a screen
reader would read Welsh with English rules. This invisible Custom Components
v2 element sets ``document.documentElement.lang`` to the language shown, every
time that changes.

It also remembers a participant's explicit choice (the language switch, or a
``?lang=`` link) in ``localStorage``, like ``widgets.device_token``. When a
later page opens without ``?lang=`` and the browser remembered another
language than the one shown, it reports that language once: one script rerun,
only for that browser, never per tap.
"""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from survey.i18n import LANGUAGES, clean_language
from widgets.invisible import invisible_component

STORAGE_KEY = "together-pulse-language"
"""The localStorage key that holds the remembered language."""
COOKIE_NAME = "tp_lang"
"""A copy of the remembered language in a first-party cookie: Streamlit hands
the server the cookies of the websocket's opening request before the first
script run (``st.context.cookies``), so a remembered choice is shown from the
first run. The component's report alone came a moment later and needed a
second run, which a device-token report arriving at the same time could
overtake, leaving the page in the browser's language."""
COOKIE_MAX_AGE_S = 400 * 24 * 3600  # browsers cap a cookie's life at 400 days

_STATE_NAME = "remembered"
_MARKER_CLASS = "tp-document-language"
_LANGUAGES_JS = "[" + ", ".join(f'"{lang}"' for lang in LANGUAGES) + "]"

# Called on mount and again whenever `data` changes (the language switched).
# `reported` remembers, per mount, the value already reported, so a stored
# language is reported at most once per mount.
_JS = f"""
const STORAGE_KEY = {STORAGE_KEY!r};
const COOKIE_NAME = {COOKIE_NAME!r};
const COOKIE_MAX_AGE = {COOKIE_MAX_AGE_S};
const LANGUAGES = {_LANGUAGES_JS};
const reported = new WeakMap();

// The copy the server reads on its first run next time (never fatal).
function keepCookie(lang) {{
  try {{
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${{COOKIE_NAME}}=${{lang}}; Max-Age=${{COOKIE_MAX_AGE}}; ` +
      `Path=/; SameSite=Lax${{secure}}`;
  }} catch (err) {{
    // cookies disabled: the choice still arrives, a run later
  }}
}}

function readStored() {{
  try {{
    const value = window.localStorage.getItem(STORAGE_KEY);
    return LANGUAGES.includes(value) ? value : null;
  }} catch (err) {{
    return null;
  }}
}}

export default function (component) {{
  const {{ parentElement, setStateValue, data }} = component;
  const shown = data && LANGUAGES.includes(data.lang) ? data.lang : null;
  if (shown === null) return;
  document.documentElement.lang = shown;
  if (data.remember) {{
    try {{
      window.localStorage.setItem(STORAGE_KEY, shown);
    }} catch (err) {{
      // Storage unavailable (private window, disabled): nothing to remember.
    }}
    keepCookie(shown);
    return;
  }}
  const stored = readStored();
  if (stored !== null) keepCookie(stored);
  if (stored !== null && stored !== shown && reported.get(parentElement) !== stored) {{
    reported.set(parentElement, stored);
    setStateValue("{_STATE_NAME}", stored);
  }}
}}
"""

_document_language = invisible_component(
    "together_pulse_document_language", _MARKER_CLASS, _JS
)

KEY = "document_language"


def _on_remembered_change() -> None:
    """No-op: declaring ``on_remembered_change`` makes ``remembered`` a state key."""


def remembered_language() -> str | None:
    """The language this browser remembers, if any (validated): its report,
    else the cookie sent when this session's websocket opened.

    Read before the page decides its language, i.e. before ``document_language``
    is drawn in this run: the report arrives as widget state.
    """
    state = st.session_state.get(KEY)
    value = state.get(_STATE_NAME) if isinstance(state, Mapping) else None
    return clean_language(value) or clean_language(st.context.cookies.get(COOKIE_NAME))


def document_language(language: str, *, remember: bool) -> None:
    """Set the document's ``lang`` to ``language``; store it when ``remember``."""
    _document_language(
        key=KEY,
        data={"lang": language, "remember": remember},
        width="content",
        height="content",
        on_remembered_change=_on_remembered_change,
    )
