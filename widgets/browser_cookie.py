"""Keeps the facilitator's sign-in token, and a random client id, in cookies.

Why cookies and not localStorage: Streamlit hands the server the cookies of
the websocket's opening request (``st.context.cookies``) before the first
script run, so a reload or a new tab is signed in on its very first run — the
sign-in form never flashes onto a projector. The browser sets the cookies
through this invisible Custom Components v2 element, because Streamlit has no
server-side way to set one.

- ``tp_facilitator``: the random sign-in token (``access.tokens``), with a
  ``Max-Age`` equal to what is left of the sign-in, ``SameSite=Strict``,
  ``Secure`` on https. Cleared on sign-out.
- ``tp_client``: a random id, so failed sign-ins pause only the browser that
  made them (``access.signin``); it identifies no person. The server picks it
  (the cookie's value when the browser sent one, else a fresh one for this
  session) and the browser stores *that* id: a browser whose first session had
  no cookie yet keeps counting its failures under the same id in its next
  session, whichever worker process serves it. (When the browser chose its own
  id, the failures of its first session were counted under the session's id and
  a reload, or a second worker, started it from zero.)
"""

from __future__ import annotations

import json

import streamlit as st

from widgets.invisible import invisible_component

SESSION_COOKIE = "tp_facilitator"
CLIENT_COOKIE = "tp_client"
_MARKER_CLASS = "tp-browser-cookie"

_JS = f"""
const SESSION = {json.dumps(SESSION_COOKIE)};
const CLIENT = {json.dumps(CLIENT_COOKIE)};

function readCookie(name) {{
  for (const part of document.cookie.split(";")) {{
    const [key, ...rest] = part.trim().split("=");
    if (key === name) return rest.join("=");
  }}
  return null;
}}

function writeCookie(name, value, maxAge) {{
  const secure = window.location.protocol === "https:" ? "; Secure" : "";
  document.cookie =
    `${{name}}=${{value}}; Max-Age=${{maxAge}}; Path=/; SameSite=Strict${{secure}}`;
}}

function randomId() {{
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}}

export default function (component) {{
  const data = component.data || {{}};
  if (!readCookie(CLIENT)) {{
    const id = typeof data.client === "string" && /^[0-9a-f]{{32}}$/.test(data.client)
      ? data.client
      : randomId();
    writeCookie(CLIENT, id, 400 * 24 * 3600);
  }}
  if (typeof data.token === "string" && /^[A-Za-z0-9_-]+$/.test(data.token)) {{
    if (readCookie(SESSION) !== data.token) {{
      writeCookie(SESSION, data.token, Math.max(1, Math.floor(data.max_age)));
    }}
  }} else if (data.clear && readCookie(SESSION) !== null) {{
    writeCookie(SESSION, "", 0);
  }}
}}
"""

_component = invisible_component("together_pulse_browser_cookie", _MARKER_CLASS, _JS)


def keep_session_cookie(
    token: str | None, max_age_s: float, client: str | None = None
) -> None:
    """Make the browser hold ``token`` (or, with None, drop any sign-in cookie),
    and ``client`` as its client id when it has none yet."""
    data: dict[str, object] = (
        {"token": token, "max_age": int(max_age_s)}
        if token is not None
        else {"clear": True}
    )
    if client is not None:
        data["client"] = client
    _component(key="tp_browser_cookie", data=data, width="content", height="content")


def cookie(name: str) -> str | None:
    """A cookie the browser sent when this session's websocket opened."""
    value = st.context.cookies.get(name)
    # Only text counts: AppTest's stand-in client hands back mock objects.
    return value if isinstance(value, str) and value else None
