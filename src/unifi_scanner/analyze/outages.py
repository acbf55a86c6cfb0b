"""Access points, switches and gateways losing contact: outages, flapping, and their causes.

Each loss of contact is paired with the return that ends it, for durations; a device that
loses contact again and again within an hour is flapping. Causes are told apart before
anything is reported: an outage during a firmware upgrade — the device's own, or that of any
switch or gateway up its uplink chain (when the uplink is not known: any switch's or
gateway's at that moment) — is expected and left to ``firmware-upgraded``; an outage that
began together with the outage of a switch or gateway it hangs off (the nearest one) is
explained by it (the upstream device is the one to fix); an outage that began when its switch
cut the port's PoE power is explained by that.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field

from unifi_scanner.analyze.catalogue import device_keys
from unifi_scanner.analyze.devices import DeviceTimeline, device_of
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.firmware import UPGRADE_REASONS
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import article, duration, names, times
from unifi_scanner.analyze.thresholds import DeviceThresholds
from unifi_scanner.controller.models import Event

HOUR_MS = 3_600_000
#: An upgrade noted this close to an outage (before it began or after it ended) caused it.
UPGRADE_SLACK_MS = 10 * 60_000
#: Outages of a device and of a switch or gateway starting this close together are one event.
UPSTREAM_WINDOW_MS = 2 * 60_000
#: Outages remembered one by one per device; beyond, they are only counted.
MAX_SPANS = 500
UPSTREAM_KINDS = frozenset({"switch", "gateway"})
#: Uplinks followed from a device towards the gateway; a real network is a few hops deep, so
#: a longer chain is a loop in stale uplink records.
MAX_HOPS = 16

# ``EVT_DEV_…`` names a device of unknown kind in the ``dev`` field (also what v2 system-log
# entries about devices become when their kind is not known).
LOST = device_keys("Lost_Contact", "Disconnected") | {"EVT_DEV_Lost_Contact"}
BACK = device_keys("Connected") | {"EVT_DEV_Connected"}
#: A switch cutting a port's power: the device on that port goes offline.
POE_CUTS = frozenset({"EVT_SW_PoeDisconnect", "EVT_SW_PoeOverload"})


@dataclass(slots=True)
class _Device:
    kind: str
    first_ms: int
    last_ms: int
    spans: list[list[int | None]] = field(default_factory=list)
    overflow: int = 0
    unexplained_returns: int = 0

    @property
    def down(self) -> bool:
        return bool(self.spans) and self.spans[-1][1] is None


@dataclass(slots=True)
class _Story:
    """A device's outages once upgrades and upstream causes are taken out or noted."""

    spans: list[tuple[int, int, bool]]  # start, end, still down at the period end
    upstream: list[str] = field(default_factory=list)
    downstream: list[str] = field(default_factory=list)
    caused_upstream: int = 0
    power_cut: tuple[str, str | None] | None = None  # switch, port


