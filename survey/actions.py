"""Actions a programme agreed to try, and what the pulses did afterwards. Pure.

Each action is tied to the session where it was agreed, so it can be drawn on
the trends timeline and the report can say what followed.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

import pandas as pd

from survey.i18n import N_, Translator, translations
from survey.instrument import dimension_label
from survey.numbers import signed, signed_interval
from survey.readings import Reading
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
    """What the pulses did after the action was agreed, for each targeted
    dimension, in the result's language: everyone's like-with-like change
    reading (the change table's, so its interval, Holm adjustment and words)
    whose first pulse is at or before the agreeing session and whose later
    pulse is after it.

    Two shown means side by side ("4.3 when agreed, 5.3 at the follow-up")
    read as a change without an interval, compared an after-session pulse
    with a before-session one, and invited the action to take the credit.
    """
    tr = translations(result.language)
    order = {p.pulse_id: p.order for p in result.pulses}
    session_pulses = [
        p.order for p in result.pulses if p.session_id == action.session_id
    ]
    if not session_pulses:
        return ""
    agreed_at = max(session_pulses)
    sentences = []
    for dimension in action.dimensions:
        spanning = [
            r
            for r in result.of_kind("change")
            if r.dimension == dimension
            and r.group == EVERYONE
            and order.get(r.first_id, agreed_at + 1)
            <= agreed_at
            < order.get(r.later_id, agreed_at)
        ]
        if not spanning:
            continue
        r = max(spanning, key=lambda r: order[r.later_id])
        sentences.append(
            # Translators: {change} is "+1.24 [+0.72, +1.76]" (an interval);
            # {word} says what it shows ("a clear rise", "no clear change").
            tr.gettext(
                "{dimension}: {first_mean} at {first}, {later_mean} at {later} "
                "(everyone; change {change}, {word})"
            ).format(
                dimension=tr.gettext(dimension_label(dimension)),
                first_mean=f"{r.mean_first:.2f}",
                first=r.first,
                later_mean=f"{r.mean_later:.2f}",
                later=r.later,
                change=_interval(r, tr),
                word=tr.gettext(_FOLLOWED_WORDS[r.claim]),
            )
        )
    if not sentences:
        return ""
    return tr.gettext(
        "Afterwards — {what}. The pulses cannot show what caused a change."
    ).format(what="; ".join(sentences))


_FOLLOWED_WORDS = {
    "improved": N_("a clear rise"),
    "declined": N_("a clear fall"),
    "similar": N_("within ±0.5 points"),
    "unclear": N_("no clear change"),
}


def _interval(r: Reading, tr: Translator) -> str:
    if math.isnan(r.low) or math.isnan(r.high):
        return tr.gettext("{estimate}, no interval").format(estimate=signed(r.estimate))
    return signed_interval(r.estimate, r.low, r.high)


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
