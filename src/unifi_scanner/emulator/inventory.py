"""What the emulated controller manages: sites, networks, WLANs, devices and clients.

These records are static for a whole scenario (a client's MAC or an AP's model never change);
what changes over time (who is connected where, which device is up, which channel a radio
uses) lives in `timeline.StateHistory`. Objects refer to each other by `handle`, a short stable
name chosen by the scenario ("kitchen-ap"), never by MAC, so that scenario modules read well.

Offsets (`*_ms` fields) are milliseconds relative to the scenario start, negative for things
that happened before it (a device booted three days earlier).
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Site:
    """A UniFi site: `name` is the short name used in URLs, `desc` the display name."""

    id: str
    name: str
    desc: str


@dataclass(frozen=True)
class Network:
    """A LAN (VLAN) with a /24 `subnet` given as its first three octets."""

    id: str
    site: str
    name: str
    subnet: str
    vlan: int | None = None
    purpose: str = "corporate"

    @property
    def gateway_ip(self) -> str:
        """The gateway's address on this network (`.1`)."""
        return f"{self.subnet}.1"


@dataclass(frozen=True)
class Wlan:
    """A wireless network (SSID) bridged to `network`, offered on `bands`."""

    id: str
    site: str
    ssid: str
    network: str
    bands: tuple[str, ...] = ("ng", "na")
    guest: bool = False


@dataclass(frozen=True)
class Radio:
    """One radio of an access point and its channel at the start of the scenario."""

    radio: str  # "ng" (2.4 GHz), "na" (5 GHz) or "6e" (6 GHz)
    name: str  # interface name, e.g. "wifi0"
    channel: int
    width: int  # MHz
    tx_power: int  # dBm
    max_clients: int = 256


@dataclass(frozen=True)
class Link:
    """A cable from something to port `port` of device `device` (a handle)."""

    device: str
    port: int


@dataclass(frozen=True)
class Device:
    """An adopted UniFi device (gateway, switch or access point)."""

    handle: str
    id: str
    site: str
    mac: str
    name: str
    model: str  # wire model code, e.g. "UAL6"
    model_name: str  # marketing name, e.g. "U6 Lite"
    type: str  # "udm", "usw", "uap", …
    version: str
    ip: str
    boot_ms: int  # when it last booted
    radios: tuple[Radio, ...] = ()
    ports: int = 0
    poe_ports: tuple[int, ...] = ()
    poe_budget_w: float | None = None
    uplink: Link | None = None
    upgrade_to: str | None = None
    has_temperature: bool = False
    has_fan: bool = False
    cpu_base: float = 5.0  # typical CPU load (%)
    mem_base: float = 30.0  # typical memory use (%)
    wan_ip: str | None = None  # gateways: public address
    wan_interface: str | None = None  # gateways: WAN port interface, e.g. "eth8"
    wan2_ip: str | None = None  # gateways with a backup uplink: its public address
    wan2_interface: str | None = None  # … and its interface, e.g. "eth9"
    overheat_at: int = 80  # °C at which the device reports overheating

    @property
    def serial(self) -> str:
        """UniFi serials are the MAC in upper case without separators."""
        return self.mac.replace(":", "").upper()

    def radio(self, band: str) -> Radio | None:
        """This device's radio on `band`, if it has one."""
        return next((radio for radio in self.radios if radio.radio == band), None)


@dataclass(frozen=True)
class Client:
    """A station the controller knows: wired (`link` set) or wireless (`ssid` set)."""

    handle: str
    id: str
    site: str
    mac: str
    hostname: str | None
    name: str | None  # user-assigned alias, when the admin set one
    oui: str  # vendor as the controller shows it ("" for randomised MACs)
    ip: str
    network: str
    first_seen_ms: int
    profile: str  # behaviour the scenario gives it ("phone", "iot", …)
    ssid: str | None = None
    bands: tuple[str, ...] = ("na", "ng")  # supported bands, preferred first
    aps: tuple[str, ...] = ()  # AP handles in range, the usual one first
    link: Link | None = None
    guest: bool = False
    radio_proto: str = "ax"
    throughput_bps: int = 20_000  # average bytes per second while connected
    poe_w: float | None = None  # wired clients powered by their switch port (cameras, phones)

    @property
    def wired(self) -> bool:
        """Whether the client hangs off a switch port rather than an SSID."""
        return self.link is not None


