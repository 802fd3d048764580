"""Views of the actions a programme agreed to try."""

from __future__ import annotations

from datetime import date

import streamlit as st

from storage import actions, programmes
from storage.db import Store
from survey.actions import current_session
from survey.instrument import DIMENSIONS, dimension_label
from survey.names import ACTION_STATUS_NAMES, msgid_of
from ui.i18n import _, refusal
from ui.plain import plain


def status_name(status: str) -> str:
    return _(msgid_of(ACTION_STATUS_NAMES, status))


def action_list(store: Store, programme_id: int) -> None:
    for action in actions.programme_actions(store, programme_id):
        with st.container(border=True):
            st.markdown(f"**{plain(action.title)}** — {status_name(action.status)}")
            aims = ", ".join(plain(_(dimension_label(d))) for d in action.dimensions)
            line = _("Agreed at: {session} · aims at: {dimensions}").format(
                session=plain(action.session_title or "—"), dimensions=aims
            )
            if action.groups:
                line += _(" · groups: {groups}").format(
                    groups=", ".join(plain(g) for g in action.groups)
                )
            st.caption(line)
            for update in action.updates:
                st.text(f"{update.date}  {status_name(update.status)}  {update.note}")
            # Cleared after saving: a second Update must not log the note twice.
            with st.form(
                f"action-update-{action.id}", border=False, clear_on_submit=True
            ):
                left, mid, right = st.columns([2, 4, 1], vertical_alignment="bottom")
                status = left.selectbox(
                    _("Status"),
                    actions.ACTION_STATUSES,
                    index=actions.ACTION_STATUSES.index(action.status),
                    format_func=status_name,
                )
                note = mid.text_input(_("Note (optional)"))
                if right.form_submit_button(_("Update")):
                    actions.update_action(store, action.id, status, note)
                    st.rerun()


def add_action_form(store: Store, programme_id: int) -> None:
    sessions = programmes.timeline(store, programme_id)
    groups = [g.name for g in programmes.get_programme(store, programme_id).groups]
    with st.form(f"add-action-{programme_id}", clear_on_submit=True):
        title = st.text_input(_("What did the group agree to try?"), max_chars=200)
        session_id = st.selectbox(
            _("Agreed at"),
            [s.id for s in sessions],
            index=current_session(
                [
                    (s.date, any(p.status in ("open", "closing") for p in s.pulses))
                    for s in sessions
                ],
                date.today(),
            )
            if sessions
            else 0,
            format_func={s.id: f"{s.date} · {s.title}" for s in sessions}.__getitem__,
        )
        # Pills, not multiselects: Streamlit's multiselect tags are focusable
        # spans with an aria-label and no role; pills are toggle buttons.
        dimensions = st.pills(
            _("Aims at"),
            [d.key for d in DIMENSIONS],
            selection_mode="multi",
            format_func=lambda d: plain(_(dimension_label(d))),
        )
        involved = st.pills(
            _("Groups involved"),
            groups,
            selection_mode="multi",
            default=groups,
            format_func=plain,  # names are typed by people: never markup
        )
        if st.form_submit_button(_("Add action"), type="primary"):
            try:
                actions.add_action(
                    store,
                    programme_id,
                    title,
                    session_id=session_id,
                    dimensions=dimensions,
                    groups=involved,
                )
                st.rerun()
            except ValueError as problem:
                st.error(plain(refusal(problem)))
