"""Names for MAC addresses: "Kitchen AP (U6-Lite)" and "Living-room iPad" instead of hex.

Built from the stored device and client records, and completed from the names events carry
themselves (``ap_name``, ``hostname`` …) for devices and clients the snapshot did not list.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
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
DEVICE_FIELDS = ("ap", "sw", "gw", "dm", "xg")
CLIENT_FIELDS = ("user", "guest")


class Inventory:
    """Device and client names by MAC address (lower-case)."""

    def __init__(
        self,
        devices: Iterable[Mapping[str, Any]] = (),
        clients: Iterable[Mapping[str, Any]] = (),
    ) -> None:
        self._devices: dict[str, tuple[str | None, str | None]] = {}
        self._clients: dict[str, str] = {}
        for record in devices:
            mac = record.get("mac")
            if isinstance(mac, str):
                self._devices[mac.lower()] = (_text(record.get("name")), _text(record.get("model")))
        for record in clients:
            mac = record.get("mac")
            if isinstance(mac, str):
                label = _text(record.get("name")) or _text(record.get("hostname"))
                if label:
                    self._clients[mac.lower()] = label

    def learn(self, event: Event) -> None:
        """Pick up names the event carries for devices and clients not yet known."""
        payload = event.payload
        for prefix in DEVICE_FIELDS:
            mac = payload.get(prefix)
            if isinstance(mac, str) and mac.lower() not in self._devices:
                name = _text(payload.get(f"{prefix}_displayName")) or _text(
                    payload.get(f"{prefix}_name")
                )
                model = _text(payload.get(f"{prefix}_model"))
                if name or model:
                    self._devices[mac.lower()] = (name, model)
        hostname = _text(payload.get("hostname"))
        if hostname:
            for field in CLIENT_FIELDS:
                mac = payload.get(field)
                if isinstance(mac, str) and mac.lower() not in self._clients:
                    self._clients[mac.lower()] = hostname

    def device_name(self, mac: str) -> str:
        """``Kitchen AP (U6-Lite)``; the MAC address when nothing better is known."""
        name, model = self._devices.get(mac.lower(), (None, None))
        product = PRODUCT_NAMES.get(model, model) if model else None
        if name and product:
            return f"{name} ({product})"
        if name:
            return name
        return f"{product} {mac.lower()}" if product else mac.lower()

    def device_short_name(self, mac: str) -> str:
        """``Kitchen AP`` (no model), for lists where the model would be noise."""
        name, _model = self._devices.get(mac.lower(), (None, None))
        return name or self.device_name(mac)

    def client_name(self, mac: str) -> str:
        """The user-assigned name, else the hostname, else the MAC address."""
        return self._clients.get(mac.lower(), mac.lower())


def _text(value: Any) -> str | None:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return None
