"""Per-site REST documents: `stat/sta` (and `sta:sync`), `stat/health`, `stat/sysinfo`, sites.

Like `device_records`, everything reflects the network state at a `Snapshot`: `stat/sta` lists
exactly the clients connected at that offset, on the AP, band and channel in force then.
Numbers that real controllers sample (rates, retries, latency) are deterministic functions of
the subject and the scenario minute.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.device_records import bssid, client_satisfaction
from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Client, Inventory, Site
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.timeline import Placement, StateHistory
from unifi_scanner.emulator.versions import NetworkFeatures

_NOISE_FLOOR = {"ng": -92, "na": -95, "6e": -97}
_PEAK_RATE_KBPS = {("na", "ax"): 1_201_000, ("na", "ac"): 866_700, ("ng", "ax"): 286_800}


def _link_rate(client: Client, placement: Placement) -> int:
    """PHY rate in kbps: the band/standard peak, scaled down as the signal weakens."""
    peak = _PEAK_RATE_KBPS.get((placement.radio or "na", client.radio_proto), 144_400)
    signal = placement.signal if placement.signal is not None else -50
    return int(peak * max(0.1, min(1.0, (signal + 90) / 35)))


def client_record(
    inventory: Inventory,
    history: StateHistory,
    client: Client,
    placement: Placement,
    at: Snapshot,
) -> dict[str, Any]:
    """The `stat/sta` record of a connected `client`."""
    site = inventory.site(client.site)
    assert site is not None
    network = inventory.network(client.site, client.network)
    now_s = at.now_ms // 1000
    assoc_s = (at.start_ms + placement.since_ms) // 1000
    uptime = max(0, now_s - assoc_s)
    minute = at.offset_ms // 60_000
    transferred = uptime * client.throughput_bps
    record: dict[str, Any] = {
        "_id": client.id,
        "site_id": site.id,
        "mac": client.mac,
        "oui": client.oui,
        "ip": client.ip,
        "network": client.network,
        "network_id": network.id,
        "is_wired": client.wired,
        "is_guest": client.guest,
        "first_seen": (at.start_ms + client.first_seen_ms) // 1000,
        "last_seen": now_s,
        "assoc_time": assoc_s,
        "latest_assoc_time": assoc_s,
        "uptime": uptime,
        "tx_bytes": int(transferred * 0.15),
        "rx_bytes": int(transferred * 0.85),
        "tx_packets": int(transferred * 0.15 / 900),
        "rx_packets": int(transferred * 0.85 / 1200),
        "tx_bytes-r": int(client.throughput_bps * 0.15 * unit_interval(client.mac, "tx", minute)),
        "rx_bytes-r": int(client.throughput_bps * 0.85 * unit_interval(client.mac, "rx", minute)),
        "satisfaction": client_satisfaction(placement),
        "anomalies": 0,
        "noted": client.name is not None,
    }
    if client.hostname:
        record["hostname"] = client.hostname
    if client.name:
        record["name"] = client.name
    if client.guest:
        record["authorized"] = True
        record["_is_guest_by_uap" if not client.wired else "_is_guest_by_usw"] = True
    if placement.switch is not None:
        switch = inventory.device(placement.switch)
        record |= {
            "sw_mac": switch.mac,
            "sw_port": placement.port,
            "sw_depth": 1 if switch.uplink and switch.uplink.device == "gateway" else 2,
            "uplink_mac": switch.mac,
            "wired_rate_mbps": 1000,
            "_uptime_by_usw": uptime,
            "_last_seen_by_usw": now_s,
        }
        return record
    assert placement.ap is not None
    assert placement.radio is not None
    ap = inventory.device(placement.ap)
    wlan_index = [w.ssid for w in inventory.wlans if w.site == client.site].index(
        placement.ssid or ""
    )
    radio = ap.radio(placement.radio)
    signal = placement.signal if placement.signal is not None else -60
    noise = _NOISE_FLOOR.get(placement.radio, -95)
    rate = _link_rate(client, placement)
    record |= {
        "essid": placement.ssid,
        "bssid": bssid(ap, placement.radio, wlan_index),
        "ap_mac": ap.mac,
        "uplink_mac": ap.mac,
        "channel": history.channel(ap.handle, placement.radio, at.offset_ms),
        "radio": placement.radio,
        "radio_name": radio.name if radio else "",
        "radio_proto": client.radio_proto,
        "rssi": signal - noise,
        "signal": signal,
        "noise": noise,
        "tx_rate": rate,
        "rx_rate": int(rate * (0.7 + 0.3 * unit_interval(client.mac, "rx-rate", minute))),
        "tx_retries": int(uptime / 60 * (1 + max(0, -signal - 65))),
        "roam_count": placement.roam_count,
        "ccq": min(1000, max(100, 1000 + (signal + 60) * 15)),
        "idletime": int(30 * unit_interval(client.mac, "idle", minute)),
        "powersave_enabled": client.profile.endswith("phone"),
        "is_11r": False,
        "vlan": network.vlan or 0,
        "_uptime_by_uap": uptime,
        "_last_seen_by_uap": now_s,
    }
    return record


def client_records(
    inventory: Inventory, history: StateHistory, site: str, at: Snapshot
) -> list[dict[str, Any]]:
    """`stat/sta` for `site`: every client connected at `at`."""
    records = []
    for client in inventory.clients_of(site):
        placement = history.placement(client.handle, at.offset_ms)
        if placement is not None:
            records.append(client_record(inventory, history, client, placement, at))
    return records


def health_records(
    inventory: Inventory, history: StateHistory, site: str, at: Snapshot
) -> list[dict[str, Any]]:
    """`stat/health`: one entry per subsystem (`wlan`, `wan`, `www`, `lan`, `vpn`)."""
    devices = inventory.devices_of(site)
    down = {d.handle for d in devices if not history.status(d.handle, at.offset_ms).up}
    aps = [d for d in devices if d.type == "uap"]
    switches = [d for d in devices if d.type == "usw"]
    connected = [
        (client, placement)
        for client in inventory.clients_of(site)
        if (placement := history.placement(client.handle, at.offset_ms)) is not None
    ]
    wireless = [c for c, p in connected if p.ap is not None]
    wired = [c for c, p in connected if p.switch is not None]
    gateway = inventory.gateway(site)
    minute = at.offset_ms // 60_000
    latency = 9 + int(12 * unit_interval(site, "latency", minute))
    rate = sum(c.throughput_bps for c, _ in connected)

    def status(members: list[str]) -> str:
        return "warning" if any(handle in down for handle in members) else "ok"

    entries: list[dict[str, Any]] = [
        {
            "subsystem": "wlan",
            "status": status([d.handle for d in aps]),
            "num_ap": len(aps),
            "num_adopted": len(aps),
            "num_disabled": 0,
            "num_disconnected": sum(1 for d in aps if d.handle in down),
            "num_pending": 0,
            "num_user": sum(1 for c in wireless if not c.guest),
            "num_guest": sum(1 for c in wireless if c.guest),
            "num_iot": 0,
            "tx_bytes-r": sum(c.throughput_bps for c in wireless) // 6,
            "rx_bytes-r": sum(c.throughput_bps for c in wireless) * 5 // 6,
        }
    ]
    if gateway is not None:
        uptime_s = (at.now_ms - at.start_ms - gateway.boot_ms) // 1000
        entries.append(
            {
                "subsystem": "wan",
                "status": "ok" if gateway.handle not in down else "error",
                "num_gw": 1,
                "num_adopted": 1,
                "num_disconnected": int(gateway.handle in down),
                "num_pending": 0,
                "num_sta": len(connected),
                "wan_ip": gateway.wan_ip,
                "gateways": [gateway.wan_ip.rsplit(".", 1)[0] + ".1"] if gateway.wan_ip else [],
                "netmask": "255.255.255.0",
                "nameservers": ["1.1.1.1", "9.9.9.9"],
                "gw_mac": gateway.mac,
                "gw_name": gateway.name,
                "gw_version": gateway.version,
                "uptime_stats": {"WAN": {"availability": 100.0, "latency_average": latency}},
                "tx_bytes-r": rate // 6,
                "rx_bytes-r": rate * 5 // 6,
            }
        )
        entries.append(
            {
                "subsystem": "www",
                "status": "ok",
                "latency": latency,
                "uptime": uptime_s,
                "drops": 0,
                "xput_up": round(38 + 4 * unit_interval(site, "up", minute // 60), 1),
                "xput_down": round(480 + 60 * unit_interval(site, "down", minute // 60), 1),
                "speedtest_status": "Success",
                "speedtest_lastrun": (at.now_ms // 1000) - 3600,
                "speedtest_ping": latency,
                "gw_mac": gateway.mac,
                "tx_bytes-r": rate // 6,
                "rx_bytes-r": rate * 5 // 6,
            }
        )
    lan_network = next(
        (n for n in inventory.networks if n.site == site and n.purpose == "corporate"), None
    )
    entries.append(
        {
            "subsystem": "lan",
            "status": status([d.handle for d in switches]),
            "lan_ip": lan_network.gateway_ip if lan_network else None,
            "num_sw": len(switches),
            "num_adopted": len(switches),
            "num_disconnected": sum(1 for d in switches if d.handle in down),
            "num_pending": 0,
            "num_user": sum(1 for c in wired if not c.guest),
            "num_guest": sum(1 for c in wired if c.guest),
            "num_iot": 0,
            "tx_bytes-r": sum(c.throughput_bps for c in wired) // 6,
            "rx_bytes-r": sum(c.throughput_bps for c in wired) * 5 // 6,
        }
    )
    entries.append(
        {
            "subsystem": "vpn",
            "status": "unknown",
            "remote_user_enabled": False,
            "remote_user_num_active": 0,
            "remote_user_num_inactive": 0,
            "site_to_site_enabled": False,
        }
    )
    return entries


def sysinfo_record(
    inventory: Inventory, site: str, features: NetworkFeatures, at: Snapshot
) -> dict[str, Any]:
    """`stat/sysinfo` `data[0]`: the Network application's version and host facts."""
    gateway = inventory.gateway(site)
    booted_ms = at.start_ms + (gateway.boot_ms if gateway else 0)
    hostname = (gateway.name if gateway else "UniFi").replace(" ", "-")
    return {
        "timezone": "UTC",
        "autobackup": True,
        "build": features.build,
        "version": features.version,
        "hostname": hostname,
        "name": hostname,
        "ip_addrs": [gateway.ip] if gateway else [],
        "inform_port": 8080,
        "https_port": 8443,
        "override_inform_host": False,
        "uptime": max(0, (at.now_ms - booted_ms) // 1000),
        "update_available": False,
        "update_downloaded": False,
        "unsupported_device_count": 0,
        "console_display_version": gateway.version.rsplit(".", 1)[0] if gateway else "",
        "udm_version": gateway.version if gateway else "",
        "is_cloud_console": False,
        "data_retention_days": 90,
    }


def site_record(inventory: Inventory, site: Site) -> dict[str, Any]:
    """An entry of `/api/self/sites`."""
    return {
        "_id": site.id,
        "name": site.name,
        "desc": site.desc,
        "role": "admin",
        "attr_hidden_id": site.name,
        "attr_no_delete": site.name == "default",
        "device_count": len(inventory.devices_of(site.name)),
    }
