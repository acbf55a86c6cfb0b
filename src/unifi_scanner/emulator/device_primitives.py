"""Device-side primitives of the `Simulation` (a mixin): reachability, RF, firmware, PoE, heat,
WAN and drifting levels.

Like the client primitives, each checks the network state before acting and returns False
when the action no longer makes sense (an AP that is down cannot detect radar, a device being
upgraded cannot lose contact again). Every change is written to the `StateHistory`, so that
`stat/device` at any moment agrees with the events emitted so far.
"""

from __future__ import annotations

from unifi_scanner.emulator import device_events
from unifi_scanner.emulator.events import EventDraft
from unifi_scanner.emulator.inventory import Device, Inventory
from unifi_scanner.emulator.threats import IpsHit, ips_alert
from unifi_scanner.emulator.timeline import DeviceStatus, Ramp, StateHistory, Track

STATE_DISCONNECTED = 0
STATE_CONNECTED = 1
STATE_UPGRADING = 4


class DevicePrimitives:
    """Mixed into `Simulation`, which provides the attributes and `emit` declared here."""

    inventory: Inventory
    history: StateHistory
    now: int

    def emit(self, site: str, draft: EventDraft) -> None:  # pragma: no cover - Simulation's
        raise NotImplementedError

    # -- queries ------------------------------------------------------------------------------

    def status(self, device: str) -> DeviceStatus:
        """The current status of `device`."""
        return self.history.devices[device].at(self.now)

    def is_up(self, device: str) -> bool:
        """Whether `device` is reachable now."""
        return self.status(device).up

    def channel(self, ap: str, radio: str) -> int:
        """The current channel of `ap`'s radio `radio`."""
        return self.history.channels[(ap, radio)].at(self.now)

    def firmware(self, device: str) -> str:
        """The firmware `device` runs now."""
        return self.status(device).version or self.inventory.device(device).version

    def _set_status(
        self, device: str, *, up: bool, state: int, version: str | None = None
    ) -> Device:
        status = self.status(device).moved(self.now, up=up, state=state)
        if version is not None:
            status = DeviceStatus(status.up, status.since_ms, status.state, version)
        self.history.devices[device].set(self.now, status)
        return self.inventory.device(device)

    # -- reachability and RF ----------------------------------------------------------------

    def device_down(self, device: str) -> bool:
        """The controller loses contact with `device`."""
        if not self.is_up(device):
            return False
        info = self._set_status(device, up=False, state=STATE_DISCONNECTED)
        self.emit(info.site, device_events.device_lost_contact(info))
        return True

    def device_up(self, device: str) -> bool:
        """`device` is reachable again (its uptime restarts now)."""
        if self.is_up(device) or self.status(device).state == STATE_UPGRADING:
            return False
        info = self._set_status(device, up=True, state=STATE_CONNECTED)
        self.emit(info.site, device_events.device_connected(info))
        return True

    def radar(self, ap: str) -> bool:
        """`ap` detects DFS radar on its current 5 GHz channel (no state change by itself)."""
        info = self.inventory.device(ap)
        if info.radio("na") is None or not self.is_up(ap):
            return False
        self.emit(info.site, device_events.radar_detected(info, self.channel(ap, "na")))
        return True

    def change_channel(self, ap: str, radio: str, channel: int) -> bool:
        """Move `ap`'s radio `radio` to `channel`; its clients follow (no client events)."""
        current = self.channel(ap, radio)
        if current == channel or not self.is_up(ap):
            return False
        info = self.inventory.device(ap)
        self.history.channels[(ap, radio)].set(self.now, channel)
        self.emit(info.site, device_events.channel_changed(info, radio, current, channel))
        return True

    def ips_alert(self, site: str, hit: IpsHit) -> bool:
        """The site's gateway raises an IDS/IPS alert (on the WAN interface in use)."""
        gateway = self.inventory.gateway(site)
        if gateway is None or not self.is_up(gateway.handle):
            return False
        interface = self.history.active_wan(gateway.handle, self.now) or gateway.wan_interface
        self.emit(site, ips_alert(hit, gateway, interface or "eth0"))
        return True

    # -- firmware -----------------------------------------------------------------------------

    def schedule_upgrade(self, device: str, version: str) -> bool:
        """Announce an upgrade of `device` to `version` (no state change yet)."""
        if not self.is_up(device) or self.firmware(device) == version:
            return False
        info = self.inventory.device(device)
        self.emit(info.site, device_events.upgrade_scheduled(info, self.firmware(device), version))
        return True

    def begin_upgrade(self, device: str) -> bool:
        """`device` flashes and reboots: state 4 (upgrading), not serving anything."""
        if not self.is_up(device):
            return False
        self._set_status(device, up=False, state=STATE_UPGRADING)
        return True

    def finish_upgrade(self, device: str, version: str) -> bool:
        """`device` comes back on `version` (uptime restarts, `upgradable` clears)."""
        status = self.status(device)
        if status.state != STATE_UPGRADING:
            return False
        before = self.firmware(device)
        info = self._set_status(device, up=True, state=STATE_CONNECTED, version=version)
        self.emit(info.site, device_events.upgraded(info, before, version))
        return True

    def fail_upgrade(self, device: str, version: str) -> bool:
        """`device` comes back on its old firmware after a failed upgrade to `version`."""
        if self.status(device).state != STATE_UPGRADING:
            return False
        info = self._set_status(device, up=True, state=STATE_CONNECTED)
        self.emit(info.site, device_events.upgrade_failed(info, self.firmware(device), version))
        return True

    # -- PoE, heat, WAN -----------------------------------------------------------------------

    def _flag(self, device: str, name: str, value: bool) -> bool:
        track = self.history.flags.setdefault((device, name), Track(False))
        if track.at(self.now) == value:
            return False
        track.set(self.now, value)
        return True

    def poe_overload(self, switch: str, port: int) -> bool:
        """`switch` reports that port `port` exceeds the PoE budget."""
        info = self.inventory.device(switch)
        if port not in info.poe_ports or not self.is_up(switch):
            return False
        self.emit(info.site, device_events.poe_overload(info, port))
        return True

    def poe_cut(self, switch: str, port: int) -> bool:
        """`switch` cuts power to `port` (what hangs off it loses power: the caller decides)."""
        info = self.inventory.device(switch)
        if port not in info.poe_ports or not self.is_up(switch):
            return False
        if not self._flag(switch, f"poe-cut:{port}", True):
            return False
        self.emit(info.site, device_events.poe_disconnect(info, port))
        return True

    def poe_restore(self, switch: str, port: int) -> bool:
        """Power returns to `port` (no event of its own)."""
        return self._flag(switch, f"poe-cut:{port}", False)

    def drift(self, device: str, name: str, value: float, over_ms: int) -> None:
        """Move level `name` of `device` (e.g. `temperature` in °C above normal, or
        `poe:<port>` extra watts) to `value` over the next `over_ms`."""
        self.history.levels.setdefault((device, name), Ramp()).towards(self.now, value, over_ms)

    def overheat(self, switch: str, temperature: int) -> bool:
        """`switch` reports overheating at `temperature` °C (`overheating` until `cool_down`)."""
        info = self.inventory.device(switch)
        if not self.is_up(switch) or not self._flag(switch, "overheating", True):
            return False
        self.emit(info.site, device_events.overheat(info, temperature))
        return True

    def cool_down(self, switch: str) -> bool:
        """`switch` is no longer overheating (no event of its own)."""
        return self._flag(switch, "overheating", False)

    def wan_transition(self, gateway: str, interface: str, state: str) -> bool:
        """A WAN interface of `gateway` changes state; `active` makes it the one in use."""
        info = self.inventory.device(gateway)
        interfaces = [i for i in (info.wan_interface, info.wan2_interface) if i]
        if interface not in interfaces or state not in ("active", "inactive"):
            return False
        track = self.history.wan.setdefault(gateway, Track(interfaces[0]))
        if state == "active":
            track.set(self.now, interface)
        self.emit(info.site, device_events.wan_transition(info, interface, state))
        return True
