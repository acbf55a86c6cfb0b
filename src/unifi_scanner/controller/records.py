"""The health-relevant part of device and client records (protocol reference §5, §6).

Full ``stat/device`` records run to tens of kilobytes (port tables, radio tables, LLDP…);
the store keeps a time series of these subsets instead, which is what health analysis and
trends read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEVICE_FIELDS = (
    "mac",
    "name",
    "model",
    "type",
    "version",
    "state",
    "adopted",
    "ip",
    "uptime",
    "last_seen",
    "system-stats",
    "has_temperature",
    "general_temperature",
    "temperatures",
    "overheating",
    "fan_level",
    "total_max_power",
    "upgradable",
    "upgrade_to_firmware",
    "num_sta",
    "satisfaction",
)
PORT_FIELDS = (
    "port_idx",
    "name",
    "up",
    "speed",
    "port_poe",
    "poe_enable",
    "poe_good",
    "poe_mode",
    "poe_power",
    "poe_class",
)
RADIO_FIELDS = ("name", "radio", "channel", "cu_total", "num_sta", "satisfaction", "tx_power")
CLIENT_FIELDS = (
    "mac",
    "name",
    "hostname",
    "ip",
    "ap_mac",
    "bssid",
    "essid",
    "radio",
    "channel",
    "rssi",
    "signal",
    "noise",
    "satisfaction",
    "tx_retries",
    "roam_count",
    "is_wired",
    "is_guest",
    "uptime",
)


def _pick(record: Mapping[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: record[name] for name in fields if name in record}


def _rows(value: Any, fields: tuple[str, ...]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        return []
    return [_pick(row, fields) for row in value if isinstance(row, Mapping)]


def device_health(record: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a device record that health analysis reads."""
    health = _pick(record, DEVICE_FIELDS)
    if "port_table" in record:
        health["port_table"] = _rows(record["port_table"], PORT_FIELDS)
    if "radio_table_stats" in record:
        health["radio_table_stats"] = _rows(record["radio_table_stats"], RADIO_FIELDS)
    return health


def client_health(record: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of a client record that health analysis reads (signal, satisfaction…)."""
    return _pick(record, CLIENT_FIELDS)
