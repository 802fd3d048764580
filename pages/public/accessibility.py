"""The accessibility statement (GOV.UK model format), open to everyone: no
sign-in, linked from every page's footer. Its words live in ui/a11y_text.py."""

import os
from datetime import date

import streamlit as st

from ui import a11y_text as words
from ui.plain import plain

CONTACT_ENV = "PULSE_ACCESSIBILITY_CONTACT"
"""Who to tell about a problem (an email address or a team), set by whoever runs
the service; without it the statement points to the facilitator."""


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


contact = os.environ.get(CONTACT_ENV, "").strip()

st.title(
    words.STATEMENT_PAGE_TITLE.format(
        statement=words.STATEMENT_TITLE, site=words.SITE_NAME
    )
)
st.markdown(words.STATEMENT_INTRO)
st.markdown(words.STATEMENT_USING)
st.markdown("\n".join(f"- {item}" for item in words.STATEMENT_CAN))
st.markdown(words.STATEMENT_ABILITYNET)

st.header(words.HEADING_HOW_ACCESSIBLE)
st.markdown(words.STATEMENT_HOW_ACCESSIBLE)

st.header(words.HEADING_CONTACT)
st.markdown(
    words.STATEMENT_REPORTING.format(
        contact=plain(contact) if contact else words.CONTACT_FALLBACK
    )
)

st.header(words.HEADING_ENFORCEMENT)
st.markdown(words.STATEMENT_ENFORCEMENT)

st.header(words.HEADING_TECHNICAL)
st.markdown(words.STATEMENT_TECHNICAL)
st.subheader(words.HEADING_STATUS)
st.markdown(words.STATEMENT_STATUS)

st.header(words.HEADING_NON_ACCESSIBLE)
st.subheader(words.HEADING_NON_COMPLIANCE)
for title, text in words.KNOWN_PROBLEMS:
    st.markdown(f"**{title}.** {text}")

st.header(words.HEADING_IMPROVING)
st.markdown(words.STATEMENT_IMPROVING)

st.header(words.HEADING_PREPARATION)
st.markdown(
    words.STATEMENT_PREPARED.format(
        prepared=_day(words.PREPARED), tested=_day(words.LAST_TESTED)
    )
)
