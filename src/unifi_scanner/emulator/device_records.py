"""`stat/device` records (also the `data` of `device:sync` frames), protocol reference §5.

Each record reflects the network state at a `SiteView`: a device that lost contact has `state`
0 and no stations, one being upgraded `state` 4; its switch port is down and draws no PoE; an
AP's radios show the channel in force (after a DFS move, the new one); the firmware is the one
it runs now, and `upgradable` clears once it reached its `upgrade_to` version. Load figures
(CPU, memory, channel utilisation, temperatures, fan) are deterministic functions of the device
and the scenario minute, raised by any drift the scenario declared (`temperature` in °C), so two
requests in the same scenario minute agree. As on real controllers, `system-stats` values and
`poe_power` are strings.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Device, Inventory
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.port_table import port_table
from unifi_scanner.emulator.radio_records import client_satisfaction, radio_tables, vap_table
from unifi_scanner.emulator.site_view import SiteView
from unifi_scanner.emulator.timeline import StateHistory

_GATEWAY_TYPES = ("udm", "ugw", "uxg")
_LOST_AFTER_S = 90  # a device is considered lost after missing this many seconds of informs
_MEMORY_B = 1_024 * 1_024 * 1_024


def temperature_c(view: SiteView, device: Device, cpu: float) -> float:
    """The device's main temperature: a resting level, CPU heat and the scenario's drift."""
    noise = unit_interval(device.mac, "temperature", view.offset_ms // 60_000)
    return (
        42 + 10 * noise + cpu / 4 + view.history.level(device.handle, "temperature", view.offset_ms)
    )


def _thermal(view: SiteView, device: Device, cpu: float) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "has_temperature": device.has_temperature,
        "has_fan": device.has_fan,
        "overheating": view.history.flag(device.handle, "overheating", view.offset_ms),
    }
    heat = temperature_c(view, device, cpu)
    if device.has_fan:
        noise = unit_interval(device.mac, "fan", view.offset_ms // 60_000)
        # Fans spin up with the heat above the resting level.
        fields["fan_level"] = int(min(100, 20 + 40 * noise + max(0.0, heat - 55) * 2.5))
    if device.has_temperature:
        if device.type in _GATEWAY_TYPES:
            fields["temperatures"] = [
                {"name": "CPU", "type": "cpu", "value": round(heat + 18, 1)},
                {"name": "Local", "type": "board", "value": round(heat, 1)},
                {"name": "PHY", "type": "other", "value": round(heat + 9, 1)},
            ]
        else:
            fields["general_temperature"] = int(heat)
    return fields


def device_record(view: SiteView, device: Device) -> dict[str, Any]:
    """The `stat/device` record of `device` in `view`."""
    at = view.at
    status = view.status(device)
    up = status.up
    since_s = (at.start_ms + status.since_ms) // 1000
    uptime = max(0, at.now_ms // 1000 - since_s) if up else 0
    minute = view.offset_ms // 60_000
    cpu = device.cpu_base * (0.6 + 0.8 * unit_interval(device.mac, "cpu", minute))
    mem = device.mem_base + 4 * (unit_interval(device.mac, "mem", minute) - 0.5)
    stations = view.stations_on(device) if device.type == "uap" else []
    scores = [client_satisfaction(p) for _, p in stations]
    gateway = view.inventory.gateway(device.site)
    firmware = view.firmware(device)
    upgradable = device.upgrade_to is not None and firmware != device.upgrade_to
    load = cpu / 100 * 2
    last_seen = at.now_ms // 1000 if up else since_s
    record: dict[str, Any] = {
        "_id": device.id,
        "device_id": device.id,
        "mac": device.mac,
        "site_id": view.site.id,
        "model": device.model,
        "type": device.type,
        "name": device.name,
        "version": firmware,
        "displayable_version": firmware.rsplit(".", 1)[0],
        "serial": device.serial,
        "adopted": True,
        "state": status.state,
        "ip": device.ip,
        "inform_url": f"http://{(gateway or device).ip}:8080/inform",
        "uptime": uptime,
        "last_seen": last_seen,
        "considered_lost_at": last_seen + _LOST_AFTER_S,
        "upgradable": upgradable,
        "system-stats": {"cpu": f"{cpu:.1f}", "mem": f"{mem:.1f}", "uptime": str(uptime)},
        "sys_stats": {
            "loadavg_1": f"{load:.2f}",
            "loadavg_5": f"{load * 0.9:.2f}",
            "loadavg_15": f"{load * 0.8:.2f}",
            "mem_total": _MEMORY_B,
            "mem_used": int(_MEMORY_B * mem / 100),
            "mem_buffer": 0,
        },
        **_thermal(view, device, cpu),
        "num_sta": len(stations),
        "user-num_sta": sum(1 for c, _ in stations if not c.guest),
        "guest-num_sta": sum(1 for c, _ in stations if c.guest),
        "satisfaction": round(sum(scores) / len(scores)) if scores else 100,
    }
    if not up:
        record["disconnected_at"] = since_s
    if upgradable:
        record["upgrade_to_firmware"] = device.upgrade_to
    if device.uplink is not None:
        upstream = view.inventory.device(device.uplink.device)
        record["uplink"] = {
            "type": "wire",
            "uplink_mac": upstream.mac,
            "uplink_device_name": upstream.name,
            "uplink_remote_port": device.uplink.port,
            "up": up,
            "speed": 1000 if up else 0,
            "full_duplex": up,
        }
    elif device.wan_interface is not None:  # a gateway's uplink is its WAN in use
        interface = view.history.active_wan(device.handle, view.offset_ms) or device.wan_interface
        backup = interface == device.wan2_interface
        record["uplink"] = {
            "type": "wire",
            "name": interface,
            "ip": device.wan2_ip if backup else device.wan_ip,
            "up": up,
            "speed": 1000 if up else 0,
            "full_duplex": up,
        }
    if device.ports > 1:
        record["port_table"] = port_table(view, device)
    if device.poe_budget_w is not None:
        record["total_max_power"] = int(device.poe_budget_w)
    if device.radios:
        record |= radio_tables(view, device, stations, up)
        record["vap_table"] = vap_table(view, device, stations, up)
    return record


def device_records(
    inventory: Inventory,
    history: StateHistory,
    site: str,
    at: Snapshot,
    macs: set[str] | None = None,
    *,
    view: SiteView | None = None,
) -> list[dict[str, Any]]:
    """`stat/device` for `site`, optionally only the devices whose MAC is in `macs`."""
    view = view or SiteView.of(inventory, history, site, at)
    return [
        device_record(view, device)
        for device in inventory.devices_of(site)
        if macs is None or device.mac in macs
    ]
