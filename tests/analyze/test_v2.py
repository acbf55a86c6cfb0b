"""v2 system-log entries feed the same rules as their EVT_* equivalents, counted once."""

from __future__ import annotations

from tests.analyze.conftest import inventory, one, rule, run
from tests.factories import GARAGE, GATEWAY, IPAD, KITCHEN, MINUTE, OFFICE, PHONE, T0, v2_event
from unifi_scanner.analyze import Severity

CLIENT = {"id": IPAD, "name": "Living-room iPad", "hostname": "iPad", "ip": "192.168.1.50"}
AP = {"id": KITCHEN, "name": "Kitchen AP", "model": "UAL6"}
WLAN = {"id": "w1", "name": "Home"}


def test_v2_client_events_count_once_under_their_own_key_and_feed_the_same_rules() -> None:
    events = [
        v2_event("CLIENT_CONNECTED_WIRELESS_2", T0, CLIENT=CLIENT, DEVICE=AP, WLAN=WLAN),
        v2_event("CLIENT_DISCONNECTED_WIRELESS_2", T0 + MINUTE, CLIENT=CLIENT, DEVICE=AP),
    ]
    analysis = run(events)
    assert analysis.events == 2
    assert dict(analysis.by_key) == {
        "CLIENT_CONNECTED_WIRELESS_2": 1,
        "CLIENT_DISCONNECTED_WIRELESS_2": 1,
    }
    finding = one(analysis, "client-activity")
    assert finding.title == "1 client connected once and disconnected once"
    assert finding.count == 2
    assert rule(analysis, "other-activity") == []


def test_v2_roams_make_a_roam_storm() -> None:
    pixel = {"id": PHONE, "name": "Bob's Pixel"}
    events = [
        v2_event(
            "CLIENT_ROAMED_2",
            T0 + i * 3 * MINUTE,
            CLIENT=pixel,
            DEVICE={"id": KITCHEN if i % 2 else OFFICE},
            DEVICE_TO={"id": OFFICE if i % 2 else KITCHEN},
        )
        for i in range(12)
    ]
    finding = one(run(events), "excessive-roaming")
    assert finding.title == "Bob's Pixel roamed 12 times within one hour"
    assert "Kitchen AP ↔ Office AP" in finding.explanation


def test_v2_device_unreachable_uses_the_known_kind() -> None:
    garage = {"id": GARAGE, "name": "Garage AP"}
    events = [
        v2_event("DEVICE_UNREACHABLE", T0, severity="HIGH", DEVICE=garage),
        v2_event("DEVICE_RECONNECTED", T0 + 12 * MINUTE, DEVICE={"id": GARAGE}),
    ]
    finding = one(run(events, inventory=inventory()), "device-offline")
    assert finding.title == "Garage AP (U6-LR) went offline once"
    assert finding.explanation.startswith("The access point Garage AP (U6-LR)")
    assert "offline for 12 min in total" in finding.explanation


def test_v2_wan_failure_and_restore() -> None:
    udm = {"id": GATEWAY, "name": "Dream Machine", "model": "UDMPRO"}
    events = [
        v2_event("NETWORK_WAN_FAILED_2", T0, severity="HIGH", DEVICE=udm, WAN={"name": "WAN1"}),
        v2_event("NETWORK_WAN_RESTORED_2", T0 + 30 * MINUTE, DEVICE=udm, WAN={"name": "WAN1"}),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.SEVERE
    assert "no internet connection at all once, for 30 min" in finding.explanation


def test_v2_threats_feed_the_ips_rules() -> None:
    events = [
        v2_event(
            "THREAT_BLOCKED",
            T0 + i * MINUTE,
            severity="MEDIUM",
            SIGNATURE={"id": "2001219", "name": "ET SCAN Potential SSH Scan"},
            SRC_IP={"ip": "218.92.0.203"},
            DST_IP={"ip": "86.131.4.242"},
        )
        for i in range(3)
    ]
    finding = one(run(events), "ips-alert")
    assert finding.title == "Intrusion blocked: ET SCAN Potential SSH Scan"
    assert finding.count == 3
    assert finding.subjects[1].id == "218.92.0.203"
    assert dict(run(events).by_key) == {"THREAT_BLOCKED": 3}


def test_v2_detected_only_threat_without_signature_uses_the_message() -> None:
    event = v2_event(
        "THREAT_DETECTED_V3", T0, severity="VERY_HIGH", CLIENT={"id": IPAD, "ip": "192.168.1.50"}
    )
    analysis = run([event])
    finding = one(analysis, "ips-alert")
    assert finding.severity is Severity.SEVERE  # high priority, from inside, not blocked
    assert finding.title == "Intrusion detected: THREAT_DETECTED_V3: Living-room iPad"
    assert one(analysis, "ips-detection-only").count == 1


def test_v2_packet_loss_has_a_rule_of_its_own() -> None:
    finding = one(run([v2_event("ISP_PACKET_LOSS_2", T0, severity="MEDIUM")]), "isp-packet-loss")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "The internet connection lost packets (once)"


def test_unmapped_v2_keys_are_other_activity_with_their_message_filled_in() -> None:
    event = v2_event("NETWORK_WAN_FAILED_MULTIPLE_TIMES_2", T0, DEVICE={"id": GATEWAY})
    finding = one(run([event]), "other-activity")
    assert finding.title == "Other activity: NETWORK_WAN_FAILED_MULTIPLE_TIMES_2 (once)"
    # The entry names the gateway by MAC only: the inventory supplies its name.
    said = '"NETWORK_WAN_FAILED_MULTIPLE_TIMES_2: Dream Machine (UDM Pro)"'
    assert said in finding.explanation


def test_v2_entry_without_the_needed_parameters_is_not_lost() -> None:
    analysis = run([v2_event("CLIENT_CONNECTED_WIRELESS_2", T0)])
    assert one(analysis, "other-activity").subjects[0].id == "CLIENT_CONNECTED_WIRELESS_2"
