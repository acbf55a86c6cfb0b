"""Event documents as UniFi Network writes them (protocol reference §3).

Each builder returns an `EventDraft`: the event-specific fields in the controller's order plus
`key`, `subsystem`, `msg` and `is_negative`. The fields that depend on when the scenario is
played (`_id`, `time`, `datetime`, and IPS `timestamp`) are added by `Timeline.render`.

Wire conventions reproduced here on purpose, because clients trip over them:
channels are strings in events (`"36"`), radios are `ng`/`na`/`6e`, disconnects carry
`duration` (s) and `bytes`, `msg` uses MACs in brackets and the controller's own wording
(`"channel 36(na)"`, `"18m 4s connected, 826.34K bytes"`), and IPS alerts carry `timestamp` in
seconds next to `time` in milliseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from unifi_scanner.emulator.inventory import Client, Device

_DEVICE_WORDS = {
    # device type → (key infix, field prefix, word used in msg, subsystem)
    "uap": ("AP", "ap", "AP", "wlan"),
    "usw": ("SW", "sw", "Switch", "lan"),
    "udm": ("DM", "dm", "Gateway", "lan"),
    "ugw": ("GW", "gw", "Gateway", "lan"),
}


@dataclass(frozen=True)
class EventDraft:
    """An event without its time-dependent fields."""

    key: str
    subsystem: str
    fields: dict[str, Any]
    msg: str
    is_negative: bool = False
    seconds_fields: tuple[str, ...] = field(default=())
    """Fields to fill with the event time in epoch seconds at render time."""


def channel_label(channel: int, radio: str) -> str:
    """How `msg` names a channel: `channel 36(na)`."""
    return f"channel {channel}({radio})"


def frequency_mhz(channel: int, radio: str) -> int:
    """Centre frequency of a 20 MHz channel."""
    if radio == "ng":
        return 2484 if channel == 14 else 2407 + 5 * channel
    if radio == "6e":
        return 5950 + 5 * channel
    return 5000 + 5 * channel


def format_duration(seconds: int) -> str:
    """`1084` → `"18m 4s"`, as in disconnect messages; larger units appear only when needed."""
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    while len(parts) > 1 and parts[0][0] == 0:
        parts.pop(0)
    return " ".join(f"{value}{unit}" for value, unit in parts)


def format_bytes(count: int) -> str:
    """`846171` → `"826.34K"`, `42` → `"42.00"` (binary multiples, two decimals)."""
    value = float(count)
    for unit in ("", "K", "M", "G"):
        if value < 1024 or unit == "G":
            return f"{value:.2f}{unit}"
        value /= 1024
    raise AssertionError("unreachable")  # pragma: no cover


def _who(client: Client) -> tuple[str, str]:
    """The subject field and msg word for a client: guests are `guest`/`Guest[…]`."""
    return ("guest", "Guest") if client.guest else ("user", "User")


def _hostname(client: Client) -> dict[str, Any]:
    return {"hostname": client.hostname} if client.hostname else {}


def wireless_connected(
    client: Client, ap: Device, ssid: str, radio: str, channel: int
) -> EventDraft:
    """EVT_WU_Connected / EVT_WG_Connected."""
    field_name, word = _who(client)
    fields = {field_name: client.mac, "ssid": ssid, **_hostname(client)}
    fields |= {"ap": ap.mac, "radio": radio, "channel": str(channel)}
    return EventDraft(
        key="EVT_WG_Connected" if client.guest else "EVT_WU_Connected",
        subsystem="wlan",
        fields=fields,
        msg=f'{word}[{client.mac}] has connected to AP[{ap.mac}] with SSID "{ssid}" '
        f'on "{channel_label(channel, radio)}"',
    )


def wireless_disconnected(
    client: Client, ap: Device, ssid: str, duration_s: int, byte_count: int
) -> EventDraft:
    """EVT_WU_Disconnected / EVT_WG_Disconnected (`ap` is the last AP)."""
    field_name, word = _who(client)
    fields = {field_name: client.mac, "ssid": ssid, **_hostname(client), "ap": ap.mac}
    fields |= {"duration": duration_s, "bytes": byte_count}
    return EventDraft(
        key="EVT_WG_Disconnected" if client.guest else "EVT_WU_Disconnected",
        subsystem="wlan",
        fields=fields,
        msg=f'{word}[{client.mac}] disconnected from "{ssid}" ({format_duration(duration_s)} '
        f"connected, {format_bytes(byte_count)} bytes, last AP[{ap.mac}])",
    )


def wireless_roamed(
    client: Client,
    ssid: str,
    source: tuple[Device, str, int],
    target: tuple[Device, str, int],
) -> EventDraft:
    """EVT_WU_Roam / EVT_WG_Roam; `source`/`target` are (AP, radio, channel)."""
    field_name, word = _who(client)
    (ap_from, radio_from, channel_from), (ap_to, radio_to, channel_to) = source, target
    fields = {
        field_name: client.mac,
        "ap_from": ap_from.mac,
        "ap_to": ap_to.mac,
        "radio_from": radio_from,
        "radio_to": radio_to,
        "radio": radio_to,
        "channel_from": str(channel_from),
        "channel_to": str(channel_to),
        "channel": str(channel_to),
        "ssid": ssid,
    }
    return EventDraft(
        key="EVT_WG_Roam" if client.guest else "EVT_WU_Roam",
        subsystem="wlan",
        fields=fields,
        msg=f"{word}[{client.mac}] roams from AP[{ap_from.mac}] to AP[{ap_to.mac}] from "
        f'"{channel_label(channel_from, radio_from)}" to '
        f'"{channel_label(channel_to, radio_to)}" on "{ssid}"',
    )


def wireless_roamed_radio(
    client: Client, ap: Device, ssid: str, source: tuple[str, int], target: tuple[str, int]
) -> EventDraft:
    """EVT_WU_RoamRadio / EVT_WG_RoamRadio: band change on the same AP."""
    field_name, word = _who(client)
    (radio_from, channel_from), (radio_to, channel_to) = source, target
    fields = {
        field_name: client.mac,
        "ap": ap.mac,
        "radio_from": radio_from,
        "radio_to": radio_to,
        "channel_from": str(channel_from),
        "channel_to": str(channel_to),
        "ssid": ssid,
    }
    return EventDraft(
        key="EVT_WG_RoamRadio" if client.guest else "EVT_WU_RoamRadio",
        subsystem="wlan",
        fields=fields,
        msg=f'{word}[{client.mac}] roams from "{channel_label(channel_from, radio_from)}" to '
        f'"{channel_label(channel_to, radio_to)}" at AP[{ap.mac}]',
    )


def wired_connected(client: Client) -> EventDraft:
    """EVT_LU_Connected / EVT_LG_Connected."""
    field_name, word = _who(client)
    return EventDraft(
        key="EVT_LG_Connected" if client.guest else "EVT_LU_Connected",
        subsystem="lan",
        fields={field_name: client.mac, **_hostname(client), "network": client.network},
        msg=f"{word}[{client.mac}] has connected to {client.network}",
    )


def wired_disconnected(client: Client, duration_s: int, byte_count: int) -> EventDraft:
    """EVT_LU_Disconnected / EVT_LG_Disconnected."""
    field_name, word = _who(client)
    fields = {field_name: client.mac, **_hostname(client), "network": client.network}
    fields |= {"duration": duration_s, "bytes": byte_count}
    return EventDraft(
        key="EVT_LG_Disconnected" if client.guest else "EVT_LU_Disconnected",
        subsystem="lan",
        fields=fields,
        msg=f'{word}[{client.mac}] disconnected from "{client.network}" '
        f"({format_duration(duration_s)} connected, {format_bytes(byte_count)} bytes)",
    )


def _device_fields(device: Device) -> tuple[str, str, dict[str, Any], str]:
    infix, prefix, word, subsystem = _DEVICE_WORDS[device.type]
    fields = {
        prefix: device.mac,
        f"{prefix}_name": device.name,
        f"{prefix}_model": device.model,
        f"{prefix}_displayName": device.name or device.model_name,
    }
    return infix, f"{word}[{device.mac}]", fields, subsystem


def device_lost_contact(device: Device) -> EventDraft:
    """EVT_AP_Lost_Contact (EVT_SW_…, EVT_DM_… for other device types)."""
    infix, subject, fields, subsystem = _device_fields(device)
    return EventDraft(
        key=f"EVT_{infix}_Lost_Contact",
        subsystem=subsystem,
        fields=fields,
        msg=f"{subject} was disconnected",
        is_negative=True,
    )


def device_connected(device: Device) -> EventDraft:
    """EVT_AP_Connected (EVT_SW_…, EVT_DM_… for other device types)."""
    infix, subject, fields, subsystem = _device_fields(device)
    return EventDraft(
        key=f"EVT_{infix}_Connected",
        subsystem=subsystem,
        fields=fields,
        msg=f"{subject} was connected",
    )


def radar_detected(ap: Device, channel: int) -> EventDraft:
    """EVT_AP_RadarDetected: DFS radar seen on the AP's 5 GHz channel."""
    _, subject, fields, _ = _device_fields(ap)
    freq = frequency_mhz(channel, "na")
    fields |= {"radar_channel": str(channel), "freq": str(freq)}
    return EventDraft(
        key="EVT_AP_RadarDetected",
        subsystem="wlan",
        fields=fields,
        msg=f"{subject} detected radar on channel {channel} ({freq} MHz)",
        is_negative=True,
    )


