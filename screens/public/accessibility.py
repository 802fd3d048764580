"""The accessibility statement (GOV.UK model format), open to everyone: no
sign-in, linked from every page's footer. Its words live in ui/a11y_text.py."""

import os
from datetime import date

import streamlit as st
from babel.dates import format_date

from ui import a11y_text as words
from ui.i18n import _, current_language
from ui.plain import plain

CONTACT_ENV = "PULSE_ACCESSIBILITY_CONTACT"
"""Who to tell about a problem (an email address or a team), set by whoever runs
the service; without it the statement points to the facilitator."""


def _day(value: date) -> str:
    """A date as the reader's language writes it (Babel's CLDR data)."""
    return format_date(value, "d MMMM y", locale=current_language())


contact = os.environ.get(CONTACT_ENV, "").strip()

st.title(
    _(words.STATEMENT_PAGE_TITLE).format(
        statement=_(words.STATEMENT_TITLE), site=words.SITE_NAME
    )
)
st.markdown(_(words.STATEMENT_INTRO))
st.markdown(_(words.STATEMENT_USING))
st.markdown("\n".join(f"- {_(item)}" for item in words.STATEMENT_CAN))
st.markdown(_(words.STATEMENT_ABILITYNET))

st.header(_(words.HEADING_HOW_ACCESSIBLE))
st.markdown(_(words.STATEMENT_HOW_ACCESSIBLE))

st.header(_(words.HEADING_CONTACT))
st.markdown(
    _(words.STATEMENT_REPORTING).format(
        contact=plain(contact) if contact else _(words.CONTACT_FALLBACK)
    )
)

st.header(_(words.HEADING_ENFORCEMENT))
st.markdown(_(words.STATEMENT_ENFORCEMENT))

st.header(_(words.HEADING_TECHNICAL))
st.markdown(_(words.STATEMENT_TECHNICAL))
st.subheader(_(words.HEADING_STATUS))
st.markdown(_(words.STATEMENT_STATUS))

st.header(_(words.HEADING_NON_ACCESSIBLE))
st.subheader(_(words.HEADING_NON_COMPLIANCE))
for title, text in words.KNOWN_PROBLEMS:
    st.markdown(f"**{_(title)}.** {_(text)}")

st.header(_(words.HEADING_IMPROVING))
st.markdown(_(words.STATEMENT_IMPROVING))

st.header(_(words.HEADING_PREPARATION))
st.markdown(
    _(words.STATEMENT_PREPARED).format(
        prepared=_day(words.PREPARED), tested=_day(words.LAST_TESTED)
    )
)
