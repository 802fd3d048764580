"""Cronbach's alpha within groups uses the release model's buckets, through the
functions the pages call (issue 10: one release model for every view).

Alpha is pooled within groups so that two teams answering at different levels
do not make items look consistent (``survey.reliability.within_groups``). The
groups it pools within must be the buckets every other figure uses — each
group the pulse shows, and everyone else (no group given, or a group the pulse
hides) as one — never the respondent's own group. Pooled by own group, a
hidden one-person group is a cell of one: it carries no within-group variance
and drops out of alpha's "complete responses", so alpha's n is one short of
the released n, and whether the hidden person answered, and how their group
is made up, would show in alpha.

The property test goes further: every figure a facilitator can see about a
pulse (live room counts, results, distributions, Trends figures, agreement and
reliability, both CSV files, the Questions page's counts) is the same however
the people the pulse does not show by group are labelled.
"""

from __future__ import annotations

import math
import tempfile
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from storage import aggregates, export, programmes, responses, results
from storage.db import Store, open_store
from survey import findings

GROUPS = ["Social work", "Education", "Director", "Advisor"]
SHOWN = ("Social work", "Education")
DIMENSION = "purpose"


@dataclass(frozen=True)
class Person:
    """One respondent: their group's name (None: not given) and answers to the
    three purpose items (None: skipped); every other item is answered 4."""

    group: str | None
    purpose: tuple[int | None, ...]


@dataclass(frozen=True)
class Pulse:
    store: Store
    programme_id: int
    pulse_id: int
    group_ids: dict[str, int]


@contextmanager
def pulse_with(k: int) -> Iterator[Pulse]:
    """A programme with the four groups and one open pulse, in a fresh file."""
    with tempfile.TemporaryDirectory() as folder:
        store = open_store(Path(folder) / "pulse.db")
        try:
            programme_id = programmes.create_programme(store, "P", GROUPS, k=k)
            session_id = programmes.add_session(
                store, programme_id, "Day", date="2026-03-01"
            )
            pulse = programmes.create_pulse(store, session_id, "before", status="open")
            group_ids = {
                g.name: g.id for g in programmes.programme_groups(store, programme_id)
            }
            yield Pulse(store, programme_id, pulse.id, group_ids)
        finally:
            store.close()


def answer(p: Pulse, people: Sequence[Person]) -> None:
    questions = programmes.pulse_questions(p.store, p.pulse_id)
    purpose = [q.id for q in questions if q.dimension == DIMENSION]
    for person in people:
        given = {q.id: 4 for q in questions if q.dimension != DIMENSION}
        given.update({q: v for q, v in zip(purpose, person.purpose, strict=True) if v})
        responses.submit_response(
            p.store,
            p.pulse_id,
            given,
            group_id=None if person.group is None else p.group_ids[person.group],
        )


def alpha_shown(p: Pulse) -> tuple[float, int, int]:
    """(alpha, its complete responses, the 'Complete responses' cell of the
    reliability table on the Trends page and in the report)."""
    result = aggregates.trends(p.store, p.programme_id)
    within = result.reliability[DIMENSION]
    table = findings.reliability_table(result)
    row = table[table["Dimension"].str.lower().str.startswith(DIMENSION)]
    return within.alpha.alpha, within.responses, int(row["Complete responses"].iloc[0])


def released_complete(p: Pulse) -> int:
    """Released responses that answered every purpose item (who alpha is about)."""
    with p.store.read() as db:
        return db.execute(
            "SELECT count(*) FROM responses r WHERE r.pulse_id = ? AND r.released "
            "AND (SELECT count(*) FROM answers a JOIN questions q "
            "ON q.id = a.question_id WHERE a.pulse_id = r.pulse_id "
            "AND a.response_id = r.id AND q.dimension = ?) = 3",
            [p.pulse_id, DIMENSION],
        ).fetchone()[0]


