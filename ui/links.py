"""Join links and QR codes for the room."""

from __future__ import annotations

import io

import segno
import streamlit as st

from serving import address
from survey.i18n import LANGUAGE_NAMES, LANGUAGES, N_
from ui.i18n import _

LOOPBACK_WARNING = N_(
    "Phones cannot open this link: it points at this computer itself "
    "(no network address was found). Connect this computer to the venue's "
    "Wi-Fi and restart, or set PULSE_PUBLIC_URL to the address people can reach."
)


def join_base() -> address.JoinBase:
    """Where participants reach this app: ``PULSE_PUBLIC_URL`` if set, else this
    machine's network address with the port phones connect to (never the
    facilitator's own ``localhost``)."""
    return address.join_base(int(st.get_option("server.port")))


def join_url(
    code: str, base: address.JoinBase | None = None, language: str | None = None
) -> str:
    """The join link; with ``language`` it opens in that language (a Welsh QR
    code: ``&lang=cy``), otherwise each phone picks its own."""
    suffix = f"&lang={language}" if language in LANGUAGES else ""
    return address.join_url(base or join_base(), code) + suffix


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


def join_language_choice() -> str | None:
    """The facilitator's choice of join-link language (None: each phone decides)."""
    return st.sidebar.radio(
        _("Join link language"),
        [None, *LANGUAGES],
        format_func=lambda lang: (
            _("Each phone's own") if lang is None else LANGUAGE_NAMES[lang]
        ),
        key="join-language",
        help=_(
            "A Welsh or English QR code opens the pulse in that language; "
            "participants can still switch on their phone."
        ),
    )
