"""Questions: the programme's items by dimension; add your own, reorder, retire."""

import streamlit as st

from ui.access import require_facilitator
from ui.i18n import _
from ui.pickers import programme_picker
from ui.question_views import add_question_form, question_list
from ui.resources import shared_store

store = shared_store()
require_facilitator(store)

st.title(_("Questions"))
st.caption(
    _(
        "Items answered already are never edited: retire one and add a new one, "
        "so earlier answers keep their meaning. Changes apply to pulses created "
        "afterwards."
    )
)
programme_id = programme_picker(store)
if programme_id is not None:
    question_list(store, programme_id)
    add_question_form(store, programme_id)
