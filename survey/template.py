"""The programme template a facilitator starts from and then edits.

"Four-month programme with follow-up": 1:1 conversations, a session for each
group alone, a two-day joint workshop, and a follow-up six months later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from survey.instrument import Moment

TEMPLATE_NAME = "Four-month programme with follow-up"


@dataclass(frozen=True)
class SessionPlan:
    title: str
    kind: str
    date: date
    moments: tuple[Moment, ...]


def four_month_template(groups: Sequence[str], start: date) -> list[SessionPlan]:
    """Sessions with suggested pulses: full forms before/after, short during."""
    plans = [SessionPlan("1:1 conversations", "conversations", start, ("before",))]
    for offset, group in enumerate(groups):
        plans.append(
            SessionPlan(
                f"{group} session",
                "group session",
                start + timedelta(weeks=3 + offset),
                ("before", "after"),
            )
        )
    day_one = start + timedelta(weeks=9)
    plans += [
        SessionPlan(
            "Joint workshop, day 1", "joint workshop", day_one,
            ("before", "during", "after"),
        ),
        SessionPlan(
            "Joint workshop, day 2", "joint workshop", day_one + timedelta(days=1),
            ("during", "after"),
        ),
        SessionPlan(
            "Six-month follow-up", "follow-up",
            start + timedelta(weeks=16 + 26), ("before", "after"),
        ),
    ]  # fmt: skip
    return plans
