"""Scenario timelines as pure data: determinism, required situations, wire shapes."""

from __future__ import annotations

import collections
import ipaddress
import re
from typing import Any

import pytest

from unifi_scanner.emulator import SCENARIOS
from unifi_scanner.emulator.events import format_bytes, format_duration
from unifi_scanner.emulator.timeline import Timeline

START_MS = 1_750_000_000_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
OBJECT_ID = re.compile(r"^[0-9a-f]{24}$")
DATETIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def demo(seed: int = 1) -> list[dict[str, Any]]:
    return SCENARIOS["demo"].timeline(seed).render(START_MS)


def subject(event: dict[str, Any]) -> str:
    return str(event.get("user") or event.get("guest") or event.get("ap"))


def test_registry_describes_every_scenario() -> None:
    assert {"demo", "steady"} <= set(SCENARIOS)
    for name, scenario in SCENARIOS.items():
        assert scenario.name == name
        assert scenario.description
        assert "\n" not in scenario.description


def test_same_seed_and_start_give_identical_ids_and_payloads() -> None:
    first = SCENARIOS["demo"].timeline(7).render(START_MS)
    second = SCENARIOS["demo"].timeline(7).render(START_MS)
    assert first == second


def test_different_seed_gives_different_timeline() -> None:
    one, two = demo(1), demo(2)
    assert {e["_id"] for e in one}.isdisjoint(e["_id"] for e in two)
    assert [e["msg"] for e in one] != [e["msg"] for e in two]


def test_different_start_shifts_times_and_ids_but_not_content() -> None:
    timeline = SCENARIOS["demo"].timeline(1)
    early, late = timeline.render(START_MS), timeline.render(START_MS + 86_400_000)
    assert [e["key"] for e in early] == [e["key"] for e in late]
    assert all(b["time"] - a["time"] == 86_400_000 for a, b in zip(early, late, strict=True))
    assert {e["_id"] for e in early}.isdisjoint(e["_id"] for e in late)


def test_object_ids_carry_the_event_time() -> None:
    events = demo()
    assert len({e["_id"] for e in events}) == len(events)
    for event in events:
        assert OBJECT_ID.match(event["_id"])
        assert int(event["_id"][:8], 16) == event["time"] // 1000


def test_common_fields_and_types() -> None:
    events = demo()
    site_id = SCENARIOS["demo"].timeline(1).inventory.sites[0].id
    for event in events:
        assert {"_id", "key", "subsystem", "site_id", "time", "datetime", "msg"} <= set(event)
        assert event["site_id"] == site_id
        assert isinstance(event["time"], int)
        assert DATETIME.match(event["datetime"])
        assert isinstance(event["is_negative"], bool)
        for name in ("channel", "channel_from", "channel_to", "radar_channel", "freq"):
            if name in event:
                assert isinstance(event[name], str), (name, event)
        for name in ("radio", "radio_from", "radio_to"):
            if name in event:
                assert event[name] in {"ng", "na", "6e"}
    assert [e["time"] for e in events] == sorted(e["time"] for e in events)


def test_client_event_messages_use_the_controller_wording() -> None:
    patterns = {
        "EVT_WU_Connected": r"^User\[[0-9a-f:]{17}\] has connected to AP\[[0-9a-f:]{17}\] "
        r'with SSID "[^"]+" on "channel \d+\((ng|na)\)"$',
        "EVT_WU_Disconnected": r'^User\[[0-9a-f:]{17}\] disconnected from "[^"]+" '
        r"\((\d+[dhm] )*\d+s connected, \d+\.\d\d[KMG]? bytes, last AP\[[0-9a-f:]{17}\]\)$",
        "EVT_WU_Roam": r"^User\[[0-9a-f:]{17}\] roams from AP\[[0-9a-f:]{17}\] to "
        r'AP\[[0-9a-f:]{17}\] from "channel \d+\((ng|na)\)" to "channel \d+\((ng|na)\)" '
        r'on "[^"]+"$',
        "EVT_LU_Connected": r"^User\[[0-9a-f:]{17}\] has connected to \w+$",
    }
    events = demo()
    for key, pattern in patterns.items():
        matching = [e for e in events if e["key"] == key]
        assert matching, key
        for event in matching:
            assert re.match(pattern, event["msg"]), event["msg"]
    disconnects = [e for e in events if e["key"] == "EVT_WU_Disconnected"]
    for event in disconnects:
        assert isinstance(event["duration"], int)
        assert isinstance(event["bytes"], int)
        assert {"user", "ssid", "ap"} <= set(event)
    assert any("hostname" in event for event in disconnects)  # when the client announced one


