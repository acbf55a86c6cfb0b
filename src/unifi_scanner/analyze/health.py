"""Device health from ``stat/device`` snapshots (``device:sync``), one device at a time.

Snapshots arrive as ``(time_ms, record)`` in time order. For each device a few numbers are
kept (levels reached, peaks, streaks, the first and last temperatures), never the snapshots
themselves, so memory grows with the number of devices only. Snapshots from before the period
(:meth:`DeviceHealth.remember`) only lend the temperature trend a baseline, so that a daily
report can tell an access point that heated up over the week. Values are parsed the way
controllers send them: ``system-stats`` CPU and memory and ``poe_power`` are strings,
temperatures come as ``general_temperature`` (switches) or a ``temperatures`` list (gateways).
The findings are written by :mod:`.health_findings`.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.devices import DeviceTimeline
from unifi_scanner.analyze.firmware import UPGRADE_REASONS
from unifi_scanner.analyze.inventory import TYPE_KINDS
from unifi_scanner.analyze.thresholds import HealthThresholds

#: How far back an uptime may go before it counts as a restart (clock jitter, rounding).
UPTIME_SLACK_S = 120
#: An upgrade of the device noted this close to a restart caused it. The restart falls between
#: two snapshots, but ``…_UpgradeScheduled`` comes minutes before the device goes down and
#: ``…_Upgraded`` (or ``…_UpgradeFailed``) only once it is back and talking to the controller,
#: possibly after the snapshot that already shows the new uptime.
UPGRADE_SLACK_MS = 15 * 60_000
#: ``state`` of ``stat/device`` while a device installs firmware (it then restarts).
UPGRADING = 4
#: Temperature samples averaged at each end of the period for the trend.
TREND_SAMPLES = 3
#: How far before the period the temperature trend looks back. A week, so that a daily (or
#: weekly) report compares the same time of day and a slow drift shows as one rise.
TREND_HISTORY_MS = 7 * 24 * 3_600_000
#: ``state`` codes of ``stat/device`` that mean trouble (0, disconnected, is an outage).
PROBLEM_STATES = {
    2: "waiting to be adopted",
    3: "running firmware the controller does not accept (firmware mismatch)",
    6: "missing its heartbeats to the controller",
    9: "unable to reach the controller's inform address",
    10: "failing to be adopted",
    11: "isolated from the rest of the network",
}


def number(value: Any) -> float | None:
    """A finite number from an int, float or numeric string (``"27.4"``); else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        result = float(value)
    elif isinstance(value, str):
        try:
            result = float(value.strip())
        except ValueError:
            return None
    else:
        return None
    return result if math.isfinite(result) else None


def temperature(record: Mapping[str, Any]) -> tuple[float, str] | None:
    """The hottest reading of a record and its sensor: ``general_temperature`` (switches,
    access points) is the ``board``; a ``temperatures`` list (gateways) names its sensors."""
    readings: list[tuple[float, str]] = []
    general = number(record.get("general_temperature"))
    if general is not None:
        readings.append((general, "board"))
    sensors = record.get("temperatures")
    if isinstance(sensors, list):
        for sensor in sensors:
            if isinstance(sensor, Mapping):
                value = number(sensor.get("value"))
                label = sensor.get("name") or sensor.get("type") or "sensor"
                if value is not None:
                    readings.append((value, str(label)))
    return max(readings) if readings else None


def trend_temperature(record: Mapping[str, Any]) -> float | None:
    """The temperature a record from before the period gives the trend; None from an offline
    device (it reports zeros, not measurements)."""
    reading = temperature(record)
    return reading[0] if reading is not None and record.get("state") != 0 else None


@dataclass(slots=True)
class Baseline:
    """A device's first :data:`TREND_SAMPLES` temperatures before the period, however much
    history is fed; :attr:`ready` with all of them (one reading could be a spike)."""

    first_ms: int
    temperatures: list[float] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return len(self.temperatures) >= TREND_SAMPLES

    @property
    def average(self) -> float:
        return sum(self.temperatures) / len(self.temperatures)


