"""The phone form a participant answers: one tap per item, skip allowed.

Everything sits in one ``st.form`` so taps cost no server round trip; the
only request is the submit.

Each item is an ``st.radio``: Streamlit draws it as a native radio group
(react-aria), so a screen reader hears one group named by the statement
(``aria-label`` is the label string as given, so the label carries no
Markdown of ours; where the typed text had to be escaped for the visible
label, ``exact_group_names`` names the group with the text as typed), arrow
keys move the selection, and a second tap never clears it. Each option's
label is its number followed by its meaning in a ``:small[]`` span:
ui/phone_style.py shows the meaning only under the two end points (the
"Strongly disagree" / "Strongly agree" anchors, real text in reading order)
and keeps the others for screen readers, so every option is heard as e.g.
"5, Somewhat agree". A last "Skip" option, shown once an answer is chosen,
takes the answer back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import streamlit as st

from storage.programmes import Group, PulseInfo, Question
from survey.i18n import N_, text_in
from survey.instrument import COMMENT_MAX_CHARS, SCALE_HIGH, SCALE_LABELS, SCALE_LOW
from survey.words import PREFER_NOT_TO_SAY
from ui.i18n import _, current_language
from ui.plain import plain, unlinked

SCALE = list(range(SCALE_LOW, SCALE_HIGH + 1))
SKIP = "skip"
"""The option that takes an answer back (the item then counts as skipped)."""
OPTIONS: list[int | str] = [*SCALE, SKIP]


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
        # Labels in this session's language, looked up (not translated) when
        # Streamlit formats a value: that may happen outside the script run.
        labels = {option: option_label(option) for option in OPTIONS}
        escaped: dict[str, str] = {}
        for number, question in enumerate(questions, start=1):
            text = text_in(language, question.text, question.text_cy)
            key = f"answer-{pulse.id}-{question.id}"
            label = question_label(number, text)
            if label != spoken_name(number, text):
                escaped[key] = spoken_name(number, text)
            value = st.radio(
                label,
                OPTIONS,
                index=None,
                format_func=labels.__getitem__,
                key=key,
                horizontal=True,
            )
            if value in SCALE:
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
        # Keyed, so its id comes from the key and not the label: a press made
        # on the form drawn in one language is honoured by a run that draws
        # it in the other (the browser's remembered language can arrive
        # between the press and the run that handles it).
        sent = st.form_submit_button(
            _("Send my answers"),
            type="primary",
            width="stretch",
            key=f"send-{pulse.id}",
        )
    exact_group_names(escaped)
    if not sent:
        return None
    return FilledForm(answers, group_id, comment or None)


# What Streamlit's label Markdown could read as syntax (emphasis, code, links,
# autolinks, HTML, entities, LaTeX, directives, typographic replacements).
_MARKDOWN_ACTIVE = re.compile(r"[\\`*_{}\[\]()#+!<>|~$:&=^@]|--|\.\.\.|www\.")


def question_label(number: int, text: str) -> str:
    """The item's visible label (Streamlit renders it as Markdown, and also
    passes the string unrendered as the radio group's ``aria-label``).

    A question written as plain sentences is used as typed, so the label and
    the accessible name are both exactly it. One holding anything Markdown
    could read as syntax is escaped with ``plain()`` and kept from becoming a
    link (``unlinked``; typed text is never markup, DESIGN.md promise 6): it
    is seen as typed, and
    ``exact_group_names`` gives its group the name ``spoken_name`` instead of
    the escaped string.
    """
    flat = " ".join(text.split())
    shown = unlinked(plain(flat)) if _MARKDOWN_ACTIVE.search(flat) else flat
    return f"{number}. {shown}"


def spoken_name(number: int, text: str) -> str:
    """The radio group's accessible name: the number and the question exactly
    as typed (white space runs read as one space, as browsers do)."""
    return f"{number}. {' '.join(text.split())}"


_GROUP_NAMES_SCRIPT = """
<style>.stElementContainer:has(.tp-group-names){display:none !important;}</style>
<span class="tp-group-names"></span>
<script>
(() => {
  const names = %(names)s;
  const apply = () => {
    for (const [key, name] of Object.entries(names)) {
      const group = document.querySelector(`.st-key-${key} [role=radiogroup]`);
      if (group && group.getAttribute("aria-label") !== name) {
        group.setAttribute("aria-label", name);
      }
    }
  };
  apply();
  if (window.tpGroupNames) window.tpGroupNames.disconnect();
  window.tpGroupNames = new MutationObserver(apply);
  window.tpGroupNames.observe(document.body, {
    childList: true, subtree: true, attributes: true,
    attributeFilter: ["aria-label"],
  });
})();
</script>
"""


def exact_group_names(names: Mapping[str, str]) -> None:
    """Name each radio group (by widget key) with its question as typed.

    Streamlit sets a radio group's ``aria-label`` to the label string, which
    for a question with Markdown characters is the escaped text ("Can I say
    \\*no\\*?"). This sets it to the typed text once the group is drawn,
    and again if a re-render puts the escaped one back. The text goes in as
    JSON data inside the script (``<``, ``>`` and ``&`` as \\u escapes, so it
    cannot end the script or become markup); it is only ever an attribute
    value. Nothing is emitted when no question needed escaping.
    """
    if not names:
        return
    for key in names:
        if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise ValueError("Widget keys here are letters, digits, - and _.")
    data = (
        json.dumps(dict(names), ensure_ascii=True)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    st.html(_GROUP_NAMES_SCRIPT % {"names": data}, unsafe_allow_javascript=True)


def option_label(option: int | str) -> str:
    """An option's label: the number, then ", " and its meaning in two
    ``:small[]`` spans (the meaning seen under the end points only, both heard
    on every option)."""
    if option == SKIP:
        # Heard as "Skip this question"; only "Skip" is seen.
        skip, spoken = _("Skip"), _("this question")
        return f"{skip} :small[{spoken}]"
    return f"{option}:small[,] :small[{plain(_(SCALE_LABELS[int(option)]))}]"


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
