"""Device event documents (protocol reference §3): lifecycle, RF, firmware, PoE, heat, WAN.

Builders return `EventDraft`s like those in `events.py`. Device fields use the type's prefix
(`ap`, `sw`, `dm`, `gw`, `xg`) with `<prefix>_name`, `<prefix>_model` and
`<prefix>_displayName`, and keys its infix (`EVT_AP_…`, `EVT_SW_…`). Wordings of `msg` follow
the controller's templates; those not confirmed by a capture are listed in docs/emulator.md.
"""

from __future__ import annotations

from typing import Any

from unifi_scanner.emulator.events import EventDraft, frequency_mhz
from unifi_scanner.emulator.inventory import Device

_DEVICE_WORDS = {
    # device type → (key infix, field prefix, word used in msg, subsystem)
    "uap": ("AP", "ap", "AP", "wlan"),
    "usw": ("SW", "sw", "Switch", "lan"),
    "udm": ("DM", "dm", "Gateway", "lan"),
    "ugw": ("GW", "gw", "Gateway", "lan"),
    "uxg": ("XG", "xg", "Gateway", "lan"),
}


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


def _firmware(
    device: Device, version_from: str, version_to: str
) -> tuple[str, str, dict[str, Any], str]:
    infix, subject, fields, subsystem = _device_fields(device)
    return (
        infix,
        subject,
        fields | {"version_from": version_from, "version_to": version_to},
        subsystem,
    )


def upgrade_scheduled(device: Device, version_from: str, version_to: str) -> EventDraft:
    """EVT_AP_UpgradeScheduled (…_SW_…): a firmware upgrade is about to start."""
    infix, subject, fields, subsystem = _firmware(device, version_from, version_to)
    return EventDraft(
        key=f"EVT_{infix}_UpgradeScheduled",
        subsystem=subsystem,
        fields=fields,
        msg=f'{subject} upgrade to "{version_to}" is scheduled',
    )


def upgraded(device: Device, version_from: str, version_to: str) -> EventDraft:
    """EVT_AP_Upgraded (…_SW_…, …_DM_…): back online on the new firmware."""
    infix, subject, fields, subsystem = _firmware(device, version_from, version_to)
    return EventDraft(
        key=f"EVT_{infix}_Upgraded",
        subsystem=subsystem,
        fields=fields,
        msg=f'{subject} was upgraded from "{version_from}" to "{version_to}"',
    )


def upgrade_failed(device: Device, version_from: str, version_to: str) -> EventDraft:
    """EVT_AP_UpgradeFailed: the device came back on its old firmware."""
    infix, subject, fields, subsystem = _firmware(device, version_from, version_to)
    return EventDraft(
        key=f"EVT_{infix}_UpgradeFailed",
        subsystem=subsystem,
        fields=fields,
        msg=f'{subject} failed to upgrade from "{version_from}" to "{version_to}"',
        is_negative=True,
    )


def poe_overload(switch: Device, port: int) -> EventDraft:
    """EVT_SW_PoeOverload: the switch is out of PoE budget on `port`."""
    _, subject, fields, _ = _device_fields(switch)
    return EventDraft(
        key="EVT_SW_PoeOverload",
        subsystem="lan",
        fields={"port": port, **fields},
        msg=f"{subject} POE overloading on port {port}",
        is_negative=True,
    )


def poe_disconnect(switch: Device, port: int) -> EventDraft:
    """EVT_SW_PoeDisconnect: the switch cut power to `port`."""
    _, subject, fields, _ = _device_fields(switch)
    return EventDraft(
        key="EVT_SW_PoeDisconnect",
        subsystem="lan",
        fields={"port": port, **fields},
        msg=f"{subject} POE disconnected on port {port}",
        is_negative=True,
    )


def overheat(switch: Device, temperature: int) -> EventDraft:
    """EVT_SW_Overheat: the switch reports a temperature above its limit."""
    _, subject, fields, _ = _device_fields(switch)
    return EventDraft(
        key="EVT_SW_Overheat",
        subsystem="lan",
        fields=fields | {"temperature": temperature},
        msg=f"{subject} is overheating ({temperature} °C)",
        is_negative=True,
    )


def wan_transition(gateway: Device, interface: str, state: str) -> EventDraft:
    """EVT_GW_WANTransition: a WAN interface became `active` or `inactive` (failover).

    The key keeps `GW` on every gateway type; UniFi OS gateways add their own `dm`/`xg` fields
    next to `gw`, as in captured payloads.
    """
    _, subject, fields, _ = _device_fields(gateway)
    own = {"gw": gateway.mac, "iface": interface, "state": state}
    return EventDraft(
        key="EVT_GW_WANTransition",
        subsystem="lan",
        fields=own | {k: v for k, v in fields.items() if k != "gw"},
        msg=f"{subject} WAN iface {interface} transition to state {state}",
        is_negative=state == "inactive",
    )


def admin_login(admin: str, ip: str, subsystem: str) -> EventDraft:
    """EVT_AD_Login, carried by the `super` site's socket."""
    return EventDraft(
        key="EVT_AD_Login",
        subsystem=subsystem,
        fields={"admin": admin, "ip": ip},
        msg=f"Admin[{admin}] log in from {ip}",
    )
