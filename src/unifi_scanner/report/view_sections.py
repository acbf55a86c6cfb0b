"""The report's sections and charts as renderers show them: rows of words, bars of numbers.

Built from ``report.json`` (``charts``, ``wireless``, ``devices``, ``security``,
``connectivity``) and from the findings of each category, so a section points at the
findings that explain it. Tables show their first rows and count the rest (``more``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import tzinfo
from typing import Any

from unifi_scanner.analyze.text import duration
from unifi_scanner.report.fmt import celsius, local_time, moment, percent, tame, uptime

DEVICES_SHOWN = 25
ACCESS_POINTS_SHOWN = 12
TRENDS_SHOWN = 6
SIGNATURES_SHOWN = 10
SOURCES_SHOWN = 10
OUTAGES_SHOWN = 15
WAN_SHOWN = 10
#: A finding's title as a pointer in its section.
LINK_LIMIT = 160

Namer = Callable[[object], str]


@dataclass(frozen=True, slots=True)
class Cell:
    text: str
    hot: bool = False
    """Worth a look (a concern of the device, an outage still going on)."""


@dataclass(frozen=True, slots=True)
class Table:
    id: str
    columns: list[str]
    rows: list[list[Cell]]
    more: int
    noun: str
    numeric: frozenset[int] = frozenset()
    """Columns of numbers (right-aligned)."""
    lead: int = 0
    """Leading cells the HTML shows in a row of their own above the others (a device's name
    and state above its figures), so the figures fit a phone's width."""


@dataclass(frozen=True, slots=True)
class Bin:
    label: str
    severe: int
    medium: int
    low: int

    @property
    def total(self) -> int:
        return self.severe + self.medium + self.low


@dataclass(frozen=True, slots=True)
class ApBar:
    name: str
    clients: int
    roams: int
    connects: int


@dataclass(frozen=True, slots=True)
class Trend:
    name: str
    values: list[float | None]
    peak: float
    latest: float

    @property
    def points(self) -> int:
        """Readings on the chart (a line needs two)."""
        return sum(value is not None for value in self.values)


@dataclass(slots=True)
class Sections:
    bin_minutes: int = 60
    bins: list[Bin] = field(default_factory=list)
    aps: list[ApBar] = field(default_factory=list)
    aps_more: int = 0
    bin_labels: list[str] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    trends_more: int = 0
    links: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    """Category → (anchor, severity, title) of its findings, for the section's pointers."""
    devices: Table | None = None
    signatures: Table | None = None
    sources: Table | None = None
    outages: Table | None = None
    wan: Table | None = None

    @property
    def peak_bin(self) -> int:
        return max((b.total for b in self.bins), default=0)


def anchor(finding_id: object) -> str:
    """The page id of a finding's card (ids are hex; a hand-edited file must not break it)."""
    return "f-" + re.sub(r"[^0-9A-Za-z_-]", "", str(finding_id))[:32]


def sections(report: dict[str, Any], tz: tzinfo | None, name: Namer) -> Sections:
    """The sections of ``report`` with times in ``tz`` and names shortened by ``name``."""
    out = Sections()
    charts = report.get("charts") or {}
    out.bin_minutes = int(charts.get("bin_minutes") or 60)
    out.bins = [
        Bin(_bin_label(b["start"], tz, out.bin_minutes), b["severe"], b["medium"], b["low"])
        for b in charts.get("events") or []
    ]
    _temperatures(out, charts.get("temperatures") or [], tz, name)
    aps = (report.get("wireless") or {}).get("access_points") or []
    out.aps = [
        ApBar(
            name(ap["name"]),
            max(ap["clients"], ap.get("clients_peak") or 0),
            ap["roams_in"] + ap["roams_out"],
            ap["connects"],
        )
        for ap in aps[:ACCESS_POINTS_SHOWN]
    ]
    out.aps_more = max(0, len(aps) - ACCESS_POINTS_SHOWN)
    for finding in report["findings"]:
        out.links.setdefault(finding["category"], []).append(
            (anchor(finding["id"]), finding["severity"], tame(finding["title"], LINK_LIMIT))
        )
    devices = report.get("devices")
    if devices:
        out.devices = _devices(devices, name)
    security = report.get("security") or {}
    if security.get("signatures"):
        out.signatures = _signatures(security["signatures"], name)
    if security.get("sources"):
        out.sources = _sources(security["sources"], name)
    connectivity = report.get("connectivity") or {}
    if connectivity.get("outages"):
        out.outages = _outages(connectivity["outages"], tz, name)
    if connectivity.get("wan"):
        out.wan = _wan(connectivity["wan"], tz, name)
    return out


def _bin_label(start: str, tz: tzinfo | None, minutes: int) -> str:
    at = moment(start, tz)
    return at.strftime("%a %d" if minutes >= 24 * 60 else "%H:%M")


