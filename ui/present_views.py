"""What the projector shows: the join QR code, link and code, the live count,
and the closing countdown — sized from the window's width *and* height.

Used by the facilitator's Present page and by the present-only projector page
(a link ``/?view=TOKEN``, see ``projector_screen``), which needs no sign-in
and shows nothing else.

Sizing: the QR code is an SVG whose side is ``min(column width, viewport
height − what sits above and below it)``, so it stays whole and scannable
from 1024×768 to 3840×2160, with or without the sidebar. The join code's font
size is ``min(a share of its column's width (container query units), a share
of the viewport height)``, so six characters always fit their column.
"""

from __future__ import annotations

import base64
import html
import io
import math
import time
from collections.abc import Callable

import segno
import streamlit as st

from access import tokens
from storage import closing, results, sessions
from storage.db import Store
from storage.programmes import PulseInfo, pulse_by_id
from survey.i18n import LANGUAGES, N_, translations
from survey.words import held_out_sentence
from ui.i18n import _
from ui.links import LOOPBACK_WARNING, join_base, join_url
from ui.pickers import pulse_name
from ui.plain import plain
from ui.ticket_views import printed_cards_text

# The words the room reads, in the join link's language (a Welsh QR code gets
# Welsh instructions).
_SCAN = N_("Scan with your phone camera")
_GO_TO = N_("Or go to")
_TYPE_CODE = N_("and type the code")
_SO_FAR = N_("Answers so far")

_PAGE_CSS = """
<style>
/* The projector needs the room: less padding around the page. */
.stMainBlockContainer { padding: 3.75rem 2rem 1rem 2rem; max-width: none; }
.stMainBlockContainer h1 { font-size: min(2rem, 4dvh); padding: 0; }
.tp-qr { width: min(100%, calc(100dvh - 10.75rem)); margin: 0 auto; }
.tp-qr img { display: block; width: 100%; height: auto; image-rendering: pixelated; }
.tp-box { container-type: inline-size; width: 100%; }
.tp-code {
  font-family: monospace; font-weight: 700; letter-spacing: 0.1em;
  font-size: min(21cqi, 18dvh); line-height: 1.1; white-space: nowrap;
}
.tp-link { font-family: monospace; font-size: clamp(0.9rem, 5cqi, 4dvh);
  overflow-wrap: anywhere; }
.tp-label { font-size: clamp(1rem, 6cqi, 4dvh); margin: 0.3em 0 0.1em 0; }
.tp-count { font-size: clamp(1rem, 6cqi, 4.5dvh); margin-top: 0.5em; }
.tp-count strong { font-size: 1.6em; }
</style>
"""


def qr_svg(url: str, title: str = "Join QR code") -> str:
    """The join QR code as an SVG that scales to any size without blurring.

    Error correction Q survives a washed-out projector; a quiet zone of four
    modules (the standard's) keeps it decodable against the page."""
    buffer = io.BytesIO()
    segno.make(url, error="q").save(
        buffer,
        kind="svg",
        border=4,
        xmldecl=False,
        svgns=True,
        nl=False,
        omitsize=True,
        dark="#000",
        light="#fff",
        svgclass="tp-qr-svg",
        title=title,
    )
    return buffer.getvalue().decode()


def present_view(store: Store, pulse: PulseInfo, language: str | None = None) -> None:
    """The whole projected view of one pulse; with ``language`` the QR code
    opens the pulse in that language (else each phone picks its own)."""
    base = join_base()
    url = join_url(pulse.code, base, language)
    st.html(_PAGE_CSS)
    if not base.reachable:
        st.warning(_(LOOPBACK_WARNING), icon=":material/wifi_off:")
    st.title(plain(pulse_name(pulse.session_title, pulse.moment)), anchor=False)
    qr, words = st.columns([3, 2], vertical_alignment="center", gap="large")
    with qr:
        alt = _html_text(_("QR code to join this pulse"))
        svg = base64.b64encode(qr_svg(url, _("Join QR code")).encode()).decode()
        st.html(
            f'<div class="tp-qr"><img alt="{alt}" '
            f'src="data:image/svg+xml;base64,{svg}"></div>'
        )
    lang = language or "en"
    words_in = translations(lang).gettext

    def label(text: str) -> str:
        return _html_text(words_in(text))

    with words:
        if not pulse.code.isalnum():
            raise ValueError("Join codes are letters and digits only.")
        st.html(
            f'<div class="tp-box" lang="{lang}">'
            f'<p class="tp-label">{label(_SCAN)}</p>'
            f'<p class="tp-label">{label(_GO_TO)}</p>'
            f'<div class="tp-link">{_html_text(url.split("?")[0])}</div>'
            f'<p class="tp-label">{label(_TYPE_CODE)}</p>'
            f'<div class="tp-code" data-testid="join-code">{pulse.code}</div>'
            "</div>"
        )
        live_count(store, pulse.id, lang)


