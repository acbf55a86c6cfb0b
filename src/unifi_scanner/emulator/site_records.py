"""Per-site REST documents: `stat/health`, `stat/sysinfo`, the site list and configuration
lists (`rest/wlanconf`, `rest/networkconf`).

Like the device and client records, health reflects the network state of a `SiteView`: a
device that lost contact turns its subsystem to `warning`, a gateway running on its backup WAN
turns `wan` to `warning` and reports the backup's address. Sampled numbers (latency,
throughput) are deterministic functions of the site and the scenario minute.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import derived_bytes, object_id, unit_interval
from unifi_scanner.emulator.inventory import Device, Inventory, Site
from unifi_scanner.emulator.site_view import SiteView
from unifi_scanner.emulator.versions import NetworkFeatures

_CONFIGURED_S = 1_672_531_200  # site defaults date from the controller's setup (2023)


def _wan_entries(view: SiteView, gateway: Device, rate: int, latency: int) -> list[dict[str, Any]]:
    down = not view.status(gateway).up
    active = view.history.active_wan(gateway.handle, view.offset_ms) or gateway.wan_interface
    on_backup = gateway.wan2_interface is not None and active == gateway.wan2_interface
    wan_ip = gateway.wan2_ip if on_backup else gateway.wan_ip
    minute = view.offset_ms // 60_000
    uptime_s = (view.at.now_ms - view.at.start_ms - gateway.boot_ms) // 1000
    uptime_stats = {
        "WAN": {"availability": 100.0 if not on_backup else 0.0, "latency_average": latency}
    }
    if gateway.wan2_interface is not None:
        uptime_stats["WAN2"] = {"availability": 100.0, "latency_average": latency + 6}
    wan = {
        "subsystem": "wan",
        "status": "error" if down else "warning" if on_backup else "ok",
        "num_gw": 1,
        "num_adopted": 1,
        "num_disconnected": int(down),
        "num_pending": 0,
        "num_sta": len(view.connected),
        "wan_ip": wan_ip,
        "gateways": [wan_ip.rsplit(".", 1)[0] + ".1"] if wan_ip else [],
        "netmask": "255.255.255.0",
        "nameservers": ["1.1.1.1", "9.9.9.9"],
        "gw_mac": gateway.mac,
        "gw_name": gateway.name,
        "gw_version": view.firmware(gateway),
        "uptime_stats": uptime_stats,
        "tx_bytes-r": rate // 6,
        "rx_bytes-r": rate * 5 // 6,
    }
    www = {
        "subsystem": "www",
        "status": "error" if down else "ok",
        "latency": latency + (25 if on_backup else 0),
        "uptime": uptime_s,
        "drops": 0,
        "xput_up": round(38 + 4 * unit_interval(view.site.name, "up", minute // 60), 1),
        "xput_down": round(480 + 60 * unit_interval(view.site.name, "down", minute // 60), 1),
        "speedtest_status": "Success",
        "speedtest_lastrun": (view.at.now_ms // 1000) - 3600,
        "speedtest_ping": latency,
        "gw_mac": gateway.mac,
        "tx_bytes-r": rate // 6,
        "rx_bytes-r": rate * 5 // 6,
    }
    return [wan, www]


def health_records(view: SiteView) -> list[dict[str, Any]]:
    """`stat/health`: one entry per subsystem (`wlan`, `wan`, `www`, `lan`, `vpn`)."""
    inventory, site = view.inventory, view.site.name
    devices = inventory.devices_of(site)
    down = {d.handle for d in devices if not view.status(d).up}
    aps = [d for d in devices if d.type == "uap"]
    switches = [d for d in devices if d.type == "usw"]
    wireless = [c for c, p in view.connected if p.ap is not None]
    wired = [c for c, p in view.connected if p.switch is not None]
    gateway = inventory.gateway(site)
    latency = 9 + int(12 * unit_interval(site, "latency", view.offset_ms // 60_000))
    rate = sum(c.throughput_bps for c, _ in view.connected)

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
        entries += _wan_entries(view, gateway, rate, latency)
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
    view: SiteView, features: NetworkFeatures, *, https_port: int, console_id: str
) -> dict[str, Any]:
    """`stat/sysinfo` `data[0]`: the Network application's version and host facts."""
    gateway = view.inventory.gateway(view.site.name)
    booted_ms = view.at.start_ms + (gateway.boot_ms if gateway else 0)
    hostname = (gateway.name if gateway else "UniFi").replace(" ", "-")
    return {
        "timezone": "UTC",
        "autobackup": True,
        "build": features.build,
        "version": features.version,
        "previous_version": features.previous_version,
        "anonymous_controller_id": console_id,
        "ubnt_device_type": gateway.model if gateway is not None and https_port == 443 else "",
        "hostname": hostname,
        "name": hostname,
        "ip_addrs": [gateway.ip] if gateway else [],
        "inform_port": 8080,
        "https_port": https_port,
        "override_inform_host": False,
        "uptime": max(0, (view.at.now_ms - booted_ms) // 1000),
        "update_available": False,
        "update_downloaded": False,
        "unsupported_device_count": 0,
        "console_display_version": view.firmware(gateway).rsplit(".", 1)[0] if gateway else "",
        "udm_version": view.firmware(gateway) if gateway else "",
        "is_cloud_console": False,
        "data_retention_days": 90,
    }


def site_record(inventory: Inventory, site: Site) -> dict[str, Any]:
    """An entry of `/api/self/sites`: `name` is the short name used in URLs, `desc` the label."""
    return {
        "_id": site.id,
        "name": site.name,
        "desc": site.desc,
        "role": "admin",
        "attr_hidden_id": site.name,
        "attr_no_delete": site.name == "default",
        "device_count": len(inventory.devices_of(site.name)),
    }


def wlanconf_records(inventory: Inventory, site: Site) -> list[dict[str, Any]]:
    """`rest/wlanconf`: the site's SSIDs (passphrases withheld, as for a read-only admin)."""
    networks = {n.name: n for n in inventory.networks if n.site == site.name}
    return [
        {
            "_id": wlan.id,
            "site_id": site.id,
            "name": wlan.ssid,
            "enabled": True,
            "security": "wpapsk",
            "wpa_mode": "wpa2",
            "wpa_enc": "ccmp",
            "is_guest": wlan.guest,
            "networkconf_id": networks[wlan.network].id if wlan.network in networks else "",
            "usergroup_id": _derived_id(site, "usergroup"),
            "wlangroup_id": _derived_id(site, "wlangroup"),
            "wlan_bands": [
                "2g" if band == "ng" else "6g" if band == "6e" else "5g" for band in wlan.bands
            ],
            "hide_ssid": False,
            "schedule": [],
            "bc_filter_list": [],
            "mac_filter_list": [],
            "mac_filter_policy": "allow",
            "group_rekey": 3600,
            "dtim_mode": "default",
            "dtim_na": 3,
            "dtim_ng": 1,
            "wep_idx": 1,
            "no2ghz_oui": True,
            "x_iapp_key": derived_bytes(wlan.id, "iapp", size=16).hex(),
            "minrate_na_advertising_rates": False,
            "minrate_na_beacon_rate_kbps": 6000,
            "minrate_na_data_rate_kbps": 6000,
            "minrate_na_mgmt_rate_kbps": 6000,
            "minrate_ng_advertising_rates": False,
            "minrate_ng_beacon_rate_kbps": 1000,
            "minrate_ng_data_rate_kbps": 1000,
            "minrate_ng_mgmt_rate_kbps": 1000,
        }
        for wlan in inventory.wlans
        if wlan.site == site.name
    ]


def _derived_id(site: Site, what: str) -> str:
    """The id of a site-wide default object (user group, WLAN group)."""
    return object_id(_CONFIGURED_S, site.id, what)


def networkconf_records(inventory: Inventory, site: Site) -> list[dict[str, Any]]:
    """`rest/networkconf`: the site's LANs and VLANs."""
    return [
        {
            "_id": network.id,
            "site_id": site.id,
            "name": network.name,
            "purpose": network.purpose,
            "ip_subnet": f"{network.gateway_ip}/24",
            "vlan_enabled": network.vlan is not None,
            **({"vlan": network.vlan} if network.vlan is not None else {}),
            "dhcpd_enabled": True,
            "enabled": True,
        }
        for network in inventory.networks
        if network.site == site.name
    ]
