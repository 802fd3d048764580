"""Views of the Questions page."""

from __future__ import annotations

import streamlit as st

from storage import programmes
from storage.db import Store
from storage.programmes import QUESTION_MAX_CHARS
from survey.i18n import text_in
from survey.instrument import DIMENSIONS, dimension_label
from ui import a11y_text as a11y
from ui.markdown_text import heard_only
from ui.plain import plain


def question_list(store: Store, programme_id: int) -> None:
    questions = programmes.programme_questions(store, programme_id)
    for question in questions:
        text, flags, up, down, retire = st.columns(
            [8, 3, 1, 1, 2], vertical_alignment="center"
        )
        shown = plain(question.text)
        shown = f"~~{shown}~~" if question.retired else shown
        text.markdown(f"**{plain(dimension_label(question.dimension))}** — {shown}")
        welsh = text_in("cy", question.text, question.text_cy)
        if welsh != question.text:
            text.text(f"Cymraeg: {welsh}")
        flags.caption(
            ("reverse-scored · " if question.reverse else "")
            + f"{question.answered} answers"
            + ("" if welsh != question.text else " · no Welsh text yet")
        )
        row = {"text": question.text}  # heard: which question the button moves
        up_label = heard_only("↑", a11y.MOVE_UP_ROW.format(**row))
        down_label = heard_only("↓", a11y.MOVE_DOWN_ROW.format(**row))
        if up.button(up_label, key=f"up-{question.id}", help="Move up"):
            programmes.move_question(store, question.id, -1)
            st.rerun()
        if down.button(down_label, key=f"down-{question.id}", help="Move down"):
            programmes.move_question(store, question.id, +1)
            st.rerun()
        label = (
            heard_only("Restore", a11y.QUESTION_ROW.format(**row))
            if question.retired
            else heard_only("Retire", a11y.QUESTION_ROW.format(**row))
        )
        if retire.button(label, key=f"retire-{question.id}"):
            programmes.set_question_retired(store, question.id, not question.retired)
            st.rerun()


def add_question_form(store: Store, programme_id: int) -> None:
    st.subheader("Add a question")
    known = [d.key for d in DIMENSIONS] + sorted(
        {q.dimension for q in programmes.programme_questions(store, programme_id)}
        - {d.key for d in DIMENSIONS}
    )
    with st.form(f"add-question-{programme_id}", clear_on_submit=True):
        dimension = st.selectbox(
            "Dimension",
            [*known, "new"],
            format_func=lambda d: (
                "A new dimension…" if d == "new" else dimension_label(d)
            ),
        )
        new_dimension = st.text_input("Name of the new dimension (if new)")
        text = st.text_area(
            "Statement people agree or disagree with", max_chars=QUESTION_MAX_CHARS
        )
        text_cy = st.text_area(
            "The same statement in Welsh (Cymraeg)",
            max_chars=QUESTION_MAX_CHARS,
            help="Shown to people answering in Welsh; without it they see the "
            "English. Answers in either language count for the same question.",
        )
        reverse = st.checkbox(
            "Reverse-scored (agreeing means *less* of the dimension)",
        )
        if st.form_submit_button("Add question", type="primary"):
            chosen = new_dimension if dimension == "new" else dimension
            try:
                programmes.add_question(
                    store, programme_id, chosen, text, reverse, text_cy=text_cy
                )
                st.success("Added. It will be asked in pulses you create from now on.")
            except ValueError as problem:
                st.error(plain(problem))
