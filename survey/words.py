"""Shared words and labels, defined once.

Every page, chart, export and report that names "Everyone", a pulse or the
anonymity minimum takes the word from here, so a rename cannot drift apart in
copies. Group names a facilitator may not use are the words the app itself
shows for people without a group, compared ignoring case and spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from survey.i18n import LANGUAGES, N_, Refusal, gettext_for
from survey.instrument import MOMENTS

EVERYONE = N_("Everyone")
NOT_SAID = N_("Group not given")
PREFER_NOT_TO_SAY = N_("Prefer not to say")
FOLLOW_UP = N_("Follow-up")
RESERVED_GROUP_NAMES = (EVERYONE, NOT_SAID, PREFER_NOT_TO_SAY)

MIN_K = 3
DEFAULT_K = 5


# Translators: the moment of a session a pulse was taken at, as a pulse's
# name shows it ("Joint workshop, day 1 · after").
MOMENT_WORDS = {"before": N_("before"), "during": N_("during"), "after": N_("after")}


def pulse_label(session_title: str, moment: str, language: str = "en") -> str:
    """How a pulse is named everywhere: its session (as typed), then its moment
    (in ``language``)."""
    if moment in MOMENT_WORDS:
        moment = gettext_for(language, MOMENT_WORDS[moment])
    return f"{session_title} · {moment}"


def held_out_sentence(
    held_out: int, k: int, ngettext: Callable[[str, str, int], str]
) -> str:
    """After Close: how many answers were counted but not kept, and why.

    One wording for the live room, the Present view and the report (issue 10:
    every view that counts them says why they are not in the figures), in the
    language of the ``ngettext`` passed in: the session's, the room's or the
    programme's."""
    return ngettext(
        "{n} answer arrived after the last release: fewer than {k}, so it is "
        "counted but was not kept, to keep its author anonymous.",
        "{n} answers arrived after the last release: fewer than {k}, so they are "
        "counted but were not kept, to keep their authors anonymous.",
        held_out,
    ).format(n=held_out, k=k)


def moment_rank(moment: str) -> int:
    """Position of a moment within a session (before, during, after)."""
    return MOMENTS.index(moment) if moment in MOMENTS else len(MOMENTS)


def check_k(k: object) -> int:
    """The anonymity minimum, if acceptable; else ``ValueError`` with a message."""
    if type(k) is not int or k < MIN_K:
        raise Refusal(N_("The anonymity minimum must be at least {k}."), k=MIN_K)
    return k


def name_key(name: str) -> str:
    """A name compared as people read it: case and spacing ignored."""
    return " ".join(name.split()).casefold()


def is_reserved_group_name(name: str) -> bool:
    """Whether ``name`` is one of the app's own words, in any of its languages."""
    return name_key(name) in {
        name_key(gettext_for(language, word))
        for word in RESERVED_GROUP_NAMES
        for language in LANGUAGES
    }


def check_group_names(names: Sequence[str]) -> None:
    """``ValueError`` unless every group name is non-empty, unique (ignoring case
    and spaces) and not a reserved word such as "Prefer not to say"."""
    seen: set[str] = set()
    for name in names:
        if not name.strip():
            raise Refusal(N_("A group needs a name."))
        if is_reserved_group_name(name):
            raise Refusal(
                N_("“{name}” is a word the app uses itself; pick another name."),
                name=name.strip(),
            )
        if name_key(name) in seen:
            raise Refusal(
                N_("There is already a group called “{name}”."), name=name.strip()
            )
        seen.add(name_key(name))
