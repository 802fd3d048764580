"""The phone form a participant answers: one tap per item, skip allowed.

Everything sits in one ``st.form`` so taps cost no server round trip; the
only request is the submit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from storage.programmes import Group, PulseInfo, Question
from survey.instrument import COMMENT_MAX_CHARS, SCALE_HIGH, SCALE_LABELS, SCALE_LOW
from survey.words import PREFER_NOT_TO_SAY
from ui.plain import plain

SCALE = list(range(SCALE_LOW, SCALE_HIGH + 1))
SCALE_HINT = (
    f"{SCALE_LOW} = {SCALE_LABELS[SCALE_LOW].lower()} · "
    f"{SCALE_HIGH} = {SCALE_LABELS[SCALE_HIGH].lower()}"
)


@dataclass(frozen=True)
class FilledForm:
    answers: dict[int, int]
    group_id: int | None
    comment: str | None


def answer_form(
    pulse: PulseInfo, questions: Sequence[Question], groups: Sequence[Group]
) -> FilledForm | None:
    """Render the form; the participant's answers once they press Send."""
    with st.form(f"pulse-{pulse.id}", border=False, enter_to_submit=False):
        group_id = _group_choice(pulse, groups)
        st.caption(f"{SCALE_HINT}. Skip any question you prefer not to answer.")
        answers: dict[int, int] = {}
        for number, question in enumerate(questions, start=1):
            value = st.segmented_control(
                f"**{number}.** {plain(question.text)}",
                SCALE,
                key=f"answer-{pulse.id}-{question.id}",
                width="stretch",
            )
            if value is not None:
                answers[question.id] = int(value)
        comment = None
        if pulse.comment_prompt:
            # No max_chars: Streamlit would silently cut longer text on the
            # server; storage refuses it instead, with a message (finding 17).
            comment = st.text_area(
                plain(pulse.comment_prompt),
                key=f"comment-{pulse.id}",
                placeholder="Never shown with your name — there is none.",
                help=f"Up to {COMMENT_MAX_CHARS} characters.",
            )
        sent = st.form_submit_button("Send my answers", type="primary", width="stretch")
    if not sent:
        return None
    return FilledForm(answers, group_id, comment or None)


def _group_choice(pulse: PulseInfo, groups: Sequence[Group]) -> int | None:
    if not groups:
        return None
    by_name = {g.name: g.id for g in groups}
    choice = st.radio(
        "Which group are you part of?",
        [*by_name, PREFER_NOT_TO_SAY],
        index=None,
        format_func=plain,
        key=f"group-{pulse.id}",
        horizontal=True,
        help=f"Results by group are only shown when at least {pulse.k} people "
        "of that group have answered.",
    )
    return by_name.get(choice) if choice else None
