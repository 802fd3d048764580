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

While that run is on its way the page is still in the other language, and the
answer form's options are matched by their labels (Streamlit sends a radio's
choice as the option's label text): a tap on the English "5, Somewhat agree"
means nothing to the Welsh form that replaces it, so it would be dropped
without a word. So from the report until that run has finished, every form on
the page is ``inert`` (no tap, no key, nothing sent), dimmed and ``aria-busy``,
and a polite status says "Loading…" in the language on its way. If the run
never comes the form is released after ``HOLD_LIMIT_MS`` anyway.
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

HOLD_LIMIT_MS = 15_000
"""The longest the forms stay inert waiting for the language's run."""
HOLD_CLASS = "tp-language-hold"
"""The status element shown while the forms are held."""

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
const HOLD_CLASS = {HOLD_CLASS!r};
const HOLD_LIMIT_MS = {HOLD_LIMIT_MS};
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

// Forms stay inert from the report until the run in the reported language
// has finished (see the module docstring). One hold per page.
function holdForms(lang, words) {{
  if (window.tpLanguageHold) return;
  const status = document.createElement("div");
  status.className = HOLD_CLASS;
  status.setAttribute("role", "status");
  status.lang = lang;
  document.body.appendChild(status);
  // Filled after insertion, so screen readers announce it (politely).
  setTimeout(() => {{ status.textContent = words || "…"; }}, 50);
  const held = new Set();
  const apply = () => {{
    for (const form of document.querySelectorAll("[data-testid=stForm]")) {{
      if (held.has(form)) continue;
      held.add(form);
      form.inert = true;
      form.setAttribute("aria-busy", "true");
    }}
  }};
  apply();
  const watch = new MutationObserver(apply);
  watch.observe(document.body, {{ childList: true, subtree: true }});
  const hold = {{ lang, polling: false }};
  hold.release = () => {{
    if (window.tpLanguageHold !== hold) return;
    window.tpLanguageHold = null;
    watch.disconnect();
    clearTimeout(hold.limit);
    for (const form of held) {{
      form.inert = false;
      form.removeAttribute("aria-busy");
    }}
    status.remove();
  }};
  hold.limit = setTimeout(hold.release, HOLD_LIMIT_MS);
  window.tpLanguageHold = hold;
}}

// Called when this component is drawn in `lang`: release the hold once the
// run drawing it has finished (seen twice in a row, so a state not yet
// updated for this run cannot release it early).
function releaseAfterRun(lang) {{
  const hold = window.tpLanguageHold;
  if (!hold || hold.lang !== lang || hold.polling) return;
  hold.polling = true;
  let idle = 0;
  const poll = () => {{
    if (window.tpLanguageHold !== hold) return;
    const app = document.querySelector("[data-testid=stApp]");
    const state = app && app.getAttribute("data-test-script-state");
    idle = state === "running" || state === "rerunRequested" ? 0 : idle + 1;
    if (idle >= 2) hold.release();
    else setTimeout(poll, 100);
  }};
  setTimeout(poll, 100);
}}

export default function (component) {{
  const {{ parentElement, setStateValue, data }} = component;
  const shown = data && LANGUAGES.includes(data.lang) ? data.lang : null;
  if (shown === null) return;
  document.documentElement.lang = shown;
  releaseAfterRun(shown);
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
    holdForms(stored, (data.loading || {{}})[stored]);
    setStateValue("{_STATE_NAME}", stored);
  }}
}}
"""

# While held: the forms dimmed, the status a small pill at the top of the
# screen in the system's own colours (contrast in light and dark schemes).
_HOLD_CSS = f"""
[data-testid='stForm'][aria-busy='true'] {{ opacity: 0.5; }}
.{HOLD_CLASS} {{
  position: fixed; top: 0.5rem; left: 50%; transform: translateX(-50%);
  z-index: 1000; padding: 0.25rem 0.75rem; border-radius: 1rem;
  background: Canvas; color: CanvasText; border: 1px solid CanvasText;
}}
"""

_document_language = invisible_component(
    "together_pulse_document_language", _MARKER_CLASS, _JS, extra_css=_HOLD_CSS
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


def document_language(
    language: str, *, remember: bool, loading: Mapping[str, str] | None = None
) -> None:
    """Set the document's ``lang`` to ``language``; store it when ``remember``.

    ``loading`` is "Loading…" in each language, shown while the forms wait
    for a remembered language's run (the words of the language on its way)."""
    _document_language(
        key=KEY,
        data={"lang": language, "remember": remember, "loading": dict(loading or {})},
        width="content",
        height="content",
        on_remembered_change=_on_remembered_change,
    )
