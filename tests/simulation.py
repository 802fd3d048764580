"""Programmes with a known truth, simulated in memory (no database) for the
readings' false-claim tests: the demo's timeline, people and attendance from
``survey.scenarios``, the disclosure rules (groups shown decided once per pulse,
``survey.figures.released_figures``),
and the readings of ``survey.readings``."""

from __future__ import annotations

import random
from collections import Counter, defaultdict

import numpy as np

from survey.disclosure import visible_groups
from survey.figures import released_figures
from survey.instrument import ITEM_BANK, default_form, form_items
from survey.readings import Cell, Pulse, Reading, programme_readings
from survey.reliability import PulseItems, within_groups, within_pulse_alpha
from survey.scenarios import GROUP_SIZES, TIMELINE, Asked, draw_people, pulse_answers
from survey.scoring import ScoredItem, dimension_scores, scored_value

K = 5
_IDS = {item.key: i + 1 for i, item in enumerate(ITEM_BANK)}
_SCORED = {
    _IDS[item.key]: ScoredItem(item.dimension, item.reverse) for item in ITEM_BANK
}
_CLOSED = [
    (session, moment)
    for session in TIMELINE
    for moment in session.moments
    if (session.title, moment) != ("Six-month follow-up", "after")  # left open
]


def simulate(
    scenario: str, seed: int, *, noise_items: bool = False, centred: bool = False
) -> list[Reading]:
    """Every reading the Trends page would show for one simulated programme
    (``centred``: each team's level exactly the scenario's, see draw_people)."""
    rng = random.Random(seed)
    people = draw_people(rng, centred=centred)
    pulses, cells = [], []
    parts: dict[str, list[PulseItems]] = defaultdict(list)
    for order, (session, moment) in enumerate(_CLOSED):
        items = form_items(default_form(moment))
        asked = [Asked(_IDS[i.key], i.dimension, i.reverse) for i in items]
        responses = pulse_answers(
            rng, scenario, session, moment, asked, people, noise_items=noise_items
        )
        by_dim: dict[str, list[int]] = defaultdict(list)
        for q in asked:
            by_dim[q.dimension].append(q.id)
        pulses.append(
            Pulse(order, f"{session.title} · {moment}", order, session.kind, moment,
                  session.date, {d: tuple(ids) for d, ids in by_dim.items()})
        )  # fmt: skip
        sums: dict[tuple[str, str], list[float]] = defaultdict(lambda: [0, 0.0, 0.0])
        shown = visible_groups(Counter(g or "" for g, _ in responses), K) - {""}
        for group, answers in responses:
            for dim, score in dimension_scores(answers, _SCORED).items():
                part = sums[(dim, group if group in shown else "")]
                part[0] += 1
                part[1] += score
                part[2] += score * score
        rows = [(d, g, int(n), t, s) for (d, g), (n, t, s) in sums.items()]
        cells += [
            Cell(order, f.dimension, f.group, f.n, f.mean, f.sd)
            for f in released_figures(rows, {g: g for g in shown}, K)
        ]
        for dim, ids in by_dim.items():
            if len(ids) < 2:
                continue
            group_parts = []
            for said in {g for g, _ in responses}:
                complete = np.array(
                    [
                        [scored_value(a[q], _SCORED[q]) for q in ids]
                        for g, a in responses
                        if g == said and all(q in a for q in ids)
                    ]
                )
                if len(complete) >= 2:
                    group_parts.append(
                        PulseItems(
                            complete.var(axis=0, ddof=1),
                            float(complete.sum(axis=1).var(ddof=1)),
                            len(complete),
                        )
                    )
            pooled = within_groups(group_parts)
            if pooled is not None:
                parts[dim].append(pooled)
    reliability = {dim: within_pulse_alpha(p, K) for dim, p in parts.items()}
    return programme_readings(pulses, cells, list(GROUP_SIZES), reliability)
