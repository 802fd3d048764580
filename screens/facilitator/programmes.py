"""Programmes: create from the template, settings and groups, the timeline of
sessions and pulses with open / close / present / live."""

import streamlit as st

from ui.access import require_facilitator
from ui.action_views import action_list, add_action_form
from ui.comment_views import comment_rule
from ui.i18n import _
from ui.pickers import programme_picker, select_programme
from ui.programme_views import (
    delete_answers,
    new_programme,
    programme_settings,
    timeline_view,
)
from ui.resources import shared_store
from ui.ticket_views import ticket_rule

store = shared_store()
require_facilitator(store)

st.title(_("Programmes"))
with st.expander(":material/add: " + _("New programme from the template")):
    created = new_programme(store)
    if created is not None:
        select_programme(created)
        st.rerun()

programme_id = programme_picker(store)
if programme_id is not None:
    timeline, agreed, settings, danger = st.tabs(
        [_("Timeline"), _("Actions"), _("Settings and groups"), _("Delete")]
    )
    with timeline:
        timeline_view(store, programme_id)
    with agreed:
        action_list(store, programme_id)
        add_action_form(store, programme_id)
    with settings:
        programme_settings(store, programme_id)
        ticket_rule(store, programme_id)
        comment_rule(store, programme_id)
    with danger:
        delete_answers(store, programme_id)