@dataclass(slots=True)
class Level:
    """A measurement against warning and critical thresholds, with the streak it needs."""

    warning: float
    critical: float
    sustain: int
    streak_warning: int = 0
    streak_critical: int = 0
    level: int = 0
    peak: float = -math.inf
    peak_ms: int = 0
    warning_ms: int | None = None
    critical_ms: int | None = None
    first_warning_value: float = 0.0
    first_critical_value: float = 0.0
    samples: int = 0
    above: int = 0
    """Samples at or above the warning level (what a finding counts)."""

    def add(self, value: float, time_ms: int) -> None:
        self.samples += 1
        self.above += value >= self.warning
        if value > self.peak:
            self.peak, self.peak_ms = value, time_ms
        self.streak_warning = self.streak_warning + 1 if value >= self.warning else 0
        self.streak_critical = self.streak_critical + 1 if value >= self.critical else 0
        if self.streak_warning >= self.sustain and self.warning_ms is None:
            self.warning_ms, self.first_warning_value = time_ms, value
            self.level = max(self.level, 1)
        if self.streak_critical >= self.sustain and self.critical_ms is None:
            self.critical_ms, self.first_critical_value = time_ms, value
            self.level = 2


@dataclass(slots=True)
class PoePeak:
    """The busiest PoE moment: total draw, budget and the ports drawing most."""

    draw_w: float = 0.0
    budget_w: float = 0.0
    ports: tuple[tuple[str, str, float], ...] = ()


@dataclass(slots=True)
class DeviceState:
    """What is remembered about one device across its snapshots."""

    kind: str
    first_ms: int
    last_ms: int = 0
    samples: int = 0
    temperature: Level | None = None
    sensor: str = ""
    first_temperatures: list[float] = field(default_factory=list)
    last_temperatures: deque[float] = field(default_factory=lambda: deque(maxlen=TREND_SAMPLES))
    baseline: float | None = None
    """Average of the first temperatures: where the device started."""
    risen_ms: int | None = None
    """When it first ran ``temperature_rise_c`` above its start."""
    earlier: Baseline | None = None
    """Its temperatures before the period, when history was fed and is :attr:`~Baseline.ready`."""
    warmer_ms: int | None = None
    """When it first ran ``temperature_trend_c`` above :attr:`earlier`."""
    overheating_ms: int | None = None
    cpu: Level | None = None
    memory: Level | None = None
    poe: Level | None = None
    poe_peak: PoePeak = field(default_factory=PoePeak)
    radios: dict[str, Level] = field(default_factory=dict)
    radio_channels: dict[str, str] = field(default_factory=dict)
    last_uptime: tuple[int, float] | None = None
    uptime_s: float | None = None
    reboots: list[int] = field(default_factory=list)
    explained_reboots: int = 0
    state: int | None = None
    state_since_ms: int = 0
    state_samples: int = 0
    upgrading_ms: int | None = None
    """The latest snapshot showing it installing firmware (state 4)."""
    last_seen_s: float | None = None
    version: str | None = None
    upgrade_to: str | None = None


