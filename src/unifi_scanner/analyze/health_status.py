"""Findings about a device's state from its snapshots: offline, stuck in a bad state,
restarted without a recorded reason, up for too long, firmware waiting.

Shared by :mod:`.health_findings`, which also holds the measurements (temperature, load, PoE,
channel utilisation).
"""

from __future__ import annotations

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.health import PROBLEM_STATES, DeviceHealth, DeviceState
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import duration, names, plural, times


def health_finding(
    context: Context,
    rule: str,
    subject: Subject,
    category: Category,
    severity: Severity,
    title: str,
    explanation: str,
    remediation: tuple[str, ...],
    count: int,
    first_ms: int,
    last_ms: int,
) -> Finding:
    return Finding(
        id=finding_id(context.site, rule, subject),
        rule=rule,
        category=category,
        severity=severity,
        title=title,
        explanation=explanation,
        remediation=remediation if severity is not Severity.LOW else (),
        count=count,
        first_seen_ms=first_ms,
        last_seen_ms=last_ms,
        subjects=(subject,),
    )


def offline(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    if device.state != 0:
        return None
    since_ms = int(device.last_seen_s * 1000) if device.last_seen_s else device.state_since_ms
    since_ms = min(since_ms, device.last_ms)
    down = duration((device.last_ms - since_ms) / 1000)
    return health_finding(
        context,
        "device-offline",
        subject,
        Category.CONNECTIVITY,
        Severity.SEVERE,
        f"{subject.name} is offline",
        (
            f"The {kind} {subject.name} was disconnected from the controller in the latest "
            f"snapshot; it was last seen {down} before it. While it is offline, everything "
            "connected through it loses the network."
        ),
        (
            f"Check that {subject.name} has power and that its status light is steady.",
            "Check its network cable and the switch port it is plugged into (UniFi Network → "
            "UniFi Devices → the switch → Ports).",
            "Power-cycle it; if it does not come back, reset and re-adopt it.",
        ),
        device.state_samples,
        since_ms,
        device.last_ms,
    )


def stuck_state(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    problem = PROBLEM_STATES.get(device.state if device.state is not None else -1)
    if problem is None:
        return None
    waiting = device.state == 2
    return health_finding(
        context,
        "device-state",
        subject,
        Category.SYSTEM,
        Severity.LOW if waiting else Severity.MEDIUM,
        f"{subject.name} is {problem.split(' (')[0]}",
        (
            f"In the latest snapshot the {kind} {subject.name} was {problem}, for "
            f"{plural(device.state_samples, 'snapshot')} in a row. A device in this state is "
            "not managed properly by the controller: settings and updates do not reach it."
        ),
        (
            f"Open UniFi Network → UniFi Devices → {subject.name} and follow what it suggests "
            "(Adopt, Retry, Upgrade).",
            f"Check that {subject.name} can reach the controller (same network, or the right "
            "inform address for remote sites).",
            "If it stays stuck, power-cycle it; as a last resort reset and re-adopt it.",
        ),
        device.state_samples,
        device.state_since_ms,
        device.last_ms,
    )


def reboots(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    if not device.reboots:
        return None
    name = subject.name
    return health_finding(
        context,
        "unexpected-reboot",
        subject,
        Category.HEALTH,
        Severity.MEDIUM,
        f"{name} restarted {times(len(device.reboots))} without a recorded reason",
        (
            f"The uptime of the {kind} {name} went back to zero {times(len(device.reboots))}, "
            "and no firmware upgrade, restart by an administrator or outage explains it. "
            "Unexplained restarts usually mean a power problem (PoE, adapter, power cuts), a "
            "firmware crash or overheating."
        ),
        (
            f"Check the power of {name}: PoE budget and port, or its adapter; a small UPS "
            "rules out power cuts.",
            f"Update {name} to the current firmware.",
            "Check its temperature and ventilation.",
        ),
        len(device.reboots),
        device.reboots[0],
        device.reboots[-1],
    )


def long_uptime(
    health: DeviceHealth, context: Context, subject: Subject, kind: str, device: DeviceState
) -> Finding | None:
    days = health.thresholds.uptime_long_days
    if device.uptime_s is None or device.uptime_s < days * 86_400 or device.state == 0:
        return None
    up_days = int(device.uptime_s // 86_400)
    return health_finding(
        context,
        "device-uptime",
        subject,
        Category.SYSTEM,
        Severity.LOW,
        f"{subject.name} has not restarted in {up_days} days",
        (
            f"The {kind} {subject.name} has been running for {up_days} days without a "
            "restart. Firmware updates restart a device, so it has probably missed security "
            "and stability fixes for that long."
        ),
        (),
        1,
        device.last_ms - int(device.uptime_s * 1000),
        device.last_ms,
    )


def firmware_waiting(context: Context, devices: list[tuple[str, DeviceState]]) -> Finding:
    subject = Subject("site", context.site, context.site)
    inventory = context.inventory
    listed = [
        f"{inventory.device_name(mac)} ({device.version or '?'}"
        + (f" → {device.upgrade_to})" if device.upgrade_to else ")")
        for mac, device in devices
    ]
    return Finding(
        id=finding_id(context.site, "firmware-available", subject),
        rule="firmware-available",
        category=Category.SYSTEM,
        severity=Severity.LOW,
        title=f"Firmware updates are available for {plural(len(devices), 'device')}",
        explanation=(
            f"The controller offers newer firmware for {names(listed, limit=8)}. Updates bring "
            "security and stability fixes; each device restarts while it updates, so pick a "
            "quiet time (UniFi Network → UniFi Devices → Update)."
        ),
        remediation=(),
        count=len(devices),
        first_seen_ms=min(device.first_ms for _, device in devices),
        last_seen_ms=max(device.last_ms for _, device in devices),
        subjects=(
            subject,
            *(Subject("device", mac, inventory.device_name(mac)) for mac, _ in devices[:24]),
        ),
    )
