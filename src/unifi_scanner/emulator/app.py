"""The aiohttp application of one emulated controller, assembled per flavour.

Layout (protocol reference §1–§3):

- UniFi OS console: its own routes (`unifi_os.py`) and the Network application under
  `/proxy/network` (`network_api.py`, `v2_api.py`);
- classic controller: its own routes (`classic.py`) and the same Network routes without prefix.

Middlewares, outermost first: HTTP faults in force (`rest_faults.py`), then authentication of
the Network application (`access.py`). Control routes (`/__emulator__/…`) are registered before
the Network catch-all so that they also exist on a classic controller, whose Network routes
start at `/`.
"""

from __future__ import annotations

from aiohttp import web

from unifi_scanner.emulator.access import network_auth
from unifi_scanner.emulator.classic import classic_routes
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.network_api import network_routes
from unifi_scanner.emulator.unifi_os import console_routes
from unifi_scanner.emulator.v2_api import v2_routes


def build_app(ctx: ServerContext, control: list[web.RouteDef]) -> web.Application:
    """The application of a controller of `ctx.config.flavour`, with `control` routes."""
    app = web.Application(middlewares=[ctx.rest_faults.middleware(), network_auth(ctx)])
    app.router.add_routes(classic_routes(ctx) if ctx.classic else console_routes(ctx))
    app.router.add_routes(control)
    app.router.add_routes(v2_routes(ctx))
    app.router.add_routes(network_routes(ctx))
    return app
