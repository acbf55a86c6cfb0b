"""Rules that look at events together over time: roam storms, outages, radar hits.

Each processor keeps bounded state per subject while events stream past in time order and
turns it into findings at the end.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import article, duration, names, times
from unifi_scanner.controller.models import Event


@dataclass(frozen=True, slots=True)
class Thresholds:
    """Tunable limits of the aggregating rules."""

    roams_per_hour: int = 10
    radar_channel_change_window_s: int = 600


# -- excessive roaming ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Roamer:
    window: deque[int]
    total: int = 0
    peak: int = 0
    first_ms: int = 0
    last_ms: int = 0
    access_points: Counter[str] = field(default_factory=Counter)


class ExcessiveRoaming:
    """A client roaming at least ``roams_per_hour`` times within any one hour."""

    rule_id = "excessive-roaming"
    keys = frozenset({"EVT_WU_Roam", "EVT_WG_Roam"})
    _WINDOW_MS = 3_600_000

    def __init__(self, thresholds: Thresholds) -> None:
        self.threshold = thresholds.roams_per_hour
        self._clients: dict[str, _Roamer] = {}

    def feed(self, event: Event) -> None:
        mac = event.text("user") or event.text("guest")
        if mac is None:
            return
        mac = mac.lower()
        roamer = self._clients.get(mac)
        if roamer is None:
            # Bounded: a storm of thousands of roams an hour still keeps a fixed window.
            window: deque[int] = deque(maxlen=max(self.threshold * 20, 200))
            roamer = self._clients[mac] = _Roamer(window, first_ms=event.time_ms)
        t = event.time_ms
        roamer.window.append(t)
        while roamer.window and t - roamer.window[0] >= self._WINDOW_MS:
            roamer.window.popleft()
        roamer.total += 1
        roamer.peak = max(roamer.peak, len(roamer.window))
        roamer.last_ms = t
        for name in ("ap_from", "ap_to"):
            ap = event.text(name)
            if ap:
                roamer.access_points[ap.lower()] += 1

    def findings(self, context: Context) -> list[Finding]:
        inventory = context.inventory
        found = []
        for mac, roamer in self._clients.items():
            if roamer.peak < self.threshold:
                continue
            client = Subject("client", mac, inventory.client_name(mac))
            aps = [
                Subject("device", ap, inventory.device_name(ap))
                for ap, _ in roamer.access_points.most_common()
            ]
            top = [inventory.device_short_name(ap.id) for ap in aps[:2]]
            between = " and ".join(top) if len(top) == 2 else names([a.name for a in aps])
            found.append(
                Finding(
                    id=finding_id(context.site, self.rule_id, client),
                    rule=self.rule_id,
                    category=Category.WIRELESS,
                    severity=Severity.MEDIUM,
                    title=f"{client.name} roamed {roamer.peak} times within one hour",
                    explanation=(
                        f"{client.name} kept switching access points, mostly between {between}: "
                        f"{roamer.total} roams in this period, up to {roamer.peak} within one "
                        f"hour (more than {self.threshold} an hour is unusual). Every roam "
                        "interrupts calls and video for a moment. It usually means two access "
                        "points cover the same spot with almost the same signal, or that the "
                        "client's WiFi is struggling."
                    ),
                    remediation=(
                        f"Find where {client.name} is used. If it sits between {between}, "
                        "lower the transmit power of one of them (UniFi Network → UniFi Devices "
                        "→ the access point → Radios → Transmit Power: Medium or Low) so one "
                        "clearly wins.",
                        "Make sure neighbouring access points are on different channels.",
                        "Update the client's operating system or WiFi driver; some devices "
                        "roam aggressively on old drivers.",
                        f"If {client.name} never moves (a TV, a printer), lock it to the nearest "
                        "access point (the client's Settings → Lock to Access Point).",
                    ),
                    count=roamer.total,
                    first_seen_ms=roamer.first_ms,
                    last_seen_ms=roamer.last_ms,
                    subjects=(client, *aps),
                )
            )
        return found


# -- devices going offline ---------------------------------------------------------------

_KINDS = {"AP": "access point", "SW": "switch", "GW": "gateway", "DM": "gateway", "XG": "gateway"}
_LOST = frozenset(f"EVT_{p}_Lost_Contact" for p in _KINDS)
_BACK = frozenset(f"EVT_{p}_Connected" for p in _KINDS)


@dataclass(slots=True)
class _Device:
    kind: str
    first_ms: int
    last_ms: int = 0
    down_since: int | None = None
    outages: int = 0
    down_ms: int = 0
    longest_ms: int = 0
    returns: int = 0
    unexplained_returns: int = 0


class DeviceOutages:
    """Devices losing contact with the controller, paired with their return for durations."""

    rule_id = "device-offline"
    keys = _LOST | _BACK

    def __init__(self) -> None:
        self._devices: dict[str, _Device] = {}

    def feed(self, event: Event) -> None:
        prefix = event.key.split("_")[1]
        mac = event.text(prefix.lower())
        if mac is None:
            return
        mac = mac.lower()
        device = self._devices.get(mac)
        if device is None:
            device = self._devices[mac] = _Device(_KINDS.get(prefix, "device"), event.time_ms)
        device.last_ms = event.time_ms
        if event.key in _LOST:
            if device.down_since is None:
                device.down_since = event.time_ms
                device.outages += 1
        elif device.down_since is not None:
            self._close(device, event.time_ms)
            device.returns += 1
        else:
            device.unexplained_returns += 1

    @staticmethod
    def _close(device: _Device, end_ms: int) -> None:
        assert device.down_since is not None
        span = max(0, end_ms - device.down_since)
        device.down_ms += span
        device.longest_ms = max(device.longest_ms, span)
        device.down_since = None

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, device in self._devices.items():
            subject = Subject("device", mac, context.inventory.device_name(mac))
            if device.outages:
                found.append(self._outage(context, subject, device))
            elif device.unexplained_returns:
                found.append(self._connected(context, subject, device))
        return found

    def _outage(self, context: Context, subject: Subject, device: _Device) -> Finding:
        name = subject.name
        down_ms, longest_ms = device.down_ms, device.longest_ms
        still_down = device.down_since is not None
        if device.down_since is not None:
            # Still offline when the period ended: it counts as down until then.
            open_ms = max(0, context.period_end_ms - device.down_since)
            down_ms += open_ms
            longest_ms = max(longest_ms, open_ms)
        if still_down and device.outages == 1:
            title = f"{name} is offline"
            state = (
                "It was still offline at the end of this report, "
                f"{duration(down_ms / 1000)} after it was lost."
            )
        else:
            title = f"{name} went offline {times(device.outages)}"
            state = (
                f"It was offline for {duration(down_ms / 1000)} in total (longest "
                f"{duration(longest_ms / 1000)})"
                + (" and was still offline at the end of this report." if still_down else ".")
            )
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.CONNECTIVITY,
            severity=Severity.SEVERE,
            title=title,
            explanation=(
                f"The {device.kind} {name} lost contact with the controller "
                f"{times(device.outages)}. {state} While {article(device.kind)} {device.kind} is "
                "offline, everything "
                "connected through it loses the network."
            ),
            remediation=(
                f"Check that {name} has power: its status light should be steady; a device "
                "powered over PoE goes dark when its switch port or injector fails.",
                "Check its network cable and the switch port it is plugged into (UniFi Network → "
                "UniFi Devices → the switch → Ports): errors, flapping link or PoE faults point "
                "to the cable or the port.",
                "If it came back by itself, look for power cuts or a switch running out of PoE "
                "budget at the times shown here.",
                "If it stays offline, power-cycle it; if that fails, reset and re-adopt it.",
            ),
            count=device.outages,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )

    def _connected(self, context: Context, subject: Subject, device: _Device) -> Finding:
        return Finding(
            id=finding_id(context.site, "device-connected", subject),
            rule="device-connected",
            category=Category.SYSTEM,
            severity=Severity.LOW,
            title=f"{subject.name} connected to the controller {times(device.unexplained_returns)}",
            explanation=(
                f"The {device.kind} {subject.name} (re)connected to the controller without a "
                "recorded loss of contact in this period: usually after a restart, a firmware "
                "upgrade, an adoption, or an outage that began before the period."
            ),
            remediation=(),
            count=device.unexplained_returns,
            first_seen_ms=device.first_ms,
            last_seen_ms=device.last_ms,
            subjects=(subject,),
        )


# -- DFS radar ---------------------------------------------------------------------------


@dataclass(slots=True)
class _RadarAp:
    first_ms: int
    last_ms: int = 0
    hits: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    moved_to: Counter[str] = field(default_factory=Counter)
    awaiting_change_until: int | None = None


class RadarHits:
    """DFS radar detections, explained together with the channel change that followed."""

    rule_id = "dfs-radar"
    keys = frozenset({"EVT_AP_RadarDetected", "EVT_AP_ChannelChanged"})

    def __init__(self, thresholds: Thresholds) -> None:
        self._window_ms = thresholds.radar_channel_change_window_s * 1000
        self._aps: dict[str, _RadarAp] = {}

    def feed(self, event: Event) -> None:
        mac = event.text("ap")
        if mac is None:
            return
        mac = mac.lower()
        if event.key == "EVT_AP_RadarDetected":
            ap = self._aps.get(mac)
            if ap is None:
                ap = self._aps[mac] = _RadarAp(first_ms=event.time_ms)
            ap.hits += 1
            ap.last_ms = event.time_ms
            ap.channels[event.text("radar_channel") or event.text("channel") or "?"] += 1
            ap.awaiting_change_until = event.time_ms + self._window_ms
            return
        ap = self._aps.get(mac)
        if ap is None or ap.awaiting_change_until is None:
            return
        if event.time_ms <= ap.awaiting_change_until:
            target = event.text("channel_to") or event.text("channel")
            ap.moved_to[target or "another channel"] += 1
            ap.last_ms = max(ap.last_ms, event.time_ms)
        ap.awaiting_change_until = None

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, ap in self._aps.items():
            subject = Subject("device", mac, context.inventory.device_name(mac))
            channels = names([f"channel {c}" for c, _ in ap.channels.most_common()])
            if ap.moved_to:
                moved = "and, as the law requires, moved to " + names(
                    [f"channel {c}" for c, _ in ap.moved_to.most_common()]
                )
            else:
                moved = "and had to leave it (no channel change was recorded)"
            found.append(
                Finding(
                    id=finding_id(context.site, self.rule_id, subject),
                    rule=self.rule_id,
                    category=Category.WIRELESS,
                    severity=Severity.MEDIUM,
                    title=f"{subject.name} detected radar {times(ap.hits)}",
                    explanation=(
                        f"{subject.name} heard radar (weather, airport or military) on {channels} "
                        f"{moved}. Those 5 GHz channels are shared with radar (DFS channels); "
                        "when radar appears, WiFi must leave at once and stay off that channel "
                        "for 30 minutes, so clients on that radio were dropped for a moment."
                    ),
                    remediation=(
                        f"If this happens often, give {subject.name} a 5 GHz channel without "
                        "radar rules: 36–48 or 149–165 (UniFi Network → UniFi Devices → the "
                        "access point → Radios → Channel).",
                        "Use a narrower channel width (40 or 80 MHz instead of 160 MHz): wide "
                        "channels overlap DFS channels more often.",
                        "An occasional hit near an airport or a weather station is normal and "
                        "needs no action.",
                    ),
                    count=ap.hits,
                    first_seen_ms=ap.first_ms,
                    last_seen_ms=ap.last_ms,
                    subjects=(subject,),
                )
            )
        return found
