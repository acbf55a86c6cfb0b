"""Realistic event documents (field sets as real controllers send them) for rule tests."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from typing import Any

from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.models import Event

T0 = 1_764_374_400_000  # 2025-11-29 00:00:00 UTC
MINUTE = 60_000
_counter = itertools.count(1)

KITCHEN = "78:45:58:00:00:01"
OFFICE = "78:45:58:00:00:02"
SWITCH = "74:ac:b9:00:00:10"
IPAD = "d8:4c:90:00:00:21"
LAPTOP = "3c:22:fb:00:00:22"


def doc(key: str, at_ms: int, **fields: Any) -> dict[str, Any]:
    n = next(_counter)
    base = {
        "_id": f"{at_ms // 1000:08x}{n:016x}",
        "key": key,
        "subsystem": "wlan",
        "site_id": "574e86d2e4b0a7d4c2a0e8a1",
        "time": at_ms,
        "datetime": datetime.fromtimestamp(at_ms / 1000, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "msg": f"{key} happened",
    }
    base.update(fields)
    return base


def event(key: str, at_ms: int, **fields: Any) -> Event:
    return parse_event(
        doc(key, at_ms, **fields), site="default", received_ms=at_ms + 50, source="test"
    )


def connected(client: str, ap: str, at_ms: int, hostname: str = "device") -> Event:
    return event(
        "EVT_WU_Connected",
        at_ms,
        user=client,
        ap=ap,
        ssid="Home",
        radio="na",
        channel="36",
        hostname=hostname,
    )


def disconnected(client: str, ap: str, at_ms: int) -> Event:
    return event(
        "EVT_WU_Disconnected", at_ms, user=client, ap=ap, ssid="Home", duration=300, bytes=123456
    )


def roam(client: str, ap_from: str, ap_to: str, at_ms: int) -> Event:
    return event(
        "EVT_WU_Roam",
        at_ms,
        user=client,
        ap_from=ap_from,
        ap_to=ap_to,
        radio_from="na",
        radio_to="na",
        channel_from="36",
        channel_to="149",
        ssid="Home",
        is_negative=False,
    )


def lost_contact(ap: str, at_ms: int, name: str = "Kitchen AP", model: str = "UAL6") -> Event:
    return event(
        "EVT_AP_Lost_Contact", at_ms, ap=ap, ap_name=name, ap_model=model, is_negative=True
    )


def ap_connected(ap: str, at_ms: int, name: str = "Kitchen AP", model: str = "UAL6") -> Event:
    return event("EVT_AP_Connected", at_ms, ap=ap, ap_name=name, ap_model=model)


def radar(ap: str, at_ms: int, channel: str = "52") -> Event:
    return event(
        "EVT_AP_RadarDetected",
        at_ms,
        ap=ap,
        ap_name="Office AP",
        ap_model="U7PG2",
        radar_channel=channel,
        freq="5260",
    )


def channel_changed(ap: str, at_ms: int, to: str = "36") -> Event:
    return event(
        "EVT_AP_ChannelChanged",
        at_ms,
        ap=ap,
        ap_name="Office AP",
        channel_from="52",
        channel_to=to,
        radio="na",
    )


def ips(
    at_ms: int,
    *,
    src: str = "185.220.101.4",
    severity: int = 2,
    action: str = "blocked",
    sid: int = 2010935,
) -> Event:
    return event(
        "EVT_IPS_IpsAlert",
        at_ms,
        subsystem="www",
        inner_alert_signature="ET SCAN Suspicious inbound to MSSQL port 1433",
        inner_alert_signature_id=sid,
        inner_alert_severity=severity,
        inner_alert_category="Potentially Bad Traffic",
        inner_alert_action=action,
        src_ip=src,
        src_port=51515,
        dest_ip="192.168.1.20",
        dest_port=1433,
        proto="TCP",
        catname="Scan",
        srcipCountry="DE",
        srcipGeo={"country_code": "DE"},
        timestamp=at_ms // 1000,
    )


# -- more event shapes ----------------------------------------------------------------------

GATEWAY = "74:ac:b9:00:00:01"
GARAGE = "78:45:58:00:00:03"
PHONE = "60:b7:ec:00:00:23"


def device_event(key: str, field: str, device: str, at_ms: int, **fields: Any) -> Event:
    """A device event (``EVT_AP_…``, ``EVT_SW_…``) naming its device's MAC in ``field``."""
    subsystem = "wlan" if field == "ap" else "lan"
    return event(key, at_ms, subsystem=subsystem, **{field: device}, **fields)


def band_change(client: str, ap: str, at_ms: int, radio_from: str, radio_to: str) -> Event:
    """``EVT_WU_RoamRadio``: same access point, other band (fields as in real payloads)."""
    channels = {"ng": "6", "na": "36", "6e": "37"}
    return event(
        "EVT_WU_RoamRadio",
        at_ms,
        user=client,
        ap=ap,
        radio_from=radio_from,
        radio_to=radio_to,
        channel_from=channels[radio_from],
        channel_to=channels[radio_to],
    )


