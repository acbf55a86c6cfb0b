"""Findings from device health (see :mod:`.health`): :func:`health_findings` runs every check.

The measurements are here: temperature with its trend, CPU, memory, PoE budget and channel
utilisation. Warning levels make medium findings, critical levels severe ones; a temperature
trend alone is low, whether it rose within the period or since the week before it (history).
The device's state (offline, stuck, restarts seen in the uptime, long uptime, firmware
waiting) is judged in :mod:`.health_status`.
"""

from __future__ import annotations

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject
from unifi_scanner.analyze.health import (
    DeviceHealth,
    DeviceState,
    Level,
)
from unifi_scanner.analyze.health_status import (
    firmware_waiting,
    health_finding,
    long_uptime,
    offline,
    reboots,
    stuck_state,
)
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import band, duration, names, number, plural

_SEVERITY = {2: Severity.SEVERE, 1: Severity.MEDIUM}
_DAY_MS = 24 * 3_600_000
_CHANGED = (
    "something around it changed (sun on a roof or a window, a closet without cooling, a "
    "failing fan)."
)


def health_findings(health: DeviceHealth, context: Context) -> list[Finding]:
    """Every health finding, device by device, then the site-wide firmware summary."""
    found: list[Finding] = []
    upgradable: list[tuple[str, DeviceState]] = []
    for mac, device in health.devices.items():
        subject = Subject("device", mac, context.inventory.device_name(mac))
        kind = context.inventory.device_kind(mac, device.kind)
        for check in (offline, stuck_state, _temperature, _cpu, _memory, _poe, _radios, reboots):
            finding = check(health, context, subject, kind, device)
            if finding is not None:
                found.append(finding)
        if device.upgrade_to is not None and device.state != 0:
            upgradable.append((mac, device))
        uptime = long_uptime(health, context, subject, kind, device)
        if uptime is not None:
            found.append(uptime)
    if upgradable:
        found.append(firmware_waiting(context, upgradable))
    return found


