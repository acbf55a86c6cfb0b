"""Test-only control endpoints under `/__emulator__/` (no UniFi counterpart).

- `GET /__emulator__/sent`: every event pushed over an event WebSocket, once each, in order.
- `POST /__emulator__/faults` `{"fault": "<name>"}`: inject a fault. Answers only loopback
  peers, so an emulator bound to a LAN address cannot be disrupted from elsewhere.

Faults are a dispatch table (`name → coroutine returning a JSON summary`) so that adding one
(silent sockets, 429 on login, slow responses, …) is one entry in `Emulator._faults`.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import orjson
from aiohttp import web

from unifi_scanner.emulator.websocket import SentRecord

Fault = Callable[[], Awaitable[dict[str, Any]]]

SENT_PATH = "/__emulator__/sent"
FAULTS_PATH = "/__emulator__/faults"


def _is_loopback(remote: str | None) -> bool:
    if remote is None:
        return False
    try:
        address = ipaddress.ip_address(remote)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def add_control_routes(
    app: web.Application, *, sent: Callable[[], list[SentRecord]], faults: Mapping[str, Fault]
) -> None:
    """Register the control endpoints on `app`."""

    async def get_sent(request: web.Request) -> web.Response:
        return web.json_response({"sent": sent()}, dumps=lambda o: orjson.dumps(o).decode())

    async def post_fault(request: web.Request) -> web.Response:
        if not _is_loopback(request.remote):
            return web.Response(status=403, text="faults can only be injected from loopback\n")
        try:
            body = await request.json()
        except ValueError:
            return web.Response(status=400, text='body must be JSON like {"fault": "…"}\n')
        name = body.get("fault") if isinstance(body, dict) else None
        fault = faults.get(name) if isinstance(name, str) else None
        if fault is None:
            known = ", ".join(sorted(faults))
            return web.Response(status=400, text=f"unknown fault {name!r} (known: {known})\n")
        return web.json_response({"fault": name, **(await fault())})

    app.router.add_get(SENT_PATH, get_sent)
    app.router.add_post(FAULTS_PATH, post_fault)
