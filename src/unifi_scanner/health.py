"""``/healthz`` and ``/metrics`` of ``unifi-scanner serve``, on a loopback port by default.

``/healthz`` answers 200 ``{"status": "ok"}`` or 503 ``{"status": "degraded", "reasons":
[…]}`` — a WebSocket down longer than ``degraded_after_minutes``, a controller that cannot be
reached or was given up on, a store that cannot be written, a delivery that failed. The
reasons are plain sentences meant for whoever looks (and for container health checks).

``/metrics`` is the Prometheus text format, written by hand: a dozen families do not justify
a client library, and label values are escaped as the format requires.
"""

from __future__ import annotations

import contextlib
import time
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import orjson
from aiohttp import web

from unifi_scanner.collect.status import ACTIVE
from unifi_scanner.log import get_logger

if TYPE_CHECKING:
    from unifi_scanner.runtime import ServiceRuntime

log = get_logger(__name__)


class EventCounter:
    """A writer tap: events handed to the store, by (controller, site, source)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str, str]] = Counter()

    def __call__(self, controller: str, events: Iterable[Any]) -> None:
        counts = self.counts
        for event in events:
            counts[(controller, event.site, event.source)] += 1


def health_document(runtime: ServiceRuntime) -> tuple[bool, dict[str, Any]]:
    """``(healthy, body)`` of ``/healthz``."""
    now_ms = time.time_ns() // 1_000_000
    limit_ms = int(runtime.settings.degraded_after_minutes * 60_000)
    reasons: list[str] = []
    sites: list[dict[str, Any]] = []
    for controller in runtime.scanner.controllers:
        label = controller.config.label
        if controller.state in ("failed", "unreachable"):
            reasons.append(f"controller {label} is {controller.state}: {controller.error}")
        for name, follower in controller.sites.items():
            collector = follower.collector
            if collector is None:
                continue
            status = collector.status
            state = status.state("websocket") or "starting"
            since = status.changed_ms.get("websocket", runtime.started_ms)
            if state != ACTIVE and now_ms - since > limit_ms:
                minutes = (now_ms - since) // 60_000
                feeding = ", ".join(status.feeding()) or "nothing"
                reasons.append(
                    f"WebSocket of {label}/{name} down for {minutes} min (fed by {feeding})"
                )
            sites.append(
                {
                    "controller": label,
                    "site": name,
                    "websocket": state,
                    "sources": status.feeding(),
                    "events": collector.stats.events,
                }
            )
    writer = runtime.writer
    if writer.last_error is not None:
        reasons.append(f"event store {runtime.store.path} cannot be written: {writer.last_error}")
    delivery = runtime.deliverer.health()
    reasons.extend(delivery.problems)
    last = runtime.round.last
    body: dict[str, Any] = {
        "status": "degraded" if reasons else "ok",
        "reasons": reasons,
        "uptime_seconds": round((now_ms - runtime.started_ms) / 1000),
        "sites": sites,
        "schedule": runtime.schedule.describe(),
        "next_report": runtime.next_report.isoformat() if runtime.next_report else None,
        "last_report": None
        if last is None
        else {
            "at_ms": last.started_ms,
            "ok": last.ok,
            "sites": [
                {"site": s.site, "delivered": s.delivered, "detail": s.detail} for s in last.sites
            ],
        },
        "pending_deliveries": delivery.pending,
    }
    return not reasons, body


def metrics_text(runtime: ServiceRuntime) -> str:
    """The ``/metrics`` page."""
    out = _Metrics()
    out.family("unifi_scanner_up", "gauge", "1 while the service runs.")
    out.sample("unifi_scanner_up", {}, 1)
    out.family(
        "unifi_scanner_events_received_total", "counter", "Events handed to the store, by source."
    )
    for (url, site, source), count in sorted(runtime.events.counts.items()):
        labels = {"controller": url, "site": site, "source": source}
        out.sample("unifi_scanner_events_received_total", labels, count)
    families = {
        "unifi_scanner_frames_total": ("counter", "WebSocket frames read."),
        "unifi_scanner_frames_rejected_total": ("counter", "Frames that could not be parsed."),
        "unifi_scanner_events_rejected_total": ("counter", "Event documents without key/time."),
        "unifi_scanner_websocket_connected": ("gauge", "1 while the event socket is open."),
        "unifi_scanner_websocket_reconnects_total": ("counter", "Socket reconnections."),
    }
    rows: dict[str, list[tuple[dict[str, str], float]]] = {name: [] for name in families}
    for controller in runtime.scanner.controllers:
        for name, follower in controller.sites.items():
            collector = follower.collector
            if collector is None:
                continue
            labels = {"controller": controller.config.label, "site": name}
            stats, stream = collector.stats, collector.stream
            rows["unifi_scanner_frames_total"].append((labels, stats.frames))
            rows["unifi_scanner_frames_rejected_total"].append((labels, stats.rejected_frames))
            rows["unifi_scanner_events_rejected_total"].append((labels, stats.rejected_events))
            connected = 1 if stream.connected.is_set() else 0
            rows["unifi_scanner_websocket_connected"].append((labels, connected))
            reconnects = max(stream.connections - 1, 0)
            rows["unifi_scanner_websocket_reconnects_total"].append((labels, reconnects))
    for name, (kind, text) in families.items():
        out.family(name, kind, text)
        for labels, value in rows[name]:
            out.sample(name, labels, value)
    gaps = runtime.store.gap_totals()
    out.family("unifi_scanner_gaps", "gauge", "Recorded stream gaps by back-fill state.")
    for state, (count, _recovered) in sorted(gaps.items()):
        out.sample("unifi_scanner_gaps", {"backfill": state}, count)
    out.family("unifi_scanner_backfilled_events", "gauge", "Events recovered into gaps.")
    out.sample("unifi_scanner_backfilled_events", {}, sum(r for _c, r in gaps.values()))
    writer = runtime.writer
    store_rows: list[tuple[str, str, str, float]] = [
        ("store_bytes", "gauge", "Store size on disk (with WAL).", _store_bytes(runtime)),
        ("store_inserted_total", "counter", "Events stored.", writer.inserted),
        ("store_duplicates_total", "counter", "Events seen again.", writer.duplicates),
        ("store_failures_total", "counter", "Failed commits.", writer.failures),
        ("store_dropped_total", "counter", "Backlog overflow drops.", writer.dropped),
    ]
    for name, kind, text, value in store_rows:
        out.family(f"unifi_scanner_{name}", kind, text)
        out.sample(f"unifi_scanner_{name}", {}, value)
    out.family("unifi_scanner_findings", "gauge", "Findings in the latest reports, by severity.")
    for severity, count in sorted(runtime.round.findings.items()):
        out.sample("unifi_scanner_findings", {"severity": severity}, count)
    out.family("unifi_scanner_deliveries_total", "counter", "Delivery attempts by result.")
    for (channel, result), count in sorted(runtime.deliverer.counts.items()):
        out.sample("unifi_scanner_deliveries_total", {"channel": channel, "result": result}, count)
    out.family("unifi_scanner_deliveries_pending", "gauge", "Deliveries waiting for a retry.")
    out.sample("unifi_scanner_deliveries_pending", {}, runtime.deliverer.health().pending)
    last = runtime.round.last
    out.family("unifi_scanner_last_report_timestamp_seconds", "gauge", "Last report round.")
    out.sample(
        "unifi_scanner_last_report_timestamp_seconds",
        {},
        0 if last is None else last.started_ms / 1000,
    )
    return out.text()


def _store_bytes(runtime: ServiceRuntime) -> int:
    total = 0
    for suffix in ("", "-wal"):
        with contextlib.suppress(OSError):
            total += runtime.store.path.with_name(runtime.store.path.name + suffix).stat().st_size
    return total


class _Metrics:
    def __init__(self) -> None:
        self._lines: list[str] = []

    def family(self, name: str, kind: str, text: str) -> None:
        self._lines += [f"# HELP {name} {text}", f"# TYPE {name} {kind}"]

    def sample(self, name: str, labels: dict[str, str], value: float) -> None:
        if labels:
            body = ",".join(f'{key}="{_escape(val)}"' for key, val in labels.items())
            self._lines.append(f"{name}{{{body}}} {_number(value)}")
        else:
            self._lines.append(f"{name} {_number(value)}")

    def text(self) -> str:
        return "\n".join(self._lines) + "\n"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(float(value))


class HealthServer:
    """The two endpoints on ``host:port``; ``port`` 0 in tests picks a free one."""

    def __init__(self, runtime: ServiceRuntime, host: str, port: int) -> None:
        self.runtime = runtime
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/metrics", self._metrics)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        if self.port == 0 and self._runner.addresses:
            self.port = int(self._runner.addresses[0][1])
        log.info("health endpoint listening", url=f"http://{self.host}:{self.port}/healthz")

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _healthz(self, _request: web.Request) -> web.Response:
        healthy, body = health_document(self.runtime)
        return web.Response(
            body=orjson.dumps(body, option=orjson.OPT_INDENT_2),
            status=200 if healthy else 503,
            content_type="application/json",
        )

    async def _metrics(self, _request: web.Request) -> web.Response:
        return web.Response(
            text=metrics_text(self.runtime), content_type="text/plain", charset="utf-8"
        )
