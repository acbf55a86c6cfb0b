"""The v2 system log (`POST …/v2/api/site/{site}/system-log/{class}`), fed from the timeline.

Each legacy event that has fallen due becomes one entry (protocol reference §2): `id`, `key`,
`event`, `category`, `subcategory`, `severity`, `status`, `type`, `target`, `timestamp` (ms),
`title_raw` and `message_raw` with `{CLIENT}`-style placeholders, and `parameters` naming each
placeholder's subject (`id` is the MAC for clients and devices). The entry keys are the
emulator's choice where no capture confirmed them ([UNCONFIRMED] list in docs/emulator.md).

Classes select categories: `client-alert` CLIENT_DEVICES, `device-alert` UNIFI_DEVICES /
POWER / UNIFI_ETHERNET_PORTS / INTERNET_AND_WAN, `threat-alert` SECURITY (from 9.3.45),
`admin-activity` AUDIT, `update-alert` SOFTWARE_UPDATES, `vpn-alert` VPN; `next-ai-alert` and
`triggers` are valid but empty here; `all` takes every category, filtered by `categories` and
`severities` (unknown names → 400).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from unifi_scanner.emulator.ids import object_id
from unifi_scanner.emulator.inventory import Inventory

CATEGORIES = frozenset(
    {"SECURITY", "UNIFI_DEVICES", "SOFTWARE_UPDATES", "VPN", "POWER", "UNIFI_ETHERNET_PORTS",
     "CLIENT_DEVICES", "UNKNOWN", "AUDIT", "INTERNET_AND_WAN"}
)  # fmt: skip
SEVERITIES = ("LOW", "MEDIUM", "HIGH", "VERY_HIGH")
CLASS_CATEGORIES: dict[str, frozenset[str]] = {
    "client-alert": frozenset({"CLIENT_DEVICES"}),
    "device-alert": frozenset(
        {"UNIFI_DEVICES", "POWER", "UNIFI_ETHERNET_PORTS", "INTERNET_AND_WAN"}
    ),
    "threat-alert": frozenset({"SECURITY"}),
    "admin-activity": frozenset({"AUDIT"}),
    "update-alert": frozenset({"SOFTWARE_UPDATES"}),
    "vpn-alert": frozenset({"VPN"}),
    "next-ai-alert": frozenset(),
    "triggers": frozenset(),
    "all": CATEGORIES,
}


@dataclass(frozen=True)
class _Kind:
    key: str
    event: str
    category: str
    subcategory: str
    severity: str
    target: str
    title_raw: str
    message_raw: str


def _k(key: str, event: str, category: str, sub: str, severity: str, target: str,
       title: str, message: str) -> _Kind:  # fmt: skip
    return _Kind(key, event, category, sub, severity, target, title, message)


_CLIENT = {
    "EVT_WU_Connected": _k("CLIENT_CONNECTED_WIRELESS_2", "Client Connected", "CLIENT_DEVICES",
                           "WIFI", "LOW", "CLIENT", "{CLIENT} connected",
                           "{CLIENT} connected to {WLAN} on {DEVICE}"),
    "EVT_WU_Disconnected": _k("CLIENT_DISCONNECTED_WIRELESS", "Client Disconnected",
                              "CLIENT_DEVICES", "WIFI", "LOW", "CLIENT", "{CLIENT} disconnected",
                              "{CLIENT} disconnected from {WLAN} on {DEVICE}"),
    "EVT_WU_Roam": _k("CLIENT_ROAMED", "Client Roamed", "CLIENT_DEVICES", "WIFI", "LOW", "CLIENT",
                      "{CLIENT} roamed", "{CLIENT} roamed from {DEVICE_FROM} to {DEVICE_TO}"),
    "EVT_WU_RoamRadio": _k("CLIENT_ROAMED_RADIO", "Client Changed Band", "CLIENT_DEVICES", "WIFI",
                           "LOW", "CLIENT", "{CLIENT} changed band",
                           "{CLIENT} changed band on {DEVICE}"),
    "EVT_LU_Connected": _k("CLIENT_CONNECTED_WIRED", "Client Connected", "CLIENT_DEVICES",
                           "WIRED", "LOW", "CLIENT", "{CLIENT} connected",
                           "{CLIENT} connected to {NETWORK}"),
    "EVT_LU_Disconnected": _k("CLIENT_DISCONNECTED_WIRED", "Client Disconnected",
                              "CLIENT_DEVICES", "WIRED", "LOW", "CLIENT", "{CLIENT} disconnected",
                              "{CLIENT} disconnected from {NETWORK}"),
}  # fmt: skip
_DEVICE = {
    "Lost_Contact": _k("DEVICE_OFFLINE", "Device Offline", "UNIFI_DEVICES", "DEVICE", "HIGH",
                       "DEVICE", "{DEVICE} is offline",
                       "{DEVICE} lost contact with the controller"),
    "Connected": _k("DEVICE_ONLINE", "Device Online", "UNIFI_DEVICES", "DEVICE", "LOW", "DEVICE",
                    "{DEVICE} is online", "{DEVICE} reconnected to the controller"),
    "RadarDetected": _k("DFS_RADAR_DETECTED", "Radar Detected", "UNIFI_DEVICES", "WIFI",
                        "MEDIUM", "DEVICE", "Radar detected by {DEVICE}",
                        "{DEVICE} detected radar on channel {CHANNEL}"),
    "ChannelChanged": _k("DEVICE_CHANNEL_CHANGED", "Channel Changed", "UNIFI_DEVICES", "WIFI",
                         "LOW", "DEVICE", "{DEVICE} changed channel",
                         "{DEVICE} moved to channel {CHANNEL}"),
    "PoeOverload": _k("POE_OVERLOAD", "PoE Overload", "POWER", "POE", "HIGH", "DEVICE",
                      "PoE overload on {DEVICE}", "{DEVICE} is out of PoE budget on port {PORT}"),
    "PoeDisconnect": _k("POE_DISCONNECTED", "PoE Disconnected", "POWER", "POE", "HIGH", "DEVICE",
                        "PoE cut on {DEVICE}", "{DEVICE} cut PoE power on port {PORT}"),
    "Overheat": _k("DEVICE_OVERHEATING", "Device Overheating", "UNIFI_DEVICES", "DEVICE",
                   "HIGH", "DEVICE", "{DEVICE} is overheating", "{DEVICE} is overheating"),
    "WANTransition": _k("WAN_TRANSITION", "WAN Transition", "INTERNET_AND_WAN", "WAN", "MEDIUM",
                        "DEVICE", "{DEVICE} WAN {WAN} is {STATE}",
                        "{DEVICE} WAN interface {WAN} changed state to {STATE}"),
    "Upgraded": _k("DEVICE_UPGRADED", "Device Updated", "SOFTWARE_UPDATES", "FIRMWARE", "LOW",
                   "DEVICE", "{DEVICE} updated", "{DEVICE} was updated to {VERSION}"),
    "UpgradeScheduled": _k("DEVICE_UPGRADE_SCHEDULED", "Update Scheduled", "SOFTWARE_UPDATES",
                           "FIRMWARE", "LOW", "DEVICE", "{DEVICE} update scheduled",
                           "{DEVICE} will be updated to {VERSION}"),
    "UpgradeFailed": _k("DEVICE_UPGRADE_FAILED", "Update Failed", "SOFTWARE_UPDATES", "FIRMWARE",
                        "MEDIUM", "DEVICE", "{DEVICE} update failed",
                        "{DEVICE} failed to update to {VERSION}"),
}  # fmt: skip
_THREAT = {
    True: _k("THREAT_BLOCKED", "Threat Blocked", "SECURITY", "THREAT", "HIGH", "THREAT",
             "Threat blocked", "{SIGNATURE} from {SOURCE} to {DESTINATION} was blocked"),
    False: _k("THREAT_DETECTED", "Threat Detected", "SECURITY", "THREAT", "MEDIUM", "THREAT",
              "Threat detected", "{SIGNATURE} from {SOURCE} to {DESTINATION} was detected"),
}  # fmt: skip
_ADMIN = _k("ADMIN_LOGIN", "Admin Login", "AUDIT", "ADMIN", "LOW", "ADMIN", "{ADMIN} logged in",
            "{ADMIN} logged in from {IP}")  # fmt: skip
_THREAT_SEVERITY = {1: "VERY_HIGH", 2: "HIGH", 3: "MEDIUM"}
_DEVICE_PREFIXES = ("ap", "sw", "dm", "gw", "xg")


class Directory:
    """MAC → parameter objects for the subjects of an inventory."""

    def __init__(self, inventory: Inventory) -> None:
        self._entries: dict[str, dict[str, Any]] = {}
        for client in inventory.clients:
            name = client.name or client.hostname or client.mac
            self._entries[client.mac] = {
                "id": client.mac,
                "name": name,
                "hostname": client.hostname or "",
                "ip": client.ip,
            }
        for device in inventory.devices:
            self._entries[device.mac] = {
                "id": device.mac,
                "name": device.name,
                "model": device.model,
                "ip": device.ip,
            }

    def __call__(self, mac: str) -> dict[str, Any]:
        """The parameter object of `mac` (a bare one for a MAC the inventory does not know)."""
        return dict(self._entries.get(mac, {"id": mac, "name": mac}))


def _kind(document: dict[str, Any]) -> _Kind | None:
    key = document["key"]
    if key in _CLIENT:
        return _CLIENT[key]
    guest = key.replace("EVT_WG_", "EVT_WU_").replace("EVT_LG_", "EVT_LU_")
    if guest in _CLIENT:
        kind = _CLIENT[guest]
        return _Kind(**{**kind.__dict__, "subcategory": "GUEST"})
    if key == "EVT_IPS_IpsAlert":
        return _THREAT[document.get("inner_alert_action") == "blocked"]
    if key == "EVT_AD_Login":
        return _ADMIN
    return _DEVICE.get(key.split("_", 2)[-1]) if key.startswith("EVT_") else None


def _parameters(
    document: dict[str, Any], lookup: Callable[[str], dict[str, Any]]
) -> dict[str, Any]:
    params: dict[str, Any] = {}
    subject = document.get("user") or document.get("guest")
    if subject:
        params["CLIENT"] = lookup(subject)
    for prefix in _DEVICE_PREFIXES:
        if isinstance(document.get(prefix), str):
            params.setdefault("DEVICE", lookup(document[prefix]))
    if "ap_from" in document:
        params["DEVICE_FROM"] = lookup(document["ap_from"])
        params["DEVICE"] = params["DEVICE_TO"] = lookup(document["ap_to"])
    if "ssid" in document:
        params["WLAN"] = {"id": document["ssid"], "name": document["ssid"]}
    if "network" in document:
        params["NETWORK"] = {"id": document["network"], "name": document["network"]}
    simple = {
        "channel_to": "CHANNEL",
        "radar_channel": "CHANNEL",
        "port": "PORT",
        "iface": "WAN",
        "state": "STATE",
        "version_to": "VERSION",
        "ip": "IP",
    }
    for field, name in simple.items():
        if field in document:
            params[name] = {"id": str(document[field]), "name": str(document[field])}
    if document["key"] == "EVT_IPS_IpsAlert":
        source, destination = document["src_ip"], document["dest_ip"]
        country = document.get("srcipCountry")
        params["SOURCE"] = {"id": source, "name": source, "ip": source, "country": country}
        params["DESTINATION"] = {"id": destination, "name": destination, "ip": destination}
        signature = document["inner_alert_signature"]
        params["SIGNATURE"] = {"id": str(document["inner_alert_signature_id"]), "name": signature}
    if document["key"] == "EVT_AD_Login":
        params["ADMIN"] = {"id": document["admin"], "name": document["admin"]}
    return params


def entry(document: dict[str, Any], lookup: Callable[[str], dict[str, Any]], *,
          own_id: bool) -> dict[str, Any] | None:  # fmt: skip
    """The system-log entry for legacy event `document`, or None if the log has no such kind."""
    kind = _kind(document)
    if kind is None:
        return None
    severity = kind.severity
    if kind.category == "SECURITY":
        severity = _THREAT_SEVERITY.get(document.get("inner_alert_severity", 3), "MEDIUM")
    identifier = document["_id"]
    if own_id:
        identifier = object_id(document["time"] // 1000, "system-log", document["_id"])
    return {
        "id": identifier,
        "key": kind.key,
        "event": kind.event,
        "category": kind.category,
        "subcategory": kind.subcategory,
        "severity": severity,
        "status": "NEW",
        "type": kind.target,
        "target": kind.target,
        "timestamp": document["time"],
        "title_raw": kind.title_raw,
        "message_raw": kind.message_raw,
        "parameters": _parameters(document, lookup),
        "show_on_dashboard": severity in ("HIGH", "VERY_HIGH"),
    }


_CLIENT_TYPES = {"WIFI": "WIRELESS", "WIRED": "WIRED", "GUEST": "GUEST"}


def matches(item: dict[str, Any], log_class: str, query: dict[str, Any]) -> bool:
    """Whether `item` belongs to `log_class` and passes the body's filters (already valid)."""
    if item["category"] not in CLASS_CATEGORIES[log_class]:
        return False
    if not query["timestampFrom"] <= item["timestamp"] <= query["timestampTo"]:
        return False
    if "categories" in query and item["category"] not in query["categories"]:
        return False
    if "severities" in query and item["severity"] not in query["severities"]:
        return False
    if "clientType" in query and _CLIENT_TYPES.get(item["subcategory"]) not in query["clientType"]:
        return False
    return "threatTypes" not in query or "THREAT" in query["threatTypes"]