class DeviceOutages:
    """``device-offline``, ``device-flapping`` and ``device-connected``, per device."""

    rule_id = "device-offline"
    rules = ("device-offline", "device-flapping", "device-connected")
    keys = LOST | BACK | POE_CUTS

    def __init__(self, thresholds: DeviceThresholds, timeline: DeviceTimeline) -> None:
        self._flaps = thresholds.flaps_per_hour
        self._timeline = timeline
        self._devices: dict[str, _Device] = {}
        self._power_cuts: dict[str, list[tuple[int, str | None]]] = {}
        # Upgrade steps of every device (times, macs) in time order, gathered for findings.
        self._upgrades: tuple[list[int], list[str]] = ([], [])

    def feed(self, event: Event) -> None:
        found = device_of(event)
        if found is None:
            return
        mac, kind = found
        if event.key in POE_CUTS:
            cuts = self._power_cuts.setdefault(mac, [])
            if len(cuts) < MAX_SPANS:
                cuts.append((event.time_ms, event.text("port")))
            return
        t = event.time_ms
        device = self._devices.get(mac)
        if device is None:
            device = self._devices[mac] = _Device(kind, t, t)
        device.last_ms = max(device.last_ms, t)
        if event.key in LOST:
            self._timeline.note(mac, t, "a loss of contact")
            if device.down:
                return  # the same outage reported again
            if len(device.spans) < MAX_SPANS:
                device.spans.append([t, None])
            else:
                device.overflow += 1
        elif device.down:
            device.spans[-1][1] = t
        else:
            device.unexplained_returns += 1

    # -- findings ---------------------------------------------------------------------------

    def findings(self, context: Context) -> list[Finding]:
        self._upgrades = self._timeline.marks_of(UPGRADE_REASONS)
        stories = {mac: self._story(context, mac, d) for mac, d in self._devices.items()}
        self._link_upstream(context, stories)
        self._link_power_cuts(context, stories)
        found = []
        for mac, device in self._devices.items():
            story = stories[mac]
            subject = Subject("device", mac, context.inventory.device_name(mac))
            kind = context.inventory.device_kind(mac, device.kind)
            if story.spans or device.overflow:
                flapping = _peak_per_hour([s[0] for s in story.spans]) >= self._flaps
                found.append(self._outage(context, subject, kind, device, story, flapping))
            elif device.unexplained_returns:
                found.append(self._connected(context, subject, kind, device))
        return found

    def _story(self, context: Context, mac: str, device: _Device) -> _Story:
        """The device's outages, without those a firmware upgrade explains: its own, or that
        of any switch or gateway it hangs off, however far up (which restarts and takes
        everything behind it down for a while).
        """
        spans = []
        chain = uplinks(context.inventory, mac)
        for start, end in device.spans:
            assert start is not None
            still_down = end is None
            stop = context.period_end_ms if end is None else end
            upgrading = self._upgrading(start - UPGRADE_SLACK_MS, stop + UPGRADE_SLACK_MS)
            upstream_upgrade = any(
                other in chain if chain else other != mac and self._upstream_kind(context, other)
                for other in upgrading
            )
            if mac not in upgrading and not upstream_upgrade:
                spans.append((start, max(start, stop), still_down))
        return _Story(spans)

    def _upgrading(self, start_ms: int, end_ms: int) -> set[str]:
        """Devices with any step of an upgrade (scheduled, failed, done) in the window: each
        of them restarted, whatever the outcome."""
        times, macs = self._upgrades
        return set(macs[bisect_left(times, start_ms) : bisect_right(times, end_ms)])

    def _upstream_kind(self, context: Context, mac: str) -> bool:
        kind = self._timeline.kinds.get(mac) or context.inventory.device_kind(mac, "")
        return kind in UPSTREAM_KINDS

    def _link_upstream(self, context: Context, stories: dict[str, _Story]) -> None:
        """Note which outages began together with a switch's or gateway's outage."""
        inventory = context.inventory
        upstreams = [
            (mac, story)
            for mac, story in stories.items()
            if inventory.device_kind(mac, self._devices[mac].kind) in UPSTREAM_KINDS and story.spans
        ]
        for mac, story in stories.items():
            chain = uplinks(inventory, mac)
            # Known uplinks: the nearest switch or gateway up the chain that went down too.
            candidates = (
                sorted(
                    (item for item in upstreams if item[0] in chain),
                    key=lambda item: chain.index(item[0]),
                )
                if chain
                else upstreams
            )
            for start, _end, _open in story.spans:
                cause = next(
                    (
                        other
                        for other, other_story in candidates
                        if other != mac
                        and any(
                            abs(s - start) <= UPSTREAM_WINDOW_MS for s, _, _ in other_story.spans
                        )
                    ),
                    None,
                )
                if cause is None:
                    continue
                story.caused_upstream += 1
                if cause not in story.upstream:
                    story.upstream.append(cause)
                if mac not in stories[cause].downstream:
                    stories[cause].downstream.append(mac)

    def _link_power_cuts(self, context: Context, stories: dict[str, _Story]) -> None:
        """Note outages that began when the switch a device is plugged into cut its power."""
        inventory = context.inventory
        for mac, story in stories.items():
            switch = inventory.device_uplink(mac)
            cuts = self._power_cuts.get(switch or "")
            if switch is None or not cuts:
                continue
            port = inventory.device_uplink_port(mac)
            for start, _end, _open in story.spans:
                for time_ms, cut_port in cuts:
                    same_port = port is None or cut_port is None or port == cut_port
                    if same_port and -UPSTREAM_WINDOW_MS <= start - time_ms <= UPSTREAM_WINDOW_MS:
                        story.power_cut = (switch, cut_port or port)
                        break

    def _outage(
        self,
        context: Context,
        subject: Subject,
        kind: str,
        device: _Device,
        story: _Story,
        flapping: bool,
    ) -> Finding:
        inventory = context.inventory
        name = subject.name
        outages = len(story.spans) + device.overflow
        down_ms = sum(end - start for start, end, _ in story.spans)
        longest_ms = max((end - start for start, end, _ in story.spans), default=0)
        still_down = bool(story.spans) and story.spans[-1][2]
        peak = _peak_per_hour([s[0] for s in story.spans])
        total = (
            f"It was offline for {duration(down_ms / 1000)} in total (longest "
            f"{duration(longest_ms / 1000)})"
        )
        if flapping:
            rule = "device-flapping"
            title = f"{name} keeps dropping off the network: offline {times(outages)}"
            state = (
                f"up to {peak} times within one hour, and came back each time. {total}"
                + (", and was still offline at the end of this report." if still_down else ".")
                + " A device that comes and goes like this points to a bad cable or port, "
                "unstable power, or a device that crashes and restarts; every drop cuts off "
                "everything connected through it."
            )
            lead = f"The {kind} {name} lost contact with the controller {times(outages)}, "
        else:
            rule = "device-offline"
            if still_down and outages == 1:
                title = f"{name} is offline"
                state = (
                    "It was still offline at the end of this report, "
                    f"{duration(down_ms / 1000)} after it was lost."
                )
            else:
                title = f"{name} went offline {times(outages)}"
                state = total + (
                    " and was still offline at the end of this report." if still_down else "."
                )
            state += (
                f" While {article(kind)} {kind} is offline, everything connected through it "
                "loses the network."
            )
            lead = f"The {kind} {name} lost contact with the controller {times(outages)}. "
        cause = ""
        steps: list[str] = []
        if story.upstream:
            upstream = names([inventory.device_name(mac) for mac in story.upstream])
            plugged = (
                " (which it is plugged into)"
                if inventory.device_uplink(subject.id) in story.upstream
                else ""
            )
            share = "Its outage" if story.caused_upstream == 1 else "Its outages"
            cause = (
                f" {share} began together with {upstream}'s{plugged}: when a switch or gateway "
                "goes down, everything behind it goes with it, so start there."
            )
            steps.append(f"Fix {upstream} first (see its own finding).")
        if story.power_cut is not None:
            switch, port = story.power_cut
            switch_name = inventory.device_name(switch)
            on_port = f" on port {port}" if port else ""
            cause += (
                f" It went offline when {switch_name} cut its PoE power{on_port}: the switch "
                "ran short of power for its ports (see its PoE findings)."
            )
            steps.append(
                f"Free PoE budget on {switch_name}, or power {name} another way (a PoE "
                "injector); see the PoE findings of the switch."
            )
        if story.downstream:
            followers = names([inventory.device_name(mac) for mac in story.downstream])
            cause += f" {followers} went offline with it."
        steps += list(_steps(name, flapping))
        explained = story.caused_upstream and story.caused_upstream == len(story.spans)
        return Finding(
            id=finding_id(context.site, rule, subject),
            rule=rule,
            category=Category.CONNECTIVITY,
            # Down only because its switch or gateway was: the upstream finding is the severe one.
            severity=Severity.MEDIUM if explained else Severity.SEVERE,
            title=title,
            explanation=f"{lead}{state}{cause}",
            remediation=tuple(steps),
            count=outages,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(
                subject,
                *(Subject("device", m, inventory.device_name(m)) for m in story.upstream),
                *(Subject("device", m, inventory.device_name(m)) for m in story.downstream[:16]),
            ),
        )

    def _connected(self, context: Context, subject: Subject, kind: str, device: _Device) -> Finding:
        return Finding(
            id=finding_id(context.site, "device-connected", subject),
            rule="device-connected",
            category=Category.SYSTEM,
            severity=Severity.LOW,
            title=f"{subject.name} connected to the controller {times(device.unexplained_returns)}",
            explanation=(
                f"The {kind} {subject.name} (re)connected to the controller without a "
                "recorded loss of contact in this period: usually after a restart, a firmware "
                "upgrade, an adoption, or an outage that began before the period."
            ),
            remediation=(),
            count=device.unexplained_returns,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )


