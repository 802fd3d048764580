"""Programmes with a known truth: the demo's timeline, groups and people, and
what each scenario says really happened.

Shared by ``python -m storage demo --scenario S`` (written to a database) and
by the simulation tests (kept in memory, hundreds of programmes a second), so
the readings are tested on exactly the data the demo shows.

* ``story``: the demo — scores rise in every dimension and the groups converge.
* ``no-change``: nobody changes; the groups stay at different levels.
* ``constant-gap``: both groups rise together, one point apart throughout.
* ``one-group-change``: social workers rise by 1.5 points, education stays.
* ``far-apart``: nobody changes; the teams answer two points apart (3 and 5).
* ``past-margin``: both groups rise by 0.55 points, just past the 0.5 that
  "similar" allows: a "similar" change at the follow-up is a false claim.
* ``reversal``: social workers start 0.8 below education and end 0.8 above:
  from the first pulse to the follow-up the gap changes side at the same size
  (neither narrower nor wider).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from survey.instrument import SCALE_HIGH, SCALE_LOW, Moment

DIMENSION_KEYS = ("safety", "connection", "purpose")
GROUP_SIZES = {"Social work": 9, "Education": 8}
SCENARIOS = (
    "story",
    "no-change",
    "constant-gap",
    "one-group-change",
    "reversal",
    "past-margin",
    "far-apart",
)

Trajectory = dict[str, dict[str, tuple[float, float]]]  # group -> dim -> (start, end)


def _same(start: float, end: float) -> dict[str, tuple[float, float]]:
    return {dim: (start, end) for dim in DIMENSION_KEYS}


TRAJECTORIES: dict[str, Trajectory] = {
    # Apart at first, converging (the demo since the first release).
    "story": {
        "Social work": {
            "safety": (3.3, 5.6),
            "connection": (2.8, 5.3),
            "purpose": (4.6, 5.9),
        },
        "Education": {
            "safety": (4.5, 5.7),
            "connection": (3.2, 5.2),
            "purpose": (3.9, 5.8),
        },
    },
    "no-change": {
        "Social work": {
            "safety": (3.6, 3.6),
            "connection": (3.2, 3.2),
            "purpose": (4.6, 4.6),
        },
        "Education": {
            "safety": (4.5, 4.5),
            "connection": (3.6, 3.6),
            "purpose": (4.0, 4.0),
        },
    },  # fmt: skip
    "constant-gap": {
        "Social work": _same(4.0, 5.0),
        "Education": _same(3.0, 4.0),
    },
    "one-group-change": {
        "Social work": _same(3.5, 5.0),
        "Education": _same(4.2, 4.2),
    },
    "far-apart": {
        "Social work": _same(3.0, 3.0),
        "Education": _same(5.0, 5.0),
    },
    "past-margin": {
        "Social work": _same(3.5, 4.05),
        "Education": _same(3.5, 4.05),
    },
    "reversal": {
        "Social work": _same(3.2, 4.8),
        "Education": _same(4.0, 4.0),
    },
}

# The group whose change the one-group-change scenario should find.
CHANGED_GROUP = "Social work"


@dataclass(frozen=True)
class PlannedSession:
    """A session of a simulated programme: who attends, and how far along the
    programme it is, which sets how much the simulated answers have moved."""

    title: str
    kind: str
    date: str
    moments: tuple[Moment, ...]
    groups: tuple[str, ...]  # who attends
    progress: float  # 0 = first contact, 1 = follow-up


TIMELINE = (
    PlannedSession("1:1 conversations", "conversations", "2026-01-13",
                   ("before",), ("Social work", "Education"), 0.0),
    PlannedSession("Social work team session", "group session", "2026-02-03",
                   ("before", "after"), ("Social work",), 0.15),
    PlannedSession("Education team session", "group session", "2026-02-10",
                   ("before", "after"), ("Education",), 0.15),
    PlannedSession("Joint workshop, day 1", "joint workshop", "2026-03-17",
                   ("before", "during", "after"), ("Social work", "Education"), 0.45),
    PlannedSession("Joint workshop, day 2", "joint workshop", "2026-03-18",
                   ("during", "after"), ("Social work", "Education"), 0.65),
    PlannedSession("Six-month follow-up", "follow-up", "2026-10-20",
                   ("before", "after"), ("Social work", "Education"), 1.0),
)  # fmt: skip
MOMENT_STEP = {"before": 0.0, "during": 0.04, "after": 0.08}
NO_GROUP_SHARE = {("Joint workshop, day 1", "during"): 0.15}
PERSON_SD = 0.55
ANSWER_SD = 0.7
PRESENT = 0.88
SKIP = 0.03


@dataclass(frozen=True)
class Asked:
    """What generation needs to know about a question."""

    id: int
    dimension: str
    reverse: bool


People = dict[str, list[dict[str, float]]]


def draw_people(rng: random.Random, *, centred: bool = False) -> People:
    """Each person's lasting offset per dimension (the same across pulses).

    ``centred`` shifts each group's offsets to average zero, so the team's own
    level is exactly the scenario's: with nine people the offsets alone move
    a team by about 0.2 for good, which makes a gap scenario's truth (e.g.
    ``reversal``: as wide on either side) untrue of the team simulated.
    """
    people = {
        group: [
            {dim: rng.gauss(0, PERSON_SD) for dim in DIMENSION_KEYS}
            for _ in range(size)
        ]
        for group, size in GROUP_SIZES.items()
    }
    if centred:
        for members in people.values():
            for dim in DIMENSION_KEYS:
                mean = sum(p[dim] for p in members) / len(members)
                for p in members:
                    p[dim] -= mean
    return people


def progress_at(session: PlannedSession, moment: str) -> float:
    return min(1.0, session.progress + MOMENT_STEP[moment])


def pulse_answers(
    rng: random.Random,
    scenario: str,
    session: PlannedSession,
    moment: str,
    questions: Sequence[Asked],
    people: People,
    *,
    noise_items: bool = False,
) -> list[tuple[str | None, dict[int, int]]]:
    """One pulse's responses as (group name or None, {question id: 1..7}).

    Each present person answers around their group's level at this point of the
    programme plus their own lasting offset. ``noise_items`` drops the shared
    person offset so items are pure noise within every pulse (their only
    common movement is the programme's change in the mean).
    """
    trajectory = TRAJECTORIES[scenario]
    progress = progress_at(session, moment)
    no_group_share = NO_GROUP_SHARE.get((session.title, moment), 0.0)
    responses: list[tuple[str | None, dict[int, int]]] = []
    for group in session.groups:
        present = [p for p in people[group] if rng.random() < PRESENT]
        for person in present:
            answers = {}
            for q in questions:
                if rng.random() < SKIP:
                    continue  # "prefer not to answer"
                start, end = trajectory[group].get(q.dimension, (4.0, 5.0))
                shared = 0.0 if noise_items else person.get(q.dimension, 0.0)
                latent = start + (end - start) * progress + shared
                answers[q.id] = reversed_if(q.reverse, latent + rng.gauss(0, ANSWER_SD))
            if not answers:
                continue
            said = None if rng.random() < no_group_share else group
            responses.append((said, answers))
    rng.shuffle(responses)
    return responses


def on_scale(x: float) -> int:
    return max(SCALE_LOW, min(SCALE_HIGH, round(x)))


def reversed_if(reverse: bool, value: float) -> int:
    """What someone at ``value`` on the dimension answers to a reversed item."""
    answer = on_scale(value)
    return SCALE_LOW + SCALE_HIGH - answer if reverse else answer
