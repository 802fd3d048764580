"""Anonymity rules hold for all inputs (hypothesis), and on worked cases."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from survey.disclosure import (
    REMAINDER,
    Pending,
    bucket_of,
    may_show,
    release_batch,
    shown_counts,
    visible_groups,
)

ks = st.integers(min_value=3, max_value=12)
group_counts = st.dictionaries(
    st.text(min_size=1, max_size=8), st.integers(min_value=0, max_value=60), max_size=8
)


@given(n=st.integers(min_value=0, max_value=1000), k=ks)
def test_may_show_exactly_from_k(n: int, k: int) -> None:
    assert may_show(n, k) == (n >= k)


@given(counts=group_counts, k=ks, raised=st.integers(min_value=0, max_value=10))
def test_no_group_count_below_k_is_shown_even_after_k_rises(
    counts: dict[str, int], k: int, raised: int
) -> None:
    # The groups were chosen at k; k has since gone up by ``raised``.
    chosen = {g: counts[g] for g in visible_groups(counts, k)}
    shown = shown_counts(chosen, k + raised)
    assert all(n >= k + raised for n in shown.values())
    assert shown == {g: n for g, n in chosen.items() if n >= k + raised}


@given(counts=group_counts, k=ks)
def test_every_shown_group_has_at_least_k(counts: dict[str, int], k: int) -> None:
    assert all(counts[g] >= k for g in visible_groups(counts, k))


@given(counts=group_counts, k=ks)
def test_hidden_remainder_cannot_be_recovered_by_subtraction(
    counts: dict[str, int], k: int
) -> None:
    # When the total is below k the overall figure is hidden too, so there is
    # nothing to subtract from; that case is covered by the next test.
    total = sum(counts.values())
    shown = visible_groups(counts, k)
    remainder = total - sum(counts[g] for g in shown)
    assert total < k or remainder == 0 or remainder >= k


@given(counts=group_counts, k=ks)
def test_nothing_is_shown_when_the_total_is_below_k(
    counts: dict[str, int], k: int
) -> None:
    if sum(counts.values()) < k:
        assert visible_groups(counts, k) == set()


@given(counts=group_counts, k=ks)
def test_hides_at_most_one_group_that_could_be_shown(
    counts: dict[str, int], k: int
) -> None:
    # Suppression is minimal: only one eligible group is ever sacrificed.
    eligible = {g for g, n in counts.items() if n >= k}
    if sum(counts.values()) >= k:
        assert len(eligible - visible_groups(counts, k)) <= 1


def test_worked_cases() -> None:
    # Social work 9, Education 8, one person said no group: the lone "not said"
    # answer would be total − 9 − 8, so the smaller group is hidden as well.
    assert visible_groups({"Social work": 9, "Education": 8, "Not said": 1}, 5) == {
        "Social work"
    }
    assert visible_groups({"Social work": 9, "Education": 8, "Not said": 0}, 5) == {
        "Social work",
        "Education",
    }
    assert visible_groups({"A": 5, "B": 4}, 5) == set()  # remainder 4 < 5
    assert visible_groups({"A": 10, "B": 3, "C": 3}, 5) == {"A"}  # remainder 6
    assert visible_groups({"A": 4}, 5) == set()


DIMENSION_OF = {1: "safety", 2: "safety", 3: "connection", 4: "purpose"}
pending_responses = st.lists(
    st.tuples(
        st.sampled_from([None, 10, 20, 30]),
        st.frozensets(st.sampled_from(sorted(DIMENSION_OF)), min_size=1),
    ),
    max_size=40,
)


def released_sets(
    arrivals: list[list[tuple[int | None, frozenset[int]]]], k: int
) -> list[tuple[frozenset[int], list[Pending]]]:
    """Feed arrivals in waves, releasing after each; the released set each time."""
    pending: list[Pending] = []
    released: list[Pending] = []
    visible = None
    history = []
    counter = 0
    for wave in arrivals:
        for group, items in wave:
            pending.append(Pending(f"r{counter:04d}", group, items))
            counter += 1
        batch = release_batch(pending, visible, k, DIMENSION_OF)
        if batch is not None:
            visible = batch.visible
            released += [p for p in pending if p.id in batch.ids]
            pending = [p for p in pending if p.id not in batch.ids]
        history.append((visible or frozenset(), list(released)))
    return history


def quantities(released: list[Pending], visible: frozenset[int]) -> dict:
    """Every set of responses a figure can be about: overall and per shown
    group, per item and per dimension, plus the whole set and the remainder,
    and per dimension those who answered all its items (reliability is
    computed over them alone)."""
    sets: dict[tuple, set[str]] = {}
    for who in [None, *sorted(visible), "rest"]:
        members = [
            p
            for p in released
            if who is None
            or (who == "rest" and p.group not in visible)
            or p.group == who
        ]
        sets[(who, "all")] = {p.id for p in members}
        for item, dim in DIMENSION_OF.items():
            sets[(who, item)] = {p.id for p in members if item in p.items}
            sets.setdefault((who, dim), set()).update(
                p.id for p in members if item in p.items
            )
        for dim in set(DIMENSION_OF.values()):
            asked = {i for i, d in DIMENSION_OF.items() if d == dim}
            sets[(who, "complete", dim)] = {p.id for p in members if asked <= p.items}
    return sets


@settings(max_examples=300, deadline=None)
@given(k=ks, arrivals=st.lists(pending_responses, max_size=6))
def test_no_two_released_figures_differ_by_fewer_than_k(k: int, arrivals: list) -> None:
    history = released_sets(arrivals, k)
    seen = [quantities(released, visible) for visible, released in history]
    for earlier, later in zip(seen, seen[1:], strict=False):
        for key, now in later.items():
            before = earlier.get(key, set())
            assert before <= now
            assert len(now - before) in (0,) or len(now - before) >= k, key
            assert len(now) == 0 or len(now) >= k, key


@given(k=ks, arrivals=st.lists(pending_responses, max_size=6))
def test_shown_groups_are_decided_once(k: int, arrivals: list) -> None:
    decided = [visible for visible, released in released_sets(arrivals, k) if released]
    assert len(set(decided)) <= 1


def test_a_straggler_after_a_release_is_held_out() -> None:
    full = frozenset(DIMENSION_OF)
    first = [Pending(f"a{i}", 10, full) for i in range(5)]
    batch = release_batch(first, None, 5, DIMENSION_OF)
    assert batch is not None and batch.ids == {p.id for p in first}
    late = [Pending("late", 10, full)]
    assert release_batch(late, batch.visible, 5, DIMENSION_OF) is None


def test_one_person_who_skipped_does_not_stall_the_rest() -> None:
    most = frozenset({1, 2, 3})
    people = [Pending(f"a{i}", None, most) for i in range(5)]
    # The only one to answer item 4 (purpose): releasing them would move the
    # purpose figure by one person.
    skipper = Pending("skip", None, frozenset({4}))
    batch = release_batch([*people, skipper], None, 5, DIMENSION_OF)
    assert batch is not None and "skip" not in batch.ids and len(batch.ids) == 5


def test_a_release_never_adds_one_complete_respondent() -> None:
    """Reliability is computed over those who answered every item of a
    dimension. Three answered one safety item each way and one answered both:
    every item and the dimension have k = 3, but releasing all four would move
    the complete respondents (and alpha) by one person (round 3)."""
    people = [
        Pending("a", None, frozenset({1, 3, 4})),
        Pending("b", None, frozenset({1, 3, 4})),
        Pending("c", None, frozenset({2, 3, 4})),
        Pending("d", None, frozenset({2, 3, 4})),
        Pending("both", None, frozenset({1, 2, 3, 4})),
    ]
    batch = release_batch(people, None, 3, DIMENSION_OF)
    complete = [p for p in people if batch and p.id in batch.ids and {1, 2} <= p.items]
    assert len(complete) in (0,) or len(complete) >= 3


@given(
    group=st.one_of(st.none(), st.integers(1, 6)),
    visible=st.frozensets(st.integers(1, 6)),
)
def test_a_response_counts_in_its_group_only_where_the_pulse_shows_it(
    group: int | None, visible: frozenset[int]
) -> None:
    """The bucket every figure keeps a response under (means, agreement,
    reliability's pooling within groups): its group if shown, else the one
    remainder — so the people of hidden groups are never a cell of their own."""
    expected = group if group in visible else REMAINDER
    assert bucket_of(group, visible) == expected
