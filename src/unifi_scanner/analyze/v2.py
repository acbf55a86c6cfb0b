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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from unifi_scanner.analyze.inventory import Inventory
from unifi_scanner.controller.models import Event

Builder = Callable[[Mapping[str, Any], Inventory], tuple[str, dict[str, Any]] | None]

_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
#: v2 threat ``severity`` back to the Suricata priority (1 high … 3 low) it was made from:
#: priority 1 is VERY_HIGH, 2 HIGH, 3 MEDIUM (docs/emulator.md); LOW is the lowest too.
#: Reading HIGH as 1 made a priority-2 scan one step worse than its classic alert.
_PRIORITY = {"VERY_HIGH": 1, "HIGH": 2, "MEDIUM": 3, "LOW": 3}
_KIND_PREFIX = {
    "access point": "AP",
    "switch": "SW",
    "gateway": "GW",
    "building bridge": "BB",
}
_TYPE_PREFIX = {"uap": "AP", "usw": "SW", "ugw": "GW", "udm": "GW", "uxg": "GW", "ubb": "BB"}


_EMPTY: Mapping[str, Any] = {}


def _param(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """``parameters[name]`` of an entry, or an empty mapping (entries come from JSON: dicts)."""
    parameters = payload.get("parameters")
    value = parameters.get(name) if isinstance(parameters, dict) else None
    return value if isinstance(value, dict) else _EMPTY


def _text(entry: Mapping[str, Any], *fields: str) -> str | None:
    for field in fields:
        value = entry.get(field)
        if isinstance(value, str):
            if value:
                return value
        elif isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    return None


def message(payload: Mapping[str, Any], inventory: Inventory | None = None) -> str | None:
    """``message_raw`` (else ``title_raw``) with ``{CLIENT}``-style placeholders filled in,
    by the names the entry carries, else the inventory's names for their MACs."""
    raw = payload.get("message_raw") or payload.get("title_raw")
    if not isinstance(raw, str) or not raw:
        return None

    def fill(match: re.Match[str]) -> str:
        name = match.group(1)
        entry = _param(payload, name)
        label = _text(entry, "name", "hostname")
        ident = _text(entry, "id", "mac")
        if label is None and ident is not None and inventory is not None:
            if name == "CLIENT":
                label = inventory.client_name(ident)
            elif name.startswith("DEVICE"):
                label = inventory.device_name(ident)
        return label or ident or _text(entry, "ip") or match.group(0)

    return _PLACEHOLDER.sub(fill, raw)


def _client(payload: Mapping[str, Any], fields: dict[str, Any]) -> bool:
    client = _param(payload, "CLIENT")
    mac = _text(client, "id", "mac")
    if mac is None:
        return False
    fields["user"] = mac
    label = _text(client, "name", "hostname")
    if label:
        fields["hostname"] = label
    wlan = _text(_param(payload, "WLAN"), "name")
    if wlan:
        fields["ssid"] = wlan
    return True


def _value(payload: Mapping[str, Any], name: str, *fields: str) -> str | None:
    """The text of a single-valued parameter: ``parameters[name]``'s first of ``fields``
    (``id`` then ``name`` by default), or the parameter itself when it is a bare string or
    number (ports and channels come as strings in real payloads, numbers in some fixtures)."""
    parameters = payload.get("parameters")
    value = parameters.get(name) if isinstance(parameters, dict) else None
    if isinstance(value, dict):
        return _text(value, *(fields or ("id", "name")))
    return _text({name: value}, name)


def _device_prefix(device: Mapping[str, Any], inventory: Inventory, mac: str) -> str:
    by_type = _TYPE_PREFIX.get(str(device.get("type", "")).lower())
    if by_type:
        return by_type
    return _KIND_PREFIX.get(inventory.device_kind(mac, ""), "DEV")


def _named(fields: dict[str, Any], prefix: str, device: Mapping[str, Any]) -> None:
    name, model = _text(device, "name"), _text(device, "model")
    if name:
        fields[f"{prefix}_name"] = name
    if model:
        fields[f"{prefix}_model"] = model


def _client_event(key: str, device_field: str) -> Builder:
    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        fields: dict[str, Any] = {}
        if not _client(payload, fields):
            return None
        device = _param(payload, "DEVICE")
        mac = _text(device, "id", "mac")
        if mac:
            fields[device_field] = mac
            _named(fields, device_field, device)
        seconds = _text(_param(payload, "DURATION"), "value", "id", "name")
        if seconds is not None and seconds.isdigit():
            fields["duration"] = int(seconds)
        return key, fields

    return build


def _roam(payload: Mapping[str, Any], inventory: Inventory) -> tuple[str, dict[str, Any]] | None:
    fields: dict[str, Any] = {}
    if not _client(payload, fields):
        return None
    source = _text(_param(payload, "DEVICE_FROM"), "id") or _text(_param(payload, "DEVICE"), "id")
    target = _text(_param(payload, "DEVICE_TO"), "id")
    if source:
        fields["ap_from"] = source
    if target:
        fields["ap_to"] = target
    return "EVT_WU_Roam", fields


def _on_device(payload: Mapping[str, Any], field: str, fields: dict[str, Any]) -> bool:
    """Name ``DEVICE`` in ``fields[field]`` (with its name and model); False without its MAC."""
    device = _param(payload, "DEVICE")
    mac = _text(device, "id", "mac")
    if mac is None:
        return False
    fields[field] = mac
    _named(fields, field, device)
    return True


def _band_change(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_WU_RoamRadio``: a client changing band on one access point feeds the roaming
    summary and band flapping; the entry names no bands (``radio_from``/``radio_to``)."""
    fields: dict[str, Any] = {}
    if not _client(payload, fields):
        return None
    _on_device(payload, "ap", fields)
    return "EVT_WU_RoamRadio", fields


def _radar(payload: Mapping[str, Any], inventory: Inventory) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AP_RadarDetected``: only access points hear radar, and the radar rule pairs the
    hit with the same access point's next channel change, so the access point is required;
    the channel is not (the rule then says "unknown")."""
    fields: dict[str, Any] = {}
    if not _on_device(payload, "ap", fields):
        return None
    channel = _value(payload, "CHANNEL")
    if channel:
        fields["radar_channel"] = channel
    return "EVT_AP_RadarDetected", fields


def _channel_change(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AP_ChannelChanged`` (``EVT_BB_…`` for a known building bridge): ``CHANNEL`` is the
    new channel, what both the channel-change summary and the radar rule report."""
    device = _param(payload, "DEVICE")
    mac = _text(device, "id", "mac")
    if mac is None:
        return None
    prefix = "BB" if _device_prefix(device, inventory, mac) == "BB" else "AP"
    fields: dict[str, Any] = {}
    _on_device(payload, prefix.lower(), fields)
    channel = _value(payload, "CHANNEL")
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
        if not _on_device(payload, "sw", fields):
            return None
        port = _value(payload, "PORT")
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
        device = _param(payload, "DEVICE")
        mac = _text(device, "id", "mac")
        if mac is None:
            return None
        prefix = _device_prefix(device, inventory, mac)
        if prefix == "DEV":
            return None
        fields: dict[str, Any] = {}
        _on_device(payload, prefix.lower(), fields)
        version = _value(payload, "VERSION")
        if version:
            fields["version_to"] = version
        return f"EVT_{prefix}_{suffix}", fields

    return build


def _admin_login(
    payload: Mapping[str, Any], inventory: Inventory
) -> tuple[str, dict[str, Any]] | None:
    """``EVT_AD_Login``: who (``ADMIN``, by name before id) logged in from where (``IP``);
    the rule copes without one of them, not without both."""
    admin = _param(payload, "ADMIN")
    name = _text(admin, "name", "id")
    ip = _value(payload, "IP", "ip", "id", "name") or _text(admin, "ip")
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
        device = _param(payload, "DEVICE")
        mac = _text(device, "id", "mac")
        if mac is None:
            return None
        prefix = _device_prefix(device, inventory, mac)
        field = prefix.lower()
        fields: dict[str, Any] = {field: mac}
        _named(fields, field, device)
        return f"EVT_{prefix}_{suffix}", fields

    return build


def _wan(state: str | None) -> Builder:
    """``EVT_GW_WANTransition``, in the given ``state``, else in the entry's ``STATE``
    (``WAN_TRANSITION``): without ``active``/``inactive`` the failover rule cannot use it."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        said = state or (_value(payload, "STATE") or "").lower()
        if said not in ("active", "inactive"):
            return None
        fields: dict[str, Any] = {"state": said}
        device = _param(payload, "DEVICE")
        gateway = _text(device, "id", "mac")
        if gateway:
            fields["gw"] = gateway
            _named(fields, "gw", device)
        iface = _text(_param(payload, "WAN"), "name", "id") or _text(
            _param(payload, "NETWORK"), "name", "id"
        )
        fields["iface"] = iface or "WAN"
        return "EVT_GW_WANTransition", fields

    return build


def _threat_source(payload: Mapping[str, Any], fields: dict[str, Any]) -> None:
    """``src_ip``/``dest_ip`` and where the source is: the classic alert's ``srcipCountry``
    and ``srcipGeo``, from the source parameter's ``country`` and any geolocation it carries,
    so the finding names the attacker's country as the classic path does."""
    for target, names in (
        ("src_ip", ("SRC_IP", "SOURCE_IP", "SOURCE")),
        ("dest_ip", ("DST_IP", "DESTINATION_IP", "DESTINATION")),
    ):
        for name in names:
            entry = _param(payload, name)
            value = _text(entry, "ip", "name", "id")
            if not value:
                continue
            fields[target] = value
            if target == "src_ip":
                country = _text(entry, "country", "country_code")
                if country:
                    fields["srcipCountry"] = country
                geo = entry.get("geo")
                if isinstance(geo, dict):
                    fields["srcipGeo"] = geo
                elif _text(entry, "country_name", "organization"):
                    fields["srcipGeo"] = dict(entry)
            break
    if "src_ip" not in fields:
        client = _text(_param(payload, "CLIENT"), "ip")
        if client:
            fields["src_ip"] = client


def _threat(action: str) -> Builder:
    """``EVT_IPS_IpsAlert`` from a ``THREAT_*`` entry, carrying what the classic alert would:
    the priority the entry's severity was made from, the source's country, the signature's
    classtype and ``catname`` when the entry has them. The entry's ``subcategory``
    (``THREAT``, ``HONEYPOT``) is the system log's own filing word, not a Suricata classtype:
    it would read as "category: THREAT", so only a worded one (with spaces) is taken."""

    def build(
        payload: Mapping[str, Any], inventory: Inventory
    ) -> tuple[str, dict[str, Any]] | None:
        fields: dict[str, Any] = {"inner_alert_action": action}
        signature = _param(payload, "SIGNATURE") or _param(payload, "THREAT")
        fields["inner_alert_signature"] = (
            _text(signature, "name") or message(payload, inventory) or "unknown threat"
        )
        sid = _text(signature, "id")
        if sid:
            fields["inner_alert_signature_id"] = sid
        catname = signature.get("catname")
        if isinstance(catname, (str, list)) and catname:
            fields["catname"] = catname
        _threat_source(payload, fields)
        category = _text(_param(payload, "CATEGORY"), "name") or _text(
            signature, "category", "classtype"
        )
        filed = _text(payload, "subcategory")
        if not category and filed and " " in filed:
            category = filed
        if category:
            fields["inner_alert_category"] = category
        priority = _PRIORITY.get(str(payload.get("severity", "")).upper())
        if priority is not None:
            fields["inner_alert_severity"] = priority
        return "EVT_IPS_IpsAlert", fields

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
    "THREAT_BLOCKED": _threat("blocked"),
    "THREAT_DETECTED": _threat("alert"),
}.items():
    BUILDERS[_base] = BUILDERS[f"{_base}_2"] = _builder
BUILDERS["THREAT_DETECTED_V3"] = _threat("alert")
BUILDERS["THREAT_BLOCKED_V3"] = _threat("blocked")


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