def uplinks(inventory: Inventory, mac: str) -> list[str]:
    """The devices ``mac`` hangs off, nearest first: its switch, that switch's switch… up to
    the gateway, as far as the records tell. A switch restarting anywhere on the way takes
    the device down with it. Stops at a loop (stale records) or after :data:`MAX_HOPS`.
    """
    chain: list[str] = []
    uplink = inventory.device_uplink(mac)
    while uplink and uplink != mac and uplink not in chain and len(chain) < MAX_HOPS:
        chain.append(uplink)
        uplink = inventory.device_uplink(uplink)
    return chain


def _peak_per_hour(starts: list[int]) -> int:
    """The most outage starts within any one hour."""
    peak, first = 0, 0
    for last in range(len(starts)):
        while starts[last] - starts[first] >= HOUR_MS:
            first += 1
        peak = max(peak, last - first + 1)
    return peak


def _steps(name: str, flapping: bool) -> tuple[str, ...]:
    if flapping:
        return (
            f"Replace the network cable of {name} and try another switch port; check the "
            "port for errors (UniFi Network → UniFi Devices → the switch → Ports).",
            f"If {name} is powered over PoE, check the switch's PoE budget and the port's "
            "PoE mode; try a PoE injector to rule the switch out.",
            f"Update {name} to the current firmware: crash fixes often stop this.",
            "Make sure no other device uses its IP address (a conflict makes it drop in and out).",
            f"If nothing helps, {name} may be failing: contact Ubiquiti support.",
        )
    return (
        f"Check that {name} has power: its status light should be steady; a device powered "
        "over PoE goes dark when its switch port or injector fails.",
        "Check its network cable and the switch port it is plugged into (UniFi Network → "
        "UniFi Devices → the switch → Ports): errors, flapping link or PoE faults point to the "
        "cable or the port.",
        "If it came back by itself, look for power cuts or a switch running out of PoE budget "
        "at the times shown here.",
        "If it stays offline, power-cycle it; if that fails, reset and re-adopt it.",
    )
