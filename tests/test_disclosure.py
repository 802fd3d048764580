"""Anonymity rules hold for all inputs (hypothesis), and on worked cases."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from survey.disclosure import may_show, should_release, visible_groups

ks = st.integers(min_value=3, max_value=12)
group_counts = st.dictionaries(
    st.text(min_size=1, max_size=8), st.integers(min_value=0, max_value=60), max_size=8
)


@given(n=st.integers(min_value=0, max_value=1000), k=ks)
def test_may_show_exactly_from_k(n: int, k: int) -> None:
    assert may_show(n, k) == (n >= k)


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


@given(
    n_shown=st.integers(min_value=0, max_value=200),
    n_now=st.integers(min_value=0, max_value=200),
    k=ks,
    closed=st.booleans(),
)
def test_release_rules(n_shown: int, n_now: int, k: int, closed: bool) -> None:
    released = should_release(n_shown, n_now, k, closed)
    if n_now < k:
        assert not released
    if released and not closed:
        assert n_now - n_shown >= k
    if not closed and 0 < n_now - n_shown < k:
        assert not released
    if closed and n_now >= k and n_now != n_shown:
        assert released


@given(k=ks, arrivals=st.lists(st.integers(min_value=1, max_value=4), max_size=40))
def test_live_view_never_changes_for_fewer_than_k_new_answers(
    k: int, arrivals: list[int]
) -> None:
    # Simulate a room: people arrive in small bursts; every shown change must
    # cover at least k responses, so no change can be pinned on one person.
    n_now, n_shown, shown_history = 0, 0, [0]
    for burst in arrivals:
        n_now += burst
        if should_release(n_shown, n_now, k, closed=False):
            n_shown = n_now
            shown_history.append(n_shown)
    steps = [b - a for a, b in zip(shown_history, shown_history[1:], strict=False)]
    assert all(step >= k for step in steps)
