"""A deterministic demo programme, and large synthetic databases for benchmarks.

The demo mirrors the story in DESIGN.md: social workers and education officers,
four months of sessions and a six-month follow-up. Scores rise in all three
dimensions, the groups start apart and converge, and one pulse is left open so
a new user can answer it on a phone straight away.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from storage.actions import add_action, update_action
from storage.db import Store
from storage.programmes import (
    add_session,
    create_programme,
    create_pulse,
    programme_groups,
    pulse_questions,
    set_pulse_status,
)
from storage.responses import insert_responses_bulk, scored_items
from survey.instrument import SCALE_HIGH, SCALE_LOW, Moment

DEMO_NAME = "Working together for children (demo)"
DEMO_SEED = 2026

# (start, end) latent mean per dimension and group: apart at first, converging.
_TRAJECTORIES: dict[str, dict[str, tuple[float, float]]] = {
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
}
_GROUP_SIZES = {"Social work": 9, "Education": 8}


@dataclass(frozen=True)
class _PlannedSession:
    title: str
    kind: str
    date: str
    moments: tuple[Moment, ...]
    groups: tuple[str, ...]  # who attends
    progress: float  # 0 = first contact, 1 = follow-up


_TIMELINE = (
    _PlannedSession(
        "1:1 conversations",
        "conversations",
        "2026-01-13",
        ("before",),
        ("Social work", "Education"),
        0.0,
    ),
    _PlannedSession(
        "Social work team session",
        "group session",
        "2026-02-03",
        ("before", "after"),
        ("Social work",),
        0.15,
    ),
    _PlannedSession(
        "Education team session",
        "group session",
        "2026-02-10",
        ("before", "after"),
        ("Education",),
        0.15,
    ),
    _PlannedSession(
        "Joint workshop, day 1",
        "joint workshop",
        "2026-03-17",
        ("before", "during", "after"),
        ("Social work", "Education"),
        0.45,
    ),
    _PlannedSession(
        "Joint workshop, day 2",
        "joint workshop",
        "2026-03-18",
        ("during", "after"),
        ("Social work", "Education"),
        0.65,
    ),
    _PlannedSession(
        "Six-month follow-up",
        "follow-up",
        "2026-10-20",
        ("before", "after"),
        ("Social work", "Education"),
        1.0,
    ),
)
_MOMENT_STEP = {"before": 0.0, "during": 0.04, "after": 0.08}
_OPEN_PULSE = ("Six-month follow-up", "after")
_NO_GROUP_SHARE = {("Joint workshop, day 1", "during"): 0.15}
_OPEN_PULSE_SEEDED = 3  # below k: a new user sees anonymity at work

# Changes agreed at the joint workshop, with dated updates.
_ACTIONS = {
    "Joint workshop, day 1": (
        (
            "Fortnightly joint case review",
            ("connection", "safety"),
            ("Social work", "Education"),
            (
                ("2026-04-01", "started", "First review held"),
                ("2026-06-10", "done", "Now a standing meeting"),
            ),
        ),
        (
            "One shared information-sharing form",
            ("purpose",),
            ("Social work", "Education"),
            (("2026-05-05", "started", "Draft agreed by both leads"),),
        ),
    ),
}

_COMMENTS = (
    "Good to hear how the other team sees the same families.",
    "Still not sure who to call in education when a case escalates.",
    "The case discussion this afternoon was the most useful part.",
    "I felt able to say what worries me for once.",
    "We need the same information-sharing form, not two.",
    "More time in mixed groups please.",
)


def seed_demo_if_empty(store: Store) -> bool:
    """Build the demo on a fresh database; leave any existing data alone."""
    with store.read() as db:
        if db.execute("SELECT count(*) FROM programmes").fetchone()[0]:
            return False
    build_demo(store)
    return True


def open_demo_code(store: Store) -> str | None:
    """The join code of the demo's open pulse (printed for a new user)."""
    with store.read() as db:
        row = db.execute(
            "SELECT p.code FROM pulses p JOIN sessions s ON s.id = p.session_id "
            "JOIN programmes g ON g.id = s.programme_id "
            "WHERE g.name = ? AND p.status = 'open'",
            [DEMO_NAME],
        ).fetchone()
    return row[0] if row else None


