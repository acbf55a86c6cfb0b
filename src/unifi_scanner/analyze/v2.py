"""v2 system-log entries (UniFi Network 10.x) read as the ``EVT_*`` events the rules know.

The controller side turns each v2 entry into an :class:`Event` whose ``key`` is the v2 key
(``CLIENT_CONNECTED_WIRELESS_2``, ``THREAT_BLOCKED`` …) and whose payload is the entry:
``parameters`` (``CLIENT``, ``DEVICE``, ``DEVICE_TO``, ``WLAN``, … each with ``id``, ``name``,
``hostname``, ``ip``, ``model``), ``title_raw``, ``message_raw``, ``severity``, ``category``.
:func:`normalise` builds the equivalent ``EVT_*`` event, so a v2 client connect feeds the same
rules as an ``EVT_WU_Connected``; the summary still counts it once, under its v2 key. The key
list is from third-party fixtures and the emulator (unconfirmed by a capture): keys not mapped
here, and entries lacking what their rule needs, are reported under "other activity" with
their message filled in.

Single-valued subjects (``CHANNEL``, ``PORT``, ``VERSION``, ``STATE``, ``IP``) come as
``{id, name}`` objects whose values are strings (``"100"``, ``"5"``); they become the classic
fields (``radar_channel``, ``channel_to``, ``port``, ``version_to``, ``state``, ``ip``). The
entries carry no "from" side (``channel_from``, ``version_from``, ``radio_from``), so those
fields stay unset and the rules word their findings without them.

The entry is read by :mod:`.v2_params`; threats, which become intrusion alerts, are built by
:mod:`.v2_threats`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.analyze.v2_params import (
    Builder,
    device_prefix,
    first_text,
    name_device,
    on_device,
    param,
    param_value,
    read_client,
)
from unifi_scanner.analyze.v2_threats import threat
from unifi_scanner.controller.models import Event


def _client_event(key: str, device_field: str) -> Builder:
    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        fields: dict[str, Any] = {}
        if not read_client(payload, fields):
            return None
        device = param(payload, "DEVICE")
        mac = first_text(device, "id", "mac")
        if mac:
            fields[device_field] = mac
            name_device(fields, device_field, device)
        seconds = first_text(param(payload, "DURATION"), "value", "id", "name")
        if seconds is not None and seconds.isdigit():
            fields["duration"] = int(seconds)
        return key, fields

    return build


def _roam(payload: Mapping[str, Any], inventory: Inventory) -> tuple[str, dict[str, Any]] | None:
    fields: dict[str, Any] = {}
    if not read_client(payload, fields):
        return None
    source = first_text(param(payload, "DEVICE_FROM"), "id") or first_text(
        param(payload, "DEVICE"), "id"
    )
    target = first_text(param(payload, "DEVICE_TO"), "id")
    if source:
        fields["ap_from"] = source
    if target:
        fields["ap_to"] = target
    return "EVT_WU_Roam", fields


def _band_change(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_WU_RoamRadio``: a client changing band on one access point feeds the roaming
    summary and band flapping; the entry names no bands (``radio_from``/``radio_to``)."""
    fields: dict[str, Any] = {}
    if not read_client(payload, fields):
        return None
    on_device(payload, "ap", fields)
    return "EVT_WU_RoamRadio", fields


def _radar(payload: Mapping[str, Any], inventory: Inventory) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AP_RadarDetected``: only access points hear radar, and the radar rule pairs the
    hit with the same access point's next channel change, so the access point is required;
    the channel is not (the rule then says "unknown")."""
    fields: dict[str, Any] = {}
    if not on_device(payload, "ap", fields):
        return None
    channel = param_value(payload, "CHANNEL")
    if channel:
        fields["radar_channel"] = channel
    return "EVT_AP_RadarDetected", fields


def _channel_change(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AP_ChannelChanged`` (``EVT_BB_…`` for a known building bridge): ``CHANNEL`` is the
    new channel, what both the channel-change summary and the radar rule report."""
    device = param(payload, "DEVICE")
    mac = first_text(device, "id", "mac")
    if mac is None:
        return None
    prefix = "BB" if device_prefix(device, inventory, mac) == "BB" else "AP"
    fields: dict[str, Any] = {}
    on_device(payload, prefix.lower(), fields)
    channel = param_value(payload, "CHANNEL")
    if channel:
        fields["channel_to"] = channel
    return f"EVT_{prefix}_ChannelChanged", fields


def _poe(suffix: str) -> Builder:
    """``EVT_SW_Poe…``: the PoE rules and the outage rule (a cut port explains the outage of
    the device on it) know only the switch form; the port is optional ("an unrecorded port")."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        fields: dict[str, Any] = {}
        if not on_device(payload, "sw", fields):
            return None
        port = param_value(payload, "PORT")
        if port:
            fields["port"] = port
        return f"EVT_SW_{suffix}", fields

    return build


def _device_kind_event(suffix: str) -> Builder:
    """``EVT_<AP|SW|GW|BB>_<suffix>`` (overheating, firmware) by the device's kind. A device of
    unknown kind gives None: ``EVT_DEV_…`` forms exist only for outages, and the firmware and
    overheating rules would not see it. ``VERSION`` is the target firmware, when given."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        device = param(payload, "DEVICE")
        mac = first_text(device, "id", "mac")
        if mac is None:
            return None
        prefix = device_prefix(device, inventory, mac)
        if prefix == "DEV":
            return None
        fields: dict[str, Any] = {}
        on_device(payload, prefix.lower(), fields)
        version = param_value(payload, "VERSION")
        if version:
            fields["version_to"] = version
        return f"EVT_{prefix}_{suffix}", fields

    return build


