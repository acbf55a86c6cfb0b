"""The device health table and temperature trends, from ``stat/device`` snapshots.

:class:`DeviceTally` keeps, per device, its latest readings (state, temperature, CPU, memory,
PoE draw and budget, uptime, firmware, clients), a few peaks, and one temperature per chart bin
(the hottest reading in it) — never the snapshots themselves. It is fed by wrapping the
snapshot stream on its way to the analysis::

    devices = DeviceTally(since_ms, until_ms, timezone="Europe/Berlin")
    analysis = analyze(..., device_snapshots=devices.watch(snapshots("devices")))
    report = build_report(analysis, ..., devices=devices)

Fields are read the way controllers send them (:func:`unifi_scanner.analyze.health.number`
takes ``"27.4"`` strings); a reading that is missing or not a number stays unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.health import PROBLEM_STATES, number
from unifi_scanner.analyze.inventory import PRODUCT_NAMES, TYPE_KINDS
from unifi_scanner.analyze.thresholds import HealthThresholds
from unifi_scanner.report.fmt import zone
from unifi_scanner.report.timebins import Bins

#: Devices tracked one by one; a larger fleet's rest is counted only.
MAX_DEVICES = 5_000
STATES = {0: "offline", 1: "online", 4: "upgrading", 5: "provisioning", 7: "adopting"}


@dataclass(slots=True)
class DeviceRow:
    """What the table says about one device (latest values, peaks, hourly temperatures)."""

    mac: str
    name: str = ""
    model: str = ""
    kind: str = "device"
    state: str = "unknown"
    version: str = ""
    upgrade_to: str | None = None
    uptime_s: float | None = None
    cpu_pct: float | None = None
    cpu_max_pct: float | None = None
    memory_pct: float | None = None
    temperature_c: float | None = None
    temperature_max_c: float | None = None
    poe_w: float | None = None
    poe_budget_w: float | None = None
    clients: int | None = None
    clients_max: int | None = None
    seen_ms: int = 0
    temperatures: dict[int, float] = field(default_factory=dict)
    """Chart bin → hottest reading in it."""

    def concerns(self, t: HealthThresholds) -> list[str]:
        """What about this device deserves a look, most pressing first."""
        found = []
        if self.state not in ("online", "unknown", "upgrading", "provisioning"):
            found.append("offline" if self.state == "offline" else "state")
        if self.temperature_max_c is not None and self.temperature_max_c >= (
            t.temperature_warning_c
        ):
            found.append("temperature")
        if self.cpu_max_pct is not None and self.cpu_max_pct >= t.cpu_warning_pct:
            found.append("cpu")
        if self.memory_pct is not None and self.memory_pct >= t.memory_warning_pct:
            found.append("memory")
        poe = self.poe_w is not None and bool(self.poe_budget_w)
        if poe and 100 * (self.poe_w or 0) / (self.poe_budget_w or 1) >= t.poe_warning_pct:
            found.append("poe")
        if self.upgrade_to is not None:
            found.append("firmware")
        return found


class DeviceTally:
    """Device rows from snapshots in time order, over ``[period_start_ms, period_end_ms)``."""

    def __init__(
        self,
        period_start_ms: int,
        period_end_ms: int,
        *,
        timezone: str = "UTC",
        thresholds: HealthThresholds | None = None,
    ) -> None:
        self.timezone = timezone
        self.thresholds = thresholds or HealthThresholds()
        self.bins = Bins.over(period_start_ms, period_end_ms, zone(timezone))
        self.devices: dict[str, DeviceRow] = {}
        self.snapshots = 0
        self.untracked = 0

    def watch(
        self, snapshots: Iterable[tuple[int, Mapping[str, Any]]]
    ) -> Iterator[tuple[int, Mapping[str, Any]]]:
        """``snapshots`` unchanged, each taken into the table on its way through."""
        for time_ms, record in snapshots:
            self.feed(time_ms, record)
            yield time_ms, record

    def feed(self, time_ms: int, record: Mapping[str, Any]) -> None:
        """Take one ``stat/device`` record as it was at ``time_ms``."""
        mac = record.get("mac")
        if not isinstance(mac, str) or not mac:
            return
        mac = mac.lower()
        row = self.devices.get(mac)
        if row is None:
            if len(self.devices) >= MAX_DEVICES:
                self.untracked += 1
                return
            row = self.devices[mac] = DeviceRow(mac)
        self.snapshots += 1
        if time_ms < row.seen_ms:
            return  # an older record than one already read: the table shows the latest
        row.seen_ms = time_ms
        name, model, kind = record.get("name"), record.get("model"), record.get("type")
        row.name = name.strip() if isinstance(name, str) and name.strip() else row.name
        if isinstance(model, str) and model:
            row.model = PRODUCT_NAMES.get(model, model)
        row.kind = TYPE_KINDS.get(kind, row.kind) if isinstance(kind, str) else row.kind
        state = record.get("state")
        if isinstance(state, int) and not isinstance(state, bool):
            row.state = STATES.get(state) or PROBLEM_STATES.get(state, f"state {state}")
        version = record.get("version")
        row.version = version if isinstance(version, str) else row.version
        target = record.get("upgrade_to_firmware")
        upgradable = record.get("upgradable") is True
        row.upgrade_to = (target if isinstance(target, str) else "") if upgradable else None
        if row.state == "offline":
            return  # an offline device reports zeros, not measurements
        row.uptime_s = number(record.get("uptime"))
        stats = record.get("system-stats")
        if isinstance(stats, Mapping):
            row.cpu_pct = number(stats.get("cpu"))
            row.memory_pct = number(stats.get("mem"))
            row.cpu_max_pct = _peak(row.cpu_max_pct, row.cpu_pct)
        self._temperature(row, time_ms, record)
        self._poe(row, record)
        clients = number(record.get("num_sta"))
        row.clients = None if clients is None else int(clients)
        row.clients_max = None if clients is None else int(_peak(row.clients_max, clients) or 0)

    def _temperature(self, row: DeviceRow, time_ms: int, record: Mapping[str, Any]) -> None:
        readings = [number(record.get("general_temperature"))]
        sensors = record.get("temperatures")
        if isinstance(sensors, list):
            readings += [number(s.get("value")) for s in sensors if isinstance(s, Mapping)]
        known = [value for value in readings if value is not None]
        row.temperature_c = max(known) if known else None
        if row.temperature_c is None:
            return
        row.temperature_max_c = _peak(row.temperature_max_c, row.temperature_c)
        position = self.bins.index(time_ms)
        if position is not None:
            row.temperatures[position] = max(
                row.temperatures.get(position, row.temperature_c), row.temperature_c
            )

    @staticmethod
    def _poe(row: DeviceRow, record: Mapping[str, Any]) -> None:
        budget = number(record.get("total_max_power"))
        ports = record.get("port_table")
        if not budget or budget <= 0 or not isinstance(ports, list):
            row.poe_w = row.poe_budget_w = None
            return
        draws = (number(p.get("poe_power")) for p in ports if isinstance(p, Mapping))
        row.poe_w = sum(watts for watts in draws if watts and watts > 0)
        row.poe_budget_w = budget


def _peak(current: float | None, value: float | None) -> float | None:
    if value is None:
        return current
    return value if current is None else max(current, value)
