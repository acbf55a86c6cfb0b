"""Each rule with realistic payloads, and the engine's guarantees."""

from __future__ import annotations

from tests.factories import (
    IPAD,
    KITCHEN,
    LAPTOP,
    MINUTE,
    OFFICE,
    T0,
    ap_connected,
    channel_changed,
    connected,
    disconnected,
    event,
    ips,
    lost_contact,
    radar,
    roam,
)
from unifi_scanner.analyze import Inventory, Severity, analyze
from unifi_scanner.analyze.catalogue import SIMPLE_RULES
from unifi_scanner.analyze.engine import LAYERED, processors

DAY = 24 * 60 * MINUTE
INVENTORY_DEVICES = [
    {"mac": KITCHEN, "name": "Kitchen AP", "model": "UAL6"},
    {"mac": OFFICE, "name": "Office AP", "model": "U7PG2"},
]
INVENTORY_CLIENTS = [{"mac": IPAD, "name": "Living-room iPad", "hostname": "iPad"}]


def run(events, **kwargs):  # type: ignore[no-untyped-def]
    inventory = Inventory(INVENTORY_DEVICES, INVENTORY_CLIENTS)
    return analyze(
        sorted(events, key=lambda e: e.time_ms),
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + DAY,
        inventory=inventory,
        **kwargs,
    )


def by_rule(analysis, rule):  # type: ignore[no-untyped-def]
    return [f for f in analysis.findings if f.rule == rule]


def test_client_activity_summarises_connects_and_disconnects() -> None:
    events = [connected(IPAD, KITCHEN, T0 + i * MINUTE) for i in range(3)]
    events += [disconnected(IPAD, KITCHEN, T0 + i * MINUTE + 30_000) for i in range(2)]
    events.append(connected(LAPTOP, OFFICE, T0 + 10 * MINUTE, hostname="work-laptop"))
    (finding,) = by_rule(run(events), "client-activity")
    assert finding.title == "2 clients connected 4 times and disconnected twice"
    assert finding.count == 6
    assert finding.severity is Severity.LOW
    assert finding.first_seen_ms == T0
    assert finding.last_seen_ms == T0 + 10 * MINUTE
    names = [s.name for s in finding.subjects if s.kind == "client"]
    assert names == ["Living-room iPad", "work-laptop"]


def test_roaming_storm_names_the_client_and_the_two_aps() -> None:
    storm = [
        roam(IPAD, KITCHEN if i % 2 else OFFICE, OFFICE if i % 2 else KITCHEN, T0 + i * 4 * MINUTE)
        for i in range(12)
    ]
    calm = [roam(LAPTOP, KITCHEN, OFFICE, T0 + i * 90 * MINUTE) for i in range(5)]
    analysis = run(storm + calm)
    (storm_finding,) = by_rule(analysis, "excessive-roaming")
    assert storm_finding.title == "Living-room iPad roamed 12 times within one hour"
    assert storm_finding.severity is Severity.MEDIUM
    assert "Office AP and Kitchen AP" in storm_finding.explanation or (
        "Kitchen AP and Office AP" in storm_finding.explanation
    )
    assert storm_finding.remediation
    (summary,) = by_rule(analysis, "client-roaming")
    assert summary.count == 17


def test_roams_spread_over_hours_are_not_a_storm() -> None:
    events = [roam(IPAD, KITCHEN, OFFICE, T0 + i * 7 * MINUTE) for i in range(20)]  # 8-9 per hour
    assert by_rule(run(events), "excessive-roaming") == []


def test_ap_outage_with_duration() -> None:
    events = [lost_contact(KITCHEN, T0 + 60 * MINUTE), ap_connected(KITCHEN, T0 + 81 * MINUTE)]
    (finding,) = by_rule(run(events), "device-offline")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Kitchen AP (U6-Lite) went offline once"
    assert "offline for 21 min in total" in finding.explanation
    assert finding.remediation[0].startswith("Check that Kitchen AP (U6-Lite) has power")


def test_ap_still_offline_at_the_end_of_the_period() -> None:
    (finding,) = by_rule(run([lost_contact(KITCHEN, T0 + DAY - 30 * MINUTE)]), "device-offline")
    assert finding.title == "Kitchen AP (U6-Lite) is offline"
    assert "still offline at the end of this report, 30 min after" in finding.explanation


