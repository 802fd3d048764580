"""The phone form a participant answers: one tap per item, skip allowed.

Everything sits in one ``st.form`` so taps cost no server round trip; the
only request is the submit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import streamlit as st

from storage.programmes import Group, PulseInfo, Question
from survey.i18n import N_, text_in
from survey.instrument import COMMENT_MAX_CHARS, SCALE_HIGH, SCALE_LABELS, SCALE_LOW
from survey.words import PREFER_NOT_TO_SAY
from ui.i18n import _, current_language
from ui.plain import plain

SCALE = list(range(SCALE_LOW, SCALE_HIGH + 1))


def scale_hint() -> str:
    """ "1 = strongly disagree · 7 = strongly agree", in the session's language."""
    low, high = _(SCALE_LABELS[SCALE_LOW]), _(SCALE_LABELS[SCALE_HIGH])
    return f"{SCALE_LOW} = {low.lower()} · {SCALE_HIGH} = {high.lower()}"


@dataclass(frozen=True)
class KeptAnswers:
    """What a participant sent to a pulse that had closed: shown back to them,
    never stored."""

    answers: tuple[tuple[str, int], ...]
    group: str | None
    comment: str | None


@dataclass(frozen=True)
class FilledForm:
    answers: dict[int, int]
    group_id: int | None
    comment: str | None

    def described(
        self, questions: Sequence[Question], groups: Sequence[Group]
    ) -> KeptAnswers:
        language = current_language()
        texts = {q.id: text_in(language, q.text, q.text_cy) for q in questions}
        names = {g.id: g.name for g in groups}
        return KeptAnswers(
            tuple((texts[qid], value) for qid, value in self.answers.items()),
            names.get(self.group_id) if self.group_id is not None else None,
            self.comment,
        )


NOT_RECORDED = N_(
    "Your answers were not recorded: this pulse closed before they arrived, so "
    "they are not in the results. Nothing was stored. They are shown below so "
    "you can see what you chose, or tell the facilitator."
)


def kept_answers(kept: KeptAnswers) -> None:
    """The refused answers, still on screen, as plain text (never markup)."""
    st.error(_(NOT_RECORDED), icon=":material/block:")
    with st.container(border=True):
        st.caption(_("Your answers (not recorded)"))
        if kept.group:
            st.text(_("Group: {name}").format(name=kept.group))
        for number, (text, value) in enumerate(kept.answers, start=1):
            st.text(f"{number}. {text} — {value}")
        if kept.comment:
            st.text(_("Comment: {text}").format(text=kept.comment))


_CODE_BOX_SCRIPT = """
<style>.stElementContainer:has(.tp-code-attrs){display:none !important;}</style>
<span class="tp-code-attrs"></span>
<script>
(() => {
  const apply = () => {
    const box = document.querySelector(".st-key-%(key)s input");
    if (!box) return false;
    box.setAttribute("autocapitalize", "characters");
    box.setAttribute("autocorrect", "off");
    box.setAttribute("spellcheck", "false");
    box.setAttribute("autocomplete", "off");
    return true;
  };
  if (apply()) return;
  const watch = new MutationObserver(() => { if (apply()) watch.disconnect(); });
  watch.observe(document.body, { childList: true, subtree: true });
  setTimeout(() => watch.disconnect(), 10000);
})();
</script>
"""


def code_box_attributes(key: str) -> None:
    """Phones should not capitalise, correct or spell-check a join code: set
    ``autocapitalize="characters"``, ``autocorrect="off"`` and
    ``spellcheck="false"`` on the text input with this key (Streamlit has no
    parameter for them). The script is fixed text; only a widget key we chose
    goes in."""
    if not key.replace("_", "").isalnum():
        raise ValueError("Widget keys here are letters, digits and underscores.")
    st.html(_CODE_BOX_SCRIPT % {"key": key}, unsafe_allow_javascript=True)


def answer_form(
    pulse: PulseInfo, questions: Sequence[Question], groups: Sequence[Group]
) -> FilledForm | None:
    """Render the form; the participant's answers once they press Send.

    Questions and the comment prompt are shown in the session's language;
    answers are keyed by question id, so Welsh and English answers to one
    question land on the same question.
    """
    language = current_language()
    with st.form(f"pulse-{pulse.id}", border=False, enter_to_submit=False):
        group_id = _group_choice(pulse, groups)
        skip_note = _("Skip any question you prefer not to answer.")
        st.caption(f"{scale_hint()}. {skip_note}")
        answers: dict[int, int] = {}
        for number, question in enumerate(questions, start=1):
            value = st.segmented_control(
                f"**{number}.** "
                f"{plain(text_in(language, question.text, question.text_cy))}",
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
                plain(text_in(language, pulse.comment_prompt)),
                key=f"comment-{pulse.id}",
                placeholder=_("Never shown with your name — there is none."),
                help=_("Up to {limit} characters.").format(limit=COMMENT_MAX_CHARS),
            )
        sent = st.form_submit_button(
            _("Send my answers"), type="primary", width="stretch"
        )
    if not sent:
        return None
    return FilledForm(answers, group_id, comment or None)


def _group_choice(pulse: PulseInfo, groups: Sequence[Group]) -> int | None:
    if not groups:
        return None
    names = {g.id: g.name for g in groups}
    choice = st.radio(
        _("Which group are you part of?"),
        [*names, None],
        index=None,
        format_func=lambda g: (
            plain(names[g]) if g is not None else _(PREFER_NOT_TO_SAY)
        ),
        key=f"group-{pulse.id}",
        horizontal=True,
        help=_(
            "Results by group are only shown when at least {k} people of that "
            "group have answered."
        ).format(k=pulse.k),
    )
    return choice