def _temperature(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    level = device.temperature
    t = health.thresholds
    rise = end_rise = 0.0
    end = sum(device.last_temperatures) / max(len(device.last_temperatures), 1)
    if level is not None and device.baseline is not None:
        rise, end_rise = level.peak - device.baseline, end - device.baseline
    critical = device.overheating_ms is not None or (level is not None and level.level == 2)
    warm = level is not None and level.level >= 1
    heated = device.risen_ms is not None
    # Against the week before (history): where it ended the period, not a passing peak.
    earlier = device.earlier
    trend = end - earlier.average if earlier is not None else 0.0
    warmer = device.warmer_ms is not None and trend >= t.temperature_trend_c
    if not (critical or warm or heated or warmer):
        return None
    name = subject.name
    sentences = []
    if level is not None and level.warning_ms is not None:
        story = (
            f"{name} reached {number(level.first_warning_value)} °C (warning from "
            f"{number(t.temperature_warning_c)} °C)"
        )
        if level.critical_ms is not None:
            later = duration((level.critical_ms - level.warning_ms) / 1000)
            story += (
                f" and {later} later {number(level.first_critical_value)} °C (critical from "
                f"{number(t.temperature_critical_c)} °C)"
            )
        sentences.append(f"{story}.")
    if level is not None:
        sentences.append(
            f"The hottest reading was {number(level.peak)} °C ({device.sensor} sensor)."
        )
    if device.overheating_ms is not None:
        sentences.append(f"The controller flagged {name} as overheating.")
    ago = _ago(device.last_ms - earlier.first_ms) if earlier is not None else ""
    if warmer and earlier is not None:
        sentences.append(
            f"{ago[:1].upper()}{ago[1:]} it ran at about {number(earlier.average)} °C; it ended "
            f"the period at about {number(end)} °C, {number(trend)} °C warmer: {_CHANGED}"
        )
    if heated and device.baseline is not None and level is not None:
        now = (
            "and was still that warm at the end of the period"
            if end_rise >= t.temperature_rise_c
            else f"and was back to {number(device.baseline + end_rise)} °C at the end"
        )
        sentences.append(
            f"It started the period at about {number(device.baseline)} °C, heated up by "
            f"{number(rise)} °C {now}" + ("." if warmer else f": {_CHANGED}")
        )
    sentences.append("Electronics that run too hot throttle, restart and wear out early.")
    hottest = f"{number(level.peak)} °C" if level is not None else ""
    if critical:
        severity = Severity.SEVERE
        title = f"{name} is overheating" + (f": {hottest}" if hottest else "")
    elif warm:
        severity, title = Severity.MEDIUM, f"{name} is running hot: {hottest}"
    elif warmer and earlier is not None:
        severity = Severity.LOW
        title = (
            f"{name} runs {number(trend)} °C warmer than {ago}: "
            f"{number(earlier.average)} °C → {number(end)} °C"
        )
    else:
        severity, title = Severity.LOW, f"{name} heated up by {number(rise)} °C (to {hottest})"
    started = [
        moment
        for moment in (level.warning_ms if level else None, device.overheating_ms)
        if moment is not None
    ] or [
        min(
            (m for m in (device.risen_ms, device.warmer_ms) if m is not None),
            default=device.first_ms,
        )
    ]
    return health_finding(
        context,
        "device-temperature",
        subject,
        Category.HEALTH,
        severity,
        title,
        " ".join(sentences),
        (
            f"Give {name} free air around its vents; keep it out of direct sun, closed "
            "cabinets and hot lofts.",
            "If it has a fan, check that it spins and that the vents are not clogged with dust.",
            "Reduce its load if it powers many PoE devices: PoE adds heat.",
            "If the room is cool and it still runs hot, contact Ubiquiti support.",
        ),
        (level.above or level.samples) if level is not None else device.samples,
        min(started),
        device.last_ms,
    )


def _ago(span_ms: int) -> str:
    """``6 days ago`` for a trend's span; under a day and a half in hours and minutes."""
    days = round(span_ms / _DAY_MS)
    return f"{plural(days, 'day') if days >= 2 else duration(span_ms / 1000)} ago"


def _load_finding(
    context: Context,
    subject: Subject,
    kind: str,
    device: DeviceState,
    level: Level | None,
    rule: str,
    what: str,
    steps: tuple[str, ...],
    sustain: int,
) -> Finding | None:
    if level is None or level.level == 0 or level.warning_ms is None:
        return None
    limit = number(level.critical if level.level == 2 else level.warning)
    return health_finding(
        context,
        rule,
        subject,
        Category.PERFORMANCE,
        _SEVERITY[level.level],
        f"{subject.name} {what} stayed at {limit}% or more (peak {number(level.peak)}%)",
        (
            f"The {what} of the {kind} {subject.name} stayed at or above {limit}% for at least "
            f"{plural(sustain, 'snapshot')} in a row, peaking at {number(level.peak)}%. A "
            f"device short of {what.split()[0]} answers slowly, drops connections and may "
            "restart."
        ),
        steps,
        level.above,
        level.warning_ms,
        device.last_ms,
    )


def _cpu(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    return _load_finding(
        context, subject, kind, device, device.cpu, "device-cpu", "CPU use",
        (
            f"See what keeps {subject.name} busy: for a gateway, intrusion prevention, traffic "
            "identification and ad blocking cost CPU; for an access point, many clients.",
            "Update it to the current firmware.",
            "If it stays busy, spread the load (another access point) or consider a more "
            "powerful model.",
        ),
        health.thresholds.sustained_samples,
    )  # fmt: skip


def _memory(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    return _load_finding(
        context, subject, kind, device, device.memory, "device-memory", "memory use",
        (
            f"Restart {subject.name} at a quiet time to free its memory.",
            "Update it to the current firmware: memory leaks are fixed in updates.",
            "If memory fills up again, report it to Ubiquiti support with a support file.",
        ),
        health.thresholds.sustained_samples,
    )  # fmt: skip


def _poe(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    level = device.poe
    if level is None or level.level == 0 or level.warning_ms is None:
        return None
    peak = device.poe_peak
    consumers = names(
        [
            f"port {index}" + (f" ({label})" if label else "") + f" {number(w)} W"
            for index, label, w in peak.ports
        ]
    )
    name = subject.name
    return health_finding(
        context,
        "poe-budget",
        subject,
        Category.HEALTH,
        _SEVERITY[level.level],
        f"{name} is using {round(level.peak)}% of its PoE budget",
        (
            f"The devices powered by {name} drew up to {number(peak.draw_w)} W of its "
            f"{number(peak.budget_w)} W PoE budget ({number(level.peak)}%). The biggest "
            f"consumers: {consumers}. When the budget runs out, the switch cuts power to "
            "ports and the devices on them (access points, cameras) go dark."
        ),
        (
            f"Move a power-hungry device from {name} to another PoE switch, or power it with "
            "a PoE injector.",
            "Check the PoE mode of each port: devices that do not need PoE+ can use PoE.",
            "Plan a switch with a bigger PoE budget if more powered devices are coming.",
        ),
        level.above,
        level.warning_ms,
        device.last_ms,
    )


def _radios(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    busy = [(code, level) for code, level in device.radios.items() if level.level]
    if not busy:
        return None
    worst = max(level.level for _, level in busy)
    # Quote the level each radio actually crossed: a critical (severe) finding that names the
    # warning level undersells it. Radios at different levels each get their own.
    crossed: dict[float, list[str]] = {}
    for code, level in sorted(busy, key=lambda item: -item[1].level):
        limit = level.critical if level.level == 2 else level.warning
        crossed.setdefault(limit, []).append(band(code))
    if len(crossed) == 1:
        above = f"{number(next(iter(crossed)))}%"
    else:
        above = " and ".join(
            f"{number(limit)}% on {names(bands)}" for limit, bands in crossed.items()
        )
    parts = [
        f"{band(code)} (channel {device.radio_channels.get(code, '?')}) peaked at "
        f"{number(level.peak)}%"
        for code, level in busy
    ]
    name = subject.name
    t = health.thresholds
    return health_finding(
        context,
        "channel-utilisation",
        subject,
        Category.WIRELESS,
        _SEVERITY[worst],
        f"{name}'s WiFi channel is congested ({names([band(code) for code, _ in busy])})",
        (
            f"The airtime in use on {name} stayed at or above {above} for "
            f"{plural(t.sustained_samples, 'snapshot')} in a row: {names(parts)}. "
            "On a busy channel every client waits its turn to talk, so WiFi feels slow even "
            "with a strong signal."
        ),
        (
            "Move the radio to a less crowded channel (UniFi Network → WiFi → Radio Manager, "
            "or the access point → Radios → Channel).",
            "Use a narrower channel width on 2.4 GHz (20 MHz) and move capable clients to 5 GHz.",
            "Lower transmit power where access points overlap, and raise the minimum data "
            "rate so slow clients do not hog airtime.",
            "If many clients share this access point, add another one nearby.",
        ),
        sum(level.above for _, level in busy),
        min(level.warning_ms or device.first_ms for _, level in busy),
        device.last_ms,
    )
