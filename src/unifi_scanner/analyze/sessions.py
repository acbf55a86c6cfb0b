"""Clients that connect and drop again within moments, again and again.

One short session is nothing (a phone waking up). Many in an hour mean the client fails to
stay on: a wrong saved password or an 802.1X problem, no address from DHCP, the edge of
coverage, or — for a wired client — a bad cable or port.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.analyze.catalogue import DISCONNECTS
from unifi_scanner.analyze.findings import Category, Finding, Severity, Subject, finding_id
from unifi_scanner.analyze.macs import LowerMacs
from unifi_scanner.analyze.rules import Context
from unifi_scanner.analyze.text import duration, names, times
from unifi_scanner.analyze.thresholds import ClientThresholds
from unifi_scanner.analyze.windows import RateWatch
from unifi_scanner.controller.models import Event

_WIRED = frozenset({"EVT_LU_Disconnected", "EVT_LG_Disconnected"})


@dataclass(slots=True)
class _Client:
    first_ms: int
    last_ms: int
    wired: bool
    watch: RateWatch
    short: int = 0
    shortest_s: int = 0
    places: dict[str, int] = field(default_factory=dict)
    ssids: dict[str, int] = field(default_factory=dict)


def session_seconds(value: object) -> int | None:
    """The ``duration`` of a disconnect (int, float or digits), in seconds."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float) and value == value:
        return int(value)
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


class ShortSessions:
    """``short-sessions``: many disconnects after less than ``short_session_s`` connected."""

    rule_id = "short-sessions"
    rules = ("short-sessions",)
    keys = DISCONNECTS

    def __init__(self, thresholds: ClientThresholds) -> None:
        self._short_s = thresholds.short_session_s
        self._per_hour = thresholds.short_sessions_per_hour
        self._clients: dict[str, _Client] = {}
        self._lower = LowerMacs()

    @property
    def short_session_s(self) -> int:
        """Sessions shorter than this (seconds) are short."""
        return self._short_s

    def feed(self, event: Event) -> None:
        seconds = event.payload.get("duration")
        if seconds.__class__ is not int:  # the common case first: an int, and a long one
            seconds = session_seconds(seconds)
        if seconds is not None and seconds < self._short_s:
            self.record(event, seconds)

    def record(self, event: Event, seconds: int) -> None:
        """Count a disconnect after ``seconds`` (already known to be short) for its client."""
        payload = event.payload
        mac = payload.get("user") or payload.get("guest")
        if mac.__class__ is not str or not mac:
            return
        mac = self._lower[mac]
        t = event.time_ms
        client = self._clients.get(mac)
        if client is None:
            watch = RateWatch(self._per_hour)
            client = self._clients[mac] = _Client(
                t, t, event.key in _WIRED, watch, shortest_s=seconds
            )
        client.short += 1
        client.last_ms = t
        if seconds < client.shortest_s:
            client.shortest_s = seconds
        client.watch.add(t)
        place = payload.get("ap") or payload.get("sw")
        if place.__class__ is str:
            place = self._lower[place]
            client.places[place] = client.places.get(place, 0) + 1
        ssid = payload.get("ssid")
        if ssid.__class__ is str and ssid:
            client.ssids[ssid] = client.ssids.get(ssid, 0) + 1

    def findings(self, context: Context) -> list[Finding]:
        found = []
        for mac, client in self._clients.items():
            if client.watch.peak >= self._per_hour:
                found.append(self._finding(context, mac, client))
        return found

    def _finding(self, context: Context, mac: str, client: _Client) -> Finding:
        subject = Subject("client", mac, context.inventory.client_name(mac))
        name = subject.name
        places = sorted(client.places, key=lambda p: -client.places[p])
        devices = [Subject("device", p, context.inventory.device_name(p)) for p in places]
        where = names([context.inventory.device_short_name(p) for p in places])
        at = f", at {where}" if places else ""
        switch = where if places else "the switch"
        limit = duration(self._short_s)
        if client.wired:
            causes = (
                "For a wired client this points to a faulty cable, a bad switch port, or a "
                "device that keeps rebooting."
            )
            steps: tuple[str, ...] = (
                f"Replace the network cable of {name} and try another switch port.",
                f"Check the switch port for errors (UniFi Network → UniFi Devices → {switch} → "
                "Ports).",
                f"Check whether {name} itself keeps restarting (power supply, updates).",
            )
        else:
            ssid = max(client.ssids, key=lambda s: client.ssids[s]) if client.ssids else None
            network = f' "{ssid}"' if ssid else ""
            causes = (
                "A device that joins and falls off at once usually fails to log in (a wrong "
                "saved WiFi password, an 802.1X/RADIUS problem), gets no IP address, or sits "
                "at the edge of coverage."
            )
            steps = (
                f"On {name}, forget the WiFi network{network} and join it again with the "
                "current password.",
                "Check that the network still has free IP addresses (UniFi Network → Settings "
                "→ Networks → DHCP range) and that the client gets one.",
                f"Check the signal where {name} is used (UniFi Network → Client Devices → "
                f"{name}); move it or the access point closer if it is weak.",
                "For older smart-home devices: make sure the network offers WPA2 (not only "
                "WPA3) on 2.4 GHz, and try turning off Fast Roaming for that network.",
            )
        return Finding(
            id=finding_id(context.site, self.rule_id, subject),
            rule=self.rule_id,
            category=Category.CONNECTIVITY,
            severity=Severity.MEDIUM,
            title=f"{name} dropped off {times(client.short)} within {limit} of connecting",
            explanation=(
                f"{name} disconnected {times(client.short)} after being connected for less "
                f"than {limit} (the shortest lasted {duration(client.shortest_s)}), up to "
                f"{client.watch.peak} times within one hour{at}. {causes}"
            ),
            remediation=steps,
            count=client.short,
            first_seen_ms=client.first_ms,
            last_seen_ms=client.last_ms,
            subjects=(subject, *devices[:8]),
        )
