"""One event, one plain-English line: what ``unifi-scanner tail`` prints as events arrive.

Unlike the findings, which look at a whole period, this speaks about a single event: who,
what, where, with names from the inventory. The severity is the event's own weight (a device
losing contact is severe on its own; a client connecting never is).
"""

from __future__ import annotations

from unifi_scanner.analyze.findings import Severity
from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.text import duration
from unifi_scanner.controller.models import Event

_DEVICE_FIELDS = ("ap", "sw", "gw", "dm", "xg")
_MEDIUM_SUFFIXES = (
    "RadarDetected",
    "Restarted",
    "RestartedUnknown",
    "UpgradeFailed",
    "PoeOverload",
    "PoeDisconnect",
    "Overheat",
    "DetectRogueAP",
    "DetectRogueDHCP",
    "WANTransition",
    "DhcpPoolExhausted",
    "DhcpPoolNearExhausted",
    "StpPortBlocking",
    "Isolated",
)
_BANDS = {"ng": "2.4 GHz", "na": "5 GHz", "6e": "6 GHz"}


def severity_of(event: Event) -> Severity:
    """How much one event matters by itself."""
    key = event.key
    if key == "EVT_IPS_IpsAlert":
        level = event.text("inner_alert_severity")
        return {"1": Severity.SEVERE, "2": Severity.MEDIUM}.get(level or "", Severity.LOW)
    if key.endswith("_Lost_Contact") or key == "DEVICE_OFFLINE":
        return Severity.SEVERE
    if key.endswith(_MEDIUM_SUFFIXES) or key.startswith(("THREAT_", "DFS_RADAR")):
        return Severity.MEDIUM
    return Severity.LOW


def describe(event: Event, inventory: Inventory) -> str:
    """A sentence about ``event`` with device and client names resolved."""
    key, text = event.key, event.text

    def client() -> str:
        mac = text("user") or text("guest")
        return inventory.client_name(mac) if mac else "a client"

    def device(field: str | None = None) -> str:
        fields = (field,) if field else _DEVICE_FIELDS
        mac = next((text(f) for f in fields if text(f)), None)
        return inventory.device_name(mac) if mac else "a device"

    if key in ("EVT_WU_Connected", "EVT_WG_Connected"):
        where = ", ".join(x for x in (text("ssid"), _channel(text("channel"), text("radio"))) if x)
        return f"{client()} connected to {device('ap')}" + (f" ({where})" if where else "")
    if key in ("EVT_WU_Disconnected", "EVT_WG_Disconnected"):
        seconds = text("duration")
        after = f" after {duration(float(seconds))}" if seconds and seconds.isdigit() else ""
        return f"{client()} disconnected from {device('ap')}{after}"
    if key in ("EVT_WU_Roam", "EVT_WG_Roam"):
        return f"{client()} roamed from {device('ap_from')} to {device('ap_to')}"
    if key in ("EVT_WU_RoamRadio", "EVT_WG_RoamRadio"):
        bands = f"{_band(text('radio_from'))} → {_band(text('radio_to'))}"
        return f"{client()} changed band on {device('ap')} ({bands})"
    if key in ("EVT_LU_Connected", "EVT_LG_Connected"):
        return f"{client()} plugged in (wired)"
    if key in ("EVT_LU_Disconnected", "EVT_LG_Disconnected"):
        return f"{client()} unplugged (wired)"
    if key.endswith("_Lost_Contact"):
        return f"{device()} lost contact with the controller"
    if key.startswith("EVT_") and key.endswith("_Connected"):
        return f"{device()} is connected to the controller"
    if key == "EVT_AP_RadarDetected":
        return f"{device('ap')} detected radar on channel {text('radar_channel') or '?'}"
    if key == "EVT_AP_ChannelChanged":
        change = f"{text('channel_from') or '?'} → {text('channel_to') or text('channel') or '?'}"
        return f"{device('ap')} changed channel {change}"
    if key == "EVT_IPS_IpsAlert":
        action = "blocked" if text("inner_alert_action") in ("blocked", "drop") else "detected"
        signature = text("inner_alert_signature") or "unknown signature"
        return (
            f"Intrusion {action}: {signature} from {text('src_ip') or '?'} "
            f"to {text('dest_ip') or '?'}"
        )
    return text("msg") or key


def _channel(channel: str | None, radio: str | None) -> str | None:
    if not channel:
        return None
    return f"channel {channel}" + (f", {_BANDS[radio]}" if radio in _BANDS else "")


def _band(radio: str | None) -> str:
    return _BANDS.get(radio or "", radio or "?")