def channel_changed(ap: Device, radio: str, channel_from: int, channel_to: int) -> EventDraft:
    """EVT_AP_ChannelChanged."""
    _, subject, fields, _ = _device_fields(ap)
    fields |= {"radio": radio, "channel_from": str(channel_from), "channel_to": str(channel_to)}
    return EventDraft(
        key="EVT_AP_ChannelChanged",
        subsystem="wlan",
        fields=fields,
        msg=f'{subject} changed the channel from "{channel_from}" to "{channel_to}"',
    )


@dataclass(frozen=True)
class IpsHit:
    """What an IDS/IPS alert is about (one Suricata match)."""

    signature: str
    signature_id: int
    revision: int
    category: str
    severity: int  # 1 (high) … 3 (low), Suricata style
    catname: str
    action: str  # "blocked" (IPS) or "alert" (IDS only)
    proto: str
    app_proto: str
    src_ip: str
    src_port: int
    dest_ip: str
    dest_port: int
    src_country: str
    src_geo: dict[str, Any]
    flow_id: int


def ips_alert(hit: IpsHit, gateway: Device, wan_interface: str) -> EventDraft:
    """EVT_IPS_IpsAlert as raised by the gateway's threat management."""
    fields: dict[str, Any] = {
        "timestamp": 0,  # epoch seconds, filled at render time
        "flow_id": hit.flow_id,
        "in_iface": wan_interface,
        "event_type": "alert",
        "src_ip": hit.src_ip,
        "src_port": hit.src_port,
        "dest_ip": hit.dest_ip,
        "dest_port": hit.dest_port,
        "proto": hit.proto,
        "app_proto": hit.app_proto,
        "host": gateway.mac,
        "usgip": hit.dest_ip,
        "srcipCountry": hit.src_country,
        "srcipGeo": hit.src_geo,
        "dstipCountry": False,
        "dstipGeo": [],
        "catname": hit.catname,
        "inner_alert_action": hit.action,
        "inner_alert_gid": 1,
        "inner_alert_signature_id": hit.signature_id,
        "inner_alert_rev": hit.revision,
        "inner_alert_signature": hit.signature,
        "inner_alert_category": hit.category,
        "inner_alert_severity": hit.severity,
    }
    return EventDraft(
        key="EVT_IPS_IpsAlert",
        subsystem="www",
        fields=fields,
        msg=f"IPS Alert {hit.severity}: {hit.category}. Signature {hit.signature}. "
        f"From: {hit.src_ip}:{hit.src_port}, to: {hit.dest_ip}:{hit.dest_port}, "
        f"protocol: {hit.proto}",
        is_negative=True,
        seconds_fields=("timestamp",),
    )
