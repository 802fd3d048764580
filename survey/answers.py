"""What makes a submission acceptable: the rules a response must pass.

Pure rules, no storage: ``storage.responses`` applies them inside its write
transaction, so a rejected submission raises a ``SubmissionRejected`` with a
message fit to show the participant, and nothing is written.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping

from survey.i18n import N_, Refusal
from survey.instrument import COMMENT_MAX_CHARS, SCALE_HIGH, SCALE_LOW
from survey.scoring import ScoredItem

_RAW_TEXT_LIMIT = 4 * COMMENT_MAX_CHARS
_TOO_LONG = N_("Comments can be at most {limit} characters.")


class SubmissionRejected(Refusal):
    """A submission that must not be stored; ``str()`` is the participant message
    in English, ``translated(_)`` the same in the participant's language."""


class UnknownPulse(SubmissionRejected):
    pass


class PulseNotOpen(SubmissionRejected):
    pass


class AlreadyAnswered(SubmissionRejected):
    pass


class InvalidSubmission(SubmissionRejected):
    pass


class TicketRejected(SubmissionRejected):
    """A programme that uses one-time tickets got none, a wrong one or a used one."""


def validate_answers(
    answers: Mapping[int, object], items: Mapping[int, ScoredItem]
) -> dict[int, int]:
    """The answers as ``{question_id: value}`` if every one is acceptable.

    Values must be real integers on the scale (not bools, floats, strings or
    NaN); question ids must belong to this pulse; at least one is required.
    """
    if not isinstance(answers, Mapping):
        raise InvalidSubmission(N_("Answers must map questions to values."))
    valid: dict[int, int] = {}
    for question_id, value in answers.items():
        if type(question_id) is not int or question_id not in items:
            raise InvalidSubmission(
                N_("An answer refers to a question not in this pulse.")
            )
        if type(value) is not int or not SCALE_LOW <= value <= SCALE_HIGH:
            shown = (
                "not a number"
                if isinstance(value, float) and math.isnan(value)
                else repr(value)
            )
            raise InvalidSubmission(
                N_("Answers must be whole numbers from {low} to {high} (got {shown})."),
                low=SCALE_LOW,
                high=SCALE_HIGH,
                shown=shown[:20],
            )
        valid[question_id] = value
    if not valid:
        raise InvalidSubmission(N_("Please answer at least one question."))
    return valid


_BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def clean_text(text: object) -> str | None:
    """Free text fit to store: control, surrogate and bidi-override characters
    stripped, whitespace trimmed; ``None`` when empty.

    Raises ``InvalidSubmission`` for non-text or text over the limit, rather
    than silently truncating what someone wrote.
    """
    if text is None:
        return None
    if not isinstance(text, str):
        raise InvalidSubmission(N_("A comment must be text."))
    if len(text) > _RAW_TEXT_LIMIT:
        raise InvalidSubmission(_TOO_LONG, limit=COMMENT_MAX_CHARS)
    kept = "".join(
        ch
        for ch in text
        if ch in "\n\t"
        or (unicodedata.category(ch) not in ("Cc", "Cs") and ch not in _BIDI_CONTROLS)
    ).strip()
    if len(kept) > COMMENT_MAX_CHARS:
        raise InvalidSubmission(_TOO_LONG, limit=COMMENT_MAX_CHARS)
    return kept or None


def takes_answers(status: str, closes_at: float | None, now: float) -> bool:
    """Whether a pulse accepts a submission now: open, or closing and still
    within its grace period (``storage.closing``)."""
    if status == "open":
        return True
    return status == "closing" and closes_at is not None and now < closes_at


def not_open_message(status: str) -> str:
    """Why a pulse takes no answers (a msgid: translate it where it is shown)."""
    if status == "closed":
        return N_(
            "This pulse has closed. Thank you — answers are no longer being taken."
        )
    return N_(
        "This pulse has not opened yet. Please wait for the facilitator to open it."
    )
