"""The login decision shared by both flavours; `unifi_os.py` and `classic.py` give it its shape.

In order: the rate limit (429 before anything else is looked at), the body, the credentials,
then the second factor for an account with a TOTP secret. The second step of a UniFi OS
second-factor login must carry the `UBIC_2FA` cookie handed out by the first (unless the
`mfa_cookie_required` variant is off); a classic one only needs `ubic_2fa_token`.

Accounting: `logins_succeeded` / `logins_failed` on the context (refusals by the rate limit,
malformed bodies and wrong codes are failures; a request for a second factor is neither). The
limiter counts answered logins per peer: wrong credentials, bad bodies and wrong codes as
failures, accepted logins and second-factor challenges (the password was right) as successes.
A successful login is announced on the `super` site as `EVT_AD_Login`.
"""

from __future__ import annotations

import enum
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from unifi_scanner.emulator import totp
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.cookies import MFA_COOKIE
from unifi_scanner.emulator.device_events import admin_login
from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.responses import read_json
from unifi_scanner.emulator.timeline import format_datetime
from unifi_scanner.emulator.websocket import SUPER_SITE

_CHALLENGE_TTL_S = 300.0


class Outcome(enum.Enum):
    """How a login request ends."""

    RATE_LIMITED = "rate-limited"
    MALFORMED = "malformed"
    BAD_CREDENTIALS = "bad-credentials"
    SECOND_FACTOR = "second-factor"
    BAD_SECOND_FACTOR = "bad-second-factor"
    ACCEPTED = "accepted"


@dataclass(frozen=True)
class LoginResult:
    """An outcome with what its answer needs."""

    outcome: Outcome
    problem: str = ""  # MALFORMED: why
    retry_after: int = 0  # RATE_LIMITED: seconds
    challenge: str = ""  # SECOND_FACTOR on UniFi OS: the UBIC_2FA cookie value


class LoginDesk:
    """Decides logins for the console's account; `token_field` names the second-factor code
    in the body (`token` on UniFi OS, `ubic_2fa_token` on classic)."""

    def __init__(self, ctx: ServerContext, *, token_field: str, flags: dict[str, type]) -> None:
        self._ctx = ctx
        self._token_field = token_field
        self._flags = flags  # optional body fields and their types
        self._challenges: dict[str, float] = {}  # UBIC_2FA value → expiry (monotonic)

    async def decide(self, request: web.Request) -> LoginResult:
        """Decide the login `request`, updating counters, limiter and the `super` feed."""
        ctx = self._ctx
        peer = request.remote or ""
        wait = ctx.limiter.retry_after(peer)
        if wait is not None:
            ctx.logins_failed += 1
            return LoginResult(Outcome.RATE_LIMITED, retry_after=wait)
        try:
            body = await read_json(request)
        except ValueError:
            return self._fail(
                peer, LoginResult(Outcome.MALFORMED, problem="Request body is not JSON")
            )
        problem = self._problem(body)
        if problem is not None:
            return self._fail(peer, LoginResult(Outcome.MALFORMED, problem=problem))
        if not ctx.account.matches(body["username"], body["password"]):
            return self._fail(peer, LoginResult(Outcome.BAD_CREDENTIALS))
        secret = ctx.account.totp_secret
        if secret is not None:
            code = body.get(self._token_field) or ""
            if not code or not self._challenge_answered(request):
                ctx.limiter.record(peer, success=True)
                return LoginResult(Outcome.SECOND_FACTOR, challenge=self._new_challenge())
            if not totp.verify(secret, code, time.time()):
                return self._fail(peer, LoginResult(Outcome.BAD_SECOND_FACTOR))
            self._challenges.pop(request.cookies.get(MFA_COOKIE, ""), None)
        ctx.limiter.record(peer, success=True)
        ctx.logins_succeeded += 1
        self._announce(peer)
        return LoginResult(Outcome.ACCEPTED)

    def _fail(self, peer: str, result: LoginResult) -> LoginResult:
        self._ctx.logins_failed += 1
        self._ctx.limiter.record(peer, success=False)
        return result

    def _problem(self, body: Any) -> str | None:
        """Why a login body is unusable, or None if it is fine."""
        if not isinstance(body, dict):
            return "Request body must be a JSON object"
        for name in ("username", "password"):
            if not isinstance(body.get(name), str) or not body[name]:
                return f"'{name}' is required and must be a non-empty string"
        for name, kind in self._flags.items():
            if name in body and not isinstance(body[name], kind):
                return f"'{name}' must be a {'boolean' if kind is bool else 'string'}"
        return None

    def _new_challenge(self) -> str:
        if self._ctx.classic:
            return ""
        now = time.monotonic()
        self._challenges = {k: v for k, v in self._challenges.items() if v > now}
        value = secrets.token_urlsafe(24)
        self._challenges[value] = now + _CHALLENGE_TTL_S
        return value

    def _challenge_answered(self, request: web.Request) -> bool:
        """Whether the retry carries a live UBIC_2FA cookie (always, where none is needed)."""
        if self._ctx.classic or not self._ctx.variants.mfa_cookie_required:
            return True
        expiry = self._challenges.get(request.cookies.get(MFA_COOKIE, ""))
        return expiry is not None and expiry > time.monotonic()

    def _announce(self, peer: str) -> None:
        """Record and push `EVT_AD_Login` on the `super` site."""
        ctx = self._ctx
        draft = admin_login(ctx.account.username, peer, ctx.variants.admin_login_subsystem)
        now_ms = ctx.playback.clock.now_ms()
        sequence = len(ctx.admin_events)
        document = {
            **draft.fields,
            "key": draft.key,
            "subsystem": draft.subsystem,
            "is_negative": draft.is_negative,
            "site_id": object_id(ctx.created_s, ctx.console_id, SUPER_SITE),
            "time": now_ms,
            "datetime": format_datetime(now_ms),
            "msg": draft.msg,
            "_id": object_id(now_ms // 1000, ctx.console_id, "admin-login", sequence),
        }
        ctx.admin_events.append(document)
        ctx.hub.push_live(SUPER_SITE, [document])
