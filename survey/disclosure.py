"""Anonymity rules (DESIGN.md promises 1–3) as pure functions.

Every view and every export asks these functions before showing a figure, so
the rules live in one place and are property-tested for all inputs.
"""

from __future__ import annotations

from collections.abc import Mapping


def may_show(n: int, k: int) -> bool:
    """Promise 1: a figure about ``n`` responses may be shown only if n ≥ k."""
    return n >= k


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


def should_release(n_shown: int, n_now: int, k: int, closed: bool) -> bool:
    """Promise 3: whether shown results may move from the figures computed at
    ``n_shown`` responses to those at ``n_now``.

    While a pulse is open they move only after at least ``k`` new responses, so
    a change on the screen cannot be tied to one person walking in; once it is
    closed the final figures are shown. Never below ``k``.
    """
    if n_now < k or n_now == n_shown:
        return False
    if closed:
        return True
    return n_now - n_shown >= k
