"""Names for MAC addresses: "Kitchen AP (U6-Lite)" and "Living-room iPad" instead of hex.

Built from the stored device and client records, completed from snapshots and from the names
events carry themselves (``ap_name``, ``hostname`` …) for devices and clients the records did
not list. A name already known is never replaced by a later, lesser source.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from unifi_scanner.controller.models import Event

#: Model codes (as in ``stat/device`` ``model``) to the names on the box.
PRODUCT_NAMES = {
    "UAL6": "U6-Lite",
    "UALR6": "U6-LR",
    "UALR6v2": "U6-LR",
    "UALR6v3": "U6-LR",
    "UAP6MP": "U6-Pro",
    "UAPL6": "U6+",
    "U6M": "U6-Mesh",
    "U7PRO": "U7-Pro",
    "U7PG2": "UAP-AC-Pro",
    "U7LR": "UAP-AC-LR",
    "U7LT": "UAP-AC-Lite",
    "U7NHD": "UAP-nanoHD",
    "U7MSH": "UAP-AC-M",
    "UDMPRO": "UDM Pro",
    "UDMPROSE": "UDM SE",
    "UDM": "UDM",
    "UDR": "UDR",
    "UDRULT": "UCG-Ultra",
    "UXGPRO": "UXG-Pro",
    "UGW3": "USG",
    "UGW4": "USG-Pro-4",
    "US8P60": "US-8-60W",
    "US8P150": "US-8-150W",
    "US16P150": "US-16-150W",
    "US24P250": "US-24-250W",
    "USL8LP": "USW-Lite-8-PoE",
    "USL16LP": "USW-Lite-16-PoE",
    "USL24P": "USW-24-PoE",
    "USMINI": "USW-Flex-Mini",
}

#: Event fields naming a device, by the prefix of their ``<prefix>_name`` companions.
DEVICE_FIELDS = ("ap", "sw", "gw", "dm", "xg", "bb")
CLIENT_FIELDS = ("user", "guest")

#: The second part of an ``EVT_<XX>_…`` key: which kind of device the event is about.
DEVICE_KINDS = {
    "AP": "access point",
    "SW": "switch",
    "GW": "gateway",
    "DM": "gateway",
    "XG": "gateway",
    "BB": "building bridge",
    "DEV": "device",
}
#: ``stat/device`` ``type`` to the same words.
TYPE_KINDS = {
    "uap": "access point",
    "usw": "switch",
    "ugw": "gateway",
    "udm": "gateway",
    "uxg": "gateway",
    "ubb": "building bridge",
}
_PLAN_DEVICE_FIELDS = {
    "AP": ("ap",),
    "SW": ("sw",),
    "GW": ("gw", "dm"),
    "DM": ("dm",),
    "XG": ("xg",),
    "BB": ("bb",),
    "DEV": ("dev",),
}
_CLIENT_TOKENS = frozenset({"WU", "WG", "LU", "LG", "WC", "LC", "HS"})


@dataclass(frozen=True, slots=True)
class _Plan:
    """Where the names are in events of one key (worked out once per key, not per event)."""

    device_fields: tuple[str, ...]
    kind: str | None
    clients: bool
    ssid: bool


def _plan(key: str) -> _Plan:
    parts = key.split("_", 2)
    token = parts[1] if len(parts) > 2 and parts[0] == "EVT" else ""
    if token in _PLAN_DEVICE_FIELDS:
        return _Plan(_PLAN_DEVICE_FIELDS[token], DEVICE_KINDS[token], clients=False, ssid=False)
    if token in _CLIENT_TOKENS:
        # Roams carry no host name: nothing to learn, and they are frequent.
        roam = key.endswith(("_Roam", "_RoamRadio"))
        return _Plan((), None, clients=not roam, ssid=key.endswith("_Connected"))
    return _Plan(DEVICE_FIELDS, None, clients=True, ssid=False)


@dataclass(slots=True)
class _Device:
    name: str | None
    model: str | None
    kind: str | None
    uplink: str | None = None
    uplink_port: str | None = None


class Inventory:
    """Device and client names by MAC address (lower-case), client MACs by IP address."""

    def __init__(
        self,
        devices: Iterable[Mapping[str, Any]] = (),
        clients: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        self._devices: dict[str, _Device] = {}
        self._clients: dict[str, str] = {}
        self._ips: dict[str, str] = {}
        # MACs whose names came from events, which any record (stored or snapshot) outranks.
        self._from_events: set[str] = set()
        self.ssids: set[str] = set()
        """SSIDs of this network (from clients' sessions and the access points' records)."""
        for record in devices:
            self.add_device(record)
        for record in clients:
            self.add_client(record)

    def add_device(self, record: Mapping[str, Any], *, replace: bool = True) -> None:
        """Take name, model, kind and uplink from a ``stat/device`` record.

        ``replace=False`` (snapshots) keeps what a stored record said and only fills in what
        is missing; names learned from events are always replaced (see :meth:`add_client`).
        """
        mac = record.get("mac")
        if not isinstance(mac, str):
            return
        mac = mac.lower()
        known = self._devices.get(mac)
        keep = known is not None and not replace and mac not in self._from_events
        self._from_events.discard(mac)
        uplink = record.get("uplink")
        upstream = uplink.get("uplink_mac") if isinstance(uplink, Mapping) else None
        port = uplink.get("uplink_remote_port") if isinstance(uplink, Mapping) else None
        fresh = _Device(
            _text(record.get("name")),
            _text(record.get("model")),
            TYPE_KINDS.get(record.get("type")),  # type: ignore[arg-type]
            upstream.lower() if isinstance(upstream, str) else None,
            str(port) if isinstance(port, (int, str)) and not isinstance(port, bool) else None,
        )
        if known is not None:
            first, second = (known, fresh) if keep else (fresh, known)
            fresh = _Device(
                first.name or second.name,
                first.model or second.model,
                first.kind or second.kind,
                first.uplink or second.uplink,
                first.uplink_port or second.uplink_port,
            )
        self._devices[mac] = fresh
        vaps = record.get("vap_table")
        if isinstance(vaps, list):
            for vap in vaps:
                essid = vap.get("essid") if isinstance(vap, dict) else None
                if isinstance(essid, str) and essid:
                    self.ssids.add(essid)

    def add_client(self, record: Mapping[str, Any], *, replace: bool = True) -> None:
        """Take the name (user-assigned, else host name), IP and SSID of a ``stat/sta`` record.

        ``replace=False`` keeps a name already known from a record (stored records outrank
        snapshots, and both outrank names learned from events).
        """
        mac = record.get("mac")
        if not isinstance(mac, str):
            return
        mac = mac.lower()
        label = _text(record.get("name")) or _text(record.get("hostname"))
        if label and (replace or mac not in self._clients or mac in self._from_events):
            self._clients[mac] = label
            self._from_events.discard(mac)
        ip = record.get("ip")
        if isinstance(ip, str) and ip:
            self._ips[ip] = mac  # the latest record wins: addresses move between clients
        essid = record.get("essid")
        if isinstance(essid, str) and essid:
            self.ssids.add(essid)

    def learn(self, event: Event) -> None:
        """Pick up names the event carries for devices and clients not yet known."""
        learner = self.learner_for(event.key)
        if learner is not None:
            learner(event)

    @staticmethod
    def client_learning(key: str) -> tuple[bool, bool] | None:
        """What :meth:`learner_for` looks at in events of a client ``key``: (the client's
        name, the SSID); None when it looks at device fields too (not a client key)."""
        plan = _plan(key)
        return None if plan.device_fields else (plan.clients, plan.ssid)

    def learner_for(self, key: str) -> Callable[[Event], None] | None:
        """:meth:`learn` for events of ``key``, with the fields to look at worked out once."""
        plan = _plan(key)
        devices, clients, ssids = self._devices, self._clients, self.ssids
        from_events = self._from_events
        device_fields, kind = plan.device_fields, plan.kind

        def learn_devices(payload: Mapping[str, Any]) -> None:
            for prefix in device_fields:
                mac = payload.get(prefix)
                if mac.__class__ is str and mac not in devices and mac.lower() not in devices:
                    name = _text(payload.get(f"{prefix}_displayName")) or _text(
                        payload.get(f"{prefix}_name")
                    )
                    model = _text(payload.get(f"{prefix}_model"))
                    if name or model:
                        devices[mac.lower()] = _Device(name, model, kind)
                        from_events.add(mac.lower())

        learn_client = self.learn_client

        # Client events are most of the traffic: their learner is specialised (no device
        # fields to look at, the SSID only where the key carries one) and, for clients
        # already named, is one lookup.
        if not device_fields and plan.clients:
            if plan.ssid:

                def learn_connect(event: Event) -> None:
                    payload = event.payload
                    mac = payload.get("user") or payload.get("guest")
                    if mac.__class__ is str and mac not in clients:
                        learn_client(payload, mac)
                    ssid = payload.get("ssid")
                    if ssid.__class__ is str and ssid:
                        ssids.add(ssid)

                return learn_connect

            def learn_session(event: Event) -> None:
                payload = event.payload
                mac = payload.get("user") or payload.get("guest")
                if mac.__class__ is str and mac not in clients:
                    learn_client(payload, mac)

            return learn_session

        def learn(event: Event) -> None:
            payload = event.payload
            learn_devices(payload)
            if plan.clients:
                mac = payload.get("user") or payload.get("guest")
                if mac.__class__ is str and mac not in clients:
                    learn_client(payload, mac)
                if plan.ssid:
                    ssid = payload.get("ssid")
                    if ssid.__class__ is str and ssid:
                        ssids.add(ssid)

        return learn if device_fields or plan.clients else None

    @property
    def client_names(self) -> Mapping[str, str]:
        """Client names by lower-case MAC, live: asking whether a client is named before
        calling :meth:`learn_client` is what keeps learning cheap for the busiest events."""
        return self._clients

    def learn_client(self, payload: Mapping[str, Any], mac: str) -> None:
        """The event's ``hostname`` as the name of client ``mac``, if none is known."""
        label = _text(payload.get("hostname"))
        mac = mac.lower()
        if label and mac not in self._clients:
            self._clients[mac] = label
            self._from_events.add(mac)

    def note_client(self, mac: str, label: str) -> None:
        """A client name learned from an event (a v2 entry's ``CLIENT``), if none is known."""
        mac = mac.lower()
        if label and mac not in self._clients:
            self._clients[mac] = label
            self._from_events.add(mac)

    def device_name(self, mac: str) -> str:
        """``Kitchen AP (U6-Lite)``; the MAC address when nothing better is known."""
        device = self._devices.get(mac.lower())
        name, model = (device.name, device.model) if device else (None, None)
        product = PRODUCT_NAMES.get(model, model) if model else None
        if name and product:
            return f"{name} ({product})"
        if name:
            return name
        return f"{product} {mac.lower()}" if product else mac.lower()

    def device_short_name(self, mac: str) -> str:
        """``Kitchen AP`` (no model), for lists where the model would be noise."""
        device = self._devices.get(mac.lower())
        return (device.name if device else None) or self.device_name(mac)

    def device_kind(self, mac: str, default: str = "device") -> str:
        """``access point``, ``switch``, ``gateway``…, from the device's record when known."""
        device = self._devices.get(mac.lower())
        return (device.kind if device else None) or default

    def device_uplink(self, mac: str) -> str | None:
        """The MAC of the device this one is plugged into (from its record's ``uplink``)."""
        device = self._devices.get(mac.lower())
        return device.uplink if device else None

    def device_uplink_port(self, mac: str) -> str | None:
        """The port of its uplink device this one is plugged into, when known."""
        device = self._devices.get(mac.lower())
        return device.uplink_port if device else None

    def has_device(self, mac: str) -> bool:
        return mac.lower() in self._devices

    def client_name(self, mac: str) -> str:
        """The user-assigned name, else the hostname, else the MAC address."""
        return self._clients.get(mac.lower(), mac.lower())

    def client_for_ip(self, ip: str) -> str | None:
        """The MAC of the client last seen with this IP address, if any."""
        return self._ips.get(ip)

    def count_devices(self, kind: str) -> int:
        """How many devices of a kind (``access point`` …) are known."""
        return sum(1 for device in self._devices.values() if device.kind == kind)


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None
