"""The aiohttp application: UniFi OS console routes and the Network application behind
`/proxy/network` (protocol reference §1–§3).

Layout of a UniFi OS console, reproduced here:

- console routes: `GET /` (200 HTML), `GET /api/system` (no auth), `POST /api/auth/login`,
  `POST /api/auth/logout`, `GET /api/users/self`;
- the Network application under `NETWORK_PREFIX`: every request needs a valid `TOKEN` cookie
  (else 401 `api.err.LoginRequired`), every non-GET request also the session's `X-CSRF-Token`
  (else 403), and every authenticated answer re-issues the cookie (sliding session).

The Network routes are registered relative to a prefix and guarded by one middleware: a classic
controller flavour would mount the same routes at `""` behind a `unifises`-cookie middleware.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web
from aiohttp.typedefs import Middleware

from unifi_scanner.emulator import console
from unifi_scanner.emulator.auth import (
    COOKIE_NAME,
    Account,
    Session,
    SessionManager,
    clear_cookie_header,
    set_cookie_header,
)
from unifi_scanner.emulator.device_records import device_records
from unifi_scanner.emulator.playback import Playback
from unifi_scanner.emulator.site_records import (
    client_records,
    health_records,
    site_record,
    sysinfo_record,
)
from unifi_scanner.emulator.versions import EventLog, NetworkFeatures
from unifi_scanner.emulator.websocket import EventHub, frame

NETWORK_PREFIX = "/proxy/network"
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_SESSION = web.RequestKey("unifi_session", Session)  # the verified session of a request
_EVENT_LOG_DEFAULT_HOURS = 720
_EVENT_LOG_MAX_LIMIT = 3000

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass
class ServerContext:
    """Everything the routes need, owned by the `Emulator`."""

    account: Account
    sessions: SessionManager
    playback: Playback
    hub: EventHub
    features: NetworkFeatures
    secure_cookies: bool
    console_id: str
    logins_succeeded: int = 0
    logins_failed: int = 0
    created_s: int = 0  # account creation time shown in the user object


def _json(data: Any, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=lambda o: orjson.dumps(o).decode())


def _legacy_error(msg: str, status: int) -> web.Response:
    return _json({"meta": {"rc": "error", "msg": msg}, "data": []}, status)


def _legacy_ok(data: list[dict[str, Any]], **meta: Any) -> web.Response:
    return _json({"meta": {"rc": "ok", **meta}, "data": data})


_UNAUTHORIZED = {"error": {"code": 401, "message": "Unauthorized"}}
_INVALID_CSRF = {"message": "Invalid CSRF Token"}


def _issue_token(
    response: web.StreamResponse, ctx: ServerContext, session: Session, token: str | None = None
) -> None:
    """Attach the session cookie (a fresh token unless `token` is given) and CSRF header."""
    token = token or ctx.sessions.token_for(session)
    response.headers.add("Set-Cookie", set_cookie_header(token, secure=ctx.secure_cookies))
    response.headers["X-CSRF-Token"] = session.csrf_token


async def _read_json(request: web.Request) -> Any:
    """The JSON body, or None when there is none. Raises ValueError if it is not JSON."""
    if not request.body_exists:
        return None
    text = await request.text()
    return orjson.loads(text) if text.strip() else None


# -- console ----------------------------------------------------------------------------------


def _console_routes(ctx: ServerContext) -> list[web.RouteDef]:
    async def landing(request: web.Request) -> web.Response:
        return web.Response(text=console.LANDING_PAGE, content_type="text/html")

    async def system(request: web.Request) -> web.Response:
        inventory = ctx.playback.timeline.inventory
        gateway = inventory.gateway(inventory.sites[0].name) if inventory.sites else None
        return _json(console.system_document(gateway, console_id=ctx.console_id))

    async def login(request: web.Request) -> web.Response:
        try:
            body = await _read_json(request)
        except ValueError:
            ctx.logins_failed += 1
            return _json({"code": "INVALID_PAYLOAD", "message": "Request body is not JSON"}, 400)
        problem = _login_body_problem(body)
        if problem is not None:
            ctx.logins_failed += 1
            return _json({"code": "INVALID_PAYLOAD", "message": problem}, 400)
        if not ctx.account.matches(body["username"], body["password"]):
            ctx.logins_failed += 1
            failed = {"code": "AUTHENTICATION_FAILED", "message": "Authentication failed"}
            return _json(failed, 403)
        ctx.logins_succeeded += 1
        session, token = ctx.sessions.issue(ctx.account)
        response = _json(console.user_document(ctx.account, created_s=ctx.created_s))
        _issue_token(response, ctx, session, token)
        return response

    async def logout(request: web.Request) -> web.Response:
        session = ctx.sessions.verify(request.cookies.get(COOKIE_NAME))
        if session is None:
            return _json(_UNAUTHORIZED, 401)
        if request.headers.get("X-CSRF-Token") != session.csrf_token:
            return _json(_INVALID_CSRF, 403)
        ctx.sessions.revoke(session.jti)
        ctx.hub.close_session(session.jti)
        response = _json({})
        response.headers.add("Set-Cookie", clear_cookie_header(secure=ctx.secure_cookies))
        return response

    async def users_self(request: web.Request) -> web.Response:
        session = ctx.sessions.verify(request.cookies.get(COOKIE_NAME))
        if session is None:
            return _json(_UNAUTHORIZED, 401)
        response = _json(console.user_document(ctx.account, created_s=ctx.created_s))
        _issue_token(response, ctx, session)
        return response

    return [
        web.get("/", landing),
        web.get("/api/system", system),
        web.post("/api/auth/login", login),
        web.post("/api/auth/logout", logout),
        web.get("/api/users/self", users_self),
    ]


def _login_body_problem(body: Any) -> str | None:
    """Why a login body is unusable, or None if it is fine."""
    if not isinstance(body, dict):
        return "Request body must be a JSON object"
    for name in ("username", "password"):
        if not isinstance(body.get(name), str) or not body[name]:
            return f"'{name}' is required and must be a non-empty string"
    if "rememberMe" in body and not isinstance(body["rememberMe"], bool):
        return "'rememberMe' must be a boolean"
    if "token" in body and not isinstance(body["token"], str):
        return "'token' must be a string"
    return None


# -- Network application ------------------------------------------------------------------------


def _network_auth(ctx: ServerContext, prefix: str) -> Middleware:
    @web.middleware
    async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(prefix + "/"):
            return await handler(request)
        session = ctx.sessions.verify(request.cookies.get(COOKIE_NAME))
        if session is None:
            if request.path.startswith(f"{prefix}/wss/"):
                # Refuse the upgrade with a plain HTTP 401 before any WebSocket handshake.
                return web.Response(status=401, text="Unauthorized")
            return _legacy_error("api.err.LoginRequired", 401)
        csrf = request.headers.get("X-CSRF-Token")
        if request.method not in _SAFE_METHODS and csrf != session.csrf_token:
            return _json(_INVALID_CSRF, 403)
        request[_SESSION] = session
        response = await handler(request)
        if not response.prepared:  # a WebSocket's headers are long gone when it returns
            _issue_token(response, ctx, session)
        return response

    return middleware


def _network_routes(ctx: ServerContext, prefix: str) -> list[web.RouteDef]:
    inventory = ctx.playback.timeline.inventory
    history = ctx.playback.timeline.history

    async def self_sites(request: web.Request) -> web.Response:
        return _legacy_ok([site_record(inventory, site) for site in inventory.sites])

    async def site_api(request: web.Request) -> web.Response:
        site = request.match_info["site"]
        if inventory.site(site) is None:
            return _legacy_error("api.err.NoSiteContext", 401)
        path = request.match_info["path"].rstrip("/")
        if request.method not in ("GET", "POST"):
            return _legacy_error("api.err.NotFound", 404)
        try:
            body = await _read_json(request) if request.method == "POST" else None
        except ValueError:
            return _legacy_error("api.err.Invalid", 400)
        at = ctx.playback.snapshot()
        if path == "stat/sysinfo":
            return _legacy_ok([sysinfo_record(inventory, site, ctx.features, at)])
        if path == "stat/device":
            macs = body.get("macs") if isinstance(body, dict) else None
            if macs is not None and not (
                isinstance(macs, list) and all(isinstance(m, str) for m in macs)
            ):
                return _legacy_error("api.err.Invalid", 400)
            wanted = {mac.lower() for mac in macs} if macs is not None else None
            return _legacy_ok(device_records(inventory, history, site, at, wanted))
        if path == "stat/sta":
            return _legacy_ok(client_records(inventory, history, site, at))
        if path == "stat/health":
            return _legacy_ok(health_records(inventory, history, site, at))
        if path == "stat/event":
            return _event_log(ctx, site, body)
        return _legacy_error("api.err.NotFound", 404)

    async def events_socket(request: web.Request) -> web.StreamResponse:
        site = request.match_info["site"]
        session = request[_SESSION]
        known = inventory.site(site) is not None
        return await ctx.hub.handle(request, site=site, known=known, jti=session.jti)

    async def not_found(request: web.Request) -> web.Response:
        return _legacy_error("api.err.NotFound", 404)

    return [
        web.get(f"{prefix}/wss/s/{{site}}/events", events_socket),
        web.route("*", f"{prefix}/api/self/sites", self_sites),
        web.route("*", f"{prefix}/api/s/{{site}}/{{path:.*}}", site_api),
        web.route("*", f"{prefix}/{{tail:.*}}", not_found),
    ]


def _event_log(ctx: ServerContext, site: str, body: Any) -> web.Response:
    """`stat/event`, whose behaviour depends on the Network version (`versions.EventLog`)."""
    mode = ctx.features.event_log
    if mode is EventLog.GONE:
        return _legacy_error("api.err.NotFound", 404)
    if mode is EventLog.FROZEN or not ctx.playback.clock.started:
        return _legacy_ok([])
    query = body if isinstance(body, dict) else {}
    try:
        within_h = float(query.get("within", _EVENT_LOG_DEFAULT_HOURS))
        start = int(query.get("_start", 0))
        limit = min(int(query.get("_limit", _EVENT_LOG_MAX_LIMIT)), _EVENT_LOG_MAX_LIMIT)
    except (TypeError, ValueError):
        return _legacy_error("api.err.Invalid", 400)
    oldest_ms = ctx.playback.clock.now_ms() - int(within_h * 3_600_000)
    documents = [
        document
        for index in range(ctx.playback.due())
        if ctx.playback.timeline.events[index].site == site
        and (document := ctx.playback.document(index))["time"] >= oldest_ms
    ]
    documents.reverse()  # `_sort: -time`, newest first
    page = documents[max(start, 0) : max(start, 0) + max(limit, 0)]
    extra = {"count": len(documents)} if len(page) < len(documents) else {}
    return _legacy_ok(page, **extra)


def build_app(ctx: ServerContext) -> web.Application:
    """The aiohttp application of a UniFi OS console running UniFi Network."""
    app = web.Application(middlewares=[_network_auth(ctx, NETWORK_PREFIX)])
    app.router.add_routes(_console_routes(ctx))
    app.router.add_routes(_network_routes(ctx, NETWORK_PREFIX))
    return app


def sync_frames_for(playback: Playback) -> Callable[[str], list[str]]:
    """Builds the `sta:sync` and `device:sync` frames of a site at the current moment."""
    inventory = playback.timeline.inventory
    history = playback.timeline.history

    def sync_frames(site: str) -> list[str]:
        at = playback.snapshot()
        return [
            frame("sta:sync", client_records(inventory, history, site, at)),
            frame("device:sync", device_records(inventory, history, site, at)),
        ]

    return sync_frames