def test_message_number_formats_match_real_payloads() -> None:
    assert format_duration(1084) == "18m 4s"
    assert format_duration(477) == "7m 57s"
    assert format_duration(45) == "45s"
    assert format_duration(3 * 3600 + 5) == "3h 0m 5s"
    assert format_bytes(846_171) == "826.34K"
    assert format_bytes(19_130_891) == "18.24M"
    assert format_bytes(42) == "42.00"


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_has_everyday_traffic(seed: int) -> None:
    counts = collections.Counter(e["key"] for e in demo(seed))
    assert 200 <= sum(counts.values()) <= 3000
    for key in ("EVT_WU_Connected", "EVT_WU_Disconnected", "EVT_WU_Roam"):
        assert counts[key] >= 20, key
    assert counts["EVT_LU_Connected"] + counts["EVT_LU_Disconnected"] >= 2


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_has_one_client_roaming_a_dozen_times_within_an_hour(seed: int) -> None:
    roams: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
    for event in demo(seed):
        if event["key"] == "EVT_WU_Roam":
            roams[event["user"]].append(event)
    stormy = {}
    for user, events in roams.items():
        for index, first in enumerate(events):
            window = [e for e in events[index:] if e["time"] - first["time"] < HOUR_MS]
            if len(window) >= 12:
                stormy[user] = window
                break
    assert len(stormy) == 1
    ((user, window),) = stormy.items()
    pairs = collections.Counter(frozenset((e["ap_from"], e["ap_to"])) for e in window)
    assert pairs.most_common(1)[0][1] >= 12  # ping-pong between the same two APs
    # Before the storm the client lived an ordinary day (the storm only reserves it briefly).
    assert any(e["time"] < window[0]["time"] - 2 * HOUR_MS for e in roams[user])
    for event in window:
        assert {"ap_from", "ap_to", "channel_from", "channel_to", "radio_from", "radio_to"} <= set(
            event
        )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_demo_ap_loses_contact_and_returns_with_its_clients(seed: int) -> None:
    events = demo(seed)
    lost = [e for e in events if e["key"] == "EVT_AP_Lost_Contact"]
    assert len(lost) == 1
    ap = lost[0]["ap"]
    back = [e for e in events if e["key"] == "EVT_AP_Connected" and e["ap"] == ap]
    assert len(back) == 1
    assert 15 * MINUTE_MS <= back[0]["time"] - lost[0]["time"] <= 25 * MINUTE_MS
    assert {"ap_name", "ap_model", "ap_displayName"} <= set(lost[0])
    around = [
        e
        for e in events
        if e["key"] == "EVT_WU_Disconnected"
        and e["ap"] == ap
        and abs(e["time"] - lost[0]["time"]) <= 2 * MINUTE_MS
    ]
    assert around
    rejoined = {
        e["user"]
        for e in events
        if e["key"] == "EVT_WU_Connected"
        and lost[0]["time"] < e["time"] <= back[0]["time"] + 5 * MINUTE_MS
    }
    assert {e["user"] for e in around} <= rejoined
    assert not [
        e
        for e in events
        if e["key"] == "EVT_WU_Connected"
        and e["ap"] == ap
        and lost[0]["time"] < e["time"] < back[0]["time"]
    ]


