"""Join links and QR codes for the room."""

from __future__ import annotations

import io
import os
from urllib.parse import urlsplit

import segno
import streamlit as st


def base_url() -> str:
    """Where participants reach this app: ``PULSE_PUBLIC_URL`` if set (behind a
    proxy), else the address the facilitator's browser is using."""
    configured = os.environ.get("PULSE_PUBLIC_URL")
    if configured:
        return configured.rstrip("/")
    current = st.context.url or "http://localhost:8501"
    parts = urlsplit(current)
    return f"{parts.scheme}://{parts.netloc}"


def join_url(code: str) -> str:
    return f"{base_url()}/?code={code}"


def qr_png(url: str, scale: int = 14) -> bytes:
    """A QR code with a high error-correction level: scannable from the back of
    a room even on a washed-out projector."""
    buffer = io.BytesIO()
    segno.make(url, error="q").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def big_code(code: str) -> None:
    """The join code in letters readable from the back of a room.

    Only codes from our own alphabet reach the HTML, never free text.
    """
    if not code.isalnum():
        raise ValueError("Join codes are letters and digits only.")
    st.html(
        '<div style="font-size: clamp(3rem, 7vw, 6rem); font-weight: 700; '
        f'letter-spacing: 0.25em; font-family: monospace;">{code}</div>'
    )