def _admin_login(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AD_Login``: who (``ADMIN``, by name before id) logged in from where (``IP``);
    the rule copes without one of them, not without both."""
    admin = param(payload, "ADMIN")
    name = first_text(admin, "name", "id")
    ip = param_value(payload, "IP", "ip", "id", "name") or first_text(admin, "ip")
    if name is None and ip is None:
        return None
    fields: dict[str, Any] = {}
    if name:
        fields["admin"] = name
    if ip:
        fields["ip"] = ip
    return "EVT_AD_Login", fields


def _device_event(suffix: str) -> Builder:
    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        device = param(payload, "DEVICE")
        mac = first_text(device, "id", "mac")
        if mac is None:
            return None
        prefix = device_prefix(device, inventory, mac)
        field = prefix.lower()
        fields: dict[str, Any] = {field: mac}
        name_device(fields, field, device)
        return f"EVT_{prefix}_{suffix}", fields

    return build


def _wan(state: str | None) -> Builder:
    """``EVT_GW_WANTransition``, in the given ``state``, else in the entry's ``STATE``
    (``WAN_TRANSITION``): without ``active``/``inactive`` the failover rule cannot use it."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        said = state or (param_value(payload, "STATE") or "").lower()
        if said not in ("active", "inactive"):
            return None
        fields: dict[str, Any] = {"state": said}
        device = param(payload, "DEVICE")
        gateway = first_text(device, "id", "mac")
        if gateway:
            fields["gw"] = gateway
            name_device(fields, "gw", device)
        iface = first_text(param(payload, "WAN"), "name", "id") or first_text(
            param(payload, "NETWORK"), "name", "id"
        )
        fields["iface"] = iface or "WAN"
        return "EVT_GW_WANTransition", fields

    return build


#: v2 key → how to build the equivalent ``EVT_*`` event (with and without the ``_2`` suffix).
BUILDERS: dict[str, Builder] = {}
for _base, _builder in {
    "CLIENT_CONNECTED_WIRELESS": _client_event("EVT_WU_Connected", "ap"),
    "CLIENT_DISCONNECTED_WIRELESS": _client_event("EVT_WU_Disconnected", "ap"),
    "CLIENT_CONNECTED_WIRED": _client_event("EVT_LU_Connected", "sw"),
    "CLIENT_DISCONNECTED_WIRED": _client_event("EVT_LU_Disconnected", "sw"),
    "CLIENT_ROAMED": _roam,
    "DEVICE_UNREACHABLE": _device_event("Lost_Contact"),
    "DEVICE_OFFLINE": _device_event("Lost_Contact"),
    "DEVICE_RECONNECTED": _device_event("Connected"),
    "DEVICE_ONLINE": _device_event("Connected"),
    "NETWORK_WAN_FAILED": _wan("inactive"),
    "NETWORK_WAN_RESTORED": _wan("active"),
    "WAN_TRANSITION": _wan(None),
    "CLIENT_ROAMED_RADIO": _band_change,
    "DFS_RADAR_DETECTED": _radar,
    "DEVICE_CHANNEL_CHANGED": _channel_change,
    "POE_OVERLOAD": _poe("PoeOverload"),
    "POE_DISCONNECTED": _poe("PoeDisconnect"),
    "DEVICE_OVERHEATING": _device_kind_event("Overheat"),
    "DEVICE_UPGRADED": _device_kind_event("Upgraded"),
    "DEVICE_UPGRADE_SCHEDULED": _device_kind_event("UpgradeScheduled"),
    "DEVICE_UPGRADE_FAILED": _device_kind_event("UpgradeFailed"),
    "ADMIN_LOGIN": _admin_login,
    "THREAT_BLOCKED": threat("blocked"),
    "THREAT_DETECTED": threat("alert"),
}.items():
    BUILDERS[_base] = BUILDERS[f"{_base}_2"] = _builder
BUILDERS["THREAT_DETECTED_V3"] = threat("alert")
BUILDERS["THREAT_BLOCKED_V3"] = threat("blocked")


def normalise(event: Event, inventory: Inventory) -> Event | None:
    """The ``EVT_*`` event equivalent to a v2 entry, or None when it lacks what is needed."""
    builder = BUILDERS.get(event.key)
    if builder is None:
        return None
    built = builder(event.payload, inventory)
    if built is None:
        return None
    key, fields = built
    label = fields.get("hostname")
    if isinstance(label, str) and isinstance(fields.get("user"), str):
        inventory.note_client(fields["user"], label)
    # The entry itself rides along, for anything that wants its text (``message``).
    fields["v2_key"] = event.key
    fields["v2"] = event.payload
    # Positional: keyword arguments make building an event twice as slow.
    return Event(
        event.identity,
        key,
        event.subsystem,
        event.site,
        event.time_ms,
        event.received_ms,
        event.source,
        fields,
    )
