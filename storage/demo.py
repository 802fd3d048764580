"""A deterministic demo programme, and large synthetic databases for benchmarks.

The demo mirrors the story in DESIGN.md: social workers and education officers,
four months of sessions and a six-month follow-up, and one pulse left open so a
new user can answer it on a phone straight away. What really happened is a
scenario of ``survey.scenarios`` (``story``: scores rise in all three
dimensions and the groups converge; or no change, a constant gap, one group
changing), so the readings can be checked against a known truth.
"""

from __future__ import annotations

import random
from datetime import date

from storage.actions import add_action, update_action
from storage.db import Store
from storage.programmes import (
    add_session,
    close_pulses,
    create_programme,
    create_pulse,
    programme_groups,
    pulse_questions,
    set_pulse_status,
)
from storage.responses import insert_responses_bulk, scored_items
from survey.scenarios import (
    GROUP_SIZES,
    SCENARIOS,
    TIMELINE,
    Asked,
    draw_people,
    pulse_answers,
    reversed_if,
)

DEMO_NAME = "Working together for children (demo)"
DEMO_SEED = 2026

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


def build_demo(
    store: Store,
    *,
    seed: int = DEMO_SEED,
    name: str = DEMO_NAME,
    scenario: str = "story",
) -> int:
    """The demo programme with closed pulses, and one open pulse; returns its id.

    ``scenario`` (one of ``survey.scenarios.SCENARIOS``) is the truth behind the
    answers; the timeline, groups, people and attendance are the same in all.
    """
    if scenario not in SCENARIOS:
        raise ValueError(
            f"Unknown scenario {scenario!r}: use one of {', '.join(SCENARIOS)}."
        )
    rng = random.Random(seed)
    programme_id = create_programme(
        store, name, list(GROUP_SIZES), k=5, expected=GROUP_SIZES
    )
    group_ids = {g.name: g.id for g in programme_groups(store, programme_id)}
    people = draw_people(rng)
    closing: list[int] = []
    for planned in TIMELINE:
        session_id = add_session(
            store, programme_id, planned.title, kind=planned.kind, date=planned.date
        )
        for moment in planned.moments:
            pulse = create_pulse(store, session_id, moment)
            is_open = (planned.title, moment) == _OPEN_PULSE
            asked = [
                Asked(q.id, q.dimension, q.reverse)
                for q in pulse_questions(store, pulse.id)
            ]
            responses = [
                (None if group is None else group_ids[group], answers)
                for group, answers in pulse_answers(
                    rng, scenario, planned, moment, asked, people
                )
            ]
            if is_open:
                # Whole answers: two more from a new user make a release.
                whole = [r for r in responses if len(r[1]) == len(asked)]
                responses = whole[:_OPEN_PULSE_SEEDED]
            items = scored_items(store, pulse.id)
            with store.write() as db:
                insert_responses_bulk(db, pulse.id, responses, items)
                for text in rng.sample(_COMMENTS, k=rng.randint(0, 2)):
                    if not is_open:
                        db["comments"].insert(
                            {"pulse_id": pulse.id, "id": _row_id(rng), "text": text}
                        )
            if is_open:
                set_pulse_status(store, pulse.id, "open")
            else:
                closing.append(pulse.id)
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
    close_pulses(store, closing)
    return programme_id


def _row_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


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
            pulses.append(create_pulse(store, session_id, moment, status="open").id)
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
                    q.id: reversed_if(q.reverse, level + rng.gauss(0, 1.0))
                    for q in questions
                },
            )
            for _ in range(count)
        )
        with store.write() as db:
            insert_responses_bulk(db, pulse_id, batch, items)
    close_pulses(store, pulses)
    return programme_id