class Inventory:
    """All sites, networks, WLANs, devices and clients of one scenario, with lookups."""

    def __init__(
        self,
        *,
        sites: Iterable[Site],
        networks: Iterable[Network],
        wlans: Iterable[Wlan],
        devices: Iterable[Device],
        clients: Iterable[Client],
    ) -> None:
        self.sites = tuple(sites)
        self.networks = tuple(networks)
        self.wlans = tuple(wlans)
        self.devices = tuple(devices)
        self.clients = tuple(clients)
        self._sites = {site.name: site for site in self.sites}
        self._devices = {device.handle: device for device in self.devices}
        self._clients = {client.handle: client for client in self.clients}
        self._wlans = {(wlan.site, wlan.ssid): wlan for wlan in self.wlans}
        self._networks = {(net.site, net.name): net for net in self.networks}
        # Per-site lists and cabling are asked for on every snapshot: build them once.
        self._devices_of = {
            site.name: [d for d in self.devices if d.site == site.name] for site in self.sites
        }
        self._clients_of = {
            site.name: [c for c in self.clients if c.site == site.name] for site in self.sites
        }
        self._cabling: dict[str, dict[int, Device | Client]] = {}
        for device in self.devices:
            if device.uplink is not None:
                self._cabling.setdefault(device.uplink.device, {})[device.uplink.port] = device
        for client in self.clients:
            if client.link is not None:
                self._cabling.setdefault(client.link.device, {})[client.link.port] = client
        self._validate()

    def _validate(self) -> None:
        """Fail fast on dangling handles: a scenario typo should not surface mid-playback."""
        for kind, items in (("device", self.devices), ("client", self.clients)):
            handles = [item.handle for item in items]
            if len(set(handles)) != len(handles):
                raise ValueError(f"duplicate {kind} handles")
        for handle, site in [(d.handle, d.site) for d in self.devices] + [
            (c.handle, c.site) for c in self.clients
        ]:
            if site not in self._sites:
                raise ValueError(f"{handle!r} is on unknown site {site!r}")
        for device in self.devices:
            if device.uplink is not None:
                self.device(device.uplink.device)
        for client in self.clients:
            self.network(client.site, client.network)
            if client.link is not None:
                self.device(client.link.device)
            else:
                if client.ssid is None or not client.aps:
                    raise ValueError(f"wireless client {client.handle!r} needs an ssid and aps")
                self.wlan(client.site, client.ssid)
                for ap in client.aps:
                    self.device(ap)

    def site(self, name: str) -> Site | None:
        """The site with short name `name`, if any."""
        return self._sites.get(name)

    def device(self, handle: str) -> Device:
        """The device called `handle` (KeyError if unknown)."""
        return self._devices[handle]

    def client(self, handle: str) -> Client:
        """The client called `handle` (KeyError if unknown)."""
        return self._clients[handle]

    def wlan(self, site: str, ssid: str) -> Wlan:
        """The WLAN `ssid` of `site` (KeyError if unknown)."""
        return self._wlans[(site, ssid)]

    def network(self, site: str, name: str) -> Network:
        """The network `name` of `site` (KeyError if unknown)."""
        return self._networks[(site, name)]

    def devices_of(self, site: str) -> list[Device]:
        """Devices adopted on `site`, in inventory order (shared: do not mutate)."""
        return self._devices_of.get(site, [])

    def clients_of(self, site: str) -> list[Client]:
        """Clients known on `site`, in inventory order (shared: do not mutate)."""
        return self._clients_of.get(site, [])

    def gateway(self, site: str) -> Device | None:
        """The site's gateway (the first device that routes), if it has one."""
        return next(
            (d for d in self.devices_of(site) if d.type in ("udm", "ugw", "uxg")),
            None,
        )

    def cabled_to(self, handle: str) -> dict[int, Device | Client]:
        """What is plugged into each port of device `handle` (uplinks and wired clients)."""
        return self._cabling.get(handle, {})


def random_mac(rng: random.Random, oui: str | None = None) -> str:
    """A MAC under vendor prefix `oui` ("aa:bb:cc"), or a randomised private MAC if None.

    Phones use private addresses: locally administered bit set, multicast bit clear.
    """
    if oui is None:
        first = (rng.randrange(256) | 0x02) & 0xFE
        head = [first, rng.randrange(256), rng.randrange(256)]
        prefix = ":".join(f"{octet:02x}" for octet in head)
    else:
        prefix = oui.lower()
    tail = ":".join(f"{rng.randrange(256):02x}" for _ in range(3))
    return f"{prefix}:{tail}"
