"""Words added for accessibility (issue 14), kept together as plain literals so
the Welsh/English catalogue work can wrap each one in ``_()`` in one place.

Nothing here is participant or facilitator text: everything is our own
constant wording (and safe as Streamlit Markdown).
"""

from __future__ import annotations

from datetime import date

from survey.i18n import N_

# --- every page --------------------------------------------------------------------
STATEMENT_TITLE = N_("Accessibility statement")
SITE_NAME = "Together Pulse"

# --- facilitator controls: which row a button acts on (heard, not seen) ----
# Each is heard after the visible button word (ui/markdown_text.heard_only).
PULSE_ROW = N_("the {moment} pulse {code}")
"""After "Open", "Reopen", "Close", "Present": "Present the during pulse K7PX2M"."""
LIVE_ROW = N_("room for the {moment} pulse {code}")
"""After "Live": "Live room for the during pulse K7PX2M"."""
MOVE_UP_ROW = N_("Move up: {text}")
MOVE_DOWN_ROW = N_("Move down: {text}")
QUESTION_ROW = "{text}"
"""After "Retire" / "Restore": the question's text."""

# --- the accessibility statement (GOV.UK model statement) ------------------
LAST_TESTED = date(2026, 11, 26)
PREPARED = date(2026, 11, 26)
CONTACT_FALLBACK = N_(
    "your programme's facilitator, who can pass it to the team that runs this "
    "service for your organisation"
)

STATEMENT_INTRO = N_(
    "This accessibility statement applies to Together Pulse: the pages where "
    "people answer anonymous pulse surveys on their phones, and the pages "
    "facilitators use to run a programme, watch answers arrive and export a "
    "report."
)
STATEMENT_USING = N_(
    "We want as many people as possible to be able to use this service. "
    "For example, that means you should be able to:"
)
STATEMENT_CAN = (
    N_("use it in light or dark mode: it follows your device's setting"),
    N_("zoom in up to 400% without the text spilling off the screen"),
    N_("use it on a screen as narrow as 320 pixels without scrolling sideways"),
    N_(
        "answer every question with only a keyboard: Tab moves between questions, "
        "the arrow keys choose an answer, Enter sends"
    ),
    N_(
        "use it with a screen reader (for example NVDA, JAWS, VoiceOver or "
        "TalkBack): each question is a group of options named by the statement, "
        "and each option says its number and meaning, such as "
        "“5, Somewhat agree”"
    ),
    N_("skip any question, and undo an answer with “Skip”"),
)
STATEMENT_ABILITYNET = N_(
    "[AbilityNet](https://mcmw.abilitynet.org.uk/) has advice on making your "
    "device easier to use if you have a disability."
)

STATEMENT_STATUS = N_(
    "This service is partially compliant with the [Web Content Accessibility "
    "Guidelines version 2.2](https://www.w3.org/TR/WCAG22/) AA standard, due to "
    "the non-compliances listed below."
)
KNOWN_PROBLEMS: tuple[tuple[str, str], ...] = (
    (
        N_("Some words are in English only"),
        N_(
            "The framework we build on (Streamlit) shows a few messages of its "
            "own in English only, also on Welsh pages, for example when the "
            "connection drops, in the calendar of a date field and in the "
            "facilitators' editable grids; a screen reader may read them with Welsh "
            "pronunciation (WCAG 2.2 success criterion 3.1.2, Language of "
            "Parts)."
        ),
    ),
    (
        N_("Tables you edit in a grid (facilitators only)"),
        N_(
            "When a facilitator creates a programme, its groups and timeline are "
            "edited in Streamlit's data grid, which is drawn on a canvas and is "
            "hard to use with a screen reader (WCAG 4.1.2 Name, Role, Value). "
            "Workaround: create the programme with the suggested rows, then add, "
            "rename or delete groups and sessions with the ordinary forms under "
            "“Settings and groups” and “Timeline”."
        ),
    ),
    (
        N_("Charts (facilitators only)"),
        N_(
            "Charts in the live room and on the Trends page are pictures drawn by "
            "the browser. The same figures are in the sentences and tables next "
            "to them on the Trends page, and in the downloadable report, where "
            "each chart also has a text description (WCAG 1.1.1 Non-text "
            "Content)."
        ),
    ),
    (
        N_("Tooltips"),
        N_(
            "Some fields have a “?” that shows extra help when you point at it or "
            "move focus to it. The help disappears when you move away, and some "
            "screen readers do not read it (WCAG 1.4.13 Content on Hover or "
            "Focus). Nothing you need to answer is only in a tooltip."
        ),
    ),
)
STATEMENT_IMPROVING = N_(
    "Every change to Together Pulse is checked automatically with axe-core "
    "(WCAG 2.0, 2.1 and 2.2, levels A and AA) on every page and state, on a "
    "phone-sized and a laptop-sized screen, in light and dark mode, together "
    "with keyboard-only, zoom and reading-order checks. A change that fails is "
    "not released."
)
STATEMENT_REPORTING = N_(
    "If you find a problem not listed on this page, or you need something in "
    "a different format, contact {contact}. Say which page you were on and "
    "what happened. You do not need to say who you are, and doing so will "
    "never be linked to your answers."
)
STATEMENT_ENFORCEMENT = N_(
    "The Equality and Human Rights Commission (EHRC) is responsible for "
    "enforcing the Public Sector Bodies (Websites and Mobile Applications) "
    "(No. 2) Accessibility Regulations 2018 (the ‘accessibility regulations’). "
    "If you’re not happy with how we respond to your complaint, contact the "
    "[Equality Advisory and Support Service (EASS)]"
    "(https://www.equalityadvisoryservice.com/)."
)
STATEMENT_TECHNICAL = N_(
    "The organisation running this service is committed to making it "
    "accessible, in accordance with the Public Sector Bodies (Websites and "
    "Mobile Applications) (No. 2) Accessibility Regulations 2018."
)
STATEMENT_PREPARED = N_(
    "This statement was prepared on {prepared}. The service was last tested "
    "on {tested}, by the Together Pulse developers: automated tests with "
    "axe-core 4.14 on every participant and facilitator page and state, plus "
    "keyboard-only, 200% and 400% zoom, 320-pixel width and reading-order "
    "checks in Chromium."
)
STATEMENT_HOW_ACCESSIBLE = N_(
    "We know some parts of this service are not fully accessible. They are "
    "listed under “Non-accessible content” below, with what to do instead."
)
HEADING_HOW_ACCESSIBLE = N_("How accessible this service is")
HEADING_CONTACT = N_("Feedback and contact information")
HEADING_ENFORCEMENT = N_("Enforcement procedure")
HEADING_TECHNICAL = N_("Technical information about this service’s accessibility")
HEADING_STATUS = N_("Compliance status")
HEADING_NON_ACCESSIBLE = N_("Non-accessible content")
HEADING_NON_COMPLIANCE = N_("Non-compliance with the accessibility regulations")
HEADING_IMPROVING = N_("What we’re doing to improve accessibility")
HEADING_PREPARATION = N_("Preparation of this accessibility statement")
STATEMENT_PAGE_TITLE = N_("{statement} for {site}")
