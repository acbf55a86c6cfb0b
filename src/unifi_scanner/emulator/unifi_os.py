"""UniFi OS console routes (outside the Network application): `/`, `/api/system`,
`/api/auth/login`, `/api/auth/logout` and `/api/users/self`, plus the session token handling
the Network routes share (`issue_token`).

Login answers (protocol reference §1): 200 with the flat user object, a `TOKEN` cookie and
`X-CSRF-Token`; 403 `AUTHENTICATION_FAILED` for wrong credentials or a wrong code; 400
`INVALID_PAYLOAD` for a bad body; 499 with `{"data":{"mfaCookie":"UBIC_2FA=…"},…}` when a
second factor is needed; 429 `AUTHENTICATION_FAILED_LIMIT_REACHED` with `Retry-After`.
"""

from __future__ import annotations

from aiohttp import web

from unifi_scanner.emulator import console
from unifi_scanner.emulator.auth import Session
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.cookies import MFA_COOKIE, unifi_os_clear, unifi_os_cookie
from unifi_scanner.emulator.login import LoginDesk, Outcome
from unifi_scanner.emulator.responses import INVALID_CSRF, UNAUTHORIZED, json_response

RATE_LIMITED = {
    "code": "AUTHENTICATION_FAILED_LIMIT_REACHED",
    "message": "You've reached the login attempt limit",
}
AUTHENTICATION_FAILED = {"code": "AUTHENTICATION_FAILED", "message": "Authentication failed"}
MFA_REQUIRED_STATUS = 499
MFA_REQUIRED = {"code": "MFA_AUTH_REQUIRED", "message": "MFA authentication required"}


def issue_token(
    response: web.StreamResponse, ctx: ServerContext, session: Session, token: str | None = None
) -> None:
    """Attach the session cookie (a fresh token unless `token` is given) and the CSRF header."""
    variants = ctx.variants
    token = token or ctx.sessions.token_for(session)
    cookie = unifi_os_cookie(
        token,
        name=variants.cookie_name,
        secure=ctx.secure_cookies,
        partitioned=variants.partitioned_cookie,
    )
    response.headers.add("Set-Cookie", cookie)
    response.headers["X-CSRF-Token"] = session.csrf_token
    if variants.updated_csrf_header:
        response.headers["X-Updated-CSRF-Token"] = session.csrf_token


def session_of(ctx: ServerContext, request: web.Request) -> Session | None:
    """The live session behind the request's session cookie, if any."""
    return ctx.sessions.verify(request.cookies.get(ctx.variants.cookie_name))


def console_routes(ctx: ServerContext) -> list[web.RouteDef]:
    """The console's own routes."""
    flags = {"rememberMe": bool, "remember": bool, "token": str}
    desk = LoginDesk(ctx, token_field="token", flags=flags)  # noqa: S106 - a field name

    async def landing(request: web.Request) -> web.Response:
        return web.Response(text=console.LANDING_PAGE, content_type="text/html")

    async def system(request: web.Request) -> web.Response:
        inventory = ctx.inventory
        gateway = inventory.gateway(inventory.sites[0].name) if inventory.sites else None
        return json_response(console.system_document(gateway, console_id=ctx.console_id))

    async def login(request: web.Request) -> web.Response:
        result = await desk.decide(request)
        if result.outcome is Outcome.RATE_LIMITED:
            response = json_response(RATE_LIMITED, 429)
            response.headers["Retry-After"] = str(result.retry_after)
            return response
        if result.outcome is Outcome.MALFORMED:
            return json_response({"code": "INVALID_PAYLOAD", "message": result.problem}, 400)
        if result.outcome in (Outcome.BAD_CREDENTIALS, Outcome.BAD_SECOND_FACTOR):
            return json_response(AUTHENTICATION_FAILED, 403)
        if result.outcome is Outcome.SECOND_FACTOR:
            flags = "path=/; secure; httponly" if ctx.secure_cookies else "path=/; httponly"
            mfa = {"mfaCookie": f"{MFA_COOKIE}={result.challenge}; {flags}"}
            if ctx.variants.mfa_challenge_status == 401:
                return json_response(MFA_REQUIRED | {"data": mfa}, 401)
            return json_response({"data": mfa, "meta": {"rc": "ok"}}, MFA_REQUIRED_STATUS)
        session, token = ctx.sessions.issue(ctx.account)
        response = json_response(console.user_document(ctx.account, created_s=ctx.created_s))
        issue_token(response, ctx, session, token)
        return response

    async def logout(request: web.Request) -> web.Response:
        session = session_of(ctx, request)
        if session is None:
            return json_response(UNAUTHORIZED, 401)
        if request.headers.get("X-CSRF-Token") != session.csrf_token:
            return json_response(INVALID_CSRF, 403)
        ctx.sessions.revoke(session.jti)
        ctx.hub.close_sessions([session.jti], 1008, "session logged out")
        response = json_response({})
        variants = ctx.variants
        response.headers.add(
            "Set-Cookie",
            unifi_os_clear(
                name=variants.cookie_name,
                secure=ctx.secure_cookies,
                partitioned=variants.partitioned_cookie,
            ),
        )
        return response

    async def users_self(request: web.Request) -> web.Response:
        session = session_of(ctx, request)
        if session is None:
            return json_response(UNAUTHORIZED, 401)
        response = json_response(console.user_document(ctx.account, created_s=ctx.created_s))
        issue_token(response, ctx, session)
        return response

    return [
        web.get("/", landing),
        web.get("/api/system", system),
        web.post("/api/auth/login", login),
        web.post("/api/auth/logout", logout),
        web.get("/api/users/self", users_self),
    ]