def _temperatures(
    out: Sections, trends: list[dict[str, Any]], tz: tzinfo | None, name: Namer
) -> None:
    if not trends:
        return
    # Every trend's points are on the chart's bins: collect the bins they use, in order.
    starts = sorted({p["start"] for t in trends for p in t["points"]})
    position = {start: i for i, start in enumerate(starts)}
    out.bin_labels = [_bin_label(start, tz, out.bin_minutes) for start in starts]
    for trend in trends[:TRENDS_SHOWN]:
        values: list[float | None] = [None] * len(starts)
        for point in trend["points"]:
            values[position[point["start"]]] = point["celsius"]
        known = [v for v in values if v is not None]
        out.trends.append(Trend(name(trend["name"]), values, max(known), known[-1]))
    out.trends_more = max(0, len(trends) - TRENDS_SHOWN)


def _devices(devices: list[dict[str, Any]], name: Namer) -> Table:
    rows = []
    for device in devices[:DEVICES_SHOWN]:
        concerns = set(device.get("concerns") or [])
        peak = device.get("temperature_max_c")
        temperature = celsius(device.get("temperature_c"))
        current = device.get("temperature_c")
        if peak is not None and current is not None and peak - current >= 1:
            temperature += f" (max {celsius(peak)})"
        poe = "–"
        if device.get("poe_budget_w"):
            poe = f"{round(device.get('poe_w') or 0)} / {round(device['poe_budget_w'])} W"
        firmware = name(device.get("version") or "–")
        if device.get("upgrade_to") is not None:
            firmware += f" → {name(device['upgrade_to'])}" if device["upgrade_to"] else " (update)"
        rows.append(
            [
                Cell(name(device["name"])),
                Cell(name(device["state"]), bool(concerns & {"offline", "state"})),
                Cell(temperature, "temperature" in concerns),
                Cell(percent(device.get("cpu_pct")), "cpu" in concerns),
                Cell(percent(device.get("memory_pct")), "memory" in concerns),
                Cell(poe, "poe" in concerns),
                Cell(uptime(device.get("uptime_s"))),
                # An available update is news, not a problem: not highlighted.
                Cell(firmware),
            ]
        )
    return Table(
        "devices",
        ["Device", "State", "Temp.", "CPU", "Memory", "PoE", "Uptime", "Firmware"],
        rows,
        max(0, len(devices) - DEVICES_SHOWN),
        "devices",
        frozenset({2, 3, 4, 5, 6}),
        lead=2,
    )


def _signatures(signatures: list[dict[str, Any]], name: Namer) -> Table:
    rows = [
        [
            Cell(name(s["name"])),
            Cell(f"{s['hits']:,}"),
            Cell(f"{s['blocked']:,}", s["blocked"] < s["hits"]),
            Cell(f"{s['sources']:,}"),
        ]
        for s in signatures[:SIGNATURES_SHOWN]
    ]
    return Table(
        "signatures",
        ["Signature", "Hits", "Blocked", "Sources"],
        rows,
        max(0, len(signatures) - SIGNATURES_SHOWN),
        "signatures",
        frozenset({1, 2, 3}),
    )


def _sources(sources: list[dict[str, Any]], name: Namer) -> Table:
    rows = []
    for s in sources[:SOURCES_SHOWN]:
        label = name(s["ip"])
        if s.get("name"):
            label += f" ({name(s['name'])})"
        elif s.get("internal"):
            label += " (your network)"
        rows.append(
            [
                Cell(label, bool(s.get("internal"))),
                Cell(f"{s['hits']:,}"),
                Cell(f"{s['blocked']:,}", s["blocked"] < s["hits"]),
                Cell(f"{s['signatures']:,}"),
            ]
        )
    return Table(
        "sources",
        ["Source", "Hits", "Blocked", "Signatures"],
        rows,
        max(0, len(sources) - SOURCES_SHOWN),
        "sources",
        frozenset({1, 2, 3}),
    )


def _note(item: dict[str, Any]) -> Cell:
    if item.get("ongoing"):
        return Cell("still down", True)
    if item.get("upgrade"):
        return Cell("firmware upgrade")
    return Cell("")


def _outages(outages: list[dict[str, Any]], tz: tzinfo | None, name: Namer) -> Table:
    # The longest outages matter most; the JSON keeps them in the order they began.
    ranked = sorted(outages, key=lambda o: (not o.get("ongoing"), -o["seconds"], o["start"]))
    rows = [
        [
            Cell(name(o["name"])),
            Cell(local_time(o["start"], tz)),
            Cell(duration(o["seconds"]), bool(o.get("ongoing"))),
            _note(o),
        ]
        for o in ranked[:OUTAGES_SHOWN]
    ]
    return Table(
        "outages",
        ["Device", "Down at", "For", ""],
        rows,
        max(0, len(outages) - OUTAGES_SHOWN),
        "outages",
        frozenset({2}),
    )


def _wan(links: list[dict[str, Any]], tz: tzinfo | None, name: Namer) -> Table:
    rows = [
        [
            Cell(f"{name(w['interface'])} on {name(w['name'])}"),
            Cell(local_time(w["start"], tz)),
            Cell(duration(w["seconds"]), bool(w.get("ongoing"))),
            _note(w),
        ]
        for w in links[:WAN_SHOWN]
    ]
    return Table(
        "wan",
        ["WAN link", "Down at", "For", ""],
        rows,
        max(0, len(links) - WAN_SHOWN),
        "WAN outages",
        frozenset({2}),
    )