def _html_text(text: str) -> str:
    return html.escape(text, quote=True)


def closing_line(
    store: Store, pulse_id: int, words_in: Callable[[str], str] = str
) -> str | None:
    """ "Closing in 42 s" while a pulse is in its grace period; closes it (through
    the one close path) once the grace period is over."""
    deadline = closing.deadline(store, pulse_id)
    if deadline is None:
        return None
    left = deadline - time.time()
    if left <= 0:
        closing.finish_due(store)
        return None
    return words_in(N_("Closing in {seconds} s — send your answers now.")).format(
        seconds=math.ceil(left)
    )


def live_count(store: Store, pulse_id: int, lang: str = "en") -> None:
    """The total count (never per group) and the closing countdown, in the
    room's language. Refreshes every second while closing, else every three."""
    status_before = results.room_counts(store, pulse_id).status
    words_in = translations(lang).gettext

    def body() -> None:
        room = results.room_counts(store, pulse_id)
        line = closing_line(store, pulse_id, words_in)
        count = f"<strong>{room.n_now}</strong>"
        if room.total_expected:
            count = _html_text(words_in(N_("{n} of {expected} expected"))).format(
                n=count, expected=room.total_expected
            )
        cards = printed_cards_text(store, pulse_id, translations(lang).ngettext)
        cards_line = (
            f'<p class="tp-label" data-testid="cards-printed">{_html_text(cards)}</p>'
            if cards
            else ""
        )
        st.html(
            f'<div class="tp-box" lang="{lang}"><div class="tp-count" '
            f'data-testid="answer-count">{_html_text(words_in(_SO_FAR))}'
            f": {count}</div>{cards_line}</div>"
        )
        if line:
            st.warning(line, icon=":material/timer:")
        elif room.status == "closed":
            st.info(words_in(N_("This pulse has closed. Thank you!")))
        elif room.status != "open":
            st.info(words_in(N_("This pulse is not open yet.")))
        if room.held_out:
            # The count above includes them: say, as the live room does, why
            # they are in no figure (issue 10).
            st.caption(
                held_out_sentence(room.held_out, room.k, translations(lang).ngettext)
            )
        if room.status != status_before and room.status != "closing":
            st.rerun(scope="app")

    run_every = 1 if status_before == "closing" else 3
    st.fragment(run_every=run_every)(body)()


def projector_link_controls(
    store: Store, pulse_id: int, language: str | None = None
) -> None:
    """Make a present-only link for this pulse (shown once), or revoke them."""
    with st.expander(":material/cast: " + _("Projector link")):
        st.caption(
            _(
                "Open this link on the projector's computer: it shows only this "
                "pulse's QR code, code and count, needs no sign-in, and works "
                "until you revoke it."
            )
        )
        if st.button(_("Make a projector link"), key=f"screen-new-{pulse_id}"):
            token = tokens.new_screen_link(store, pulse_id)
            lang = f"&qr_lang={language}" if language else ""
            st.session_state[f"_screen_link_{pulse_id}"] = (
                f"{join_base().url}/?view={token}{lang}"
            )
        made = st.session_state.get(f"_screen_link_{pulse_id}")
        if made and tokens.screen_pulse(store, _view_token(made)) == pulse_id:
            st.code(made, language=None, wrap_lines=True)
        live = sessions.screen_link_count(store, pulse_id)
        if live and st.button(
            _("Revoke projector links ({n})").format(n=live),
            key=f"screen-revoke-{pulse_id}",
        ):
            tokens.revoke_screen_links(store, pulse_id)
            st.session_state.pop(f"_screen_link_{pulse_id}", None)
            st.rerun()


def _view_token(link: str) -> str:
    return link.split("view=", 1)[1].split("&", 1)[0]


def projector_screen(store: Store, token: str) -> None:
    """The present-only page a projector link opens: the one pulse it names,
    nothing else, no sign-in; a revoked or unknown link says only that."""
    pulse_id = tokens.screen_pulse(store, token)
    if pulse_id is None:
        st.title(_("Projector link not valid"))
        st.info(
            _(
                "This projector link is not valid: it may have been revoked. Ask "
                "the facilitator for a new one."
            )
        )
    else:
        language = st.query_params.get("qr_lang")
        present_view(
            store,
            pulse_by_id(store, pulse_id),
            language if language in LANGUAGES else None,
        )
    st.stop()
