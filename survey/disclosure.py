"""Anonymity rules (DESIGN.md promises 1–3) as pure functions.

Every view and every export asks these functions before showing a figure, so
the rules live in one place and are property-tested for all inputs. Figures
are computed over *released* responses only; ``release_batch`` decides what a
release may add, so no two figures a facilitator can ever see differ by fewer
than ``k`` people.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


def may_show(n: int, k: int) -> bool:
    """Promise 1: a figure about ``n`` responses may be shown only if n ≥ k."""
    return n >= k


def shown_counts(counts: Mapping[str, int], k: int) -> dict[str, int]:
    """The group counts that may be shown: those about at least ``k`` people.

    A pulse's shown groups are fixed at its first release, when each had at
    least k; raising k later can leave a shown group below it, and its count
    is then withheld like its figures (promise 1 holds for counts too).
    """
    return {group: n for group, n in counts.items() if may_show(n, k)}


def visible_groups(counts: Mapping[str, int], k: int) -> set[str]:
    """The groups whose figures may be shown beside the overall figure.

    Each shown group has at least ``k`` responses, and the hidden remainder
    (total minus the shown groups) is 0 or at least ``k`` — otherwise the
    hidden group(s) could be recovered by subtracting shown groups from the
    total (promise 2). The remainder is made safe by hiding the smallest shown
    group too (ties broken by name, so the choice is stable). ``counts`` must
    cover every response, including those that named no group.
    """
    total = sum(counts.values())
    if total < k:
        return set()
    shown = {group for group, n in counts.items() if n >= k}
    while shown:
        remainder = total - sum(counts[g] for g in shown)
        if remainder == 0 or remainder >= k:
            break
        shown.remove(min(shown, key=lambda g: (counts[g], g)))
    return shown


REMAINDER = 0
"""The bucket of responses whose group is not shown: no group given, or a group
hidden for this pulse. Only ever part of the overall figures."""


def bucket_of(group: int | None, visible: frozenset[int]) -> int:
    """The bucket a response counts in, for every figure of its pulse: its group
    when the pulse shows that group, else ``REMAINDER``. Releases are decided
    per bucket, so any figure kept per bucket (means, agreement, reliability's
    within-group pooling) moves by 0 or at least k people; a figure kept per
    respondent's own group would put a hidden group of one in a cell of its
    own. The one definition: storage keeps its sums under these keys."""
    return group if group is not None and group in visible else REMAINDER


@dataclass(frozen=True)
class Pending:
    """A response not yet in any figure: its group id (None: not given) and the
    questions it answered."""

    id: str
    group: int | None
    items: frozenset[int]


@dataclass(frozen=True)
class Release:
    """The responses a release adds, and the groups shown for the pulse."""

    ids: frozenset[str]
    visible: frozenset[int]


def choose_visible(groups: Sequence[int | None], k: int) -> frozenset[int]:
    """Which groups a pulse shows, decided once at its first release from the
    groups of the responses released then (promise 2, by group id)."""
    counts = Counter("" if g is None else str(g) for g in groups)
    shown = visible_groups(counts, k) - {""}
    return frozenset(int(g) for g in shown)


def release_batch(
    pending: Sequence[Pending],
    visible: frozenset[int] | None,
    k: int,
    dimension_of: Mapping[int, str],
) -> Release | None:
    """The next release of a pulse (promise 3), or None when none is possible.

    Every figure is computed over released responses only. A release adds, per
    bucket (each shown group, and the remainder), either nothing or at least
    ``k`` responses — and within the bucket, for every item and every
    dimension, either nobody or at least ``k`` who answered it, and nobody or
    at least ``k`` who answered all of a dimension's items. So any figure
    (overall or per shown group, per dimension or item) moves by 0 or at least
    ``k`` responses, however views and moments are combined. Responses that
    cannot yet be released stay pending (counted, not shown).
    """
    if visible is None:
        first = _safe_subset(list(pending), k, dimension_of)
        if len(first) < k:
            return None
        visible = choose_visible([p.group for p in first], k)
    buckets: dict[int, list[Pending]] = defaultdict(list)
    for p in pending:
        buckets[bucket_of(p.group, visible)].append(p)
    chosen: set[str] = set()
    for members in buckets.values():
        chosen |= {p.id for p in _safe_subset(members, k, dimension_of)}
    if not chosen:
        return None
    return Release(frozenset(chosen), visible)


def _safe_subset(
    members: list[Pending], k: int, dimension_of: Mapping[int, str]
) -> list[Pending]:
    """The largest set found (greedily) in which every item and dimension is
    answered by nobody or by at least ``k``, and every dimension's items are
    *all* answered by nobody or at least ``k`` (reliability is computed over
    those complete respondents alone); empty if fewer than ``k`` remain.

    Members who answered a rarely answered item (or rarely answered all of a
    dimension) are held back first, so one person who skipped most questions
    cannot stall everyone else.
    """
    asked: dict[str, set[int]] = defaultdict(set)
    for item, dimension in dimension_of.items():
        asked[dimension].add(item)

    def marks(p: Pending) -> set[tuple[str, object]]:
        dimensions = {dimension_of.get(i, "") for i in p.items}
        return (
            {("item", i) for i in p.items}
            | {("dim", d) for d in dimensions}
            | {("all", d) for d in dimensions if asked.get(d, {None}) <= p.items}
        )

    kept = sorted(members, key=lambda p: p.id)
    while len(kept) >= k:
        counts = Counter(mark for p in kept for mark in marks(p))
        short = sorted((c, key) for key, c in counts.items() if 0 < c < k)
        if not short:
            return kept
        _, mark = short[0]
        kept = [p for p in kept if mark not in marks(p)]
    return []
