"""The v2 system log (Network 10.x's REST history of events): entries in, events out.

Entries have their own shape (protocol reference §2): ``id``, ``key`` such as
``CLIENT_CONNECTED_WIRELESS_2``, ``category``, ``severity``, ``timestamp`` (ms), ``title_raw`` /
``message_raw`` with ``{CLIENT}``-style placeholders, and ``parameters`` naming each subject
(``id`` is the MAC for clients and devices). They keep their v2 key here; the analysis maps
the keys it knows.

The same happening may reach the store twice: live over the WebSocket (legacy ``EVT_*``
document with ``_id``) and later from the system log (back-fill). When the entry's ``id`` is the
legacy ``_id`` the identities already agree. Otherwise :func:`happening` gives both shapes a
common description — what kind of thing happened, to whom, in which second — so that the
store can recognise the pair (see ``SQLiteStore``) instead of counting it twice.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from unifi_scanner.controller.frames import FrameError, event_identity
from unifi_scanner.controller.models import Event

SOURCE = "system-log"

_SUFFIX = re.compile(r"_\d+$")
_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
_OBJECT_ID = re.compile(r"[0-9a-fA-F]{24}")

#: What kind of happening a v2 key (numeric suffix removed) and a legacy key describe.
#: The v2 key names are not confirmed by a capture of a real controller; unknown keys simply
#: do not match anything and are stored as events of their own.
_V2_KINDS = {
    "CLIENT_CONNECTED_WIRELESS": "client-connected",
    "CLIENT_DISCONNECTED_WIRELESS": "client-disconnected",
    "CLIENT_CONNECTED_WIRED": "client-connected",
    "CLIENT_DISCONNECTED_WIRED": "client-disconnected",
    "CLIENT_ROAMED": "client-roamed",
    "CLIENT_ROAMED_RADIO": "client-band-changed",
    "DEVICE_OFFLINE": "device-offline",
    "DEVICE_ONLINE": "device-online",
    "DFS_RADAR_DETECTED": "radar",
    "DEVICE_CHANNEL_CHANGED": "channel-changed",
    "POE_OVERLOAD": "poe-overload",
    "POE_DISCONNECTED": "poe-disconnected",
    "DEVICE_OVERHEATING": "overheating",
    "WAN_TRANSITION": "wan-transition",
    "DEVICE_UPGRADED": "upgraded",
    "DEVICE_UPGRADE_SCHEDULED": "upgrade-scheduled",
    "DEVICE_UPGRADE_FAILED": "upgrade-failed",
    "THREAT_BLOCKED": "threat",
    "THREAT_DETECTED": "threat",
    "ADMIN_LOGIN": "admin-login",
}
_LEGACY_SUFFIX_KINDS = {
    "Connected": "client-connected",
    "Disconnected": "client-disconnected",
    "Roam": "client-roamed",
    "RoamRadio": "client-band-changed",
    "Lost_Contact": "device-offline",
    "RadarDetected": "radar",
    "ChannelChanged": "channel-changed",
    "PoeOverload": "poe-overload",
    "PoeDisconnect": "poe-disconnected",
    "Overheat": "overheating",
    "WANTransition": "wan-transition",
    "Upgraded": "upgraded",
    "UpgradeScheduled": "upgrade-scheduled",
    "UpgradeFailed": "upgrade-failed",
    "IpsAlert": "threat",
    "Login": "admin-login",
}
_CLIENT_PREFIXES = ("EVT_WU_", "EVT_WG_", "EVT_LU_", "EVT_LG_")


def parse_entry(entry: Mapping[str, Any], *, site: str, received_ms: int) -> Event:
    """One system-log entry as an :class:`Event` (v2 key and fields kept as they came)."""
    key = entry.get("key")
    if not isinstance(key, str) or not key:
        raise FrameError("system-log entry without key")
    timestamp = entry.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, int):
        raise FrameError(f"{key} without a usable timestamp")
    payload = dict(entry)
    payload.setdefault("time", timestamp)
    message = render_message(entry)
    if message:
        payload.setdefault("msg", message)
    entry_id = entry.get("id")
    if isinstance(entry_id, str) and _OBJECT_ID.fullmatch(entry_id):
        identity = entry_id.lower()
    else:
        identity = event_identity(payload, site=site, key=key, time_ms=timestamp)
    category = entry.get("category")
    return Event(
        identity=identity,
        key=key,
        subsystem=category.lower() if isinstance(category, str) else "",
        site=site,
        time_ms=timestamp,
        received_ms=received_ms,
        source=SOURCE,
        payload=payload,
    )


def render_message(entry: Mapping[str, Any]) -> str | None:
    """``message_raw`` with each ``{PLACEHOLDER}`` replaced by its parameter's name."""
    raw = entry.get("message_raw") or entry.get("title_raw")
    if not isinstance(raw, str):
        return None
    parameters = entry.get("parameters")
    params = parameters if isinstance(parameters, Mapping) else {}

    def name(match: re.Match[str]) -> str:
        value = params.get(match.group(1))
        if isinstance(value, Mapping):
            label = value.get("name") or value.get("hostname") or value.get("id")
            if label is not None:
                return str(label)
        return match.group(0)

    return _PLACEHOLDER.sub(name, raw)


def happening(event: Event) -> tuple[str, str, int] | None:
    """(kind, subject, second) shared by a legacy event and its system-log entry, if known."""
    second = event.time_ms // 1000
    if event.source == SOURCE:
        kind = _V2_KINDS.get(_SUFFIX.sub("", event.key))
        params = event.payload.get("parameters")
        if kind is None or not isinstance(params, Mapping):
            return None
        subject = _subject_of_entry(kind, params)
    else:
        kind = _legacy_kind(event.key)
        if kind is None:
            return None
        subject = _subject_of_document(kind, event.payload)
    return None if subject is None else (kind, subject.lower(), second)


def _legacy_kind(key: str) -> str | None:
    if key.endswith("_Connected") and not key.startswith(_CLIENT_PREFIXES):
        return "device-online"
    suffix = key.split("_", 2)[-1] if key.startswith("EVT_") else ""
    return _LEGACY_SUFFIX_KINDS.get(suffix)


def _subject_of_document(kind: str, doc: Mapping[str, Any]) -> str | None:
    if kind == "threat":
        value = doc.get("src_ip")
    elif kind == "admin-login":
        value = doc.get("admin")
    elif kind.startswith("client-"):
        value = doc.get("user") or doc.get("guest")
    else:
        value = next(
            (doc[f] for f in ("ap", "sw", "gw", "dm", "xg") if isinstance(doc.get(f), str)), None
        )
    return value if isinstance(value, str) else None


def _subject_of_entry(kind: str, params: Mapping[str, Any]) -> str | None:
    name = {"threat": "SOURCE", "admin-login": "ADMIN"}.get(
        kind, "CLIENT" if kind.startswith("client-") else "DEVICE"
    )
    if kind == "client-roamed" and "CLIENT" not in params:
        return None
    value = params.get(name)
    ident = value.get("id") if isinstance(value, Mapping) else None
    return ident if isinstance(ident, str) else None