# Social work and Education answer the purpose items at opposite ends of the
# scale; two people give no group; the Director, alone in a group the pulse
# hides, answers 7, 1, 4. k = 3: the pulse shows Social work and Education, and
# everyone else (3) is one bucket.
ROOM = [
    Person("Social work", (6, 6, 5)),
    Person("Social work", (7, 6, 6)),
    Person("Social work", (5, 5, 5)),
    Person("Social work", (6, 7, 7)),
    Person("Education", (2, 2, 3)),
    Person("Education", (3, 2, 2)),
    Person("Education", (1, 2, 1)),
    Person(None, (4, 5, 4)),
    Person(None, (3, 3, 4)),
    Person("Director", (7, 1, 4)),
]


def test_alpha_counts_the_one_person_of_a_hidden_group() -> None:
    """All ten answered every purpose item and all ten are released: alpha is
    about those ten. Pooled by own group, the Director is a cell of one and
    drops out (9 complete responses, one short of the released 10)."""
    with pulse_with(k=3) as p:
        answer(p, ROOM)
        programmes.close_pulse(p.store, p.pulse_id)
        assert set(results.shown_groups(p.store, p.pulse_id).values()) == set(SHOWN)
        assert results.pulse_results(p.store, p.pulse_id).n == 10
        assert released_complete(p) == 10
        _, n, cell = alpha_shown(p)
        assert (n, cell) == (10, 10)


def test_alpha_is_the_same_however_hidden_people_are_grouped() -> None:
    """The Director alone in their group, or giving no group like two others:
    the pulse shows the same groups either way, so alpha (a figure about the
    shown groups and everyone else) must not tell which. Pooled by own group,
    alpha would read 0.71 over 9 complete responses with the Director alone
    and -0.12 over 10 with the Director among those who gave none; pooled by
    release bucket it is -0.12 over 10 both times."""
    relabelled = [*ROOM[:9], Person(None, ROOM[9].purpose)]
    seen = []
    for people in (ROOM, relabelled):
        with pulse_with(k=3) as p:
            answer(p, people)
            programmes.close_pulse(p.store, p.pulse_id)
            assert set(results.shown_groups(p.store, p.pulse_id).values()) == set(SHOWN)
            seen.append(alpha_shown(p))
    (alpha_a, *n_a), (alpha_b, *n_b) = seen
    assert math.isclose(alpha_a, alpha_b, rel_tol=1e-12), (alpha_a, alpha_b)
    assert n_a == n_b == [10, 10]


def test_one_hidden_latecomer_does_not_move_alpha() -> None:
    """Reopened after Close, one Advisor (a group of one, hidden) answers and
    the pulse closes again: they are held out of every figure, alpha too."""
    with pulse_with(k=3) as p:
        answer(p, ROOM)
        programmes.close_pulse(p.store, p.pulse_id)
        before = alpha_shown(p)
        programmes.open_pulse(p.store, p.pulse_id)
        answer(p, [Person("Advisor", (1, 7, 1))])
        programmes.close_pulse(p.store, p.pulse_id)
        shown = results.pulse_results(p.store, p.pulse_id)
        assert (shown.n, shown.held_out) == (10, 1)
        assert alpha_shown(p) == before


# --- the property: every view depends only on the released buckets --------------


