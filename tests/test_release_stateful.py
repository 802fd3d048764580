"""Promise 3 over any sequence of operations, through the storage functions the
pages call (a hypothesis state machine).

Answers arrive (in any group or none, skipping items, with or without a
device token) in two pulses while the facilitator reveals, closes, reopens,
raises k, renames groups, deletes answers and purges. After every step the
test collects every figure every view would show — live room, final results,
Trends, the CSV export, the Questions page counts — and checks: no figure is
about fewer than k; and any two figures of the same quantity, ever, are about
the same responses (same n, same mean) or differ by at least k responses.
"""

from __future__ import annotations

import contextlib
import math
import secrets
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from storage import aggregates, export, programmes, responses, results, retention
from storage.db import open_store
from survey.answers import SubmissionRejected
from survey.words import EVERYONE

K0 = 3
GROUPS = ["Alpha", "Beta", "Director"]


class ReleaseModel(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = tempfile.TemporaryDirectory()
        self.store = open_store(Path(self.folder.name) / "pulse.db")
        self.programme = programmes.create_programme(
            self.store, "Programme", GROUPS, k=K0
        )
        self.k = K0
        session = programmes.add_session(self.store, self.programme, "Day one")
        self.pulses = [
            programmes.create_pulse(self.store, session, moment, status="open").id
            for moment in ("before", "after")
        ]
        self.questions = {
            p: programmes.pulse_questions(self.store, p) for p in self.pulses
        }
        self.groups = programmes.programme_groups(self.store, self.programme)
        self.seen: dict[tuple, tuple[int, float]] = {}
        self.tokens: list[str] = []
        self.purged = False

    def teardown(self) -> None:
        self.store.close()
        self.folder.cleanup()

    # --- what people and the facilitator do ---------------------------------

    @rule(
        pulse=st.integers(0, 1),
        group=st.sampled_from([0, 1, 2, None]),
        value=st.integers(1, 7),
        skips=st.sets(st.integers(0, 9), max_size=4),
        token=st.sampled_from(["new", "none", "reuse"]),
    )
    def answer(self, pulse, group, value, skips, token) -> None:
        pulse_id = self.pulses[pulse]
        answers = {
            q.id: value
            for i, q in enumerate(self.questions[pulse_id])
            if i not in skips
        }
        device = None
        if token == "new":
            device = secrets.token_hex(32)
            self.tokens.append(device)
        elif token == "reuse" and self.tokens:
            device = self.tokens[-1]
        # Refused when closed, replayed or empty: nothing written then.
        with contextlib.suppress(SubmissionRejected):
            responses.submit_response(
                self.store,
                pulse_id,
                answers,
                group_id=None if group is None else self.groups[group].id,
                device_token=device,
            )

    @rule(pulse=st.integers(0, 1))
    def close(self, pulse) -> None:
        programmes.close_pulse(self.store, self.pulses[pulse])

    @rule(pulse=st.integers(0, 1))
    def reopen(self, pulse) -> None:
        programmes.open_pulse(self.store, self.pulses[pulse])

    @rule(step=st.integers(0, 2))
    def raise_k(self, step) -> None:
        name = programmes.get_programme(self.store, self.programme).name
        programmes.update_programme(self.store, self.programme, name, self.k + step)
        self.k += step

    @rule(group=st.integers(0, 2), name=st.sampled_from(["Alpha", "Gamma", "Beta2"]))
    def rename(self, group, name) -> None:
        with contextlib.suppress(ValueError):  # a name another group has
            programmes.save_group(
                self.store, self.programme, name, None, self.groups[group].id
            )

    @rule(pulse=st.integers(0, 1))
    def delete_answers(self, pulse) -> None:
        responses.delete_pulse_responses(self.store, self.pulses[pulse])
        self.seen = {key: v for key, v in self.seen.items() if key[1] != pulse}

    @precondition(lambda self: not self.purged)
    @rule()
    def purge(self) -> None:
        retention.close_programme(self.store, self.programme)
        retention.set_retention(self.store, self.programme, 0)
        retention.apply_retention(self.store)
        self.purged = True

    # --- every figure every view shows ---------------------------------------

    def _group_key(self, name: str) -> object:
        if name == EVERYONE:
            return EVERYONE
        return next(
            g.id
            for g in programmes.programme_groups(self.store, self.programme)
            if g.name == name
        )

    def _observe(self, key: tuple, n: int, mean: float) -> None:
        assert n >= self.k, (key, n, self.k)
        before = self.seen.get(key)
        if before is not None:
            moved = abs(n - before[0])
            assert moved == 0 or moved >= K0, (key, before, n)
            if moved == 0:
                assert math.isclose(mean, before[1], abs_tol=1e-9), (key, before, mean)
        self.seen[key] = (n, mean)

    @invariant()
    def every_view_agrees_with_promise_3(self) -> None:
        for index, pulse_id in enumerate(self.pulses):
            room = results.live_room(self.store, pulse_id)
            for f in room.released.figures:
                key = ("fig", index, f.dimension, self._group_key(f.group))
                self._observe(key, f.n, f.mean)
        trends = aggregates.trends(self.store, self.programme)
        for row in trends.figures.itertuples():
            index = self.pulses.index(row.pulse_id)
            key = ("fig", index, row.dimension, self._group_key(row.group))
            self._observe(key, int(row.n), float(row.mean))
        for row in export.export_programme(self.store, self.programme).aggregates:
            index = self.pulses.index(int(row["pulse_id"]))
            key = ("fig", index, row["dimension"], self._group_key(row["group"]))
            assert int(row["n"]) >= self.k
            assert self.seen[key][0] == int(row["n"])
        for question in programmes.programme_questions(self.store, self.programme):
            if question.answered:
                # Counts across both pulses: each pulse's part moves by 0 or >= k.
                assert question.answered >= K0


TestReleaseModel = ReleaseModel.TestCase
TestReleaseModel.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
