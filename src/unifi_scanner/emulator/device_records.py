"""`stat/device` records (also the `data` of `device:sync` frames), protocol reference §5.

Each record reflects the network state at a `Snapshot`: a device that lost contact has
`state` 0 and no stations, its switch port is down and draws no PoE, and an AP's radios show
the channel in force (after a DFS move, the new one). Load figures (CPU, memory, channel
utilisation, temperatures) are deterministic functions of the device and the scenario minute,
so two requests in the same scenario minute agree. As on real controllers, `system-stats`
values and `poe_power` are strings.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Client, Device, Inventory
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.timeline import Placement, StateHistory

_AP_POE_DRAW_W = {"UAL6": 9.5, "UAP6MP": 13.0, "U7PG2": 8.5, "UALR6v2": 11.0}
_DEFAULT_POE_DRAW_W = 10.0
_POE_VOLTAGE = 52.6


def client_satisfaction(placement: Placement) -> int:
    """Experience score (0–100) from signal strength, lowered by frequent roaming."""
    signal = placement.signal if placement.signal is not None else -50
    score = 100 - max(0, -signal - 55) * 2.5 - min(25, 2 * placement.roam_count)
    return int(max(15, min(100, score)))


def stations_on(
    inventory: Inventory, history: StateHistory, device: Device, offset_ms: int
) -> list[tuple[Client, Placement]]:
    """Wireless clients associated with AP `device` at `offset_ms`."""
    result = []
    for client in inventory.clients_of(device.site):
        placement = history.placement(client.handle, offset_ms)
        if placement is not None and placement.ap == device.handle:
            result.append((client, placement))
    return result


def _noise(device: Device, what: str, at: Snapshot) -> float:
    return unit_interval(device.mac, what, at.offset_ms // 60_000)


def _radio_tables(
    device: Device,
    history: StateHistory,
    stations: list[tuple[Client, Placement]],
    up: bool,
    at: Snapshot,
) -> dict[str, Any]:
    config, stats = [], []
    for radio in device.radios:
        channel = history.channel(device.handle, radio.radio, at.offset_ms)
        on_radio = [(c, p) for c, p in stations if p.radio == radio.radio]
        scores = [client_satisfaction(p) for _, p in on_radio]
        config.append(
            {
                "name": radio.name,
                "radio": radio.radio,
                "channel": channel,
                "ht": radio.width,
                "tx_power_mode": "auto",
                "max_txpower": radio.tx_power + 3,
                "min_txpower": 6,
                "nss": 2,
                "has_dfs": radio.radio == "na",
                "min_rssi_enabled": False,
            }
        )
        busy = 8 + 30 * _noise(device, radio.name, at) + 4 * len(on_radio)
        stats.append(
            {
                "name": radio.name,
                "radio": radio.radio,
                "channel": channel,
                "tx_power": radio.tx_power,
                "state": "RUN" if up else "DOWN",
                "num_sta": len(on_radio),
                "user-num_sta": sum(1 for c, _ in on_radio if not c.guest),
                "guest-num_sta": sum(1 for c, _ in on_radio if c.guest),
                "cu_total": int(min(95, busy)) if up else 0,
                "cu_self_rx": int(busy * 0.35) if up else 0,
                "cu_self_tx": int(busy * 0.25) if up else 0,
                "satisfaction": round(sum(scores) / len(scores)) if scores else 100,
            }
        )
    return {"radio_table": config, "radio_table_stats": stats}


def _vap_table(
    inventory: Inventory,
    device: Device,
    history: StateHistory,
    stations: list[tuple[Client, Placement]],
    up: bool,
    at: Snapshot,
) -> list[dict[str, Any]]:
    vaps = []
    for index, wlan in enumerate(w for w in inventory.wlans if w.site == device.site):
        for radio in device.radios:
            if radio.radio not in wlan.bands:
                continue
            on_vap = [p for c, p in stations if p.ssid == wlan.ssid and p.radio == radio.radio]
            vaps.append(
                {
                    "essid": wlan.ssid,
                    "bssid": bssid(device, radio.radio, index),
                    "radio": radio.radio,
                    "radio_name": radio.name,
                    "channel": history.channel(device.handle, radio.radio, at.offset_ms),
                    "num_sta": len(on_vap),
                    "usage": "guest" if wlan.guest else "user",
                    "is_guest": wlan.guest,
                    "up": up,
                    "wlanconf_id": wlan.id,
                }
            )
    return vaps


def bssid(device: Device, radio: str, wlan_index: int) -> str:
    """BSSID of a WLAN on an AP radio: the AP MAC, locally administered, indexed per VAP."""
    octets = [int(part, 16) for part in device.mac.split(":")]
    octets[0] |= 0x02
    octets[5] = (octets[5] + (8 if radio == "na" else 0) + wlan_index) % 256
    return ":".join(f"{octet:02x}" for octet in octets)


def _port_table(
    inventory: Inventory, device: Device, history: StateHistory, at: Snapshot
) -> list[dict[str, Any]]:
    cabled = inventory.cabled_to(device.handle)
    own_uplink_port = device.ports if device.type == "usw" else None
    ports = []
    for index in range(1, device.ports + 1):
        attached = cabled.get(index)
        draws = 0.0
        if isinstance(attached, Device):
            up = history.status(attached.handle, at.offset_ms).up
            name = attached.name
            if attached.type == "uap" and up and index in device.poe_ports:
                base = _AP_POE_DRAW_W.get(attached.model, _DEFAULT_POE_DRAW_W)
                draws = base * (
                    0.9 + 0.2 * unit_interval(attached.mac, "poe", at.offset_ms // 60_000)
                )
        elif isinstance(attached, Client):
            up = history.placement(attached.handle, at.offset_ms) is not None
            name = attached.name or attached.hostname or f"Port {index}"
        else:
            up = index == own_uplink_port or (device.type == "udm" and index == 9)
            name = "WAN" if device.type == "udm" and index == 9 else f"Port {index}"
        poe_capable = index in device.poe_ports
        ports.append(
            {
                "port_idx": index,
                "name": name,
                "media": "SFP+" if device.type == "usw" and index > 24 else "GE",
                "enable": True,
                "up": up,
                "speed": 1000 if up else 0,
                "full_duplex": up,
                "is_uplink": index == own_uplink_port,
                "op_mode": "switch",
                "autoneg": True,
                "stp_state": "forwarding" if up else "disabled",
                "port_poe": poe_capable,
                "poe_enable": draws > 0,
                "poe_good": draws > 0,
                "poe_mode": "auto" if poe_capable else "off",
                "poe_class": "Class 4" if draws > 0 else "Unknown",
                "poe_power": f"{draws:.2f}",
                "poe_voltage": f"{_POE_VOLTAGE:.2f}" if draws > 0 else "0.00",
                "poe_current": f"{draws / _POE_VOLTAGE * 1000:.2f}" if draws > 0 else "0.00",
                "rx_errors": 0,
                "tx_errors": 0,
                "satisfaction": 100 if up else 0,
            }
        )
    return ports


def device_record(
    inventory: Inventory, history: StateHistory, device: Device, at: Snapshot
) -> dict[str, Any]:
    """The `stat/device` record of `device` at `at`."""
    status = history.status(device.handle, at.offset_ms)
    up = status.up
    since_s = (at.start_ms + status.since_ms) // 1000
    uptime = max(0, at.now_ms // 1000 - since_s) if up else 0
    site = inventory.site(device.site)
    assert site is not None
    cpu = device.cpu_base * (0.6 + 0.8 * _noise(device, "cpu", at))
    mem = device.mem_base + 4 * (_noise(device, "mem", at) - 0.5)
    stations = stations_on(inventory, history, device, at.offset_ms) if device.type == "uap" else []
    scores = [client_satisfaction(p) for _, p in stations]
    gateway = inventory.gateway(device.site)
    record: dict[str, Any] = {
        "_id": device.id,
        "mac": device.mac,
        "site_id": site.id,
        "model": device.model,
        "type": device.type,
        "name": device.name,
        "version": device.version,
        "displayable_version": device.version.rsplit(".", 1)[0],
        "serial": device.serial,
        "adopted": True,
        "state": 1 if up else 0,
        "ip": device.ip,
        "inform_url": f"http://{(gateway or device).ip}:8080/inform",
        "uptime": uptime,
        "last_seen": at.now_ms // 1000 if up else since_s,
        "upgradable": device.upgrade_to is not None,
        "system-stats": {"cpu": f"{cpu:.1f}", "mem": f"{mem:.1f}", "uptime": str(uptime)},
        "has_temperature": device.has_temperature,
        "has_fan": device.has_fan,
        "overheating": False,
        "num_sta": len(stations),
        "user-num_sta": sum(1 for c, _ in stations if not c.guest),
        "guest-num_sta": sum(1 for c, _ in stations if c.guest),
        "satisfaction": round(sum(scores) / len(scores)) if scores else 100,
    }
    if not up:
        record["disconnected_at"] = since_s
    if device.upgrade_to is not None:
        record["upgrade_to_firmware"] = device.upgrade_to
    if device.has_fan:
        record["fan_level"] = int(20 + 40 * _noise(device, "fan", at))
    if device.has_temperature:
        heat = 42 + 10 * _noise(device, "temperature", at) + cpu / 4
        if device.type == "usw":
            record["general_temperature"] = int(heat)
        else:
            record["temperatures"] = [
                {"name": "CPU", "type": "cpu", "value": round(heat + 18, 1)},
                {"name": "Local", "type": "board", "value": round(heat, 1)},
                {"name": "PHY", "type": "other", "value": round(heat + 9, 1)},
            ]
    if device.uplink is not None:
        upstream = inventory.device(device.uplink.device)
        record["uplink"] = {
            "type": "wire",
            "uplink_mac": upstream.mac,
            "uplink_device_name": upstream.name,
            "uplink_remote_port": device.uplink.port,
            "up": up,
            "speed": 1000 if up else 0,
            "full_duplex": up,
        }
    if device.ports > 1:
        record["port_table"] = _port_table(inventory, device, history, at)
    if device.poe_budget_w is not None:
        record["total_max_power"] = int(device.poe_budget_w)
    if device.radios:
        record |= _radio_tables(device, history, stations, up, at)
        record["vap_table"] = _vap_table(inventory, device, history, stations, up, at)
    return record


def device_records(
    inventory: Inventory,
    history: StateHistory,
    site: str,
    at: Snapshot,
    macs: set[str] | None = None,
) -> list[dict[str, Any]]:
    """`stat/device` for `site`, optionally only the devices whose MAC is in `macs`."""
    return [
        device_record(inventory, history, device, at)
        for device in inventory.devices_of(site)
        if macs is None or device.mac in macs
    ]
