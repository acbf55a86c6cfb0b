"""Firmware upgrades: what was upgraded to which version, and upgrades that failed.

Every step of a device's upgrade that restarts it (scheduled, failed, completed) is noted on
the :class:`DeviceTimeline`, so that the outage and the restart it causes are not reported
as failures: see :data:`UPGRADE_REASONS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from unifi_scanner.analyze.catalogue import device_keys
from unifi_scanner.analyze.devices import DeviceTimeline, device_of
from unifi_scanner.analyze.findings import (
    Category,
    Finding,
    Severity,
    Subject,
    finding_id,
    subjects,
)
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import names, times
from unifi_scanner.controller.models import Event

UPGRADED = device_keys("Upgraded")
SCHEDULED = device_keys("UpgradeScheduled")
#: An upgrade that ran and failed: the device restarted all the same, on its old firmware.
UPGRADE_FAILED = device_keys("UpgradeFailed")
#: Failures, with what went wrong in words.
FAILURES = {
    **dict.fromkeys(UPGRADE_FAILED, "the upgrade itself failed"),
    "EVT_SW_FirmwareCheckFailed": "the switch could not check for new firmware",
    "EVT_SW_FirmwareDownloadFailed": "the switch could not download the firmware",
    "EVT_AD_ScheduleUpgradeFailedNotFound": "a scheduled upgrade found no firmware to install",
}
#: What the timeline notes for each step of an upgrade. ``…_Upgraded`` arrives once the device
#: is back, ``…_UpgradeScheduled`` just before it goes down; all of them mean a restart.
UPGRADED_REASON = "a firmware upgrade"
SCHEDULED_REASON = "a scheduled firmware upgrade"
FAILED_REASON = "a failed firmware upgrade"
UPGRADE_REASONS = (UPGRADED_REASON, SCHEDULED_REASON, FAILED_REASON)


@dataclass(slots=True)
class _Firmware:
    kind: str
    first_ms: int
    last_ms: int
    upgrades: int = 0
    scheduled: int = 0
    failed: int = 0
    version_from: str | None = None
    version_to: str | None = None
    last_success_ms: int | None = None
    last_failure_ms: int | None = None
    reasons: dict[str, int] | None = None


class FirmwareUpgrades:
    """``firmware-upgraded`` (low): one card per upgraded device, or one for the site when
    several were upgraded (a rollout); ``firmware-upgrade-failed``: one per device."""

    rule_id = "firmware-upgraded"
    rules = ("firmware-upgraded", "firmware-upgrade-failed")
    keys = UPGRADED | SCHEDULED | frozenset(FAILURES)

    def __init__(self, timeline: DeviceTimeline) -> None:
        self._timeline = timeline
        self._devices: dict[str, _Firmware] = {}

    def feed(self, event: Event) -> None:
        found = device_of(event)
        # A controller-level failure names no device: it is kept under the site.
        mac, kind = found if found is not None else ("", "device")
        t = event.time_ms
        device = self._devices.get(mac)
        if device is None:
            device = self._devices[mac] = _Firmware(kind, t, t)
        device.first_ms, device.last_ms = min(device.first_ms, t), max(device.last_ms, t)
        if event.key in UPGRADED:
            device.upgrades += 1
            device.last_success_ms = t
            device.version_from = device.version_from or event.text("version_from")
            device.version_to = event.text("version_to") or device.version_to
            self._note(mac, t, UPGRADED_REASON, kind)
        elif event.key in SCHEDULED:
            device.scheduled += 1
            self._note(mac, t, SCHEDULED_REASON, kind)
        else:
            if event.key in UPGRADE_FAILED:
                self._note(mac, t, FAILED_REASON, kind)
            device.failed += 1
            device.last_failure_ms = t
            reasons = device.reasons if device.reasons is not None else {}
            reason = FAILURES[event.key]
            reasons[reason] = reasons.get(reason, 0) + 1
            device.reasons = reasons

    def _note(self, mac: str, time_ms: int, reason: str, kind: str) -> None:
        """Put an upgrade step on the timeline (a failure naming no device restarts none)."""
        if mac:
            self._timeline.note(mac, time_ms, reason, kind)

    def findings(self, context: Context) -> list[Finding]:
        found = []
        upgraded: list[tuple[Subject, _Firmware]] = []
        for mac, device in self._devices.items():
            if mac:
                subject = Subject("device", mac, context.inventory.device_name(mac))
            else:
                subject = Subject("site", context.site, context.site)
            if device.failed:
                found.append(self._failed(context, subject, device))
            if device.upgrades:
                upgraded.append((subject, device))
            elif device.scheduled and not device.failed:
                # Scheduled, then failed: the failure says it all.
                found.append(self._upgraded(context, subject, device))
        named = [(subject, device) for subject, device in upgraded if subject.kind == "device"]
        if len(named) >= 2 and len(named) == len(upgraded):
            found.append(self._rollout(context, named))
        else:
            found.extend(self._upgraded(context, subject, device) for subject, device in upgraded)
        return found

    def _rollout(self, context: Context, upgraded: list[tuple[Subject, _Firmware]]) -> Finding:
        """Several devices upgraded in one period: one card for the rollout, not one each."""
        by_version: dict[str, list[str]] = {}
        for subject, device in upgraded:
            by_version.setdefault(device.version_to or "", []).append(subject.name)
        steps = [
            f"{names(devices)} to {version}"
            if version
            else f"{names(devices)} (version not recorded)"
            for version, devices in sorted(by_version.items())
        ]
        count = sum(device.upgrades for _, device in upgraded)
        (only,) = by_version if len(by_version) == 1 else ("",)
        to = f" to firmware {only}" if only else " to new firmware"
        site = Subject("site", context.site, context.site)
        return Finding(
            id=finding_id(context.site, "firmware-upgraded", site),
            rule="firmware-upgraded",
            category=Category.SYSTEM,
            severity=Severity.LOW,
            title=f"{len(upgraded)} devices were upgraded{to}",
            explanation=(
                f"Firmware upgrades in this period: {'; '.join(steps)}. Each upgrade restarts "
                "the device, so its clients dropped for a few minutes, and the devices behind "
                "an upgrading switch with it. Keeping firmware current brings security and "
                "stability fixes; nothing to do."
            ),
            remediation=(),
            count=count,
            first_seen_ms=min(device.first_ms for _, device in upgraded),
            last_seen_ms=max(device.last_ms for _, device in upgraded),
            subjects=subjects(site, (subject for subject, _ in upgraded)),
        )

    def _upgraded(self, context: Context, subject: Subject, device: _Firmware) -> Finding:
        name = subject.name
        if device.upgrades:
            to = f" to firmware {device.version_to}" if device.version_to else ""
            title = (
                f"{name} was upgraded{to}"
                if device.upgrades == 1
                else f"{name} was upgraded {times(device.upgrades)}{to}"
            )
            versions = (
                f" from {device.version_from} to {device.version_to}"
                if device.version_from and device.version_to
                else ""
            )
            explanation = (
                f"The firmware of {name} was upgraded{versions}. An upgrade restarts the "
                "device, so its clients dropped for a few minutes. Keeping firmware current "
                "brings security and stability fixes; nothing to do."
            )
        else:
            title = f"A firmware upgrade of {name} was scheduled"
            explanation = (
                f"An upgrade of {name} was scheduled {times(device.scheduled)} in this "
                "period; the device restarts when it runs."
            )
        return Finding(
            id=finding_id(context.site, "firmware-upgraded", subject),
            rule="firmware-upgraded",
            category=Category.SYSTEM,
            severity=Severity.LOW,
            title=title,
            explanation=explanation,
            remediation=(),
            count=device.upgrades or device.scheduled,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )

    def _failed(self, context: Context, subject: Subject, device: _Firmware) -> Finding:
        name = subject.name
        reasons = names(sorted(device.reasons or {}, key=lambda r: -(device.reasons or {})[r]))
        recovered = (
            device.last_success_ms is not None
            and device.last_failure_ms is not None
            and device.last_success_ms > device.last_failure_ms
        )
        if recovered:
            outcome = " A later attempt succeeded" + (
                f" (it now runs {device.version_to})." if device.version_to else "."
            )
        else:
            outcome = " It is still running its old firmware, without the fixes of the new one."
        on_device = subject.kind == "device"
        what = f"The firmware upgrade of {name}" if on_device else "A scheduled firmware upgrade"
        who = name if on_device else "the device"
        return Finding(
            id=finding_id(context.site, "firmware-upgrade-failed", subject),
            rule="firmware-upgrade-failed",
            category=Category.SYSTEM,
            severity=Severity.LOW if recovered else Severity.MEDIUM,
            title=f"{what} failed {times(device.failed)}",
            explanation=f"{what} failed {times(device.failed)}: {reasons}.{outcome}",
            remediation=(
                f"Check that {who} can reach the internet (DNS and a default route): it "
                "downloads firmware from Ubiquiti's servers.",
                f"Start the upgrade again by hand: UniFi Network → UniFi Devices → {who} → "
                "Update; keep its power stable until it is back.",
                "Update the Network application first if it is old: it may not offer the "
                "firmware the device needs.",
                "If it fails again, download a support file from the device page and contact "
                "Ubiquiti support.",
            ),
            count=device.failed,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )
