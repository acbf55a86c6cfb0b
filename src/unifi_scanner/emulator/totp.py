"""Time-based one-time passwords (RFC 6238: HMAC-SHA1, 30 s steps, 6 digits).

What an authenticator app computes for a UniFi account with two-factor login. Codes of the
previous and next step are accepted too, as servers do to absorb clock skew.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct

STEP_S = 30
DIGITS = 6
SKEW_STEPS = 1


def decode_secret(secret: str) -> bytes:
    """The key bytes of a base32 secret (spaces, case and padding are forgiven)."""
    cleaned = secret.replace(" ", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise ValueError("totp_secret must be base32 (letters A-Z and digits 2-7)") from None
    if not key:
        raise ValueError("totp_secret must not be empty")
    return key


def code_at(secret: str, at_s: float) -> str:
    """The code for the 30 s step containing `at_s` (epoch seconds)."""
    counter = int(at_s // STEP_S)
    digest = hmac.new(decode_secret(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**DIGITS:0{DIGITS}d}"


def verify(secret: str, code: str, at_s: float) -> bool:
    """Whether `code` is valid at `at_s`, one step of skew either way allowed."""
    candidates = (code_at(secret, at_s + step * STEP_S) for step in range(-SKEW_STEPS, 2))
    return any(hmac.compare_digest(code.strip(), candidate) for candidate in candidates)
