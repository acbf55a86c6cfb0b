"""What happens to a device over time: the shared :class:`DeviceTimeline`, and restarts.

Processors note on the timeline what they saw happen to a device (a loss of contact, a
restart, a firmware upgrade), so that other checks can tell an explained event from an
unexplained one: an outage during an upgrade is not a failure, and a reboot already reported
is not reported again from the snapshots' uptime. Outages themselves are in :mod:`.outages`.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection
from dataclasses import dataclass

from unifi_scanner.analyze.catalogue import device_keys
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.inventory import DEVICE_KINDS
from unifi_scanner.analyze.rules import Context, key_token
from unifi_scanner.analyze.text import times
from unifi_scanner.analyze.thresholds import DeviceThresholds
from unifi_scanner.controller.models import Event

HOUR_MS = 3_600_000


class DeviceTimeline:
    """When events explain a device restarting: outages, restarts, upgrades (bounded)."""

    MAX_MARKS = 256

    def __init__(self) -> None:
        self._marks: dict[str, deque[tuple[int, str]]] = {}
        self.kinds: dict[str, str] = {}
        """The kind of each device noted (access point, switch…), from its events."""

    def note(self, mac: str, time_ms: int, reason: str, kind: str | None = None) -> None:
        marks = self._marks.get(mac)
        if marks is None:
            marks = self._marks[mac] = deque(maxlen=self.MAX_MARKS)
        marks.append((time_ms, reason))
        if kind is not None:
            self.kinds[mac] = kind

    def marks_of(self, reasons: Collection[str]) -> tuple[list[int], list[str]]:
        """Every mark of one of ``reasons``, of any device, in time order: ``(times, macs)``.

        For many windows asked about the same reasons (an outage check per outage span), one
        sorted list and a bisection per window instead of a scan of every device's marks.
        """
        marks = sorted(
            (time_ms, mac)
            for mac, noted_marks in self._marks.items()
            for time_ms, noted in noted_marks
            if noted in reasons
        )
        return [time_ms for time_ms, _ in marks], [mac for _, mac in marks]

    def seen(self, mac: str, reasons: Collection[str], start_ms: int, end_ms: int) -> bool:
        """Whether one of ``reasons`` was noted for ``mac`` within ``[start_ms, end_ms]``."""
        return any(
            start_ms <= time_ms <= end_ms and noted in reasons
            for time_ms, noted in self._marks.get(mac, ())
        )

    def reason_between(self, mac: str, start_ms: int, end_ms: int) -> str | None:
        """What explains a restart of ``mac`` within ``[start_ms, end_ms]``, if anything."""
        for time_ms, reason in self._marks.get(mac, ()):
            if start_ms <= time_ms <= end_ms:
                return reason
        return None


def device_of(event: Event) -> tuple[str, str] | None:
    """``(mac, kind)`` of the device a device event (``EVT_AP_…``, ``EVT_SW_…``) is about."""
    prefix = key_token(event.key)
    kind = DEVICE_KINDS.get(prefix)
    if kind is None:
        return None
    mac = event.payload.get(prefix.lower())
    if mac.__class__ is not str and prefix == "GW":
        mac = event.payload.get("dm")
    if mac.__class__ is not str or not mac:
        return None
    return mac.lower(), kind


# -- restarts ------------------------------------------------------------------------------

ADMIN_RESTARTS = device_keys("Restarted")
UNKNOWN_RESTARTS = device_keys("RestartedUnknown")


@dataclass(slots=True)
class _Restarts:
    kind: str
    first_ms: int
    last_ms: int
    by_admin: int = 0
    unexplained: int = 0


class DeviceRestarts:
    """Restarts by an administrator (low) and restarts nobody asked for (medium or severe)."""

    rule_id = "device-restarted"
    rules = ("device-restarted",)
    keys = ADMIN_RESTARTS | UNKNOWN_RESTARTS

    def __init__(self, thresholds: DeviceThresholds, timeline: DeviceTimeline) -> None:
        self._severe = thresholds.restarts_severe
        self._timeline = timeline
        self._devices: dict[str, _Restarts] = {}

    def feed(self, event: Event) -> None:
        found = device_of(event)
        if found is None:
            return
        mac, kind = found
        t = event.time_ms
        device = self._devices.get(mac)
        if device is None:
            device = self._devices[mac] = _Restarts(kind, t, t)
        device.first_ms, device.last_ms = min(device.first_ms, t), max(device.last_ms, t)
        if event.key in ADMIN_RESTARTS:
            device.by_admin += 1
            self._timeline.note(mac, t, "a restart by an administrator")
        else:
            device.unexplained += 1
            self._timeline.note(mac, t, "an unexpected restart")

    def findings(self, context: Context) -> list[Finding]:
        return [self._finding(context, mac, device) for mac, device in self._devices.items()]

    def _finding(self, context: Context, mac: str, device: _Restarts) -> Finding:
        subject = Subject("device", mac, context.inventory.device_name(mac))
        name = subject.name
        kind = context.inventory.device_kind(mac, device.kind)
        by_admin = (
            f" It was also restarted by an administrator {times(device.by_admin)}."
            if device.by_admin
            else ""
        )
        if device.unexplained:
            severity = Severity.SEVERE if device.unexplained >= self._severe else Severity.MEDIUM
            title = f"{name} restarted unexpectedly {times(device.unexplained)}"
            explanation = (
                f"The {kind} {name} restarted without anyone asking it to "
                f"{times(device.unexplained)}.{by_admin} An unexpected restart usually means "
                "a power problem (a failing PoE port or injector, a loose plug, a power cut), "
                "a firmware crash, or overheating. Everything connected through it drops for "
                "a minute or two each time."
            )
            remediation: tuple[str, ...] = (
                f"Check the power of {name}: if it is powered over PoE, the switch's PoE "
                "budget and the port; otherwise its adapter and plug. A small UPS rules out "
                "power cuts.",
                f"Update {name} to the current firmware (UniFi Network → UniFi Devices → "
                f"{name} → Update): crash fixes often stop unexpected restarts.",
                f"Check the temperature of {name} and that its vents are free.",
                "If it keeps restarting, download a support file from the device page and "
                "contact Ubiquiti support.",
            )
        else:
            severity = Severity.LOW
            title = f"{name} was restarted by an administrator {times(device.by_admin)}"
            explanation = (
                f"Someone with admin access restarted the {kind} {name} "
                f"{times(device.by_admin)}. Its clients dropped for a minute or two. Nothing "
                "to do if this was you."
            )
            remediation = ()
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.HEALTH,
            severity=severity,
            title=title,
            explanation=explanation,
            remediation=remediation,
            count=device.unexplained + device.by_admin,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )
