"""When comments may be seen: the comment minimum and its batches.

Comments are stored apart from responses with no link, but *when* a comment
appears links it to whoever answered just before. So comments reach even the
facilitator only in batches: a batch is released when the pulse has at least
the comment minimum of responses, and at least that many more than when the
previous batch was released. Every comment a facilitator can see was written
by one of at least ``minimum`` people who answered in between, and none is
seen before the pulse has ``minimum`` responses. Comments that arrived after
the last batch stay held (even after close) until enough people answer; the
room sees only comments the facilitator chose from a released batch.

The comment minimum is the programme's anonymity minimum ``k`` unless set
higher (Glint uses 10 for comments and 5 for scores); it is never below ``k``.
"""

from __future__ import annotations


def effective_minimum(k: int, comment_k: int | None) -> int:
    """The comment minimum in force: the one set, but never below ``k``."""
    return max(k, comment_k or k)


def check_comment_minimum(minimum: object, k: int) -> int:
    """The comment minimum, if acceptable; else ``ValueError`` with a message."""
    if type(minimum) is not int or minimum < k:
        raise ValueError(
            f"The comment minimum must be a whole number of at least k ({k})."
        )
    return minimum


def batch_due(responses: int, released_at: int, minimum: int) -> bool:
    """Whether the comments held now may be released to the facilitator."""
    return responses >= minimum and responses - released_at >= minimum


def waiting_for(responses: int, released_at: int, minimum: int) -> int:
    """How many more responses until the next batch can be released."""
    return max(minimum - responses, minimum - (responses - released_at), 0)