class DeviceHealth:
    """Feeds ``stat/device`` records through the health checks, one device at a time."""

    def __init__(self, thresholds: HealthThresholds, timeline: DeviceTimeline) -> None:
        self.thresholds = thresholds
        self.timeline = timeline
        self.devices: dict[str, DeviceState] = {}
        self.history: dict[str, Baseline] = {}
        self.snapshots = 0

    def remember(self, time_ms: int, record: Mapping[str, Any]) -> None:
        """Take a record from before the period, in time order and before any :meth:`feed`.

        Only its temperature is kept, as the baseline of the trend: history says where a
        device came from, never what happened in the period, so it makes no device (and no
        offline, load or restart finding) of its own.
        """
        mac = record.get("mac")
        value = trend_temperature(record)
        if not isinstance(mac, str) or not mac or value is None:
            return
        baseline = self.history.setdefault(mac.lower(), Baseline(first_ms=time_ms))
        if not baseline.ready:
            baseline.temperatures.append(value)

    def feed(self, time_ms: int, record: Mapping[str, Any]) -> None:
        """Take one device record as it was at ``time_ms``; unusable records are skipped."""
        mac = record.get("mac")
        if not isinstance(mac, str) or not mac:
            return
        mac = mac.lower()
        device = self.devices.get(mac)
        if device is None:
            kind = TYPE_KINDS.get(record.get("type"), "device")  # type: ignore[arg-type]
            device = self.devices[mac] = DeviceState(kind=kind, first_ms=time_ms)
            earlier = self.history.get(mac)
            device.earlier = earlier if earlier is not None and earlier.ready else None
        self.snapshots += 1
        device.samples += 1
        device.last_ms = max(device.last_ms, time_ms)
        self._state(device, time_ms, record)
        if device.state == 0:
            return  # an offline device reports zeros, not measurements
        self._temperature(device, time_ms, record)
        stats = record.get("system-stats")
        if isinstance(stats, Mapping):
            self._load(device, "cpu", number(stats.get("cpu")), time_ms)
            self._load(device, "memory", number(stats.get("mem")), time_ms)
        self._poe(device, time_ms, record)
        self._radios(device, time_ms, record)
        self._uptime(mac, device, time_ms, number(record.get("uptime")))
        version = record.get("version")
        device.version = version if isinstance(version, str) else device.version
        target = record.get("upgrade_to_firmware")
        upgradable = record.get("upgradable") is True
        device.upgrade_to = (target if isinstance(target, str) else "") if upgradable else None

    def _state(self, device: DeviceState, time_ms: int, record: Mapping[str, Any]) -> None:
        state = record.get("state")
        if not isinstance(state, int) or isinstance(state, bool):
            return
        if state != device.state:
            device.state, device.state_since_ms, device.state_samples = state, time_ms, 0
        device.state_samples += 1
        if state == UPGRADING:
            device.upgrading_ms = time_ms
        seen = number(record.get("last_seen"))
        if state == 0:
            disconnected = number(record.get("disconnected_at"))
            device.last_seen_s = disconnected or seen or device.last_seen_s
        elif seen is not None:
            device.last_seen_s = seen

    def _temperature(self, device: DeviceState, time_ms: int, record: Mapping[str, Any]) -> None:
        if record.get("overheating") is True and device.overheating_ms is None:
            device.overheating_ms = time_ms
        reading = temperature(record)
        if reading is None:
            return
        value, sensor = reading
        t = self.thresholds
        if device.temperature is None:
            device.temperature = Level(t.temperature_warning_c, t.temperature_critical_c, 1)
        if value > device.temperature.peak:
            device.sensor = sensor
        device.temperature.add(value, time_ms)
        if len(device.first_temperatures) < TREND_SAMPLES:
            device.first_temperatures.append(value)
            if len(device.first_temperatures) == TREND_SAMPLES:
                device.baseline = sum(device.first_temperatures) / TREND_SAMPLES
        elif (
            device.risen_ms is None
            and device.baseline is not None
            and value - device.baseline >= t.temperature_rise_c
        ):
            device.risen_ms = time_ms
        if (
            device.warmer_ms is None
            and device.earlier is not None
            and value - device.earlier.average >= t.temperature_trend_c
        ):
            device.warmer_ms = time_ms
        device.last_temperatures.append(value)

    def _load(self, device: DeviceState, which: str, value: float | None, time_ms: int) -> None:
        if value is None:
            return
        t = self.thresholds
        level = device.cpu if which == "cpu" else device.memory
        if level is None:
            if which == "cpu":
                level = device.cpu = Level(
                    t.cpu_warning_pct, t.cpu_critical_pct, t.sustained_samples
                )
            else:
                level = device.memory = Level(
                    t.memory_warning_pct, t.memory_critical_pct, t.sustained_samples
                )
        level.add(value, time_ms)

    def _poe(self, device: DeviceState, time_ms: int, record: Mapping[str, Any]) -> None:
        budget = number(record.get("total_max_power"))
        ports = record.get("port_table")
        if not budget or budget <= 0 or not isinstance(ports, list):
            return
        draws: list[tuple[str, str, float]] = []
        for port in ports:
            if not isinstance(port, Mapping):
                continue
            watts = number(port.get("poe_power"))
            if watts and watts > 0:
                index = port.get("port_idx")
                name = port.get("name")
                draws.append((str(index), name if isinstance(name, str) else "", watts))
        total = sum(watts for _, _, watts in draws)
        t = self.thresholds
        if device.poe is None:
            device.poe = Level(t.poe_warning_pct, t.poe_critical_pct, 1)
        percent = 100.0 * total / budget
        if percent > device.poe.peak:
            top = tuple(sorted(draws, key=lambda item: -item[2])[:5])
            device.poe_peak = PoePeak(total, budget, top)
        device.poe.add(percent, time_ms)

    def _radios(self, device: DeviceState, time_ms: int, record: Mapping[str, Any]) -> None:
        radios = record.get("radio_table_stats")
        if not isinstance(radios, list):
            return
        t = self.thresholds
        for radio in radios:
            if not isinstance(radio, Mapping):
                continue
            busy = number(radio.get("cu_total"))
            code = radio.get("radio") or radio.get("name")
            if busy is None or not isinstance(code, str):
                continue
            level = device.radios.get(code)
            if level is None:
                level = device.radios[code] = Level(
                    t.channel_utilisation_warning_pct,
                    t.channel_utilisation_critical_pct,
                    t.sustained_samples,
                )
            if busy > level.peak and radio.get("channel") is not None:
                device.radio_channels[code] = str(radio.get("channel"))
            level.add(busy, time_ms)

    def _uptime(self, mac: str, device: DeviceState, time_ms: int, uptime: float | None) -> None:
        if uptime is None:
            return
        device.uptime_s = uptime
        previous = device.last_uptime
        device.last_uptime = (time_ms, uptime)
        if previous is None:
            return
        then_ms, then_uptime = previous
        elapsed_s = (time_ms - then_ms) / 1000
        # Restarted in between: the uptime is shorter than both what it should have grown to
        # and the time since the last snapshot (a stale record repeating itself is not).
        if (
            uptime + UPTIME_SLACK_S >= then_uptime + elapsed_s
            or uptime > elapsed_s + UPTIME_SLACK_S
        ):
            return
        booted_ms = time_ms - int(uptime * 1000)
        if self._explained(mac, device, then_ms, time_ms, booted_ms):
            device.explained_reboots += 1
        else:
            device.reboots.append(booted_ms)

    def _explained(
        self, mac: str, device: DeviceState, then_ms: int, time_ms: int, booted_ms: int
    ) -> bool:
        """Whether a restart seen between the snapshots at ``then_ms`` and ``time_ms`` has a
        reason: anything noted in between (an outage, a restart), a snapshot showing the
        device installing firmware, or a step of its own upgrade close to when it booted.
        Only the device's own upgrade counts, and only near the boot: a crash hours away
        from an upgrade is still a crash.
        """
        if self.timeline.reason_between(mac, then_ms, time_ms) is not None:
            return True
        if device.upgrading_ms is not None and device.upgrading_ms >= then_ms:
            return True
        start_ms = min(booted_ms, then_ms) - UPGRADE_SLACK_MS
        end_ms = time_ms + UPGRADE_SLACK_MS
        return self.timeline.seen(mac, UPGRADE_REASONS, start_ms, end_ms)
