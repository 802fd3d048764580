"""When a pulse's ticket sheet may still grow: only before anyone answers.

One-time tickets stop a participant sending extra answers. The person who
prints the cards is another matter: with cards printed after the fact, a
facilitator could answer k − 1 times right after one person, force a release
and subtract their own answers to read that person's. So the sheet is fixed
before the room answers — cards can be printed while a pulse is a draft, or
open with no answer yet, and never once it has had an answer or has closed —
and the room is shown how many cards exist (``storage.tickets.printed``).
Pure rule, no storage: ``storage.tickets.issue_tickets`` applies it inside its
write transaction.
"""

from __future__ import annotations

from survey.i18n import N_, Refusal

SHEET_FIXED = N_(
    "No more cards can be printed for this pulse: its ticket sheet was fixed "
    "when the first answer arrived (or when it closed), so nobody can add "
    "answers with extra cards afterwards. The cards already printed still work."
)


class SheetFixed(Refusal):
    """More tickets were asked for a pulse whose sheet is fixed."""


def sheet_open(*, status: str, ever_answered: bool) -> bool:
    """Whether cards may still be added to a pulse's sheet: it is a draft or
    open, and nobody has ever answered it (answers deleted later do not reopen
    the sheet: what was shown of them may still stand)."""
    return not ever_answered and status in ("draft", "open")


def check_sheet_open(*, status: str, ever_answered: bool) -> None:
    """Raise ``SheetFixed`` unless ``sheet_open``."""
    if not sheet_open(status=status, ever_answered=ever_answered):
        raise SheetFixed(SHEET_FIXED)
