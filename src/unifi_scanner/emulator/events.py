"""Event documents as UniFi Network writes them (protocol reference §3).

Each builder returns an `EventDraft`: the event-specific fields in the controller's order plus
`key`, `subsystem`, `msg` and `is_negative`. This module holds the client events and the shared
formatting; device events live in `device_events.py`, IPS alerts in `threats.py`. The fields
that depend on when the scenario is played (`_id`, `time`, `datetime`, and IPS `timestamp`)
are added by `Timeline.render`.

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
