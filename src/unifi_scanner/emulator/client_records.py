"""Client records: `stat/sta` (and `sta:sync`), the v2 `client:sync` form, and `rest/user`.

Like device records, everything reflects the network state of a `SiteView`: `stat/sta` lists
exactly the clients connected at that moment, on the AP, band and channel in force then.
Numbers that real controllers sample (rates, retries) are deterministic functions of the
client and the scenario minute.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Client, Device, Inventory
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.radio_records import bssid, client_satisfaction
from unifi_scanner.emulator.site_view import SiteView
from unifi_scanner.emulator.timeline import Placement, StateHistory

_NOISE_FLOOR = {"ng": -92, "na": -95, "6e": -97}
_PEAK_RATE_KBPS = {("na", "ax"): 1_201_000, ("na", "ac"): 866_700, ("ng", "ax"): 286_800}


def _link_rate(client: Client, placement: Placement) -> int:
    """PHY rate in kbps: the band/standard peak, scaled down as the signal weakens."""
    peak = _PEAK_RATE_KBPS.get((placement.radio or "na", client.radio_proto), 144_400)
    signal = placement.signal if placement.signal is not None else -50
    return int(peak * max(0.1, min(1.0, (signal + 90) / 35)))


def client_record(view: SiteView, client: Client, placement: Placement) -> dict[str, Any]:
    """The `stat/sta` record of a connected `client`."""
    inventory, history, at, site = view.inventory, view.history, view.at, view.site
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
            "sw_depth": _depth(inventory, switch),
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
    inventory: Inventory,
    history: StateHistory,
    site: str,
    at: Snapshot,
    *,
    view: SiteView | None = None,
) -> list[dict[str, Any]]:
    """`stat/sta` for `site`: every client connected at `at`, in inventory order."""
    view = view or SiteView.of(inventory, history, site, at)
    return [client_record(view, client, placement) for client, placement in view.connected]


def _depth(inventory: Inventory, switch: Device) -> int:
    """Hops from the gateway to `switch` (1: cabled straight to it)."""
    depth, current = 1, switch
    while current.uplink is not None and current.type != "uap":
        upstream = inventory.device(current.uplink.device)
        if upstream.type in ("udm", "ugw", "uxg"):
            return depth
        depth, current = depth + 1, upstream
    return depth


def client_v2_record(record: dict[str, Any], uplink_name: str) -> dict[str, Any]:
    """The `client:sync` (v2) form of a `stat/sta` record: camelCase-free, `id`-keyed, with
    `display_name`, `last_ip`, `last_uplink_mac`, `status` and `type`."""
    wired = bool(record["is_wired"])
    kind = "WIRED" if wired else "WIRELESS"
    v2 = {
        "id": record["_id"],
        "mac": record["mac"],
        "site_id": record["site_id"],
        "display_name": record.get("name") or record.get("hostname") or record["mac"],
        "hostname": record.get("hostname", ""),
        "name": record.get("name", ""),
        "oui": record["oui"],
        "status": "online",
        "type": kind,
        "is_wired": wired,
        "is_guest": record["is_guest"],
        "last_ip": record["ip"],
        "last_uplink_mac": record["uplink_mac"],
        "last_uplink_name": uplink_name,
        "network_id": record["network_id"],
        "network_name": record["network"],
        "first_seen": record["first_seen"],
        "last_seen": record["last_seen"],
        "uptime": record["uptime"],
        "satisfaction": record["satisfaction"],
        "tx_bytes": record["tx_bytes"],
        "rx_bytes": record["rx_bytes"],
    }
    if not wired:
        v2 |= {
            key: record[key]
            for key in ("essid", "bssid", "channel", "radio", "signal", "rssi", "noise")
        }
        v2["ap_mac"] = record["ap_mac"]
    else:
        v2 |= {"sw_mac": record["sw_mac"], "sw_port": record["sw_port"]}
    return v2


def client_v2_records(view: SiteView) -> list[dict[str, Any]]:
    """`client:sync` data (and `v2 … clients/active`): every connected client, v2 style."""
    records = []
    for client, placement in view.connected:
        record = client_record(view, client, placement)
        uplink = placement.ap or placement.switch
        name = view.inventory.device(uplink).name if uplink else ""
        records.append(client_v2_record(record, name))
    return records


def known_client_records(view: SiteView) -> list[dict[str, Any]]:
    """`rest/user` (and `stat/alluser`): every client the site has ever seen, connected or not."""
    records = []
    for client in view.inventory.clients_of(view.site.name):
        network = view.inventory.network(client.site, client.network)
        record: dict[str, Any] = {
            "_id": client.id,
            "mac": client.mac,
            "site_id": view.site.id,
            "oui": client.oui,
            "is_guest": client.guest,
            "is_wired": client.wired,
            "first_seen": (view.at.start_ms + client.first_seen_ms) // 1000,
            "last_seen": _last_seen_s(view, client),
            "network_id": network.id,
            "noted": client.name is not None,
            "usergroup_id": "",
        }
        if client.hostname:
            record["hostname"] = client.hostname
        if client.name:
            record["name"] = client.name
        records.append(record)
    return records


def _last_seen_s(view: SiteView, client: Client) -> int:
    """Now if connected, else when it left (or its first sighting before the scenario)."""
    track = view.history.clients.get(client.handle)
    offset = view.offset_ms
    if track is not None and track.at(offset) is not None:
        return view.at.now_ms // 1000
    left = track.last_change_before(offset) if track is not None else None
    moment = left if left is not None else min(0, client.first_seen_ms + 3_600_000)
    return (view.at.start_ms + moment) // 1000
