"""UniFi OS authentication: the local account, JWT session tokens and login accounting.

A UniFi OS console answers a successful `POST /api/auth/login` with a `TOKEN` cookie holding an
HS256 JWT whose payload is `{userId, csrfToken, jti, passwordRevision, iat, exp}`, and repeats
the `csrfToken` in an `X-CSRF-Token` header. Each authenticated API response re-issues the
cookie with a fresh `exp` but the same `jti` and `csrfToken` (a sliding session). Logging out
invalidates the `jti`; the emulator therefore tracks live `jti`s and rejects tokens whose `jti`
is gone even when their signature and expiry are fine.

JWTs are implemented with `hmac` and `base64` only: the emulator needs exactly one algorithm and
a dependency would add nothing but surface.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypedDict

_HEADER = {"alg": "HS256", "typ": "JWT"}
COOKIE_NAME = "TOKEN"


@dataclass(frozen=True)
class Account:
    """The console's single local administrator."""

    username: str
    password: str = field(repr=False)
    user_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    password_revision: int = 1

    def matches(self, username: str, password: str) -> bool:
        """Compare credentials in constant time (both fields always compared)."""
        user_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok


@dataclass(frozen=True)
class Session:
    """A logged-in session; lives as long as its `jti` is not revoked."""

    jti: str
    user_id: str
    csrf_token: str
    password_revision: int


class LoginAttempts(TypedDict):
    """How many `POST /api/auth/login` requests the emulator has answered, by outcome.

    `failure` counts wrong credentials and malformed bodies alike: both are attempts a client
    should not repeat in a loop.
    """

    success: int
    failure: int


def _b64encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _compact_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


class JwtCodec:
    """HS256 JSON Web Tokens signed with one secret."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret

    def _sign(self, signing_input: bytes) -> bytes:
        return hmac.new(self._secret, signing_input, hashlib.sha256).digest()

    def encode(self, payload: dict[str, Any]) -> str:
        """Return the compact serialisation of `payload`."""
        signing_input = f"{_b64encode(_compact_json(_HEADER))}.{_b64encode(_compact_json(payload))}"
        return f"{signing_input}.{_b64encode(self._sign(signing_input.encode()))}"

    def decode(self, token: str) -> dict[str, Any] | None:
        """Return the payload if `token` is a well-formed HS256 JWT with a valid signature."""
        parts = token.split(".")
        if len(parts) != 3:
            return None
        try:
            header = json.loads(_b64decode(parts[0]))
            signature = _b64decode(parts[2])
            payload = json.loads(_b64decode(parts[1]))
        except (ValueError, binascii.Error):
            return None
        if not isinstance(header, dict) or header.get("alg") != "HS256":
            return None
        expected = self._sign(f"{parts[0]}.{parts[1]}".encode())
        if not hmac.compare_digest(signature, expected) or not isinstance(payload, dict):
            return None
        return payload


class SessionManager:
    """Issues, verifies, refreshes and revokes session tokens."""

    def __init__(
        self,
        lifetime_s: float,
        *,
        secret: bytes | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._lifetime_s = lifetime_s
        self._codec = JwtCodec(secret or secrets.token_bytes(32))
        self._clock = clock  # wall clock: JWT iat/exp are real epoch seconds
        self._live: dict[str, Session] = {}

    def issue(self, account: Account) -> tuple[Session, str]:
        """Start a session for `account`; return it with its first token."""
        session = Session(
            jti=str(uuid.uuid4()),
            user_id=account.user_id,
            csrf_token=str(uuid.uuid4()),
            password_revision=account.password_revision,
        )
        self._live[session.jti] = session
        return session, self.token_for(session)

    def token_for(self, session: Session) -> str:
        """Return a fresh token for `session`: new `iat`/`exp`, same `jti` and `csrfToken`."""
        issued_at = int(self._clock())
        return self._codec.encode(
            {
                "userId": session.user_id,
                "csrfToken": session.csrf_token,
                "jti": session.jti,
                "passwordRevision": session.password_revision,
                "iat": issued_at,
                "exp": issued_at + int(self._lifetime_s),
            }
        )

    def verify(self, token: str | None) -> Session | None:
        """Return the live session behind `token`, or None (bad, expired or logged out)."""
        if not token:
            return None
        payload = self._codec.decode(token)
        if payload is None:
            return None
        expires = payload.get("exp")
        if not isinstance(expires, int) or expires <= self._clock():
            return None
        jti = payload.get("jti")
        session = self._live.get(jti) if isinstance(jti, str) else None
        if session is None or payload.get("csrfToken") != session.csrf_token:
            return None
        return session

    def revoke(self, jti: str) -> bool:
        """End the session `jti`; return whether it was live."""
        return self._live.pop(jti, None) is not None


def set_cookie_header(token: str, *, secure: bool) -> str:
    """The `Set-Cookie` value UniFi OS sends for a session token (same flag order and case)."""
    flags = "path=/; samesite=none; secure; httponly" if secure else "path=/; httponly"
    # Without TLS a client would refuse to send a `secure` cookie, and browsers reject
    # `samesite=none` without `secure`; plain-HTTP mode therefore drops both.
    return f"{COOKIE_NAME}={token}; {flags}"


def clear_cookie_header(*, secure: bool) -> str:
    """The `Set-Cookie` value that removes the session cookie on logout."""
    expired = "expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0"
    return f"{COOKIE_NAME}=; {expired}; " + set_cookie_header("", secure=secure).split("; ", 1)[1]
