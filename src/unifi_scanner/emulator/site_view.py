"""The state of one site at one moment, gathered once for all the records built from it.

`stat/device`, `stat/sta`, `stat/health` and the sync frames all need "who is connected where
right now". On a large site (thousands of clients, hundreds of APs) asking the history for
each AP separately would cost APs × clients lookups; a `SiteView` looks every client up once
and indexes the result by AP and by switch.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from unifi_scanner.emulator.inventory import Client, Device, Inventory, Site
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.timeline import DeviceStatus, Placement, StateHistory

Station = tuple[Client, Placement]


@dataclass
class SiteView:
    """Site `site` at snapshot `at`."""

    inventory: Inventory
    history: StateHistory
    site: Site
    at: Snapshot
    connected: list[Station] = field(default_factory=list)
    by_ap: dict[str, list[Station]] = field(default_factory=dict)

    @classmethod
    def of(cls, inventory: Inventory, history: StateHistory, site: str, at: Snapshot) -> SiteView:
        """Gather the state of `site` (its short name must be known)."""
        known = inventory.site(site)
        if known is None:
            raise KeyError(site)
        view = cls(inventory, history, known, at)
        for client in inventory.clients_of(site):
            placement = history.placement(client.handle, at.offset_ms)
            if placement is not None:
                view.connected.append((client, placement))
                if placement.ap is not None:
                    view.by_ap.setdefault(placement.ap, []).append((client, placement))
        return view

    @property
    def offset_ms(self) -> int:
        """Scenario offset of the snapshot."""
        return self.at.offset_ms

    def status(self, device: Device) -> DeviceStatus:
        """Status of `device` at the snapshot."""
        return self.history.status(device.handle, self.at.offset_ms)

    def stations_on(self, device: Device) -> list[Station]:
        """Wireless clients associated with AP `device`."""
        return self.by_ap.get(device.handle, [])

    def firmware(self, device: Device) -> str:
        """The firmware `device` runs at the snapshot."""
        return self.status(device).version or device.version
