"""When devices were offline and WAN links down, as spans with start, end and length.

The ``device-offline`` and ``wan-failover`` findings tell the story in words; the connectivity
section lists the spans themselves. A device span opens at a loss of contact
(``EVT_*_Lost_Contact``, ``EVT_*_Disconnected``) and closes at the next ``EVT_*_Connected``; a
WAN span opens when an interface of ``EVT_GW_WANTransition`` turns ``inactive`` and closes when
it is ``active`` again. A span still open at the end of the period is "ongoing". A device span
next to a firmware upgrade of the same device is marked as such: the restart was expected.

Bounded: at most :data:`MAX_SPANS` spans of each kind are kept (the rest are counted).
"""

from __future__ import annotations

from dataclasses import dataclass

from unifi_scanner.analyze.devices import device_of
from unifi_scanner.analyze.outages import BACK, LOST, UPGRADE_SLACK_MS
from unifi_scanner.controller.models import Event

MAX_SPANS = 2_000
#: Upgrade moments remembered per device (to mark outages an upgrade explains).
MAX_UPGRADES = 64


@dataclass(slots=True)
class Span:
    """``subject`` (a device MAC) down from ``start_ms`` until ``end_ms`` (None: still down)."""

    subject: str
    start_ms: int
    end_ms: int | None = None
    interface: str = ""


class OutageLog:
    """Device outages and WAN link outages, in the order they began."""

    def __init__(self) -> None:
        self.outages: list[Span] = []
        self.links: list[Span] = []
        self.unlisted_outages = 0
        self.unlisted_links = 0
        self._open: dict[str, Span] = {}
        self._open_links: dict[tuple[str, str], Span] = {}
        self._upgrades: dict[str, list[int]] = {}

    def device_event(self, event: Event) -> None:
        """A loss of contact or a return of a device."""
        found = device_of(event)
        if found is None:
            return
        mac = found[0]
        current = self._open.get(mac)
        if event.key in LOST:
            if current is None:
                span = Span(mac, event.time_ms)
                self._open[mac] = span
                if len(self.outages) < MAX_SPANS:
                    self.outages.append(span)
                else:
                    self.unlisted_outages += 1
        elif event.key in BACK and current is not None:
            current.end_ms = event.time_ms
            del self._open[mac]

    def upgraded(self, event: Event) -> None:
        """A firmware upgrade of a device (``EVT_*_Upgraded``)."""
        found = device_of(event)
        if found is not None:
            moments = self._upgrades.setdefault(found[0], [])
            if len(moments) < MAX_UPGRADES:
                moments.append(event.time_ms)

    def wan_event(self, event: Event) -> None:
        """``EVT_GW_WANTransition``: an interface became ``active`` or ``inactive``."""
        gateway = (event.text("gw") or event.text("dm") or event.text("xg") or "").lower()
        interface = event.text("iface") or "WAN"
        state = (event.text("state") or "").lower()
        key = (gateway, interface)
        current = self._open_links.get(key)
        if state == "inactive" and current is None:
            span = Span(gateway, event.time_ms, interface=interface)
            self._open_links[key] = span
            if len(self.links) < MAX_SPANS:
                self.links.append(span)
            else:
                self.unlisted_links += 1
        elif state == "active" and current is not None:
            current.end_ms = event.time_ms
            del self._open_links[key]

    def during_upgrade(self, span: Span, period_end_ms: int) -> bool:
        """Whether the device was upgraded around this outage (so it was expected)."""
        end = span.end_ms if span.end_ms is not None else period_end_ms
        return any(
            span.start_ms - UPGRADE_SLACK_MS <= moment <= end + UPGRADE_SLACK_MS
            for moment in self._upgrades.get(span.subject, ())
        )
