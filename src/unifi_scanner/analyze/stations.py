"""Sticky clients from ``stat/sta`` snapshots (``sta:sync``): a wireless client that stays on
one access point with a weak signal or poor experience for a long time.

Signal is ``signal`` (dBm); when only ``rssi`` is given it is signal above the noise floor,
so signal = ``noise`` + ``rssi`` (the noise floor is taken as -95 dBm when not reported).
Satisfaction is UniFi's 0–100 experience score. A streak ends when the client is healthy
again, moves to another access point, or is missing from the snapshots for a while.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.health import number
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import duration, names, times
from unifi_scanner.analyze.thresholds import ClientThresholds

#: A client missing from the snapshots this long has left; its streak ends.
MAX_GAP_MS = 30 * 60_000
NOISE_FLOOR_DBM = -95.0


def signal_dbm(record: Mapping[str, Any]) -> float | None:
    """The client's signal in dBm from ``signal``, or from ``rssi`` and ``noise``."""
    signal = number(record.get("signal"))
    if signal is not None and signal < 0:
        return signal
    rssi = number(record.get("rssi"))
    if rssi is None or rssi <= 0:
        return None
    noise = number(record.get("noise"))
    return (noise if noise is not None and noise < 0 else NOISE_FLOOR_DBM) + rssi


@dataclass(slots=True)
class _Streak:
    ap: str
    start_ms: int
    last_ms: int
    worst_signal: float | None
    worst_satisfaction: float | None


@dataclass(slots=True)
class _Client:
    streak: _Streak | None = None
    episodes: int = 0
    sticky_ms: int = 0
    longest_ms: int = 0
    first_ms: int = 0
    last_ms: int = 0
    worst_signal: float | None = None
    worst_satisfaction: float | None = None
    aps: dict[str, int] = field(default_factory=dict)


def _lower(a: float | None, b: float | None) -> float | None:
    return b if a is None else a if b is None else min(a, b)


class StickyClients:
    """``sticky-client``: long stretches on one access point with weak signal or poor
    satisfaction."""

    rule_id = "sticky-client"

    def __init__(self, thresholds: ClientThresholds) -> None:
        self._t = thresholds
        self._min_ms = thresholds.sticky_min_s * 1000
        self._clients: dict[str, _Client] = {}
        self.snapshots = 0

    def feed(self, time_ms: int, record: Mapping[str, Any]) -> None:
        """Take one client record as it was at ``time_ms`` (wired clients are ignored)."""
        mac, ap = record.get("mac"), record.get("ap_mac")
        if record.get("is_wired") is True or not isinstance(mac, str) or not isinstance(ap, str):
            return
        self.snapshots += 1
        mac, ap = mac.lower(), ap.lower()
        client = self._clients.get(mac)
        if client is None:
            client = self._clients[mac] = _Client()
        signal = signal_dbm(record)
        satisfaction = number(record.get("satisfaction"))
        weak = (signal is not None and signal <= self._t.weak_signal_dbm) or (
            satisfaction is not None and satisfaction <= self._t.low_satisfaction_pct
        )
        streak = client.streak
        if streak is not None and (
            not weak or streak.ap != ap or time_ms - streak.last_ms > MAX_GAP_MS
        ):
            self._close(client)
            streak = None
        if not weak:
            return
        if streak is None:
            client.streak = _Streak(ap, time_ms, time_ms, signal, satisfaction)
        else:
            streak.last_ms = time_ms
            streak.worst_signal = _lower(streak.worst_signal, signal)
            streak.worst_satisfaction = _lower(streak.worst_satisfaction, satisfaction)

    def _close(self, client: _Client) -> None:
        streak = client.streak
        client.streak = None
        if streak is None:
            return
        span = streak.last_ms - streak.start_ms
        if span < self._min_ms:
            return
        if not client.episodes:
            client.first_ms = streak.start_ms
        client.episodes += 1
        client.sticky_ms += span
        client.longest_ms = max(client.longest_ms, span)
        client.last_ms = streak.last_ms
        client.aps[streak.ap] = client.aps.get(streak.ap, 0) + span
        client.worst_signal = _lower(client.worst_signal, streak.worst_signal)
        client.worst_satisfaction = _lower(client.worst_satisfaction, streak.worst_satisfaction)

    def findings(self, context: Context) -> list[Finding]:
        found = []
        several_aps = context.inventory.count_devices("access point") >= 2
        for mac, client in self._clients.items():
            self._close(client)
            if client.episodes:
                found.append(self._finding(context, mac, client, several_aps))
        return found

    def _finding(self, context: Context, mac: str, client: _Client, several: bool) -> Finding:
        inventory = context.inventory
        subject = Subject("client", mac, inventory.client_name(mac))
        name = subject.name
        aps = sorted(client.aps, key=lambda ap: -client.aps[ap])
        where = names([inventory.device_short_name(ap) for ap in aps])
        measures = []
        if client.worst_signal is not None:
            measures.append(f"signal down to {round(client.worst_signal)} dBm")
        if client.worst_satisfaction is not None:
            measures.append(f"experience score down to {round(client.worst_satisfaction)}%")
        why = (
            "It held on to that access point instead of moving to a closer one: some devices "
            "only roam when the signal is almost gone."
            if several
            else "It is at the edge of your WiFi coverage."
        )
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.WIRELESS,
            severity=Severity.MEDIUM,
            title=(
                f"{name} stayed on a weak connection to {where} for "
                f"{duration(client.sticky_ms / 1000)}"
            ),
            explanation=(
                f"{name} spent {duration(client.sticky_ms / 1000)} connected to {where} with a "
                f"poor connection ({', '.join(measures) or 'poor'}), {times(client.episodes)} "
                f"(longest {duration(client.longest_ms / 1000)}). {why} A weak connection is "
                "slow and drops out, and it slows the access point down for every other client."
            ),
            remediation=(
                "Turn on Minimum RSSI for the access point's radios (UniFi Network → UniFi "
                "Devices → the access point → Radios → Min RSSI, e.g. -75 dBm) so weak clients "
                "are nudged to a better one"
                + (", and BSS Transition (802.11v) on the WiFi network." if several else "."),
                f"Move {name} closer to an access point, or add one where it is used.",
                "Update the client's operating system or WiFi driver.",
            ),
            count=client.episodes,
            first_seen_ms=client.first_ms,
            last_seen_ms=client.last_ms,
            subjects=(
                subject,
                *(Subject("device", ap, inventory.device_name(ap)) for ap in aps[:8]),
            ),
        )
