"""A random per-browser token kept in localStorage (DESIGN.md, promise 5).

The token lets the server de-duplicate responses per device and pulse without
knowing who anyone is: the browser keeps 32 random bytes under one localStorage
key, and the server only ever stores an HMAC of them with a per-pulse secret.

The browser also keeps a copy in a first-party cookie (``COOKIE_NAME``):
Streamlit hands the server the cookies of the websocket's opening request
before the first script run (``st.context.cookies``), so a reload of the join
link knows the device at once and can say "already answered" without first
drawing the form. localStorage stays the source; the cookie is rewritten from
it on every mount (and restores it when only the cookie survived).

This is a Custom Components v2 element (``st.components.v2.component``) with
inline JavaScript (widgets/invisible.py): it draws nothing and takes no space.
"""

from __future__ import annotations

import streamlit as st

from survey.codes import DEVICE_TOKEN_HEX_LENGTH, valid_device_token
from widgets.invisible import invisible_component

STORAGE_KEY = "together-pulse-device"
"""The localStorage key that holds the token in the browser."""
COOKIE_NAME = "tp_device"
"""The cookie that carries a copy of the token to the server's first run."""
COOKIE_MAX_AGE_S = 400 * 24 * 3600  # browsers cap a cookie's life at 400 days

TOKEN_BYTES = 32
TOKEN_HEX_LENGTH = DEVICE_TOKEN_HEX_LENGTH
_STATE_NAME = "token"
_MARKER_CLASS = "tp-device-token"

# The component's JavaScript. It reports the token through `setStateValue`
# once per mount. `reported` is module-level: the module is imported once per
# page and Streamlit may call the default export again for the same mount
# (e.g. on a theme change); a new mount (another page, then back) has a new
# parentElement and reports again, which is right because the server dropped
# the widget's state when it was not rendered.
_JS = f"""
const STORAGE_KEY = {STORAGE_KEY!r};
const COOKIE_NAME = {COOKIE_NAME!r};
const COOKIE_MAX_AGE = {COOKIE_MAX_AGE_S};
const TOKEN_BYTES = {TOKEN_BYTES};
const TOKEN_RE = /^[0-9a-f]{{{TOKEN_HEX_LENGTH}}}$/;
const reported = new WeakSet();

function newToken() {{
  const bytes = new Uint8Array(TOKEN_BYTES);
  globalThis.crypto.getRandomValues(bytes);
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return hex;
}}

function cookieToken() {{
  for (const part of document.cookie.split(";")) {{
    const [key, value] = part.trim().split("=");
    if (key === COOKIE_NAME && TOKEN_RE.test(value || "")) return value;
  }}
  return null;
}}

// A copy for the server's first script run of the next visit (never fatal).
function keepCookie(token) {{
  try {{
    if (cookieToken() === token) return;
    const secure = window.location.protocol === "https:" ? "; Secure" : "";
    document.cookie = `${{COOKIE_NAME}}=${{token}}; Max-Age=${{COOKIE_MAX_AGE}}; ` +
      `Path=/; SameSite=Lax${{secure}}`;
  }} catch (err) {{
    // cookies disabled: the page learns the token a moment later instead
  }}
}}

// The stored token, restored from the cookie or created if missing or
// malformed. Throws when localStorage
// is unavailable (SecurityError, QuotaExceededError, ...); returns null when a
// freshly written token does not read back, so only a persisted token is used.
function storedToken() {{
  const storage = window.localStorage;
  const existing = storage.getItem(STORAGE_KEY);
  if (typeof existing === "string" && TOKEN_RE.test(existing)) return existing;
  const token = cookieToken() || newToken();
  storage.setItem(STORAGE_KEY, token);
  return storage.getItem(STORAGE_KEY) === token ? token : null;
}}

export default function (component) {{
  const {{ parentElement, setStateValue }} = component;
  if (reported.has(parentElement)) return;
  reported.add(parentElement);
  let token = null;
  try {{
    token = storedToken();
  }} catch (err) {{
    token = null;
  }}
  if (token === null) return;
  keepCookie(token);
  setStateValue("{_STATE_NAME}", token);
}}
"""

_device_token_component = invisible_component(
    "together_pulse_device_token", _MARKER_CLASS, _JS
)


def _on_token_change() -> None:
    """No-op: declaring ``on_token_change`` makes ``token`` a state key."""


def clean_token(value: object) -> str | None:
    """Return ``value`` if it is a well-formed device token, else None.

    The browser can send anything, so only exactly 64 lowercase hex characters
    are accepted (uppercase is refused so one device has one spelling).
    """
    return value if valid_device_token(value) else None


def device_token(key: str = "device_token") -> str | None:
    """This browser's device token, or None while it is not (yet) known.

    Mounts an invisible component whose JavaScript reads a token from
    ``localStorage[STORAGE_KEY]``, or creates one (32 bytes from
    ``crypto.getRandomValues``, as 64 lowercase hex characters) and stores it,
    then reports it to Python once per mount with ``setStateValue("token", …)``.
    That report triggers one script rerun, in which this returns the token;
    it stays available on later reruns of the session.

    The page never waits for it. None is a normal answer:

    - on the first script run of a session (the browser has not reported yet);
    - when JavaScript does not run (blocked, or outside a browser, e.g. under
      ``streamlit.testing.v1.AppTest`` or with no script run context);
    - when localStorage is unavailable or the token cannot be persisted there
      (some private windows, storage disabled or full): the component then
      reports nothing rather than a session-only token, so a token is only
      ever one that should survive a reload;
    - when the reported value is not exactly 64 lowercase hex characters (it
      comes from the browser and is attacker-controlled).

    Use the return value, not ``st.session_state[key]``: session state holds
    the raw, unvalidated report. ``key`` must be unique on the page. Call it
    outside ``st.form`` (inside a form the report waits for the submit button);
    inside a fragment the report reruns only that fragment.
    """
    result = _device_token_component(
        key=key,
        width="content",
        height="content",
        on_token_change=_on_token_change,
    )
    return clean_token(result.get(_STATE_NAME))


def cookie_token() -> str | None:
    """The token's copy in the cookie sent when this session's websocket
    opened (None on a first visit, with cookies off, or outside a browser;
    validated like the component's report, since the browser can send anything):
    known on the very first script run, before the component reports."""
    return clean_token(st.context.cookies.get(COOKIE_NAME))
