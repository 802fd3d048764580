"""How the app's stored codes are named on screen (moments, statuses, kinds).

The database keeps short English codes ("during", "closing", "joint workshop")
that code compares and exports rely on; people see these names instead,
through the catalogue (``_(name(MOMENT_NAMES, code))``), so a Welsh page says
"yn ystod" while the stored value stays "during". A code with no name here
(e.g. a kind typed before this list existed) shows as stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from survey.i18n import N_
from survey.words import MOMENT_WORDS


def _own_names(*msgids: str) -> Mapping[str, str]:
    """Codes that are their own English names: each maps to itself, written
    once (as the msgid the catalogue translates)."""
    return {msgid: msgid for msgid in msgids}


# One definition of the moment words: the pulse label names them the same way.
MOMENT_NAMES: Mapping[str, str] = MOMENT_WORDS
PULSE_STATUS_NAMES = _own_names(N_("draft"), N_("open"), N_("closing"), N_("closed"))
SESSION_KIND_NAMES = _own_names(
    N_("conversations"),
    N_("group session"),
    N_("joint workshop"),
    N_("follow-up"),
    N_("session"),
)
ACTION_STATUS_NAMES = _own_names(
    N_("planned"), N_("started"), N_("done"), N_("dropped")
)
FORM_NAMES: Mapping[str, str] = {
    "full": N_("full form"),
    "short": N_("short form"),
    "custom": N_("custom form"),
}


def msgid_of(names: Mapping[str, str], code: str) -> str:
    """The msgid naming ``code`` (the code itself when it has no name)."""
    return names.get(code, code)
