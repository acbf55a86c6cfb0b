"""The v2 Network API (`{prefix}/v2/api/site/{site}/…`): bare JSON, `{"errorCode","message"}`
errors.

- `POST system-log/{class}`: the system log (`system_log.py`), paged.
- `GET clients/active`: connected clients as v2 records (the same as `client:sync`).
- `GET trafficrules`, `GET trafficroutes`: the site's (empty) rule lists.

An unknown site answers 401 `api.err.NoSiteContext` as on the legacy API; unknown v2 paths 404.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
from aiohttp import web

from unifi_scanner.emulator import system_log
from unifi_scanner.emulator.client_records import client_v2_records
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.event_log import documents_of
from unifi_scanner.emulator.responses import json_response, legacy_error, read_json, v2_error

#: Timeline events rendered between two yields to the event loop.
RENDER_SLICE = 5000

Matching = tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]


def v2_routes(ctx: ServerContext) -> list[web.RouteDef]:
    """The v2 routes under the Network prefix."""
    base = f"{ctx.prefix}/v2/api/site/{{site}}"
    directory = system_log.Directory(ctx.inventory)

    # A poll reads one window page by page, and a controller answers each page from an
    # index. Rendering the window again for every page (100k+ documents for a busy site at
    # speed 10) stalled the emulator's event pushes for seconds, then the poll timed out.
    # A window wholly in the past cannot change: it is rendered once, in slices that let
    # the pushes go on in between, and kept for the pages that follow — and shared with a
    # retry that comes while it is still being rendered.
    cache: dict[tuple[str, str, bytes], asyncio.Task[Matching]] = {}

    async def matching(site: str, log_class: str, query: dict[str, Any]) -> Matching:
        """The entries of the query's window and filters, newest first, and by entry id the
        document each one mirrors."""
        if query["timestampTo"] >= ctx.playback.clock.now_ms():
            return await render(site, log_class, query)
        paging = {k: v for k, v in query.items() if k not in ("pageNumber", "pageSize")}
        key = (site, log_class, orjson.dumps(paging, option=orjson.OPT_SORT_KEYS))
        task = cache.get(key)
        if task is None:
            for stale in cache.values():
                stale.cancel()
            cache.clear()
            task = cache[key] = asyncio.create_task(render(site, log_class, query))
        return await asyncio.shield(task)

    async def render(site: str, log_class: str, query: dict[str, Any]) -> Matching:
        own = not ctx.variants.system_log_event_ids
        threats = ctx.features.threats_in_system_log
        indices = (
            ctx.playback.due_between(query["timestampFrom"], query["timestampTo"])
            if ctx.playback.clock.started
            else range(0)
        )
        kept: list[dict[str, Any]] = []
        mirrored: dict[str, dict[str, Any]] = {}

        def take(documents: list[dict[str, Any]]) -> None:
            for document in documents:
                if not threats and document["key"] == "EVT_IPS_IpsAlert":
                    continue
                item = system_log.entry(document, directory, own_id=own)
                if item is not None and system_log.matches(item, log_class, query):
                    kept.append(item)
                    mirrored[item["id"]] = document

        for first in range(indices.start, indices.stop, RENDER_SLICE):
            take(documents_of(ctx, site, range(first, min(first + RENDER_SLICE, indices.stop))))
            await asyncio.sleep(0)
        take(ctx.admin_events)
        kept.sort(key=lambda item: item["timestamp"], reverse=True)
        return kept, mirrored

    async def system_log_route(request: web.Request) -> web.Response:
        site, log_class = request.match_info["site"], request.match_info["log_class"]
        if ctx.inventory.site(site) is None:
            return legacy_error("api.err.NoSiteContext", 401)
        if not ctx.features.system_log or log_class not in system_log.CLASS_CATEGORIES:
            return v2_error(404, f"No handler found for POST {request.path}")
        try:
            body = await read_json(request)
        except ValueError:
            return v2_error(400, "Request body is not JSON")
        query, problem = system_log.parse_query(body)
        if query is None:
            return v2_error(400, problem)
        kept, mirrored = await matching(site, log_class, query)
        answer = system_log.page(kept, query)
        for item in answer["data"]:
            ctx.record_served("system-log", item["id"], mirrored[item["id"]])
        return json_response(answer)

    async def site_route(request: web.Request) -> web.Response:
        site, tail = request.match_info["site"], request.match_info["tail"].rstrip("/")
        if ctx.inventory.site(site) is None:
            return legacy_error("api.err.NoSiteContext", 401)
        if request.method == "GET" and tail == "clients/active":
            return json_response(client_v2_records(ctx.view(site)))
        if request.method == "GET" and tail in ("trafficrules", "trafficroutes"):
            return json_response([])
        return v2_error(404, f"No handler found for {request.method} {request.path}")

    return [
        web.post(f"{base}/system-log/{{log_class}}", system_log_route),
        web.route("*", f"{base}/{{tail:.*}}", site_route),
    ]
