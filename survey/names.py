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

MOMENT_NAMES: Mapping[str, str] = {
    "before": N_("before"),
    "during": N_("during"),
    "after": N_("after"),
}
PULSE_STATUS_NAMES: Mapping[str, str] = {
    "draft": N_("draft"),
    "open": N_("open"),
    "closing": N_("closing"),
    "closed": N_("closed"),
}
SESSION_KIND_NAMES: Mapping[str, str] = {
    "conversations": N_("conversations"),
    "group session": N_("group session"),
    "joint workshop": N_("joint workshop"),
    "follow-up": N_("follow-up"),
    "session": N_("session"),
}
ACTION_STATUS_NAMES: Mapping[str, str] = {
    "planned": N_("planned"),
    "started": N_("started"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}
FORM_NAMES: Mapping[str, str] = {
    "full": N_("full form"),
    "short": N_("short form"),
    "custom": N_("custom form"),
}


def msgid_of(names: Mapping[str, str], code: str) -> str:
    """The msgid naming ``code`` (the code itself when it has no name)."""
    return names.get(code, code)
