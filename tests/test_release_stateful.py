"""Promise 3 over any sequence of operations, through the storage functions the
pages call (a hypothesis state machine).

Answers arrive (in any group or none, skipping items, with or without a
device token) in two pulses while the facilitator reveals, closes, reopens,
raises k, renames groups, deletes answers and purges. After every step the
test collects every figure every view would show — live room (figures,
distributions, counts by group), final results, Trends (figures and
reliability), the CSV export (figures and respondents in answers.csv), the
Questions page counts — and checks: no figure is about fewer than k; and any
two figures of the same quantity, ever, are about the same responses (same n,
same mean) or differ by at least k responses. Pulses also close through the
grace period (``storage.closing``), and can be kept open again during it.

And what the file holds: after any close, a closed pulse has no unreleased
response and no held comment (they are counted and deleted at Close), while
every count of its responses — live room, timeline, Trends — still equals the
answers accepted: released plus held out (plus, while open, waiting).
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

from storage import (
    aggregates,
    closing,
    export,
    programmes,
    responses,
    results,
    retention,
)
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
        self.accepted = {p: 0 for p in self.pulses}

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
                comment=f"said {value}",
            )
            self.accepted[pulse_id] += 1

    @rule(pulse=st.integers(0, 1))
    def close(self, pulse) -> None:
        programmes.close_pulse(self.store, self.pulses[pulse])

    @rule(pulse=st.integers(0, 1), keep_open=st.booleans())
    def close_with_grace(self, pulse, keep_open) -> None:
        """Close pressed: a grace period, then closed by whoever looks next
        (or kept open again before it ends)."""
        pulse_id = self.pulses[pulse]
        with contextlib.suppress(ValueError):  # not open
            deadline = closing.begin_closing(self.store, pulse_id, 30, now=lambda: 0)
            if keep_open:
                closing.keep_open(self.store, pulse_id)
            else:
                closing.finish_due(self.store, now=lambda: deadline)

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
        deleted = responses.delete_pulse_responses(self.store, self.pulses[pulse])
        assert deleted == self.accepted[self.pulses[pulse]]
        self.accepted[self.pulses[pulse]] = 0
        # Figures pooled over both pulses (reliability, Questions counts) start
        # again too: the deleted part is gone, not moved.
        self.seen = {
            key: v
            for key, v in self.seen.items()
            if key[1] != pulse and key[0] not in ("rel", "question")
        }

    @precondition(lambda self: not self.purged)
    @rule()
    def purge(self) -> None:
        retention.close_programme(self.store, self.programme)
        retention.set_retention(self.store, self.programme, 0)
        retention.apply_retention(self.store)
        self.purged = True
        # Item answers and per-person scores are gone: distributions, answers.csv
        # and reliability now describe only answers that come after (if a pulse
        # is reopened), a set disjoint from what they described before.
        self.seen = {
            key: v
            for key, v in self.seen.items()
            if key[0] not in ("dist", "csv", "rel")
        }

    # --- every figure every view shows ---------------------------------------

    def _group_key(self, name: str) -> object:
        if name == EVERYONE:
            return EVERYONE
        return next(
            g.id
            for g in programmes.programme_groups(self.store, self.programme)
            if g.name == name
        )

    def _observe(self, key: tuple, n: int, mean: float, *, floor: bool = True) -> None:
        if floor:
            assert n >= self.k, (key, n, self.k)
        before = self.seen.get(key)
        if before is not None:
            moved = abs(n - before[0])
            assert moved == 0 or moved >= K0, (key, before, n)
            if moved == 0 and not (math.isnan(mean) and math.isnan(before[1])):
                assert math.isclose(mean, before[1], abs_tol=1e-9), (key, before, mean)
        self.seen[key] = (n, mean)

    @invariant()
    def every_view_agrees_with_promise_3(self) -> None:
        for index, pulse_id in enumerate(self.pulses):
            room = results.live_room(self.store, pulse_id)
            for f in room.released.figures:
                key = ("fig", index, f.dimension, self._group_key(f.group))
                self._observe(key, f.n, f.mean)
            answers_by_dimension: dict[str, int] = {}
            for level in room.released.distribution:
                assert level.n >= self.k
                answers_by_dimension[level.dimension] = (
                    answers_by_dimension.get(level.dimension, 0) + level.count
                )
            for dimension, count in answers_by_dimension.items():
                self._observe(("dist", index, dimension), count, 0.0)
            for name, count in room.counts.group_counts.items():
                key = ("room", index, self._group_key(name))
                self._observe(key, count, 0.0)
        trends = aggregates.trends(self.store, self.programme)
        for row in trends.figures.itertuples():
            index = self.pulses.index(row.pulse_id)
            key = ("fig", index, row.dimension, self._group_key(row.group))
            self._observe(key, int(row.n), float(row.mean))
        made = export.export_programme(self.store, self.programme)
        for row in made.aggregates:
            index = self.pulses.index(int(row["pulse_id"]))
            key = ("fig", index, row["dimension"], self._group_key(row["group"]))
            assert int(row["n"]) >= self.k
            assert self.seen[key][0] == int(row["n"])
        for dimension, within in trends.reliability.items():
            # Complete respondents over the pulses that count: each pulse's
            # part moves by 0 or >= k (or drops out when k rises past it).
            if within.responses:
                assert within.responses >= self.k
            self._observe(
                ("rel", dimension), within.responses, within.alpha.alpha, floor=False
            )
        respondents: dict[tuple, set] = {}
        for row in made.answers:
            index = self.pulses.index(int(row["pulse_id"]))
            for who in (EVERYONE, row["group"]):
                respondents.setdefault((index, who), set()).add(row["respondent"])
        for (index, who), numbers in respondents.items():
            assert len(numbers) >= self.k, (index, who, len(numbers))
            group = "" if who in ("", EVERYONE) else self._group_key(who)
            key = ("csv", index, EVERYONE if who == EVERYONE else group)
            self._observe(key, len(numbers), 0.0)
        for question in programmes.programme_questions(self.store, self.programme):
            # Counts across both pulses: each pulse's part moves by 0 or >= k.
            self._observe(
                ("question", question.id), question.answered, 0.0, floor=False
            )

    @invariant()
    def the_file_keeps_no_latecomer_and_every_answer_is_counted(self) -> None:
        timeline = {
            p.id: p.responses
            for session in programmes.timeline(self.store, self.programme)
            for p in session.pulses
        }
        trends = {
            p.pulse_id: p.n for p in aggregates.load(self.store, self.programme).pulses
        }
        for pulse_id in self.pulses:
            counts = results.room_counts(self.store, pulse_id)
            accepted = self.accepted[pulse_id]
            assert counts.n_now == accepted, (counts, accepted)
            assert counts.released + counts.pending + counts.held_out == accepted
            assert timeline[pulse_id] == accepted
            assert responses.count_responses(self.store, pulse_id) == accepted
            if counts.status != "closed":
                continue
            assert counts.pending == 0
            assert trends[pulse_id] == accepted
            assert results.pulse_results(self.store, pulse_id).held_out == (
                counts.held_out
            )
            with self.store.read() as db:
                assert not db.execute(
                    "SELECT count(*) FROM responses WHERE pulse_id = ? "
                    "AND released = 0",
                    [pulse_id],
                ).fetchone()[0]
                assert not db.execute(
                    "SELECT count(*) FROM comments WHERE pulse_id = ? "
                    "AND state = 'held'",
                    [pulse_id],
                ).fetchone()[0]


TestReleaseModel = ReleaseModel.TestCase
TestReleaseModel.settings = settings(
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