def test_radar_is_explained_with_the_channel_change_that_followed() -> None:
    events = [radar(OFFICE, T0 + 5 * MINUTE), channel_changed(OFFICE, T0 + 5 * MINUTE + 20_000)]
    analysis = run(events)
    (finding,) = by_rule(analysis, "dfs-radar")
    assert finding.title == "Office AP (UAP-AC-Pro) detected radar once"
    assert "channel 52" in finding.explanation and "moved to channel 36" in finding.explanation
    # The channel change also counts on its own: rules are layered, nothing is shadowed.
    assert by_rule(analysis, "channel-changes")[0].count == 1


def test_radar_on_several_channels_names_the_channels_once() -> None:
    events = [
        radar(OFFICE, T0 + 5 * MINUTE),
        channel_changed(OFFICE, T0 + 5 * MINUTE + 20_000, to="36"),
        radar(OFFICE, T0 + 90 * MINUTE, channel="100"),
        channel_changed(OFFICE, T0 + 90 * MINUTE + 10_000, to="149"),
    ]
    (finding,) = by_rule(run(events), "dfs-radar")
    assert "on channels 52 and 100 and" in finding.explanation
    assert "moved to channels 36 and 149 (within 20 s)" in finding.explanation
    assert "and channel" not in finding.explanation


def test_ips_alerts_grouped_by_signature_with_sources() -> None:
    events = [
        ips(T0 + i * MINUTE, src=src) for i, src in enumerate(["185.220.101.4"] * 3 + ["45.9.20.1"])
    ]
    (finding,) = by_rule(run(events), "ips-alert")
    assert finding.count == 4
    assert finding.title == "Intrusion blocked: ET SCAN Suspicious inbound to MSSQL port 1433"
    assert [s.id for s in finding.subjects if s.kind == "ip"] == ["185.220.101.4", "45.9.20.1"]
    assert "Every attempt was blocked" in finding.explanation
    # A blocked scan from the internet is background noise: low, and it says what scans are.
    assert finding.severity is Severity.LOW
    assert "What it means (scanning)" in finding.explanation


def test_ips_from_inside_and_not_blocked_is_severe() -> None:
    (finding,) = by_rule(
        run([ips(T0, src="192.168.1.50", severity=1, action="alert")]), "ips-alert"
    )
    assert finding.severity is Severity.SEVERE
    assert "192.168.1.50 is inside your network" in finding.explanation
    assert "detection-only" in finding.explanation


def test_unknown_keys_are_reported_not_dropped() -> None:
    events = [event("EVT_XYZ_Something", T0 + i, msg=f"thing {i}") for i in range(3)]
    (finding,) = by_rule(run(events), "other-activity")
    assert finding.title == "Other activity: EVT_XYZ_Something (3 times)"
    assert '"thing 2"' in finding.explanation


def test_findings_are_sorted_and_ids_stable() -> None:
    events = [
        lost_contact(KITCHEN, T0),
        ap_connected(KITCHEN, T0 + MINUTE),
        connected(IPAD, KITCHEN, T0),
    ]
    one, two = run(events), run(list(events))
    assert [f.severity for f in one.findings] == sorted(
        (f.severity for f in one.findings), key=lambda s: s.rank
    )
    assert [f.id for f in one.findings] == [f.id for f in two.findings]
    assert one.by_severity() == {"severe": 1, "medium": 0, "low": 1}
    assert one.events == 3 and one.by_key["EVT_AP_Connected"] == 1


def test_no_key_is_claimed_twice_except_by_design() -> None:
    claims: dict[str, set[str]] = {}
    for processor in processors():
        for key in processor.keys:
            claims.setdefault(key, set()).add(processor.rule_id)
    doubles = {key: rules for key, rules in claims.items() if len(rules) > 1}
    assert doubles == dict(LAYERED)
    assert {"EVT_AP_ChannelChanged", "EVT_WU_Roam", "EVT_WG_Roam"} <= set(doubles)
    assert all(rule.keys for rule in SIMPLE_RULES)
