"""The legacy REST history: `stat/event`, `stat/ips/event`, `list/alarm` and `stat/alarm`, each
as the emulated Network version serves it (`versions.NetworkFeatures`).

- `stat/event` (POST `{"_sort":"-time","within":h,"_start":n,"_limit":n}` or GET): newest first,
  at most 3000 per page, `meta.count` when the page is not everything; `rc: ok` without data
  on 10.0.162 – 10.2.104; 404 from 10.2.105.
- `stat/ips/event` (POST `{"start":ms,"end":ms,"_limit":n,"_sort":"-time"}`): the IDS/IPS
  alerts before 9.3.45; `rc: ok` with no data from 9.3.45; 404 from 10.2.105.
- `list/alarm` (GET, `?archived=false`) and `stat/alarm` (GET, or POST with a filter): the
  alarm-worthy events, each as an alarm with its own `_id` and `archived: false`, on 9.x;
  on 10.x 404 `api.err.NotFound` or 400 `api.err.InvalidObject` (`alarms_gone_status`).

Only events that have fallen due are history; events of other sites never show.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from unifi_scanner.emulator.context import ServerContext
from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.responses import legacy_error, legacy_ok, not_found
from unifi_scanner.emulator.versions import EventLog, IpsLog

EVENT_LOG_DEFAULT_HOURS = 720
EVENT_LOG_MAX_LIMIT = 3000
IPS_LOG_MAX_LIMIT = 10_000
IPS_KEY = "EVT_IPS_IpsAlert"
ALARM_KEYS = frozenset(
    {
        "EVT_AP_Lost_Contact",
        "EVT_SW_Lost_Contact",
        "EVT_GW_Lost_Contact",
        "EVT_DM_Lost_Contact",
        "EVT_XG_Lost_Contact",
        "EVT_AP_RadarDetected",
        "EVT_AP_UpgradeFailed",
        "EVT_SW_UpgradeFailed",
        "EVT_SW_PoeOverload",
        "EVT_SW_PoeDisconnect",
        "EVT_SW_Overheat",
        "EVT_GW_WANTransition",
        "EVT_IPS_IpsAlert",
        "EVT_AP_DetectRogueAP",
        "EVT_SW_DetectRogueDHCP",
    }
)
"""Events the controller also raises as alarms."""


def due_documents(
    ctx: ServerContext, site: str, since_ms: int | None = None, until_ms: int | None = None
) -> list[dict[str, Any]]:
    """The documents of `site` that have fallen due (within a time window), oldest first."""
    playback = ctx.playback
    if not playback.clock.started:
        return []
    indices = (
        range(playback.due())
        if since_ms is None or until_ms is None
        else playback.due_between(since_ms, until_ms)
    )
    return documents_of(ctx, site, indices)


def documents_of(ctx: ServerContext, site: str, indices: range) -> list[dict[str, Any]]:
    """The documents of `site` among the timeline's events `indices`."""
    playback = ctx.playback
    events = playback.timeline.events
    return [playback.document(i) for i in indices if events[i].site == site]


def stat_event(ctx: ServerContext, site: str, body: Any) -> web.Response:
    """`stat/event`."""
    mode = ctx.features.event_log
    if mode is EventLog.GONE:
        return not_found()
    if mode is EventLog.FROZEN:
        return legacy_ok([])
    query = body if isinstance(body, dict) else {}
    try:
        within_h = float(query.get("within", EVENT_LOG_DEFAULT_HOURS))
        start = max(0, int(query.get("_start", 0)))
        limit = max(0, min(int(query.get("_limit", EVENT_LOG_MAX_LIMIT)), EVENT_LOG_MAX_LIMIT))
    except (TypeError, ValueError):
        return legacy_error("api.err.Invalid", 400)
    oldest_ms = ctx.playback.clock.now_ms() - int(within_h * 3_600_000)
    documents = [d for d in due_documents(ctx, site) if d["time"] >= oldest_ms]
    documents.reverse()  # `_sort: -time`, newest first
    page = documents[start : start + limit]
    for document in page:
        ctx.record_served("stat/event", document["_id"], document)
    extra = {"count": len(documents)} if len(page) < len(documents) else {}
    return legacy_ok(page, **extra)


def stat_ips_event(ctx: ServerContext, site: str, body: Any) -> web.Response:
    """`stat/ips/event`."""
    mode = ctx.features.ips_log
    if mode is IpsLog.GONE:
        return not_found()
    if mode is IpsLog.EMPTY:
        return legacy_ok([])
    query = body if isinstance(body, dict) else {}
    now_ms = ctx.playback.clock.now_ms()
    try:
        start = int(query.get("start", now_ms - 86_400_000))
        end = int(query.get("end", now_ms))
        limit = max(0, min(int(query.get("_limit", IPS_LOG_MAX_LIMIT)), IPS_LOG_MAX_LIMIT))
    except (TypeError, ValueError):
        return legacy_error("api.err.Invalid", 400)
    alerts = [
        d for d in due_documents(ctx, site) if d["key"] == IPS_KEY and start <= d["time"] <= end
    ]
    alerts.reverse()
    for alert in alerts[:limit]:
        ctx.record_served("stat/ips/event", alert["_id"], alert)
    return legacy_ok(alerts[:limit])


def _alarm(ctx: ServerContext, document: dict[str, Any]) -> dict[str, Any]:
    """An alarm raised by `document`: the same fields under the alarm's own `_id`."""
    alarm = dict(document)
    alarm["_id"] = object_id(document["time"] // 1000, ctx.console_id, "alarm", document["_id"])
    alarm["archived"] = False
    return alarm


def alarms(ctx: ServerContext, site: str, body: Any, query: dict[str, str]) -> web.Response:
    """`list/alarm` and `stat/alarm`."""
    if not ctx.features.alarms:
        if ctx.variants.alarms_gone_status == 400:
            return legacy_error("api.err.InvalidObject", 400)
        return not_found()
    filters = body if isinstance(body, dict) else {}
    archived = query.get("archived", str(filters.get("archived", "")).lower())
    if archived == "true":
        return legacy_ok([])  # nothing is ever archived here
    documents = [d for d in due_documents(ctx, site) if d["key"] in ALARM_KEYS]
    raised = [_alarm(ctx, d) for d in reversed(documents)]
    for document, alarm in zip(reversed(documents), raised, strict=True):
        ctx.record_served("alarm", alarm["_id"], document)
    return legacy_ok(raised)
