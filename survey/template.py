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
    """A session the template proposes, before the facilitator edits it; the
    pulses it gets are the ``moments``."""

    title: str
    kind: str
    date: date
    moments: tuple[Moment, ...]


def is_working_day(day: date) -> bool:
    """Monday to Friday, outside the 24 December–1 January week most services
    close for: the days a template may suggest."""
    if day.weekday() >= 5:
        return False
    return not (
        (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)
    )


def working_day(day: date) -> date:
    """``day`` if it is a working day, else the next one."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def four_month_template(groups: Sequence[str], start: date) -> list[SessionPlan]:
    """Sessions with suggested pulses: full forms before/after, short during.

    Every date is a working day (``working_day``); the workshop's second day is
    the working day after its first.
    """
    start = working_day(start)
    plans = [SessionPlan("1:1 conversations", "conversations", start, ("before",))]
    for offset, group in enumerate(groups):
        plans.append(
            SessionPlan(
                f"{group} session",
                "group session",
                working_day(start + timedelta(weeks=3 + offset)),
                ("before", "after"),
            )
        )
    day_one = working_day(start + timedelta(weeks=9))
    # The workshop's two days belong together: not split by a holiday.
    while working_day(day_one + timedelta(days=1)) - day_one > timedelta(days=3):
        day_one = working_day(day_one + timedelta(days=1))
    plans += [
        SessionPlan(
            "Joint workshop, day 1", "joint workshop", day_one,
            ("before", "during", "after"),
        ),
        SessionPlan(
            "Joint workshop, day 2", "joint workshop",
            working_day(day_one + timedelta(days=1)),
            ("during", "after"),
        ),
        SessionPlan(
            "Six-month follow-up", "follow-up",
            working_day(start + timedelta(weeks=16 + 26)), ("before", "after"),
        ),
    ]  # fmt: skip
    return plans