def build_demo(store: Store, *, seed: int = DEMO_SEED, name: str = DEMO_NAME) -> int:
    """The demo programme with closed pulses, and one open pulse; returns its id."""
    rng = random.Random(seed)
    programme_id = create_programme(
        store, name, list(_GROUP_SIZES), k=5, expected=_GROUP_SIZES
    )
    group_ids = {g.name: g.id for g in programme_groups(store, programme_id)}
    people = {
        group: [
            {dim: rng.gauss(0, 0.55) for dim in ("safety", "connection", "purpose")}
            for _ in range(size)
        ]
        for group, size in _GROUP_SIZES.items()
    }
    for planned in _TIMELINE:
        session_id = add_session(
            store, programme_id, planned.title, kind=planned.kind, date=planned.date
        )
        for moment in planned.moments:
            pulse = create_pulse(store, session_id, moment)
            progress = min(1.0, planned.progress + _MOMENT_STEP[moment])
            is_open = (planned.title, moment) == _OPEN_PULSE
            responses = _demo_responses(
                rng,
                store,
                pulse.id,
                planned.groups,
                group_ids,
                people,
                progress,
                _NO_GROUP_SHARE.get((planned.title, moment), 0.0),
            )
            if is_open:
                responses = responses[:_OPEN_PULSE_SEEDED]
            items = scored_items(store, pulse.id)
            with store.write() as db:
                insert_responses_bulk(db, pulse.id, responses, items)
                for text in rng.sample(_COMMENTS, k=rng.randint(0, 2)):
                    if not is_open:
                        db["comments"].insert(
                            {"pulse_id": pulse.id, "id": _row_id(rng), "text": text}
                        )
            set_pulse_status(store, pulse.id, "open" if is_open else "closed")
        for title, dimensions, groups, updates in _ACTIONS.get(planned.title, ()):
            action_id = add_action(
                store,
                programme_id,
                title,
                session_id=session_id,
                dimensions=dimensions,
                groups=groups,
                today=date.fromisoformat(planned.date),
            )
            for when, status, note in updates:
                update_action(store, action_id, status, note, date.fromisoformat(when))
    return programme_id


def _row_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def _demo_responses(
    rng: random.Random,
    store: Store,
    pulse_id: int,
    attending: tuple[str, ...],
    group_ids: dict[str, int],
    people: dict[str, list[dict[str, float]]],
    progress: float,
    no_group_share: float = 0.0,
) -> list[tuple[int | None, dict[int, int]]]:
    questions = pulse_questions(store, pulse_id)
    responses: list[tuple[int | None, dict[int, int]]] = []
    for group in attending:
        present = [p for p in people[group] if rng.random() < 0.88]
        for person in present:
            answers = {}
            for q in questions:
                if rng.random() < 0.03:
                    continue  # skipped: "prefer not to answer"
                start, end = _TRAJECTORIES[group].get(q.dimension, (4.0, 5.0))
                latent = start + (end - start) * progress + person[q.dimension]
                answers[q.id] = _reversed_if(q.reverse, latent + rng.gauss(0, 0.7))
            if not answers:
                continue
            # A few people skip the group question in one pulse: enough to show
            # complementary suppression at work, not enough to hide the story.
            said_group = None if rng.random() < no_group_share else group_ids[group]
            responses.append((said_group, answers))
    rng.shuffle(responses)
    return responses


def _on_scale(x: float) -> int:
    return max(SCALE_LOW, min(SCALE_HIGH, round(x)))


def _reversed_if(reverse: bool, value: float) -> int:
    """What someone at ``value`` on the dimension answers to a reversed item."""
    on_scale = _on_scale(value)
    return SCALE_LOW + SCALE_HIGH - on_scale if reverse else on_scale


def build_synthetic(store: Store, responses: int, *, seed: int = 7) -> int:
    """A programme with ``responses`` answers spread over 12 closed pulses.

    For benchmarks: the trends page and live queries at 10k–1M responses.
    Returns the programme id.
    """
    rng = random.Random(seed)
    groups = ["Social work", "Education", "Health", "Police"]
    programme_id = create_programme(
        store, f"Synthetic programme ({responses:,} responses)", groups, k=5
    )
    group_ids = [g.id for g in programme_groups(store, programme_id)]
    pulses = []
    for month in range(6):
        session_id = add_session(
            store, programme_id, f"Month {month + 1}", date=f"2026-{month + 1:02d}-15"
        )
        for moment in ("before", "after"):
            pulses.append(create_pulse(store, session_id, moment, status="closed").id)
    per_pulse = [responses // len(pulses)] * len(pulses)
    per_pulse[-1] += responses - sum(per_pulse)
    for index, (pulse_id, count) in enumerate(zip(pulses, per_pulse, strict=True)):
        questions = pulse_questions(store, pulse_id)
        items = scored_items(store, pulse_id)
        level = 3.5 + 2.0 * index / (len(pulses) - 1)
        batch = (
            (
                rng.choice(group_ids),
                {
                    q.id: _reversed_if(q.reverse, level + rng.gauss(0, 1.0))
                    for q in questions
                },
            )
            for _ in range(count)
        )
        with store.write() as db:
            insert_responses_bulk(db, pulse_id, batch, items)
    return programme_id
