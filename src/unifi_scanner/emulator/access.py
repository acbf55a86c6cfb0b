"""Who may use the Network application: the authentication middleware of both flavours.

A request under the Network application (UniFi OS: `/proxy/network/…`; classic: `/api/…`,
`/v2/…`, `/wss/…` except the login routes) needs one of:

- UniFi OS: a valid session cookie (`TOKEN` JWT). Non-GET requests also need `X-CSRF-Token`
  equal to the session's, else 403 `{"message":"Invalid CSRF Token"}`. Every answer re-issues
  the cookie (sliding session).
- UniFi OS: `X-API-Key` with a configured key, no cookie and no CSRF needed. Required on
  `/proxy/network/integration/…`; accepted on the WebSocket and the v2 system log only as the
  `api_key_websocket` / `api_key_system_log` variants say.
- Classic: a live `unifises` cookie (renewed by each request; no CSRF check).

Without one, the answer is 401 `api.err.LoginRequired` — or, for a WebSocket upgrade, a plain
HTTP 401 before any handshake.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable

from aiohttp import web
from aiohttp.typedefs import Middleware

from unifi_scanner.emulator import classic, unifi_os
from unifi_scanner.emulator.auth import Session
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.responses import INVALID_CSRF, json_response, legacy_error

SESSION = web.RequestKey("unifi_session", Session)
"""The authenticated session of a request (an `api-key` session for API-key requests)."""

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_CLASSIC_GUARDED = ("/api/", "/v2/", "/wss/")
_INTEGRATION_UNAUTHORIZED = {
    "statusCode": 401,
    "statusName": "UNAUTHORIZED",
    "message": "Missing or invalid API key",
}


def _guarded(ctx: ServerContext, path: str) -> bool:
    if not ctx.classic:
        return path.startswith(ctx.prefix + "/")
    return path.startswith(_CLASSIC_GUARDED) and path not in classic.OPEN_PATHS


def api_key_session(ctx: ServerContext, presented: str | None) -> Session | None:
    """The pseudo-session of a request carrying a configured API key."""
    if not presented or ctx.classic:
        return None
    for index, key in enumerate(ctx.config.api_keys):
        if hmac.compare_digest(presented.encode(), key.encode()):
            return Session(
                jti=f"api-key:{index}",
                user_id=ctx.account.user_id,
                csrf_token="",
                password_revision=ctx.account.password_revision,
                kind="api-key",
            )
    return None


def _api_key_allowed(ctx: ServerContext, path: str, websocket: bool) -> bool:
    if websocket:
        return ctx.variants.api_key_websocket
    if "/system-log/" in path:
        return ctx.variants.api_key_system_log
    return True


def network_auth(ctx: ServerContext) -> Middleware:
    """The middleware guarding the Network application."""
    integration = f"{ctx.prefix}/integration/"

    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        path = request.path
        if not _guarded(ctx, path):
            return await handler(request)
        websocket = "/wss/" in path
        key_session = api_key_session(ctx, request.headers.get("X-API-Key"))
        session: Session | None
        if ctx.classic:
            session = classic.session_of(ctx, request)
        elif path.startswith(integration):
            session = key_session  # the integration API takes API keys only
        else:
            session = unifi_os.session_of(ctx, request)
            if session is None and key_session and _api_key_allowed(ctx, path, websocket):
                session = key_session
        if session is None:
            if websocket:
                # Refuse the upgrade with a plain HTTP 401 before any WebSocket handshake.
                return web.Response(status=401, text="Unauthorized")
            if path.startswith(integration):
                return json_response(_INTEGRATION_UNAUTHORIZED, 401)
            return legacy_error("api.err.LoginRequired", 401)
        cookie_session = session.kind == "jwt"
        csrf = request.headers.get("X-CSRF-Token")
        if cookie_session and request.method not in _SAFE_METHODS and csrf != session.csrf_token:
            return json_response(INVALID_CSRF, 403)
        request[SESSION] = session
        response = await handler(request)
        if cookie_session and not response.prepared:  # a WebSocket's headers are long gone
            unifi_os.issue_token(response, ctx, session)
        return response

    return middleware
