"""One site's report from the store: what it held for a period, analysed and rendered.

:func:`report_site` reads the period's events (and the controller's admin logins, which
concern every site), device and client snapshots, the week before for temperature trends,
and the site's gaps, in one pass through the analysis; the previous report, when it is of
the same site, marks findings new, ongoing or resolved.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import tzinfo
from pathlib import Path
from typing import Any

import orjson

from unifi_scanner.analyze import Inventory, analyze
from unifi_scanner.analyze.health import (
    TREND_HISTORY_MS,
    TREND_SAMPLES,
    temperature,
    trend_temperature,
)
from unifi_scanner.analyze.security import ADMIN_LOGIN
from unifi_scanner.analyze.thresholds import Thresholds
from unifi_scanner.collect.admin import SUPER_SITE
from unifi_scanner.controller import Event
from unifi_scanner.deliver import write_reports
from unifi_scanner.report import (
    SCHEMA,
    ControllerInfo,
    GapInfo,
    build_report,
    render_html,
    render_json,
    render_markdown,
    render_text,
)
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceTally
from unifi_scanner.service import wall_ms
from unifi_scanner.store import StoreReads


def report_site(
    store: StoreReads,
    controller: ControllerInfo,
    *,
    since_ms: int,
    until_ms: int,
    generated_at_ms: int | None = None,
    thresholds: Thresholds | None = None,
    previous: dict[str, Any] | None = None,
    timezone: str = "UTC",
) -> dict[str, Any]:
    """Analyse what the store holds for one site in ``[since_ms, until_ms)`` into a report.

    ``previous`` is the site's previous report document, if any: findings are then marked new
    or ongoing, and those that went away are listed as resolved. ``timezone`` (IANA name,
    ``Settings.timezone``) is where the report's hours start and what its renderings show.
    """
    # The charts and tables count on the way through the analysis: one pass over the store.
    activity = EventTally(since_ms, until_ms, timezone=timezone)
    fleet = DeviceTally(
        since_ms,
        until_ms,
        timezone=timezone,
        thresholds=thresholds.health if thresholds is not None else None,
    )
    url, site = controller.url, controller.site
    devices = store.devices(site=site, controller=url)
    inventory = Inventory(devices, store.clients(site=site, controller=url))

    def snapshots(kind: str) -> Iterator[tuple[int, dict[str, Any]]]:
        for snapshot in store.iter_snapshots(
            kind, site=site, controller=url, since_ms=since_ms, until_ms=until_ms
        ):
            yield snapshot.time_ms, snapshot.record

    def history() -> Iterator[tuple[int, dict[str, Any]]]:
        # The temperature trend's baseline: each device's earliest readings of the week before
        # the period, not the week itself. Reading stops once every device whose latest record
        # has a temperature sensor has its baseline (usually within the first minutes).
        waiting = {str(d.get("mac")).lower() for d in devices if temperature(d) is not None}
        kept: dict[str, int] = {}
        if not waiting:
            return
        # Returning early drops the store's generator, which closes its reader.
        for snapshot in store.iter_snapshots(
            "devices",
            site=site,
            controller=url,
            since_ms=since_ms - TREND_HISTORY_MS,
            until_ms=since_ms,
        ):
            mac, record = snapshot.mac, snapshot.record
            if kept.get(mac, 0) >= TREND_SAMPLES or trend_temperature(record) is None:
                continue
            kept[mac] = kept.get(mac, 0) + 1
            yield snapshot.time_ms, record
            if kept[mac] == TREND_SAMPLES:
                waiting.discard(mac)
                if not waiting:
                    return

    admin_sources = {
        str(event.payload["ip"])
        for event in store.iter_events(controller=url, key=ADMIN_LOGIN, until_ms=since_ms)
        if event.payload.get("ip")
    }
    events: Iterable[Event] = store.iter_events(
        site=site, controller=url, since_ms=since_ms, until_ms=until_ms
    )
    if site != SUPER_SITE:
        # Logins to the controller (its ``super`` site) concern every site on it. Only the
        # admin-login rule reads them, so they need not be interleaved by time: after the
        # site's own events is as good, and costs nothing per event.
        logins = store.iter_events(
            site=SUPER_SITE, controller=url, key=ADMIN_LOGIN, since_ms=since_ms, until_ms=until_ms
        )
        events = itertools.chain(events, logins)
    analysis = analyze(
        activity.watch(events),
        site=site,
        period_start_ms=since_ms,
        period_end_ms=until_ms,
        inventory=inventory,
        thresholds=thresholds,
        device_snapshots=fleet.watch(snapshots("devices")),
        client_snapshots=snapshots("clients"),
        device_history=history(),
        previous_findings=_previous_findings(previous, controller),
        known_admin_sources=admin_sources,
    )
    sources = store.count_by_source(site=site, controller=url, since_ms=since_ms, until_ms=until_ms)
    gaps = [
        GapInfo(gap.start_ms, gap.end_ms, gap.backfill, gap.recovered)
        for gap in store.gaps(site=site, controller=url, since_ms=since_ms, until_ms=until_ms)
    ]
    return build_report(
        analysis,
        controller,
        generated_at_ms=generated_at_ms or wall_ms(),
        sources=sources,
        gaps=gaps,
        timezone=timezone,
        activity=activity,
        fleet=fleet,
        inventory=inventory,
    )


def _previous_findings(
    previous: dict[str, Any] | None, controller: ControllerInfo
) -> list[dict[str, Any]] | None:
    """The previous report's findings when it is about the same site (else no comparison)."""
    if previous is None:
        return None
    about = previous.get("controller") if isinstance(previous, dict) else None
    if not isinstance(about, dict) or (about.get("url"), about.get("site")) != (
        controller.url,
        controller.site,
    ):
        return None
    findings = previous.get("findings")
    return [f for f in findings if isinstance(f, dict)] if isinstance(findings, list) else []


def read_previous_report(directory: Path, name: str = "report.json") -> dict[str, Any] | None:
    """``name`` in ``directory``, if it is a readable v1 report (the previous one, to compare)."""
    path = directory / name
    try:
        document = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(document, dict) or document.get("schema") != SCHEMA:
        return None
    return document


def write_report_files(
    report: dict[str, Any], directory: Path, tz: tzinfo | None = None
) -> list[Path]:
    """``report.json``, ``report.html``, ``report.txt`` and ``report.md`` in ``directory``.

    Times are shown in ``tz``; by default in the report's own ``timezone``.
    """
    return write_reports(
        directory,
        {
            "report.json": render_json(report),
            "report.html": render_html(report, tz),
            "report.txt": render_text(report, tz),
            "report.md": render_markdown(report, tz),
        },
    )
