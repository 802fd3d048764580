"""Views of the Questions page."""

from __future__ import annotations

import streamlit as st

from storage import programmes
from storage.db import Store
from storage.programmes import QUESTION_MAX_CHARS
from survey.i18n import LANGUAGE_NAMES, text_in
from survey.instrument import DIMENSIONS, dimension_label
from ui import a11y_text as a11y
from ui.i18n import _, counted, current_language, refusal
from ui.markdown_text import heard_only
from ui.plain import plain


def question_list(store: Store, programme_id: int) -> None:
    questions = programmes.programme_questions(store, programme_id)
    for question in questions:
        text, flags, up, down, retire = st.columns(
            [8, 3, 1, 1, 2], vertical_alignment="center"
        )
        # The question in the page's language, and its other version below.
        language = current_language()
        welsh = text_in("cy", question.text, question.text_cy)
        shown = plain(welsh if language == "cy" else question.text)
        shown = f"~~{shown}~~" if question.retired else shown
        label = _(dimension_label(question.dimension))
        text.markdown(f"**{plain(label)}** — {shown}")
        if welsh != question.text:
            other = "en" if language == "cy" else "cy"
            text.text(
                f"{LANGUAGE_NAMES[other]}: {welsh if other == 'cy' else question.text}"
            )
        answered = counted("{n} answer", "{n} answers", question.answered)
        flags.caption(
            (_("reverse-scored") + " · " if question.reverse else "")
            + answered
            + ("" if welsh != question.text else " · " + _("no Welsh text yet"))
        )
        # Heard: which question the button moves, as the page shows it.
        row = {"text": welsh if language == "cy" else question.text}
        up_label = heard_only("↑", _(a11y.MOVE_UP_ROW).format(**row))
        down_label = heard_only("↓", _(a11y.MOVE_DOWN_ROW).format(**row))
        if up.button(up_label, key=f"up-{question.id}", help=_("Move up")):
            programmes.move_question(store, question.id, -1)
            st.rerun()
        if down.button(down_label, key=f"down-{question.id}", help=_("Move down")):
            programmes.move_question(store, question.id, +1)
            st.rerun()
        label = (
            heard_only(_("Restore"), a11y.QUESTION_ROW.format(**row))
            if question.retired
            else heard_only(_("Retire"), a11y.QUESTION_ROW.format(**row))
        )
        if retire.button(label, key=f"retire-{question.id}"):
            programmes.set_question_retired(store, question.id, not question.retired)
            st.rerun()


def add_question_form(store: Store, programme_id: int) -> None:
    st.subheader(_("Add a question"))
    known = [d.key for d in DIMENSIONS] + sorted(
        {q.dimension for q in programmes.programme_questions(store, programme_id)}
        - {d.key for d in DIMENSIONS}
    )
    with st.form(f"add-question-{programme_id}", clear_on_submit=True):
        dimension = st.selectbox(
            _("Dimension"),
            [*known, "new"],
            format_func=lambda d: (
                _("A new dimension…") if d == "new" else _(dimension_label(d))
            ),
        )
        new_dimension = st.text_input(_("Name of the new dimension (if new)"))
        text = st.text_area(
            _("Statement people agree or disagree with"), max_chars=QUESTION_MAX_CHARS
        )
        text_cy = st.text_area(
            _("The same statement in Welsh (Cymraeg)"),
            max_chars=QUESTION_MAX_CHARS,
            help=_(
                "Shown to people answering in Welsh; without it they see the "
                "English. Answers in either language count for the same question."
            ),
        )
        reverse = st.checkbox(
            _("Reverse-scored (agreeing means *less* of the dimension)"),
        )
        if st.form_submit_button(_("Add question"), type="primary"):
            chosen = new_dimension if dimension == "new" else dimension
            try:
                programmes.add_question(
                    store, programme_id, chosen, text, reverse, text_cy=text_cy
                )
                st.success(
                    _("Added. It will be asked in pulses you create from now on.")
                )
            except ValueError as problem:
                st.error(plain(refusal(problem)))