def views(p: Pulse) -> dict[str, object]:
    """Everything a facilitator can see about the pulse, in every view: the
    live room's counts, the released results and distributions, the Trends
    figures, agreement and reliability, both CSV files (answers.csv as a
    multiset of respondents, whose numbers are random) and the Questions
    page's per-item counts."""
    counts = results.room_counts(p.store, p.pulse_id)
    shown = results.pulse_results(p.store, p.pulse_id)
    trend = aggregates.trends(p.store, p.programme_id)
    files = export.export_programme(p.store, p.programme_id)
    respondents: dict[object, list] = {}
    for row in files.answers:
        respondents.setdefault(row["respondent"], []).append(
            (row["group"], row["question_id"], row["value"])
        )
    return {
        "counts": (counts.n_now, counts.released, counts.group_counts),
        "results": (shown.n, shown.held_out, shown.figures, shown.distribution),
        "figures": trend.figures.to_dict("records"),
        "agreement": trend.agreement.to_dict("records"),
        "reliability": {
            d: (w.alpha.alpha, w.alpha.low, w.alpha.high, w.pulses, w.responses)
            for d, w in trend.reliability.items()
        },
        # Its alpha column is the number above, formatted: alpha near 0 added
        # up in another order can read "-0.00" one time and "+0.00" the next.
        "reliability table": [
            {column: value for column, value in row.items() if "α" not in column}
            for row in findings.reliability_table(trend).to_dict("records")
        ],
        "aggregates.csv": files.aggregates,
        "answers.csv": Counter(tuple(sorted(r)) for r in respondents.values()),
        "questions": [
            (q.id, q.answered)
            for q in programmes.programme_questions(p.store, p.programme_id)
        ],
    }


def same(a: object, b: object) -> bool:
    """Equal, with floats equal to rounding (sums added in another order)."""
    if isinstance(a, float) and isinstance(b, float):
        return (math.isnan(a) and math.isnan(b)) or math.isclose(
            a, b, rel_tol=1e-9, abs_tol=1e-9
        )
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[key], b[key]) for key in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if hasattr(a, "__dataclass_fields__") and type(a) is type(b):
        return same(vars(a), vars(b))
    return a == b


LABELS = st.sampled_from([*GROUPS, None])
ITEM = st.one_of(st.none(), st.integers(1, 7))
PEOPLE = st.lists(
    st.builds(
        Person,
        LABELS,
        st.tuples(st.integers(1, 7), st.integers(1, 7), ITEM),
    ),
    min_size=3,
    max_size=16,
)


def run(k: int, people: Sequence[Person], reveal_after: int) -> tuple:
    """Answers arrive, the live room looks after the first ``reveal_after`` of
    them (a release), the rest arrive, the pulse closes."""
    with pulse_with(k) as p:
        answer(p, people[:reveal_after])
        results.live_room(p.store, p.pulse_id)
        answer(p, people[reveal_after:])
        programmes.close_pulse(p.store, p.pulse_id)
        shown = set(results.shown_groups(p.store, p.pulse_id).values())
        alpha = alpha_shown(p)
        return shown, views(p), alpha, released_complete(p)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(
    k=st.integers(3, 4),
    people=PEOPLE,
    reveal=st.integers(0, 16),
    data=st.data(),
)
def test_every_view_is_the_same_however_hidden_people_are_grouped(
    k: int, people: list[Person], reveal: int, data: st.DataObject
) -> None:
    """Relabel the people of hidden groups and those who gave no group among
    the hidden groups and "no group" (each of them under k before and after,
    so the release model decides the same), replay the same answers, reveal
    and close: every view is the same. And alpha's n is the number of released
    complete responses (or alpha is not shown)."""
    shown, seen, (alpha, n, cell), complete = run(k, people, reveal)
    if not math.isnan(alpha):
        assert n == cell == complete, (n, cell, complete)
    sizes = Counter(person.group for person in people)
    # Only labels under k take or give people: hidden groups that could never
    # be shown, and "no group" when fewer than k gave none (the release model
    # weighs a k-strong "no group" like a group when it decides what to show,
    # so moving people into it could hide another group: more suppression, no
    # leak). Groups hidden by the remainder rule keep their people.
    movable = [g for g in [*GROUPS, None] if g not in shown and sizes[g] < k]
    relabelled = list(people)
    for i, person in enumerate(people):
        if person.group in movable:
            relabelled[i] = Person(data.draw(st.sampled_from(movable)), person.purpose)
    new_sizes = Counter(person.group for person in relabelled)
    assume(all(new_sizes[g] < k for g in movable))
    shown_b, seen_b, _, _ = run(k, relabelled, reveal)
    assert shown_b == shown
    for view, figures in seen.items():
        assert same(figures, seen_b[view]), (view, figures, seen_b[view])
