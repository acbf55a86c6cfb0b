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
