"""The wireless parts of an AP's `stat/device` record: `radio_table`, `radio_table_stats` and
`vap_table`, plus the BSSIDs and satisfaction scores that `stat/sta` shares with them.

Channels come from the history (after a DFS move, the new one); utilisation is a deterministic
function of the AP, the radio and the scenario minute, raised by each associated station (more
on 2.4 GHz than on the wider 5 and 6 GHz channels).
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.ids import unit_interval
from unifi_scanner.emulator.inventory import Device
from unifi_scanner.emulator.site_view import SiteView, Station
from unifi_scanner.emulator.timeline import Placement

# Airtime (% of `cu_total`) an associated station takes: a lot on a narrow, slow 2.4 GHz
# channel, far less on a wide 5 or 6 GHz one, so a busy office stays short of congestion.
_AIRTIME_PER_STATION = {"ng": 4.0, "na": 2.0, "6e": 1.5}


def client_satisfaction(placement: Placement) -> int:
    """Experience score (0–100) from signal strength, lowered by frequent roaming."""
    signal = placement.signal if placement.signal is not None else -50
    score = 100 - max(0, -signal - 55) * 2.5 - min(25, 2 * placement.roam_count)
    return int(max(15, min(100, score)))


def bssid(device: Device, radio: str, wlan_index: int) -> str:
    """BSSID of a WLAN on an AP radio: the AP MAC, locally administered, indexed per VAP."""
    octets = [int(part, 16) for part in device.mac.split(":")]
    octets[0] |= 0x02
    offset = {"na": 8, "6e": 16}.get(radio, 0)
    octets[5] = (octets[5] + offset + wlan_index) % 256
    return ":".join(f"{octet:02x}" for octet in octets)


def radio_tables(
    view: SiteView, device: Device, stations: list[Station], up: bool
) -> dict[str, Any]:
    """`radio_table` (configuration) and `radio_table_stats` (live figures) of AP `device`."""
    config, stats = [], []
    minute = view.offset_ms // 60_000
    for radio in device.radios:
        channel = view.history.channel(device.handle, radio.radio, view.offset_ms)
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
        noise = 30 * unit_interval(device.mac, radio.name, minute)
        busy = 8 + noise + _AIRTIME_PER_STATION.get(radio.radio, 4.0) * len(on_radio)
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


def vap_table(
    view: SiteView, device: Device, stations: list[Station], up: bool
) -> list[dict[str, Any]]:
    """One entry per WLAN and radio of AP `device`."""
    vaps = []
    wlans = [w for w in view.inventory.wlans if w.site == device.site]
    for index, wlan in enumerate(wlans):
        for radio in device.radios:
            if radio.radio not in wlan.bands:
                continue
            on_vap = [p for _, p in stations if p.ssid == wlan.ssid and p.radio == radio.radio]
            vaps.append(
                {
                    "essid": wlan.ssid,
                    "bssid": bssid(device, radio.radio, index),
                    "radio": radio.radio,
                    "radio_name": radio.name,
                    "channel": view.history.channel(device.handle, radio.radio, view.offset_ms),
                    "num_sta": len(on_vap),
                    "usage": "guest" if wlan.guest else "user",
                    "is_guest": wlan.guest,
                    "up": up,
                    "wlanconf_id": wlan.id,
                }
            )
    return vaps
