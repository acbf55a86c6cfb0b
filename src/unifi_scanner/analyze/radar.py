"""DFS radar hits, explained together with the channel change they forced.

The channel change also counts on its own in ``channel-changes``: this rule is layered on the
same key on purpose, so a radar hit is never hidden by the channel-change summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import channels, duration, times
from unifi_scanner.analyze.thresholds import RadioThresholds
from unifi_scanner.controller.models import Event

RADAR = "EVT_AP_RadarDetected"
CHANNEL_CHANGED = "EVT_AP_ChannelChanged"


@dataclass(slots=True)
class _RadarAp:
    first_ms: int
    last_ms: int = 0
    hits: int = 0
    channels: dict[str, int] = field(default_factory=dict)
    moved_to: dict[str, int] = field(default_factory=dict)
    awaiting_since: int | None = None
    slowest_move_ms: int = 0


class RadarHits:
    """``dfs-radar``: one finding per access point that heard radar."""

    rule_id = "dfs-radar"
    rules = ("dfs-radar",)
    keys = frozenset({RADAR, CHANNEL_CHANGED})

    def __init__(self, thresholds: RadioThresholds) -> None:
        self._window_ms = thresholds.radar_channel_change_window_s * 1000
        self._aps: dict[str, _RadarAp] = {}

    def feed(self, event: Event) -> None:
        mac = event.text("ap")
        if mac is None:
            return
        mac = mac.lower()
        t = event.time_ms
        if event.key == RADAR:
            ap = self._aps.get(mac)
            if ap is None:
                ap = self._aps[mac] = _RadarAp(first_ms=t)
            ap.hits += 1
            ap.last_ms = max(ap.last_ms, t)
            channel = event.text("radar_channel") or event.text("channel") or "unknown"
            ap.channels[channel] = ap.channels.get(channel, 0) + 1
            ap.awaiting_since = t
            return
        ap = self._aps.get(mac)
        if ap is None or ap.awaiting_since is None:
            return
        if t - ap.awaiting_since <= self._window_ms:
            target = event.text("channel_to") or event.text("channel") or "another channel"
            ap.moved_to[target] = ap.moved_to.get(target, 0) + 1
            ap.slowest_move_ms = max(ap.slowest_move_ms, t - ap.awaiting_since)
            ap.last_ms = max(ap.last_ms, t)
        ap.awaiting_since = None

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, ap in self._aps.items():
            subject = Subject("device", mac, context.inventory.device_name(mac))
            heard = channels(_ranked(ap.channels))
            if ap.moved_to:
                targets = channels(_ranked(ap.moved_to))
                within = duration(ap.slowest_move_ms / 1000)
                moved = f"and, as the law requires, moved to {targets} (within {within})"
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
                        f"{subject.name} heard radar (weather, airport or military) on {heard} "
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


def _ranked(counts: dict[str, int]) -> list[str]:
    return sorted(counts, key=lambda value: -counts[value])
