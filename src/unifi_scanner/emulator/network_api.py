"""The Network application's legacy API and event sockets, mounted under the flavour's prefix
(UniFi OS `/proxy/network`, classic none). Authentication is `access.py`'s job.

| path | answer |
|---|---|
| `api/self` | the logged-in admin |
| `api/self/sites` | every site: `_id`, `name` (short), `desc`, `role` |
| `api/s/{site}/stat/…`, `list/alarm`, `rest/…` | see `_SITE_ROUTES` |
| `status` (UniFi OS; classic `/status` is public) | up, version before 10.x |
| `integration/v1/info`, `integration/v1/sites` | API-key only (UniFi OS) |
| `wss/s/{site}/events` | the event socket (`?clients=v2` honoured) |

`api/s/{unknown}/…` answers 401 `api.err.NoSiteContext`; anything else 404 `api.err.NotFound`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aiohttp import web

from unifi_scanner.emulator import event_log
from unifi_scanner.emulator.access import SESSION
from unifi_scanner.emulator.classic import status_document
from unifi_scanner.emulator.client_records import client_records, known_client_records
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.device_records import device_records
from unifi_scanner.emulator.responses import (
    json_response,
    legacy_error,
    legacy_ok,
    not_found,
    read_json,
)
from unifi_scanner.emulator.site_records import (
    health_records,
    networkconf_records,
    site_record,
    sysinfo_record,
    wlanconf_records,
)
from unifi_scanner.emulator.subscriber import SocketOptions
from unifi_scanner.emulator.websocket import SUPER_SITE

SiteHandler = Callable[[ServerContext, str, Any, web.Request], web.Response]


def _sysinfo(ctx: ServerContext, site: str, body: Any, request: web.Request) -> web.Response:
    port = 8443 if ctx.classic else 443
    record = sysinfo_record(
        ctx.view(site), ctx.features, https_port=port, console_id=ctx.console_id
    )
    return legacy_ok([record])


def _devices(ctx: ServerContext, site: str, body: Any, request: web.Request) -> web.Response:
    macs = body.get("macs") if isinstance(body, dict) else None
    if macs is not None and not (isinstance(macs, list) and all(isinstance(m, str) for m in macs)):
        return legacy_error("api.err.Invalid", 400)
    wanted = {mac.lower() for mac in macs} if macs is not None else None
    view = ctx.view(site)
    return legacy_ok(device_records(ctx.inventory, view.history, site, view.at, wanted, view=view))


def _stations(ctx: ServerContext, site: str, body: Any, request: web.Request) -> web.Response:
    view = ctx.view(site)
    return legacy_ok(client_records(ctx.inventory, view.history, site, view.at, view=view))


def _empty(ctx: ServerContext, site: str, body: Any, request: web.Request) -> web.Response:
    return legacy_ok([])


_SITE_ROUTES: dict[str, SiteHandler] = {
    "stat/sysinfo": _sysinfo,
    "stat/device": _devices,
    "stat/sta": _stations,
    "stat/health": lambda ctx, site, body, request: legacy_ok(health_records(ctx.view(site))),
    "stat/event": lambda ctx, site, body, request: event_log.stat_event(ctx, site, body),
    "stat/ips/event": lambda ctx, site, body, request: event_log.stat_ips_event(ctx, site, body),
    "list/alarm": lambda ctx, site, body, request: event_log.alarms(
        ctx, site, body, dict(request.query)
    ),
    "stat/alarm": lambda ctx, site, body, request: event_log.alarms(
        ctx, site, body, dict(request.query)
    ),
    "rest/user": lambda ctx, site, body, request: legacy_ok(known_client_records(ctx.view(site))),
    "stat/alluser": lambda ctx, site, body, request: legacy_ok(
        known_client_records(ctx.view(site))
    ),
    "rest/wlanconf": lambda ctx, site, body, request: legacy_ok(
        wlanconf_records(ctx.inventory, ctx.view(site).site)
    ),
    "rest/networkconf": lambda ctx, site, body, request: legacy_ok(
        networkconf_records(ctx.inventory, ctx.view(site).site)
    ),
    "rest/portforward": _empty,
    "rest/dpiapp": _empty,
    "rest/dpigroup": _empty,
    "rest/firewallrule": _empty,
}
"""Site-scoped paths; each answers GET and POST (POST bodies act as filters)."""


def network_routes(ctx: ServerContext) -> list[web.RouteDef]:
    """The legacy Network routes and the event socket under `ctx.prefix`."""
    prefix = ctx.prefix
    inventory = ctx.inventory

    async def admin_self(request: web.Request) -> web.Response:
        account = ctx.account
        admin = {
            "admin_id": account.user_id,
            "name": account.username,
            "email": "",
            "is_super": True,
            "site_role": "admin",
            "requires_new_password": False,
        }
        return legacy_ok([admin])

    async def self_sites(request: web.Request) -> web.Response:
        return legacy_ok([site_record(inventory, site) for site in inventory.sites])

    async def site_api(request: web.Request) -> web.Response:
        site = request.match_info["site"]
        if inventory.site(site) is None:
            return legacy_error("api.err.NoSiteContext", 401)
        handler = _SITE_ROUTES.get(request.match_info["path"].rstrip("/"))
        if handler is None or request.method not in ("GET", "POST"):
            return not_found()
        try:
            body = await read_json(request) if request.method == "POST" else None
        except ValueError:
            return legacy_error("api.err.Invalid", 400)
        return handler(ctx, site, body, request)

    async def status(request: web.Request) -> web.Response:
        return json_response(status_document(ctx))

    async def integration_info(request: web.Request) -> web.Response:
        return json_response({"applicationVersion": ctx.features.version})

    async def integration_sites(request: web.Request) -> web.Response:
        sites = [
            {"id": site.id, "internalReference": site.name, "name": site.desc}
            for site in inventory.sites
        ]
        return json_response(
            {"offset": 0, "limit": 25, "count": len(sites), "totalCount": len(sites), "data": sites}
        )

    async def events_socket(request: web.Request) -> web.StreamResponse:
        site = request.match_info["site"]
        if site == SUPER_SITE and not ctx.config.super_site_socket:
            return legacy_error("api.err.NoPermission", 403)
        options = SocketOptions(
            site=site,
            known=inventory.site(site) is not None or site == SUPER_SITE,
            jti=request[SESSION].jti,
            clients_v2=request.query.get("clients") == "v2",
        )
        return await ctx.hub.handle(request, options)

    async def unknown(request: web.Request) -> web.Response:
        return not_found()

    routes = [
        web.get(f"{prefix}/wss/s/{{site}}/events", events_socket),
        web.get(f"{prefix}/api/self", admin_self),
        web.route("*", f"{prefix}/api/self/sites", self_sites),
        web.route("*", f"{prefix}/api/s/{{site}}/{{path:.*}}", site_api),
    ]
    if prefix:  # a classic controller serves /status publicly (classic.py)
        routes += [
            web.get(f"{prefix}/status", status),
            web.get(f"{prefix}/integration/v1/info", integration_info),
            web.get(f"{prefix}/integration/v1/sites", integration_sites),
        ]
    return [*routes, web.route("*", f"{prefix}/{{tail:.*}}", unknown)]
