"""RFC 6238 one-time codes for accounts that log in with a second factor."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import struct
import time


class TotpSecretError(ValueError):
    """The configured secret is not base32 (the text under the QR code)."""


def totp(secret: str, *, at: float | None = None, digits: int = 6, step: int = 30) -> str:
    """The code an authenticator app shows for ``secret`` at time ``at`` (now by default)."""
    cleaned = secret.replace(" ", "").replace("-", "").upper()
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (binascii.Error, ValueError):
        raise TotpSecretError(
            "UNIFI_TOTP_SECRET is not a base32 secret (letters A-Z and digits 2-7, as shown "
            "under the QR code when two-factor login was set up)"
        ) from None
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)