def wan_transition(iface: str, state: str, at_ms: int, gateway: str = GATEWAY) -> Event:
    """``EVT_GW_WANTransition`` as a UDM sends it (``gw`` and ``dm`` both set)."""
    return event(
        "EVT_GW_WANTransition",
        at_ms,
        subsystem="lan",
        gw=gateway,
        dm=gateway,
        dm_name="Dream Machine",
        dm_model="UDMPRO",
        iface=iface,
        state=state,
        msg=f"Gateway[{gateway}] WAN iface {iface} transition to state {state}",
    )


def rogue_ap(ap: str, bssid: str, essid: str, at_ms: int, channel: str = "6") -> Event:
    return event(
        "EVT_AP_DetectRogueAP", at_ms, ap=ap, mac=bssid, essid=essid, rogue_channel=channel
    )


def rogue_dhcp(at_ms: int, *, ip: str, mac: str, port: int = 7, vlan: int = 1) -> Event:
    return device_event(
        "EVT_SW_DetectRogueDHCP",
        "sw",
        SWITCH,
        at_ms,
        sw_name="Loft Switch",
        sw_model="US8P60",
        ip=ip,
        mac=mac,
        port=port,
        vlan=vlan,
    )


def admin_login(admin: str, ip: str, at_ms: int) -> Event:
    return event(
        "EVT_AD_Login", at_ms, subsystem="", admin=admin, ip=ip, is_admin=True,
        msg=f"Admin[{admin}] log in from {ip}",
    )  # fmt: skip


def v2_event(key: str, at_ms: int, severity: str = "LOW", **parameters: Any) -> Event:
    """A v2 system-log entry as the controller side hands it over: the v2 ``key`` and fields.

    Parameter values are ``{id, name, …}`` objects (``CLIENT={"id": mac, "name": …}``).
    """
    n = next(_counter)
    placeholders = " ".join(f"{{{name}}}" for name in parameters)
    payload = {
        "id": f"{n:024x}",
        "key": key,
        "event": key,
        "category": "CLIENT_DEVICES",
        "subcategory": "MONITORING_WIFI",
        "severity": severity,
        "status": "NEW",
        "type": "EVENT",
        "timestamp": at_ms,
        "title_raw": key.replace("_", " ").title(),
        "message_raw": f"{key}: {placeholders}",
        "parameters": parameters,
    }
    return Event(
        identity=f"v2:{n:024x}",
        key=key,
        subsystem="",
        site="default",
        time_ms=at_ms,
        received_ms=at_ms + 50,
        source="test",
        payload=payload,
    )


# -- snapshot records (stat/device, stat/sta) -----------------------------------------------


def poe_port(index: int, name: str, watts: float) -> dict[str, Any]:
    """A ``port_table`` entry; ``poe_power`` is a string, as controllers send it."""
    return {
        "port_idx": index,
        "name": name,
        "up": watts > 0,
        "speed": 1000,
        "port_poe": True,
        "poe_enable": watts > 0,
        "poe_good": watts > 0,
        "poe_mode": "auto",
        "poe_power": f"{watts:.2f}",
    }


def device_record(
    mac: str,
    *,
    name: str,
    model: str,
    kind: str = "uap",
    state: int = 1,
    uptime: int = 3 * 86_400,
    cpu: str = "3.1",
    mem: str = "27.4",
    **fields: Any,
) -> dict[str, Any]:
    """A ``stat/device`` record with the field shapes of real controllers (string stats)."""
    record: dict[str, Any] = {
        "_id": mac.replace(":", "").rjust(24, "0"),
        "mac": mac,
        "model": model,
        "type": kind,
        "name": name,
        "version": "6.6.77.15402",
        "adopted": True,
        "state": state,
        "uptime": uptime if state == 1 else 0,
        "last_seen": 1_764_374_400,
        "upgradable": False,
        "system-stats": {"cpu": cpu, "mem": mem, "uptime": str(uptime)},
        "satisfaction": 97,
        "num_sta": 3,
    }
    record.update(fields)
    return record


def client_record(
    mac: str,
    ap: str,
    *,
    signal: int = -58,
    noise: int = -95,
    satisfaction: int = 94,
    **fields: Any,
) -> dict[str, Any]:
    """A wireless ``stat/sta`` record: ``rssi`` is signal above noise, ``channel`` an int."""
    record: dict[str, Any] = {
        "mac": mac,
        "ap_mac": ap,
        "essid": "Home",
        "radio": "na",
        "channel": 36,
        "is_wired": False,
        "is_guest": False,
        "rssi": signal - noise,
        "signal": signal,
        "noise": noise,
        "satisfaction": satisfaction,
        "uptime": 600,
    }
    record.update(fields)
    return record
