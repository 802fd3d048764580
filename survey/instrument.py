"""The default instrument: dimensions, item bank, forms and the answer scale.

Items are written in our own words for cross-professional work around children
and families. The full form (before/after a session) has at least three items
per dimension so reliability can be estimated; the short form (during a
session) has one item per dimension so a pulse takes a few taps.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from survey.i18n import N_

SCALE_LOW = 1
SCALE_HIGH = 7
SCALE_POINTS = SCALE_HIGH - SCALE_LOW + 1

SCALE_LABELS: dict[int, str] = {
    1: N_("Strongly disagree"),
    2: N_("Disagree"),
    3: N_("Somewhat disagree"),
    4: N_("Neither agree nor disagree"),
    5: N_("Somewhat agree"),
    6: N_("Agree"),
    7: N_("Strongly agree"),
}

Form = Literal["short", "full"]
Moment = Literal["before", "during", "after"]
MOMENTS: tuple[Moment, ...] = ("before", "during", "after")
FORMS: tuple[Form, ...] = ("short", "full")

COMMENT_PROMPT = N_("Anything you want the facilitators to know? (optional)")
COMMENT_MAX_CHARS = 1000


@dataclass(frozen=True)
class Dimension:
    """One of the three things the instrument measures: a stable ``key`` for
    storage, a ``label`` and an ``explanation`` in plain words (both
    translatable)."""

    key: str
    label: str
    explanation: str


@dataclass(frozen=True)
class Item:
    key: str
    dimension: str
    text: str
    reverse: bool = False
    short_form: bool = False


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension(
        "safety",
        N_("Psychological safety"),
        N_(
            "People can speak up, admit mistakes, ask for help and disagree "
            "without being punished or undermined."
        ),
    ),
    Dimension(
        "connection",
        N_("Connection"),
        N_(
            "People across the groups know, trust and turn to one another; "
            "meetings are joint work, not updates."
        ),
    ),
    Dimension(
        "purpose",
        N_("Purpose"),
        N_(
            "Shared responsibility for outcomes for children and families, "
            "clear common goals, belief that working together makes a difference."
        ),
    ),
)

ITEM_BANK: tuple[Item, ...] = (
    Item(
        "safety_speak_up",
        "safety",
        N_(
            "In this group I can raise a problem or a difficult issue without worrying "
            "how it will land."
        ),
        short_form=True,
    ),
    Item(
        "safety_mistakes",
        "safety",
        N_("If I get something wrong here, it is held against me."),
        reverse=True,
    ),
    Item(
        "safety_ask_help",
        "safety",
        N_("I can ask people here for help without feeling judged."),
    ),
    Item(
        "safety_disagree",
        "safety",
        N_("People who disagree or see things differently get put down here."),
        reverse=True,
    ),
    Item(
        "connection_know",
        "connection",
        N_("I know people in the other team well enough to pick up the phone to them."),
    ),
    Item(
        "connection_trust",
        "connection",
        N_("I trust colleagues in both teams to do what they say they will do."),
    ),
    Item(
        "connection_joint_work",
        "connection",
        N_(
            "When we meet, we work on problems together rather than just giving "
            "updates."
        ),
        short_form=True,
    ),
    Item(
        "purpose_shared",
        "purpose",
        N_(
            "We share responsibility for how things turn out for the children and "
            "families we work with."
        ),
        short_form=True,
    ),
    Item(
        "purpose_goals",
        "purpose",
        N_("Our two teams have clear goals in common."),
    ),
    Item(
        "purpose_difference",
        "purpose",
        N_("Working together makes a real difference for children and families."),
    ),
)


def dimension_label(key: str) -> str:
    """The human label of a dimension key; custom dimensions show their key."""
    for dimension in DIMENSIONS:
        if dimension.key == key:
            return dimension.label
    return key.replace("_", " ").capitalize()


def form_items(form: Form) -> tuple[Item, ...]:
    """The bank items a form asks, in bank order."""
    if form == "full":
        return ITEM_BANK
    if form == "short":
        return tuple(item for item in ITEM_BANK if item.short_form)
    raise ValueError(f"Unknown form {form!r}: use 'short' or 'full'.")


def default_form(moment: Moment) -> Form:
    """Short during a session (a few taps), full before and after it."""
    return "short" if moment == "during" else "full"


PRIVACY_TITLE = N_("Who can see your answers?")
PRIVACY_POINTS: tuple[str, ...] = (
    N_(
        "**Stored:** your taps (1 to 7), your group if you pick one, and your "
        "comment if you write one, kept apart from your taps."
    ),
    N_(
        "**The facilitators see** only results from {k} or more people "
        "together, never one person's taps."
    ),
    N_(
        "**Never stored:** your name, email, IP address, device or the time you "
        "answered. To allow one answer per phone, a scrambled code is kept until "
        "the pulse closes; after that, nothing links your phone to your answers."
    ),
)
"""Before the first question: what is stored, what facilitators see, what never is.

Each point is a msgid with a ``{k}`` placeholder at most (the anonymity
minimum); they are our own constant Markdown, never participant text.
"""
