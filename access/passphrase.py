"""Passphrase hashing: salted scrypt, nothing reversible, nothing logged.

The stored form is ``scrypt$n$r$p$salt_hex$hash_hex``; parameters are read
back from it, so a stronger setting later still verifies older hashes (and
sign-in re-hashes them with the current one).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import unicodedata
from secrets import choice, token_bytes

SCRYPT_N = 2**17


SCRYPT_R = 8


SCRYPT_P = 1


SALT_BYTES = 16


HASH_BYTES = 32


_N_RANGE = (2**14, 2**20)


_R_RANGE = (1, 32)


_P_RANGE = (1, 16)


MIN_LENGTH = 12


MAX_LENGTH = 1000


_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"


_GROUPS = 5


_GROUP_LENGTH = 4


GENERATED_BITS = _GROUPS * _GROUP_LENGTH * math.log2(len(_ALPHABET))


def _normalise(passphrase: str) -> bytes:
    """The same characters typed on any device give the same bytes (NFC), and
    spaces picked up when copying from a terminal do not count."""
    return unicodedata.normalize("NFC", passphrase).strip().encode("utf-8")


def _scrypt(secret: bytes, salt: bytes, n: int, r: int, p: int, dklen: int) -> bytes:
    return hashlib.scrypt(
        secret,
        salt=salt,
        n=n,
        r=r,
        p=p,
        maxmem=2 * 128 * n * r * p,  # OpenSSL's 32 MiB default is too small
        dklen=dklen,
    )


def hash_passphrase(passphrase: str) -> str:
    """``scrypt$n$r$p$salt_hex$hash_hex`` with a fresh random salt."""
    salt = token_bytes(SALT_BYTES)
    digest = _scrypt(
        _normalise(passphrase), salt, SCRYPT_N, SCRYPT_R, SCRYPT_P, HASH_BYTES
    )
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt.hex()}${digest.hex()}"


def _parse(encoded: str) -> tuple[int, int, int, bytes, bytes] | None:
    try:
        scheme, n_text, r_text, p_text, salt_hex, hash_hex = encoded.split("$")
        n, r, p = int(n_text), int(r_text), int(p_text)
        salt, digest = bytes.fromhex(salt_hex), bytes.fromhex(hash_hex)
    except (AttributeError, ValueError):
        return None
    if (
        scheme != "scrypt"
        or n & (n - 1)
        or not _N_RANGE[0] <= n <= _N_RANGE[1]
        or not _R_RANGE[0] <= r <= _R_RANGE[1]
        or not _P_RANGE[0] <= p <= _P_RANGE[1]
        or len(salt) < SALT_BYTES
        or not 16 <= len(digest) <= 64
    ):
        return None
    return n, r, p, salt, digest


def verify_passphrase(passphrase: str, encoded: str) -> bool:
    """Whether ``passphrase`` matches ``encoded``; False for malformed hashes."""
    parsed = _parse(encoded)
    if parsed is None or len(passphrase) > MAX_LENGTH:
        return False
    n, r, p, salt, digest = parsed
    candidate = _scrypt(_normalise(passphrase), salt, n, r, p, len(digest))
    return hmac.compare_digest(candidate, digest)


def _is_current(encoded: str) -> bool:
    parsed = _parse(encoded)
    return parsed is not None and parsed[:3] == (SCRYPT_N, SCRYPT_R, SCRYPT_P)


def generate_passphrase() -> str:
    """A random passphrase of ``GENERATED_BITS`` (100) bits, easy to read out."""
    return "-".join(
        "".join(choice(_ALPHABET) for _ in range(_GROUP_LENGTH)) for _ in range(_GROUPS)
    )
