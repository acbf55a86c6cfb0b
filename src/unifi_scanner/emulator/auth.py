"""Authentication state: the local account, sessions of both flavours and login accounting.

A UniFi OS console answers a successful `POST /api/auth/login` with a `TOKEN` cookie holding an
HS256 JWT whose payload is `{userId, csrfToken, jti, passwordRevision, iat, exp}`, and repeats
the `csrfToken` in an `X-CSRF-Token` header. Each authenticated API response re-issues the
cookie with a fresh `exp` but the same `jti` and `csrfToken` (a sliding session). Logging out
invalidates the `jti`; the emulator therefore tracks live `jti`s and rejects tokens whose `jti`
is gone even when their signature and expiry are fine.

A classic controller keeps sessions server-side behind an opaque 32-character `unifises`
cookie (plus a `csrf_token` cookie); each authenticated request pushes the idle expiry back.

Either way a session ends `lifetime` seconds after its last renewal. `reap()` reports the
sessions that ended so that their event sockets can be closed (1008), as a controller does
when the session behind a socket is no longer valid.

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


@dataclass(frozen=True)
class Account:
    """The console's single local administrator."""

    username: str
    password: str = field(repr=False)
    user_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    password_revision: int = 1
    totp_secret: str | None = field(default=None, repr=False)
    """Base32 secret when the account logs in with a second factor."""

    def matches(self, username: str, password: str) -> bool:
        """Compare credentials in constant time (both fields always compared)."""
        user_ok = hmac.compare_digest(username.encode(), self.username.encode())
        password_ok = hmac.compare_digest(password.encode(), self.password.encode())
        return user_ok and password_ok


@dataclass(frozen=True)
class Session:
    """A logged-in session; lives until revoked or `lifetime` after its last renewal.

    `jti` identifies it: the JWT id on UniFi OS, the `unifises` value on a classic controller,
    `api-key:<n>` for requests authenticated by an API key (which never expire).
    """

    jti: str
    user_id: str
    csrf_token: str
    password_revision: int
    kind: str = "jwt"  # "jwt", "classic" or "api-key"


class LoginAttempts(TypedDict):
    """How many login requests the emulator has answered, by outcome.

    `failure` counts wrong credentials, wrong second-factor codes, malformed bodies and logins
    refused by the rate limit alike: all are attempts a client should not repeat in a loop.
    A request for a second factor (499 / `api.err.Ubic2faTokenRequired`) counts as neither.
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
    """Issues, verifies, renews, expires and revokes sessions of both flavours."""

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
        self._expires: dict[str, float] = {}  # jti → end of the session (epoch s)

    def issue(self, account: Account) -> tuple[Session, str]:
        """Start a UniFi OS session for `account`; return it with its first token."""
        session = Session(
            jti=str(uuid.uuid4()),
            user_id=account.user_id,
            csrf_token=str(uuid.uuid4()),
            password_revision=account.password_revision,
        )
        self._live[session.jti] = session
        return session, self.token_for(session)

    def issue_classic(self, account: Account) -> Session:
        """Start a classic session: `jti` is the `unifises` cookie, `csrf_token` its partner."""
        session = Session(
            jti=secrets.token_hex(16),
            user_id=account.user_id,
            csrf_token=secrets.token_hex(16),
            password_revision=account.password_revision,
            kind="classic",
        )
        self._live[session.jti] = session
        self._expires[session.jti] = self._clock() + self._lifetime_s
        return session

    def token_for(self, session: Session) -> str:
        """Return a fresh token for `session`: new `iat`/`exp`, same `jti` and `csrfToken`.

        The session now ends at the new `exp` (a sliding session).
        """
        issued_at = int(self._clock())
        expires = issued_at + int(self._lifetime_s)
        self._expires[session.jti] = max(expires, self._expires.get(session.jti, 0))
        return self._codec.encode(
            {
                "userId": session.user_id,
                "csrfToken": session.csrf_token,
                "jti": session.jti,
                "passwordRevision": session.password_revision,
                "iat": issued_at,
                "exp": expires,
            }
        )

    def _alive(self, jti: str) -> Session | None:
        session = self._live.get(jti)
        if session is None or self._expires.get(jti, 0) <= self._clock():
            return None
        return session

    def verify(self, token: str | None) -> Session | None:
        """Return the live session behind a JWT, or None (bad, expired or logged out)."""
        if not token:
            return None
        payload = self._codec.decode(token)
        if payload is None:
            return None
        expires = payload.get("exp")
        if not isinstance(expires, int) or expires <= self._clock():
            return None
        jti = payload.get("jti")
        session = self._alive(jti) if isinstance(jti, str) else None
        if session is None or payload.get("csrfToken") != session.csrf_token:
            return None
        return session

    def verify_classic(self, cookie: str | None) -> Session | None:
        """Return the live classic session behind a `unifises` value and renew it, or None."""
        session = self._alive(cookie) if cookie else None
        if session is None or session.kind != "classic":
            return None
        self._expires[session.jti] = self._clock() + self._lifetime_s
        return session

    def revoke(self, jti: str) -> bool:
        """End the session `jti`; return whether it was live."""
        self._expires.pop(jti, None)
        return self._live.pop(jti, None) is not None

    def expire_all(self) -> list[str]:
        """End every session (the `expire-sessions` fault, a restart); return their `jti`s."""
        ended = list(self._live)
        self._live.clear()
        self._expires.clear()
        return ended

    def reap(self) -> list[str]:
        """Forget sessions whose time is up; return their `jti`s."""
        now = self._clock()
        ended = [jti for jti in self._live if self._expires.get(jti, 0) <= now]
        for jti in ended:
            self.revoke(jti)
        return ended

    @property
    def live(self) -> int:
        """Number of sessions not yet ended (some may be past their time until `reap`)."""
        return len(self._live)
