"""What the facilitator is told about answers held out at Close.

Close counts the answers that came after the last release and are too few to
release, and deletes what they said and the comments held since the last
batch (``storage.held_out``); comments are never counted, only the people who
answered since the batch.
"No answer is ever lost" holds as a count: every view counts them, says why
they are not in the figures, and the Close confirmation says beforehand how
many are waiting and what will happen to them.
"""

from __future__ import annotations

from storage.held_out import Waiting
from survey.words import held_out_sentence
from ui.i18n import counted, ngettext


def held_out_line(held_out: int, k: int) -> str:
    """After Close: the answers counted but not kept, and why, in the
    session's language (the wording is ``survey.words.held_out_sentence``)."""
    return held_out_sentence(held_out, k, ngettext)


def comments_not_kept_line(not_kept: int, minimum: int) -> str:
    """After Close: the people who answered after the last comment batch (at
    each Close of the pulse), that any comments they wrote were not kept, and
    why (never how many comments)."""
    return counted(
        "{n} person answered too late for a batch of comments (a batch needs "
        "{minimum} answers), so any comment they wrote was not kept, to keep "
        "its author anonymous.",
        "{n} people answered too late for a batch of comments (a batch needs "
        "{minimum} answers), so any comments they wrote were not kept, to keep "
        "their authors anonymous.",
        not_kept,
        minimum=minimum,
    )


def close_warning(waiting: Waiting) -> str:
    """Before Close: how many answers (and comments) are waiting, and that
    fewer than k at Close are counted but not kept, and why."""
    answers = counted(
        "{n} answer is waiting to join the results. If fewer than {k} are "
        "waiting when the pulse closes, they are counted but not kept: showing "
        "them would single out the last people to answer, and keeping them would "
        "let anyone with the database file or a backup read them.",
        "{n} answers are waiting to join the results. If fewer than {k} are "
        "waiting when the pulse closes, they are counted but not kept: showing "
        "them would single out the last people to answer, and keeping them would "
        "let anyone with the database file or a backup read them.",
        waiting.answers,
        k=waiting.k,
    )
    if waiting.comments_kept:
        return answers
    # How many comments are waiting is never said: read between two arrivals
    # it would name the author of the next batch's comment.
    remarks = counted(
        "{n} answer has come since the last batch of comments. If fewer than "
        "{minimum} have when the pulse closes, any comments written since that "
        "batch are not kept, for the same reason.",
        "{n} answers have come since the last batch of comments. If fewer than "
        "{minimum} have when the pulse closes, any comments written since that "
        "batch are not kept, for the same reason.",
        waiting.since_batch,
        minimum=waiting.comment_minimum,
    )
    return f"{answers} {remarks}"


def programme_close_warning(waiting: list[Waiting]) -> str:
    """Before closing a programme (and so its open pulses): the same rule,
    with the answers waiting across its open pulses."""
    answers = sum(w.answers for w in waiting)
    k = waiting[0].k if waiting else 0
    return counted(
        "{n} answer is waiting in its open pulses. In each pulse, if fewer than "
        "{k} are waiting when it closes, they are counted but not kept: showing "
        "them would single out the last people to answer, and keeping them would "
        "let anyone with the database file or a backup read them. Comments not "
        "yet in a batch go the same way.",
        "{n} answers are waiting in its open pulses. In each pulse, if fewer than "
        "{k} are waiting when it closes, they are counted but not kept: showing "
        "them would single out the last people to answer, and keeping them would "
        "let anyone with the database file or a backup read them. Comments not "
        "yet in a batch go the same way.",
        answers,
        k=k,
    )
