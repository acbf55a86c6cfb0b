"""Test-only control endpoints under `/__emulator__/` (no UniFi counterpart).

- `GET /__emulator__/sent`: every event pushed over an event WebSocket, once each, in order.
- `GET /__emulator__/served`: every event handed out over REST (`stat/event`,
  `stat/ips/event`, alarms, the v2 system log), once per id and source, with the id it was
  served under (system-log and alarm ids are not the event's `_id`).
- `GET /__emulator__/faults`: the fault catalogue, the HTTP faults in force, the scheduled
  faults still to come and every fault injected so far.
- `POST /__emulator__/faults` `{"fault": "<name>", **params}`: inject a fault now; answers
  `{"fault": name, **params, **result}` or 400 with a one-line reason.

The fault endpoints answer only loopback peers, so an emulator bound to a LAN address cannot be
disrupted from elsewhere. HTTP faults (restart, slow responses, 5xx) never apply here.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from unifi_scanner.emulator.faults import FaultSpec
from unifi_scanner.emulator.responses import json_response
from unifi_scanner.emulator.websocket import SentRecord

SENT_PATH = "/__emulator__/sent"
SERVED_PATH = "/__emulator__/served"
FAULTS_PATH = "/__emulator__/faults"

Inject = Callable[[FaultSpec, web.Request | None], Awaitable[dict[str, Any]]]


def is_loopback(remote: str | None) -> bool:
    """Whether `remote` (a peer address) is a loopback address."""
    if remote is None:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _refused() -> web.Response:
    return web.Response(status=403, text="faults can only be injected from loopback\n")


def control_routes(
    *,
    sent: Callable[[], list[SentRecord]],
    served: Callable[[], list[dict[str, Any]]],
    inject: Inject,
    status: Callable[[], dict[str, Any]],
) -> list[web.RouteDef]:
    """The control routes."""

    async def get_sent(request: web.Request) -> web.Response:
        return json_response({"sent": sent()})

    async def get_served(request: web.Request) -> web.Response:
        return json_response({"served": served()})

    async def get_faults(request: web.Request) -> web.Response:
        if not is_loopback(request.remote):
            return _refused()
        return json_response(status())

    async def post_fault(request: web.Request) -> web.Response:
        if not is_loopback(request.remote):
            return _refused()
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text='body must be JSON like {"fault": "…"}\n')
        try:
            spec = FaultSpec.from_json(body)
        except ValueError as exc:
            return web.Response(status=400, text=f"{exc}\n")
        return json_response(await inject(spec, request))

    return [
        web.get(SENT_PATH, get_sent),
        web.get(SERVED_PATH, get_served),
        web.get(FAULTS_PATH, get_faults),
        web.post(FAULTS_PATH, post_fault),
    ]
