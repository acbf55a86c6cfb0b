"""A switch's or gateway's `port_table`: link state and PoE per port (protocol reference §5).

What hangs off each port comes from the cabling (`Inventory.cabled_to`): a device's uplink or
a wired client. A powered AP draws its model's typical wattage, a PoE client (camera, phone)
its own `poe_w`, both give or take a few percent per scenario minute, plus any drift the
scenario put on the port (`poe:<port>` levels, watts). A port whose power was cut (`poe-cut:<n>`)
keeps `poe_enable` but loses `poe_good` and draws nothing. `poe_power` is a string, as real.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Client, Device
from unifi_scanner.emulator.site_view import SiteView

# What an AP draws in use, well below its datasheet maximum (U6 Pro 13 W, U7 Pro 21 W).
AP_POE_DRAW_W = {
    "UAL6": 9.5,
    "UAP6MP": 9.5,
    "U7PG2": 8.5,
    "UALR6v2": 11.0,
    "U6ENT": 18.5,
    "U7PRO": 13.0,
    "U7NHD": 10.5,
    "U6M": 12.0,
}
DEFAULT_POE_DRAW_W = 10.0
POE_VOLTAGE = 52.6


def _attached(view: SiteView, device: Device, index: int) -> tuple[bool, str, float]:
    """(link up, port name, nominal PoE draw in W) of port `index`."""
    attached = view.inventory.cabled_to(device.handle).get(index)
    minute = view.offset_ms // 60_000
    if isinstance(attached, Device):
        up = view.status(attached).up
        base = 0.0
        if attached.type == "uap" and up:
            base = AP_POE_DRAW_W.get(attached.model, DEFAULT_POE_DRAW_W)
        return up, attached.name, base * (0.9 + 0.2 * unit_interval(attached.mac, "poe", minute))
    if isinstance(attached, Client):
        up = view.history.placement(attached.handle, view.offset_ms) is not None
        name = attached.name or attached.hostname or f"Port {index}"
        draw = (attached.poe_w or 0.0) * (0.95 + 0.1 * unit_interval(attached.mac, "poe", minute))
        return up, name, draw if up else 0.0
    uplink = device.type == "usw" and index == device.ports
    wan = device.type in ("udm", "ugw", "uxg") and index == 9
    return uplink or wan, "WAN" if wan else f"Port {index}", 0.0


def port_table(view: SiteView, device: Device) -> list[dict[str, Any]]:
    """The `port_table` of `device` at the view's moment."""
    ports = []
    for index in range(1, device.ports + 1):
        up, name, draw = _attached(view, device, index)
        poe_capable = index in device.poe_ports
        cut = poe_capable and view.history.flag(device.handle, f"poe-cut:{index}", view.offset_ms)
        if poe_capable and draw > 0:
            draw += view.history.level(device.handle, f"poe:{index}", view.offset_ms)
        powered = poe_capable and draw > 0 and not cut
        draws = draw if powered else 0.0
        ports.append(
            {
                "port_idx": index,
                "name": name,
                "media": "SFP+" if device.type == "usw" and index > 24 else "GE",
                "enable": True,
                "up": up,
                "speed": 1000 if up else 0,
                "full_duplex": up,
                "is_uplink": device.type == "usw" and index == device.ports,
                "op_mode": "switch",
                "autoneg": True,
                "stp_state": "forwarding" if up else "disabled",
                "port_poe": poe_capable,
                "poe_enable": powered or cut,
                "poe_good": powered,
                "poe_mode": "auto" if poe_capable else "off",
                "poe_class": "Class 4" if powered else "Unknown",
                "poe_power": f"{draws:.2f}",
                "poe_voltage": f"{POE_VOLTAGE:.2f}" if powered else "0.00",
                "poe_current": f"{draws / POE_VOLTAGE * 1000:.2f}" if powered else "0.00",
                "rx_errors": 0,
                "tx_errors": 0,
                "satisfaction": 100 if up else 0,
            }
        )
    return ports


def poe_drawn_w(ports: list[dict[str, Any]]) -> float:
    """Total PoE draw of a port table (what a client sums to check the budget)."""
    return sum(float(port["poe_power"]) for port in ports)
