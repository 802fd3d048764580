"""Together Pulse: entry point. Page config, navigation, shared database handle.

Participants land on the join page (the default page, so a join link is
``/?code=K7PX2M``) and see no navigation; facilitator pages sit under
``/facilitator`` and each checks access itself. Every page, facilitator pages
included, follows the language chosen by link, remembered choice or browser
(``ui.i18n``); the facilitator sidebar has the language link. The
accessibility statement (``/accessibility``) is open to everyone and linked
from every page's footer.
"""

import streamlit as st

from survey.i18n import clean_language
from ui import a11y_text as words
from ui.i18n import LANG_PARAM, _, language_switch, settle_language
from ui.page_frame import FOOTER_KEY, apply_page_style, page_footer
from ui.pickers import chosen_params
from ui.resources import shared_store
from ui.session_cap import admit_session

shared_store()
# Participants and facilitators alike get Welsh or English (link, remembered
# choice, browser), decided before the pages are named: page titles are the
# browser tab's title and the sidebar's links.
settle_language()

participant = st.Page(
    "screens/participant/join.py",
    title=_("Answer a pulse"),
    icon=":material/touch_app:",
    default=True,
)
statement = st.Page(
    "screens/public/accessibility.py",
    title=_(words.STATEMENT_TITLE),
    # No page icon: the footer link would draw it on the participant pages too,
    # with the 375 KB icon font (ui/page_frame.page_footer adds it elsewhere).
    url_path="accessibility",
)
facilitator = [
    st.Page(
        "screens/facilitator/programmes.py",
        title=_("Programmes"),
        icon=":material/event_note:",
        url_path="facilitator",
    ),
    st.Page(
        "screens/facilitator/live.py", title=_("Live room"), icon=":material/sensors:"
    ),
    st.Page(
        "screens/facilitator/trends.py", title=_("Trends"), icon=":material/show_chart:"
    ),
    st.Page(
        "screens/facilitator/comments.py",
        title=_("Comments"),
        icon=":material/forum:",
    ),
    st.Page(
        "screens/facilitator/present.py",
        title=_("Present (QR)"),
        icon=":material/qr_code_2:",
    ),
    st.Page(
        "screens/facilitator/questions.py",
        title=_("Questions"),
        icon=":material/edit_note:",
    ),
    st.Page("screens/facilitator/data.py", title=_("Data"), icon=":material/database:"),
    st.Page(
        "screens/facilitator/settings.py",
        title=_("Settings"),
        icon=":material/settings:",
    ),
]
page = st.navigation([participant, statement, *facilitator], position="hidden")
is_participant = page.url_path == participant.url_path
# A projector link is the default page with ?view=TOKEN (ui/present_views.py):
# the default page, so a freshly started server never answers it with Streamlit's
# "Page not found" dialog on the wall.
is_projector = is_participant and "view" in st.query_params
public = is_participant or page.url_path == statement.url_path
st.set_page_config(
    page_title=f"{page.title} · {words.SITE_NAME}",  # each page its own title
    page_icon="🌱",
    layout="centered" if public and not is_projector else "wide",
)
admit_session()
apply_page_style()
if not public:
    # Every link carries the chosen programme (and pulse): a page switch, a
    # reload or a new tab opens the same programme (ui/pickers.py).
    params = chosen_params()
    if clean_language(st.query_params.get(LANG_PARAM)):  # a ?lang= link stays
        params[LANG_PARAM] = st.query_params[LANG_PARAM]
    with st.sidebar:
        language_switch()
        for link in facilitator:
            st.page_link(link, query_params=params)
if is_projector:  # a wall display: nothing to follow, no footer
    page.run()
else:
    # The footer is drawn before the page runs (a page may st.stop()), into a
    # container placed after the page's own.
    body, footer = st.container(), st.container(key=FOOTER_KEY)
    with footer:
        page_footer(statement, icon=not public)
    with body:
        page.run()
