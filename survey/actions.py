"""Actions a programme agreed to try, and what the pulses did afterwards. Pure.

Each action is tied to the session where it was agreed, so it can be drawn on
the trends timeline and the report can say what followed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from survey.i18n import N_, translations
from survey.instrument import dimension_label
from survey.trends import ProgrammeTrends, PulsePoint
from survey.words import EVERYONE

ACTION_STATUSES = ("planned", "started", "done", "dropped")
# Translators: an action's status, as the report shows it.
STATUS_WORDS = {
    "planned": N_("planned"),
    "started": N_("started"),
    "done": N_("done"),
    "dropped": N_("dropped"),
}


def status_words(status: str, language: str = "en") -> str:
    """An action status in ``language`` (the stored value is the English key)."""
    return translations(language).gettext(STATUS_WORDS.get(status, status))


@dataclass(frozen=True)
class ActionUpdate:
    """A dated note on an agreed action's progress; the action keeps them all,
    so the report can show how it moved, not only where it stands."""

    date: str
    status: str
    note: str


@dataclass(frozen=True)
class Action:
    id: int
    title: str
    session_id: int | None
    session_title: str | None
    dimensions: list[str]
    groups: list[str]
    updates: list[ActionUpdate]

    @property
    def status(self) -> str:
        return self.updates[-1].status if self.updates else "planned"


def markers(
    agreed: Sequence[Action], pulses: Sequence[PulsePoint], language: str = "en"
) -> pd.DataFrame:
    """Where each action sits on the trends timeline: just after the last pulse
    of the session that agreed it (dropped actions are left off)."""
    # Translators: an action's label on the trends timeline.
    label = translations(language).gettext("Action: {title}")
    last_order: dict[int, float] = {}
    for pulse in pulses:
        last_order[pulse.session_id] = max(
            last_order.get(pulse.session_id, -1), pulse.order
        )
    rows = [
        {"label": label.format(title=a.title), "order": last_order[a.session_id] + 0.5}
        for a in agreed
        if a.status != "dropped" and a.session_id in last_order
    ]
    return pd.DataFrame(rows, columns=["label", "order"])


def what_followed(action: Action, result: ProgrammeTrends) -> str:
    """The shown mean of each targeted dimension when agreed and at the latest
    pulse, in the result's language."""
    tr = translations(result.language)
    figures = result.figures[result.figures["group"] == EVERYONE]
    session_pulses = {
        p.order for p in result.pulses if p.session_id == action.session_id
    }
    if not session_pulses:
        return ""
    agreed_at = max(session_pulses)
    sentences = []
    for dimension in action.dimensions:
        shown = figures[figures["dimension"] == dimension].sort_values("order")
        before = shown[shown["order"] <= agreed_at]
        after = shown[shown["order"] > agreed_at]
        if before.empty or after.empty:
            continue
        start, end = before.iloc[-1], after.iloc[-1]
        sentences.append(
            tr.gettext("{dimension}: {agreed} when agreed, {latest} at {pulse}").format(
                dimension=tr.gettext(dimension_label(dimension)),
                agreed=f"{start['mean']:.1f}",
                latest=f"{end['mean']:.1f}",
                pulse=end["pulse_label"],
            )
        )
    if not sentences:
        return ""
    return tr.gettext("Afterwards — {what}.").format(what="; ".join(sentences))


def current_session(sessions: Sequence[tuple[str | None, bool]], today: date) -> int:
    """Which session an action agreed "now" was most likely agreed at, as an
    index into ``sessions`` (each ``(ISO date or None, has a pulse open)``, in
    timeline order): one with a pulse open or closing, else the last one dated
    today or earlier, else the first. The form used to default to the first
    session, so actions from day 2 were filed under the 1:1 conversations."""
    for index, (_, live) in enumerate(sessions):
        if live:
            return index
    best = 0
    for index, (day, _) in enumerate(sessions):
        if day is not None and day <= today.isoformat():
            best = index
    return best