def parse_query(body: Any) -> tuple[dict[str, Any] | None, str]:
    """The validated paging body, or (None, why it is refused)."""
    if not isinstance(body, dict):
        return None, "Request body must be a JSON object"
    query: dict[str, Any] = dict(body)
    for name in ("timestampFrom", "timestampTo"):
        if not isinstance(body.get(name), int) or isinstance(body.get(name), bool):
            return None, f"'{name}' is required and must be epoch milliseconds"
    for name, default, low, high in (("pageNumber", 0, 0, 10**6), ("pageSize", 100, 1, 3000)):
        value = body.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            return None, f"'{name}' must be an integer within {low}..{high}"
        query[name] = value
    for name, allowed in (("categories", CATEGORIES), ("severities", frozenset(SEVERITIES))):
        if name in body:
            values = body[name]
            if not isinstance(values, list) or not all(v in allowed for v in values):
                return None, f"'{name}' contains an unknown value"
    for name in ("clientType", "threatTypes"):
        if name in body and not (
            isinstance(body[name], list) and all(isinstance(v, str) for v in body[name])
        ):
            return None, f"'{name}' must be a list of strings"
    return query, ""


def page(items: list[dict[str, Any]], query: dict[str, Any]) -> dict[str, Any]:
    """The response: newest first, page `pageNumber` of `pageSize`."""
    ordered = sorted(items, key=lambda item: item["timestamp"], reverse=True)
    size, number = query["pageSize"], query["pageNumber"]
    return {
        "data": ordered[number * size : (number + 1) * size],
        "page_number": number,
        "total_element_count": len(ordered),
        "total_page_count": -(-len(ordered) // size),
    }
