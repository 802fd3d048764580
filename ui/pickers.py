"""Choosing a programme and a pulse; the choice lives in the URL.

``?programme=`` (and ``?pulse=`` where a page has one) is the single source of
truth: a reload, a new tab or a copied link opens the same programme, and the
sidebar links carry both parameters to every page (``app.py``). The
selectboxes follow the URL, not the other way round: their state is set from
the URL before they are drawn, and a change the facilitator makes is written
to the URL by the widget's callback, before the next run draws the links.
The last choice is also kept for the browser session, for a link that has no
parameter (the first visit).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import streamlit as st

from storage import programmes
from storage.db import Store
from storage.programmes import PulseInfo
from survey.names import MOMENT_NAMES, PULSE_STATUS_NAMES, msgid_of
from survey.words import pulse_label
from ui.i18n import _, ngettext

PROGRAMME = "programme"
PULSE = "pulse"
_PROGRAMME_KEY = "programme_pick"
_PULSE_KEY = "pulse_pick"
_LAST = "_last_choice"


def chosen_params() -> dict[str, str]:
    """The ``programme``/``pulse`` parameters every facilitator link carries."""
    last: Mapping[str, str] = st.session_state.get(_LAST, {})
    params = {}
    for name in (PROGRAMME, PULSE):
        value = st.query_params.get(name) or last.get(name)
        if value and value.isdigit():
            params[name] = value
    if PROGRAMME not in params:
        params.pop(PULSE, None)
    return params


def select_programme(programme_id: int) -> None:
    """Make ``programme_id`` the chosen programme everywhere (e.g. after Create)."""
    st.query_params[PROGRAMME] = str(programme_id)
    if PULSE in st.query_params:
        del st.query_params[PULSE]
    _remember(PROGRAMME, str(programme_id))
    _remember(PULSE, None)


def _remember(name: str, value: str | None) -> None:
    last = dict(st.session_state.get(_LAST, {}))
    if value is None:
        last.pop(name, None)
    else:
        last[name] = value
    st.session_state[_LAST] = last


def _wanted(name: str) -> int | None:
    value = chosen_params().get(name)
    return int(value) if value is not None else None


def _on_programme_change() -> None:
    select_programme(int(st.session_state[_PROGRAMME_KEY]))


def _on_pulse_change() -> None:
    value = str(st.session_state[_PULSE_KEY])
    st.query_params[PULSE] = value
    _remember(PULSE, value)


def programme_picker(store: Store) -> int | None:
    """The programme being worked on (from ``?programme=``)."""
    options = dict(programmes.list_programmes(store))
    if not options:
        st.info(_("No programme yet: create one on the Programmes page."))
        return None
    ids = list(options)
    wanted = _wanted(PROGRAMME)
    chosen = wanted if wanted in options else ids[0]
    if chosen != wanted:
        select_programme(chosen)
    else:
        st.query_params[PROGRAMME] = str(chosen)
        _remember(PROGRAMME, str(chosen))
    return _drawn(_("Programme"), options, chosen, _PROGRAMME_KEY, _on_programme_change)


def pulse_picker(store: Store, programme_id: int) -> int | None:
    """A pulse of the programme, an open one first (from ``?pulse=``)."""
    labels: dict[int, str] = {}
    open_ids: list[int] = []
    for session in programmes.timeline(store, programme_id):
        for pulse in session.pulses:
            labels[pulse.id] = ngettext(
                "{pulse} — {status} ({n} answer) · {code}",
                "{pulse} — {status} ({n} answers) · {code}",
                pulse.responses,
            ).format(
                pulse=pulse_name(session.title, pulse.moment),
                status=_(msgid_of(PULSE_STATUS_NAMES, pulse.status)),
                n=pulse.responses,
                code=pulse.code,
            )
            if pulse.status in ("open", "closing"):
                open_ids.append(pulse.id)
    if not labels:
        st.info(_("This programme has no pulses yet."))
        return None
    ids = list(labels)
    wanted = _wanted(PULSE)
    chosen = wanted if wanted in labels else (open_ids or ids)[0]
    st.query_params[PULSE] = str(chosen)
    _remember(PULSE, str(chosen))
    return _drawn(_("Pulse"), labels, chosen, _PULSE_KEY, _on_pulse_change)


def _drawn(
    label: str,
    labels: dict[int, str],
    chosen: int,
    key: str,
    on_change: Callable[[], None],
) -> int:
    """The selectbox, showing ``chosen``: its state is set from the URL before
    it is drawn, and its callback writes a new choice back to the URL."""
    st.session_state[key] = chosen
    st.selectbox(
        label,
        list(labels),
        format_func=labels.__getitem__,
        key=key,
        on_change=on_change,
    )
    return chosen


def pulse_name(session_title: str, moment: str) -> str:
    """A pulse as the page names it: its session, then its moment in words."""
    return pulse_label(session_title, _(msgid_of(MOMENT_NAMES, moment)))


def sidebar_pulse(store: Store) -> PulseInfo:
    """The pulse chosen in the sidebar; stops the page with a hint if none."""
    with st.sidebar:
        programme_id = programme_picker(store)
        pulse_id = pulse_picker(store, programme_id) if programme_id else None
    if pulse_id is None:
        st.info(_("Choose a pulse in the sidebar."))
        st.stop()
    return programmes.pulse_by_id(store, pulse_id)