def test_demo_has_ips_alerts_from_outside() -> None:
    alerts = [e for e in demo() if e["key"] == "EVT_IPS_IpsAlert"]
    assert alerts
    required = {
        "inner_alert_signature", "inner_alert_signature_id", "inner_alert_severity",
        "inner_alert_category", "inner_alert_action", "src_ip", "src_port", "dest_ip",
        "dest_port", "proto", "app_proto", "catname", "srcipCountry", "srcipGeo", "timestamp",
    }  # fmt: skip
    for alert in alerts:
        assert required <= set(alert)
        assert alert["subsystem"] == "www"
        assert alert["inner_alert_signature"].startswith("ET ")
        assert alert["inner_alert_action"] in {"blocked", "alert"}
        assert ipaddress.ip_address(alert["src_ip"]).is_global
        assert alert["timestamp"] == alert["time"] // 1000
        assert isinstance(alert["srcipGeo"], dict)
        assert alert["msg"].startswith(f"IPS Alert {alert['inner_alert_severity']}: ")
    sources = collections.Counter(alert["src_ip"] for alert in alerts)
    assert max(sources.values()) >= 2  # one source keeps trying


def test_demo_radar_hit_is_followed_by_a_channel_change() -> None:
    events = demo()
    radar = [e for e in events if e["key"] == "EVT_AP_RadarDetected"]
    assert len(radar) == 1
    hit = radar[0]
    assert hit["freq"] == str(5000 + 5 * int(hit["radar_channel"]))
    changes = [
        e
        for e in events
        if e["key"] == "EVT_AP_ChannelChanged"
        and e["ap"] == hit["ap"]
        and 0 <= e["time"] - hit["time"] <= MINUTE_MS
    ]
    assert len(changes) == 1
    assert changes[0]["channel_from"] == hit["radar_channel"]
    assert changes[0]["channel_to"] != hit["radar_channel"]


def test_demo_spans_a_day() -> None:
    events = demo()
    assert events[-1]["time"] - events[0]["time"] > 22 * HOUR_MS
    assert events[-1]["time"] < START_MS + 24 * HOUR_MS


def _replay_matches_history(timeline: Timeline) -> None:
    inventory = timeline.inventory
    by_mac = {client.mac: client.handle for client in inventory.clients}
    ap_by_mac = {device.mac: device.handle for device in inventory.devices}
    for event in timeline.events:
        fields = event.fields
        who = fields.get("user") or fields.get("guest")
        if who is None:
            continue
        placement = timeline.history.placement(by_mac[who], event.offset_ms)
        if event.key.endswith("_Disconnected"):
            assert placement is None, event
        elif event.key in ("EVT_WU_Connected", "EVT_WG_Connected"):
            assert placement is not None
            assert placement.ap == ap_by_mac[fields["ap"]]
            assert placement.radio == fields["radio"]
        elif event.key.endswith("_Roam"):
            assert placement is not None
            assert placement.ap == ap_by_mac[fields["ap_to"]]


def test_state_history_agrees_with_every_event() -> None:
    _replay_matches_history(SCENARIOS["demo"].timeline(1))


def test_steady_pushes_one_event_every_30_seconds_for_a_week() -> None:
    timeline = SCENARIOS["steady"].timeline(1)
    offsets = [event.offset_ms for event in timeline.events]
    assert offsets == list(range(30_000, 7 * 24 * HOUR_MS, 30_000))
    keys = collections.Counter(event.key for event in timeline.events)
    assert keys["EVT_WU_Connected"] and keys["EVT_WU_Disconnected"] and keys["EVT_WU_Roam"]
    _replay_matches_history(timeline)


def test_duration_cuts_the_same_timeline() -> None:
    full = SCENARIOS["demo"].timeline(1)
    cut = SCENARIOS["demo"].timeline(1, duration_s=6 * 3600)
    assert cut.duration_ms == 6 * HOUR_MS
    assert cut.events == full.events[: len(cut.events)]
    assert all(event.offset_ms < 6 * HOUR_MS for event in cut.events)
