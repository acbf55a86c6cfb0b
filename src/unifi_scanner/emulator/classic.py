"""Classic (self-hosted) controller routes: `/` → 302 `/manage`, `/manage`, `/status`,
`/api/login`, `/api/logout` and `/logout`.

Login answers (protocol reference §1): 200 `{"meta":{"rc":"ok"},"data":[]}` with `unifises`
and `csrf_token` cookies; 400 `api.err.Invalid` for wrong credentials, a wrong code or a bad
body; 400 `api.err.Ubic2faTokenRequired` when a second factor is needed; 429 with
`Retry-After` (envelope message `api.err.LoginRateLimited`, [UNCONFIRMED]) when rate limited.
"""

from __future__ import annotations

from aiohttp import web

from unifi_scanner.emulator.auth import Session
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.cookies import CLASSIC_SESSION, classic_clear, classic_cookies
from unifi_scanner.emulator.login import LoginDesk, Outcome
from unifi_scanner.emulator.responses import json_response, legacy_error, legacy_ok

MANAGE_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>UniFi Network</title></head>
<body><div id="app">UniFi Network (emulated by unifi-scanner)</div></body>
</html>
"""

OPEN_PATHS = frozenset({"/", "/manage", "/status", "/api/login", "/api/logout", "/logout"})
"""Classic paths answered without a session."""


def session_of(ctx: ServerContext, request: web.Request) -> Session | None:
    """The live classic session behind the `unifises` cookie (renewing it), if any."""
    return ctx.sessions.verify_classic(request.cookies.get(CLASSIC_SESSION))


def status_document(ctx: ServerContext) -> dict[str, object]:
    """`GET /status`: up, and before Network 10 the server version."""
    meta: dict[str, object] = {"rc": "ok", "up": True, "uuid": ctx.console_id}
    if ctx.features.status_has_version:
        meta["server_version"] = ctx.features.version
    return {"data": [], "meta": meta}


def classic_routes(ctx: ServerContext) -> list[web.RouteDef]:
    """The classic controller's own routes."""
    desk = LoginDesk(
        ctx,
        token_field="ubic_2fa_token",  # noqa: S106 - a body field name, not a secret
        flags={"remember": bool, "strict": bool, "ubic_2fa_token": str},
    )

    async def landing(request: web.Request) -> web.Response:
        return web.Response(status=302, headers={"Location": "/manage"})

    async def manage(request: web.Request) -> web.Response:
        return web.Response(text=MANAGE_PAGE, content_type="text/html")

    async def status(request: web.Request) -> web.Response:
        return json_response(status_document(ctx))

    async def login(request: web.Request) -> web.Response:
        result = await desk.decide(request)
        if result.outcome is Outcome.RATE_LIMITED:
            response = legacy_error("api.err.LoginRateLimited", 429)
            response.headers["Retry-After"] = str(result.retry_after)
            return response
        if result.outcome is Outcome.SECOND_FACTOR:
            return legacy_error("api.err.Ubic2faTokenRequired", 400)
        if result.outcome is not Outcome.ACCEPTED:
            return legacy_error("api.err.Invalid", 400)
        session = ctx.sessions.issue_classic(ctx.account)
        response = legacy_ok([])
        for cookie in classic_cookies(session.jti, session.csrf_token, secure=ctx.secure_cookies):
            response.headers.add("Set-Cookie", cookie)
        return response

    def _end_session(request: web.Request, response: web.StreamResponse) -> None:
        session = session_of(ctx, request)
        if session is not None:
            ctx.sessions.revoke(session.jti)
            ctx.hub.close_sessions([session.jti], 1008, "session logged out")
        for cookie in classic_clear(secure=ctx.secure_cookies):
            response.headers.add("Set-Cookie", cookie)

    async def logout(request: web.Request) -> web.Response:
        response = legacy_ok([])
        _end_session(request, response)
        return response

    async def browser_logout(request: web.Request) -> web.Response:
        response = web.Response(status=302, headers={"Location": "/manage"})
        _end_session(request, response)
        return response

    return [
        web.get("/", landing),
        web.get("/manage", manage),
        web.get("/manage/{tail:.*}", manage),
        web.get("/status", status),
        web.post("/api/login", login),
        web.post("/api/logout", logout),
        web.get("/logout", browser_logout),
    ]
