"""Reading one v2 system-log entry: its parameters, its message, the client or device it names.

An entry's ``parameters`` map names (``CLIENT``, ``DEVICE``, ``CHANNEL``…) to objects with
``id``, ``name``, ``hostname``, ``ip``, ``model``; single-valued ones may also come bare (a
string, or a number in some fixtures). These readers never fail on a missing or odd-shaped
parameter: they give None or an empty mapping, and the builders of :mod:`.v2` and
:mod:`.v2_threats` decide what an entry cannot do without.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from unifi_scanner.analyze.inventory import Inventory

#: How one v2 key becomes its ``EVT_*`` event: the key and the fields, or None when the entry
#: lacks what that event needs.
Builder = Callable[[Mapping[str, Any], Inventory], tuple[str, dict[str, Any]] | None]

_PLACEHOLDER = re.compile(r"\{([A-Z_]+)\}")
_KIND_PREFIX = {
    "access point": "AP",
    "switch": "SW",
    "gateway": "GW",
    "building bridge": "BB",
}
_TYPE_PREFIX = {"uap": "AP", "usw": "SW", "ugw": "GW", "udm": "GW", "uxg": "GW", "ubb": "BB"}
_EMPTY: Mapping[str, Any] = {}


def param(payload: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """``parameters[name]`` of an entry, or an empty mapping (entries come from JSON: dicts)."""
    parameters = payload.get("parameters")
    value = parameters.get(name) if isinstance(parameters, dict) else None
    return value if isinstance(value, dict) else _EMPTY


def first_text(entry: Mapping[str, Any], *fields: str) -> str | None:
    """The first of ``fields`` that holds text (or a whole number, as text): entries name the
    same thing in different fields, and some fixtures give numbers where others give text."""
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
        entry = param(payload, name)
        label = first_text(entry, "name", "hostname")
        ident = first_text(entry, "id", "mac")
        if label is None and ident is not None and inventory is not None:
            if name == "CLIENT":
                label = inventory.client_name(ident)
            elif name.startswith("DEVICE"):
                label = inventory.device_name(ident)
        return label or ident or first_text(entry, "ip") or match.group(0)

    return _PLACEHOLDER.sub(fill, raw)


def read_client(payload: Mapping[str, Any], fields: dict[str, Any]) -> bool:
    """Name ``CLIENT`` in ``fields`` as the classic events do (``user``, ``hostname``, and the
    ``WLAN`` as ``ssid``); False without its MAC, which every client rule needs."""
    client = param(payload, "CLIENT")
    mac = first_text(client, "id", "mac")
    if mac is None:
        return False
    fields["user"] = mac
    label = first_text(client, "name", "hostname")
    if label:
        fields["hostname"] = label
    wlan = first_text(param(payload, "WLAN"), "name")
    if wlan:
        fields["ssid"] = wlan
    return True


def param_value(payload: Mapping[str, Any], name: str, *fields: str) -> str | None:
    """The text of a single-valued parameter: ``parameters[name]``'s first of ``fields``
    (``id`` then ``name`` by default), or the parameter itself when it is a bare string or
    number (ports and channels come as strings in real payloads, numbers in some fixtures)."""
    parameters = payload.get("parameters")
    value = parameters.get(name) if isinstance(parameters, dict) else None
    if isinstance(value, dict):
        return first_text(value, *(fields or ("id", "name")))
    return first_text({name: value}, name)


def device_prefix(device: Mapping[str, Any], inventory: Inventory, mac: str) -> str:
    """``AP``, ``SW``, ``GW``, ``BB`` by the entry's device ``type``, else the inventory's kind;
    ``DEV`` when neither knows."""
    by_type = _TYPE_PREFIX.get(str(device.get("type", "")).lower())
    if by_type:
        return by_type
    return _KIND_PREFIX.get(inventory.device_kind(mac, ""), "DEV")


def name_device(fields: dict[str, Any], prefix: str, device: Mapping[str, Any]) -> None:
    """``<prefix>_name`` and ``<prefix>_model`` from the entry, as the classic events carry."""
    name, model = first_text(device, "name"), first_text(device, "model")
    if name:
        fields[f"{prefix}_name"] = name
    if model:
        fields[f"{prefix}_model"] = model


def on_device(payload: Mapping[str, Any], field: str, fields: dict[str, Any]) -> bool:
    """Name ``DEVICE`` in ``fields[field]`` (with its name and model); False without its MAC."""
    device = param(payload, "DEVICE")
    mac = first_text(device, "id", "mac")
    if mac is None:
        return False
    fields[field] = mac
    name_device(fields, field, device)
    return True
