"""The v2 Network API (`{prefix}/v2/api/site/{site}/…`): bare JSON, `{"errorCode","message"}`
errors.

- `POST system-log/{class}`: the system log (`system_log.py`), paged.
- `GET clients/active`: connected clients as v2 records (the same as `client:sync`).
- `GET trafficrules`, `GET trafficroutes`: the site's (empty) rule lists.

An unknown site answers 401 `api.err.NoSiteContext` as on the legacy API; unknown v2 paths 404.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from unifi_scanner.emulator import system_log
from unifi_scanner.emulator.client_records import client_v2_records
from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.event_log import due_documents
from unifi_scanner.emulator.responses import json_response, legacy_error, read_json, v2_error


def v2_routes(ctx: ServerContext) -> list[web.RouteDef]:
    """The v2 routes under the Network prefix."""
    base = f"{ctx.prefix}/v2/api/site/{{site}}"
    directory = system_log.Directory(ctx.inventory)

    def entries(
        site: str, since_ms: int, until_ms: int
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(entry, the event document it mirrors) for the due events of `site` in a window."""
        own = not ctx.variants.system_log_event_ids
        documents = due_documents(ctx, site, since_ms, until_ms) + ctx.admin_events
        if not ctx.features.threats_in_system_log:
            documents = [d for d in documents if d["key"] != "EVT_IPS_IpsAlert"]
        made = ((system_log.entry(d, directory, own_id=own), d) for d in documents)
        return [(item, document) for item, document in made if item is not None]

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
        window = entries(site, query["timestampFrom"], query["timestampTo"])
        kept = [pair for pair in window if system_log.matches(pair[0], log_class, query)]
        answer = system_log.page([item for item, _ in kept], query)
        mirrored = {item["id"]: document for item, document in kept}
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
