"""Join codes, one-time tickets and device-token hashing.

Codes avoid characters that are misread on a projector or typed wrongly on a
phone (0/O, 1/I/L). Device tokens are stored only as an HMAC keyed with a
per-pulse secret, so the same device cannot be followed across pulses.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable

from survey.i18n import N_

CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
DEVICE_TOKEN_HEX_LENGTH = 64
_TOKEN_PATTERN = re.compile(rf"[0-9a-f]{{{DEVICE_TOKEN_HEX_LENGTH}}}")


def new_code(length: int = CODE_LENGTH) -> str:
    """A random join code from the unambiguous alphabet."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def normalise_code(typed: str) -> str | None:
    """The canonical code for what a participant typed, or None if it cannot be one.

    Case, spaces and dashes are forgiven; characters outside the alphabet are not
    guessed at (an O might be a 0 that no code contains), so they fail clearly.
    """
    cleaned = re.sub(r"[\s\-]", "", typed or "").upper()
    if not (CODE_LENGTH <= len(cleaned) <= 12):
        return None
    if any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


_LOOKALIKES = "01OIL"


ONLY_LETTERS_AND_DIGITS = N_(
    "Codes have only letters and digits. Check the code on the screen."
)
NO_LOOKALIKES = N_(
    "Codes never contain {letters} (no 0, O, 1, I or L), so check that character "
    "on the screen: it is probably another letter or digit."
)
WRONG_LENGTH = N_(
    "Codes have {length} characters; that has {typed}. Check the code on the screen."
)


def code_problem(
    typed: str, gettext: Callable[[str], str] = lambda text: text
) -> str | None:
    """Why what was typed cannot be any pulse's code, in words a participant can
    act on (through ``gettext``); None when it could be one (then only the
    database can tell)."""
    cleaned = re.sub(r"[\s\-]", "", typed or "").upper()
    if not cleaned.isascii() or not cleaned.isalnum():
        return gettext(ONLY_LETTERS_AND_DIGITS)
    lookalikes = sorted({ch for ch in cleaned if ch in _LOOKALIKES})
    if lookalikes:
        return gettext(NO_LOOKALIKES).format(letters=", ".join(lookalikes))
    if not CODE_LENGTH <= len(cleaned) <= 12:
        return gettext(WRONG_LENGTH).format(length=CODE_LENGTH, typed=len(cleaned))
    return None


def new_pulse_secret() -> str:
    """A per-pulse HMAC key (hex)."""
    return secrets.token_hex(32)


def valid_device_token(token: object) -> bool:
    """Whether a browser-supplied token has the shape we issue: 64 lowercase hex.

    Uppercase is refused so one device has one spelling (and one hash).
    """
    return isinstance(token, str) and _TOKEN_PATTERN.fullmatch(token) is not None


def device_hash(pulse_secret: str, token: str) -> str:
    """The only form in which a device token is ever stored."""
    return hmac.new(
        bytes.fromhex(pulse_secret), token.encode("ascii"), hashlib.sha256
    ).hexdigest()


def new_row_id() -> str:
    """A random primary key, so stored order says nothing about arrival order."""
    return secrets.token_hex(8)


TICKET_LENGTH = 10
_TICKET_GROUP = 5


def new_ticket() -> str:
    """A one-time ticket code: 10 characters of the join-code alphabet (~49 bits),
    so tickets cannot be guessed even at the rate limits' most generous pace."""
    return new_code(TICKET_LENGTH)


def normalise_ticket(typed: object) -> str | None:
    """The canonical ticket for what was scanned or typed, or None if it cannot be
    one (case, spaces and dashes forgiven, as for join codes)."""
    if not isinstance(typed, str):
        return None
    cleaned = re.sub(r"[\s\-]", "", typed).upper()
    if len(cleaned) != TICKET_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return cleaned


def spaced_ticket(ticket: str) -> str:
    """A ticket as printed on its card, in two groups: ``K7PX2-MQR9T``."""
    return f"{ticket[:_TICKET_GROUP]}-{ticket[_TICKET_GROUP:]}"


def new_ticket_key() -> str:
    """A per-programme HMAC key for ticket hashes (hex)."""
    return secrets.token_hex(32)


def ticket_hash(ticket_key: str, pulse_id: int, ticket: str) -> str:
    """The only form in which a ticket is ever stored: keyed, and bound to its
    pulse, so a ticket printed for one pulse answers no other."""
    message = f"{pulse_id}:{ticket}".encode("ascii")
    return hmac.new(bytes.fromhex(ticket_key), message, hashlib.sha256).hexdigest()
