"""The report's charts and tables as ``report.json`` documents, from the tallies.

Each function turns one tally into the plain JSON the v1 contract documents (``charts``,
``wireless``, ``devices``, ``security``, ``connectivity``); names come from the analysis'
inventory, so a device is called the same here as in the findings. Lists are ordered for
reading (busiest, hottest, longest first) and complete: the renderers show the first few and
say "and N more". Only what the tallies themselves could not keep (their memory bounds) is
missing, and the ``unlisted`` map says how much; temperature trends, the bulkiest list, are
kept for the :data:`MAX_TRENDS` hottest devices.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceRow, DeviceTally
from unifi_scanner.report.intrusions import Hits
from unifi_scanner.report.outage_log import Span

#: A safety bound above every tally's own (they keep at most 20,000 of anything).
MAX_LISTED = 20_000
#: Devices with a temperature trend in ``charts.temperatures``.
MAX_TRENDS = 500
KIND_ORDER = {"gateway": 0, "switch": 1, "access point": 2, "building bridge": 3}

Iso = Callable[[int], str]
Unlisted = dict[str, int]


def _cut(
    items: list[dict[str, Any]], name: str, unlisted: Unlisted, limit: int = MAX_LISTED
) -> list[dict[str, Any]]:
    """The first ``limit`` items; how many more there were goes into ``unlisted[name]``."""
    if len(items) > limit:
        unlisted[name] = unlisted.get(name, 0) + len(items) - limit
        return items[:limit]
    return items


def events_by_time(tally: EventTally, iso: Iso) -> list[dict[str, Any]]:
    """Events per chart bin and severity, every bin of the period (empty ones too)."""
    return [
        {"start": iso(start), "severe": severe, "medium": medium, "low": low}
        for start, (severe, medium, low) in zip(tally.bins.starts(), tally.counts, strict=True)
    ]


def access_points(
    tally: EventTally | None,
    devices: DeviceTally | None,
    inventory: Inventory,
    unlisted: Unlisted,
) -> list[dict[str, Any]]:
    """Per access point: distinct clients, the most at once, connects and roams."""
    rows: dict[str, dict[str, Any]] = {}

    def row(mac: str) -> dict[str, Any]:
        found = rows.get(mac)
        if found is None:
            found = rows[mac] = {
                "id": mac,
                "name": inventory.device_name(mac),
                "clients": 0,
                "clients_peak": None,
                "connects": 0,
                "roams_in": 0,
                "roams_out": 0,
            }
        return found

    if devices is not None:
        for mac, device in devices.devices.items():
            if device.kind == "access point":
                row(mac)["clients_peak"] = device.clients_max
    if tally is not None:
        for mac, load in tally.access_points.aps.items():
            if inventory.device_kind(mac, "access point") != "access point":
                continue  # a wired connect's switch is no access point
            entry = row(mac)
            entry.update(
                clients=len(load.clients),
                connects=load.connects,
                roams_in=load.roams_in,
                roams_out=load.roams_out,
            )
    ranked = sorted(
        rows.values(),
        key=lambda r: (
            -max(r["clients"], r["clients_peak"] or 0),
            -(r["roams_in"] + r["roams_out"]),
            r["name"],
            r["id"],
        ),
    )
    return _cut(ranked, "access_points", unlisted)


def device_rows(
    devices: DeviceTally, inventory: Inventory, iso: Iso, unlisted: Unlisted
) -> list[dict[str, Any]]:
    """The device health table: devices needing a look first, then gateways, switches, APs."""
    t = devices.thresholds

    def name(row: DeviceRow) -> str:
        if inventory.has_device(row.mac):
            return inventory.device_name(row.mac)
        if row.name and row.model:
            return f"{row.name} ({row.model})"
        return row.name or row.model or row.mac

    documents = []
    for row in devices.devices.values():
        concerns = row.concerns(t)
        urgent = [c for c in concerns if c != "firmware"]
        documents.append(
            (
                (not urgent, KIND_ORDER.get(row.kind, 9), name(row).lower(), row.mac),
                {
                    "id": row.mac,
                    "name": name(row),
                    "kind": row.kind,
                    "model": row.model,
                    "state": row.state,
                    "version": row.version,
                    "upgrade_to": row.upgrade_to,
                    "uptime_s": _round(row.uptime_s, 0),
                    "cpu_pct": _round(row.cpu_pct),
                    "memory_pct": _round(row.memory_pct),
                    "temperature_c": _round(row.temperature_c),
                    "temperature_max_c": _round(row.temperature_max_c),
                    "poe_w": _round(row.poe_w),
                    "poe_budget_w": _round(row.poe_budget_w),
                    "clients": row.clients,
                    "concerns": concerns,
                    "seen": iso(row.seen_ms),
                },
            )
        )
    documents.sort(key=lambda pair: pair[0])
    return _cut([doc for _, doc in documents], "devices", unlisted)


def temperatures(
    devices: DeviceTally, rows: list[dict[str, Any]], iso: Iso, unlisted: Unlisted
) -> list[dict[str, Any]]:
    """Hourly temperature of each device that reports one, hottest first."""
    names = {row["id"]: row["name"] for row in rows}
    starts = devices.bins.starts()
    trends = [
        {
            "id": mac,
            "name": names.get(mac, mac),
            "points": [
                {"start": iso(starts[i]), "celsius": round(device.temperatures[i], 1)}
                for i in sorted(device.temperatures)
            ],
        }
        for mac, device in devices.devices.items()
        if device.temperatures
    ]
    trends.sort(key=lambda t: (-max(p["celsius"] for p in t["points"]), t["name"], t["id"]))
    return _cut(trends, "temperatures", unlisted, MAX_TRENDS)


def security(tally: EventTally, inventory: Inventory, unlisted: Unlisted) -> dict[str, Any]:
    """Intrusion alerts by signature and by source address, most hits first."""
    intrusions = tally.intrusions

    def ranked(table: dict[str, Hits]) -> list[tuple[str, Hits]]:
        return sorted(table.items(), key=lambda item: (-item[1].hits, item[0]))

    signatures = [
        {
            "id": sid,
            "name": hits.label,
            "hits": hits.hits,
            "blocked": hits.blocked,
            "sources": len(hits.others),
        }
        for sid, hits in ranked(intrusions.signatures)
    ]
    sources = []
    for ip, hits in ranked(intrusions.sources):
        client = inventory.client_for_ip(ip)
        sources.append(
            {
                "ip": ip,
                "name": inventory.client_name(client) if client else "",
                "internal": client is not None,
                "hits": hits.hits,
                "blocked": hits.blocked,
                "signatures": len(hits.others),
            }
        )
    return {
        "signatures": _cut(signatures, "signatures", unlisted),
        "sources": _cut(sources, "sources", unlisted),
    }


def connectivity(
    tally: EventTally, inventory: Inventory, iso: Iso, unlisted: Unlisted
) -> dict[str, Any]:
    """Device outages and WAN link outages with their lengths, in the order they began."""
    log, end = tally.outages, tally.period_end_ms

    def span(item: Span) -> dict[str, Any]:
        stop = item.end_ms if item.end_ms is not None else max(end, item.start_ms)
        return {
            "id": item.subject,
            "name": inventory.device_name(item.subject) if item.subject else "gateway",
            "start": iso(item.start_ms),
            "end": iso(stop),
            "seconds": (stop - item.start_ms) // 1000,
            "ongoing": item.end_ms is None,
        }

    outages = [
        span(item) | {"upgrade": log.during_upgrade(item, end)}
        for item in sorted(log.outages, key=lambda s: (s.start_ms, s.subject))
    ]
    links = [
        span(item) | {"interface": item.interface}
        for item in sorted(log.links, key=lambda s: (s.start_ms, s.subject, s.interface))
    ]
    for name, count in (("outages", log.unlisted_outages), ("wan", log.unlisted_links)):
        if count:
            unlisted[name] = count
    return {
        "outages": _cut(outages, "outages", unlisted),
        "wan": _cut(links, "wan", unlisted),
    }


def _round(value: float | None, digits: int = 1) -> float | None:
    if value is None:
        return None
    rounded = round(value, digits)
    return int(rounded) if digits == 0 else rounded


def document(
    activity: EventTally | None, fleet: DeviceTally | None, inventory: Inventory, iso: Iso
) -> dict[str, Any]:
    """The report's ``charts``, ``wireless``, ``devices``, ``security``, ``connectivity`` and
    ``unlisted`` fields, from whichever tallies watched the period."""
    unlisted: Unlisted = {}
    charts: dict[str, Any] = {}
    out: dict[str, Any] = {"charts": charts}
    if activity is not None:
        charts["bin_minutes"] = activity.bins.minutes
        charts["events"] = events_by_time(activity, iso)
    rows: list[dict[str, Any]] = []
    if fleet is not None:
        rows = device_rows(fleet, inventory, iso, unlisted)
        charts.setdefault("bin_minutes", fleet.bins.minutes)
        charts["temperatures"] = temperatures(fleet, rows, iso, unlisted)
        if fleet.untracked:
            unlisted["device_snapshots"] = fleet.untracked
    out["wireless"] = {"access_points": access_points(activity, fleet, inventory, unlisted)}
    out["devices"] = rows
    if activity is not None:
        out["security"] = security(activity, inventory, unlisted)
        out["connectivity"] = connectivity(activity, inventory, iso, unlisted)
        overflow = {
            "access_point_events": activity.access_points.untracked,
            "signature_hits": activity.intrusions.unlisted_signature_hits,
            "source_hits": activity.intrusions.unlisted_source_hits,
        }
        unlisted.update({name: count for name, count in overflow.items() if count})
    out["unlisted"] = unlisted
    return out
