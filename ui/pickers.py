"""Choosing a programme and a pulse; the choice survives page switches via the URL."""

from __future__ import annotations

import streamlit as st

from storage import programmes
from storage.db import Store
from storage.programmes import PulseInfo


def programme_picker(store: Store) -> int | None:
    """The programme being worked on (remembered in ``?programme=``)."""
    options = dict(programmes.list_programmes(store))
    if not options:
        st.info("No programme yet: create one on the Programmes page.")
        return None
    ids = list(options)
    wanted = _int_param("programme")
    chosen = st.selectbox(
        "Programme",
        ids,
        index=ids.index(wanted) if wanted in options else 0,
        format_func=options.__getitem__,
        key="programme_pick",
    )
    st.query_params["programme"] = str(chosen)
    return chosen


def pulse_label(session_title: str, moment: str) -> str:
    return f"{session_title} · {moment}"


def pulse_picker(store: Store, programme_id: int) -> int | None:
    """A pulse of the programme, an open one first (remembered in ``?pulse=``)."""
    labels: dict[int, str] = {}
    open_ids: list[int] = []
    for session in programmes.timeline(store, programme_id):
        for pulse in session.pulses:
            labels[pulse.id] = (
                f"{pulse_label(session.title, pulse.moment)} — {pulse.status} "
                f"({pulse.responses} answers) · {pulse.code}"
            )
            if pulse.status == "open":
                open_ids.append(pulse.id)
    if not labels:
        st.info("This programme has no pulses yet.")
        return None
    ids = list(labels)
    wanted = _int_param("pulse")
    default = wanted if wanted in labels else (open_ids or ids)[0]
    chosen = st.selectbox(
        "Pulse",
        ids,
        index=ids.index(default),
        format_func=labels.__getitem__,
        key="pulse_pick",
    )
    st.query_params["pulse"] = str(chosen)
    return chosen


def _int_param(name: str) -> int | None:
    value = st.query_params.get(name, "")
    return int(value) if value.isdigit() else None


def sidebar_pulse(store: Store) -> PulseInfo:
    """The pulse chosen in the sidebar; stops the page with a hint if none."""
    with st.sidebar:
        programme_id = programme_picker(store)
        pulse_id = pulse_picker(store, programme_id) if programme_id else None
    if pulse_id is None:
        st.info("Choose a pulse in the sidebar.")
        st.stop()
    return programmes.pulse_by_id(store, pulse_id)
