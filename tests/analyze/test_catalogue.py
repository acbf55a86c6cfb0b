"""The catalogue as a whole: every key of the protocol reference is covered, no key is claimed
twice by accident, unknown keys are reported, and each simple rule reads right."""

from __future__ import annotations

import pytest

from tests.factories import (
    GATEWAY,
    IPAD,
    KITCHEN,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    device_event,
    event,
)
from unifi_scanner.analyze import Inventory, Severity, analyze, covered_keys
from unifi_scanner.analyze.catalogue import SIMPLE_RULES
from unifi_scanner.analyze.engine import LAYERED, processors

DAY = 24 * 60 * MINUTE
MAC = "[0-9a-f]{2}(:[0-9a-f]{2}){5}"

#: Every key of the "Common keys" table of the protocol reference, wildcards expanded.
PROTOCOL_TABLE_KEYS = [
    "EVT_WU_Connected", "EVT_WU_Disconnected", "EVT_WU_Roam", "EVT_WU_RoamRadio",
    "EVT_WG_Connected", "EVT_WG_Disconnected", "EVT_WG_Roam", "EVT_WG_RoamRadio",
    "EVT_WG_AuthorizationEnded",
    "EVT_LU_Connected", "EVT_LU_Disconnected", "EVT_LG_Connected", "EVT_LG_Disconnected",
    "EVT_WC_Blocked", "EVT_WC_Unblocked", "EVT_LC_Blocked", "EVT_LC_Unblocked",
    "EVT_HS_VoucherUsed", "EVT_HS_AuthedByPassword",
    "EVT_AP_Connected", "EVT_AP_Lost_Contact", "EVT_AP_Disconnected", "EVT_AP_Restarted",
    "EVT_AP_RestartedUnknown",
    "EVT_AP_Upgraded", "EVT_AP_UpgradeScheduled", "EVT_AP_UpgradeFailed",
    "EVT_AP_Adopted", "EVT_AP_AutoReadopted", "EVT_AP_Deleted", "EVT_AP_Isolated",
    "EVT_AP_ChannelChanged", "EVT_AP_RadarDetected", "EVT_AP_PossibleInterference",
    "EVT_AP_DetectRogueAP",
    "EVT_SW_Connected", "EVT_SW_Lost_Contact", "EVT_SW_Restarted", "EVT_SW_Upgraded",
    "EVT_SW_PoeOverload", "EVT_SW_PoeDisconnect", "EVT_SW_StpPortBlocking",
    "EVT_SW_DetectRogueDHCP", "EVT_SW_Overheat",
    "EVT_GW_Connected", "EVT_GW_Lost_Contact", "EVT_GW_Restarted", "EVT_GW_Upgraded",
    "EVT_GW_WANTransition",
    "EVT_GW_DhcpPoolExhausted", "EVT_GW_DhcpPoolNearExhausted", "EVT_GW_CommitError",
    "EVT_DM_Connected", "EVT_DM_Lost_Contact", "EVT_DM_Upgraded",
    "EVT_XG_Connected", "EVT_XG_Lost_Contact", "EVT_XG_Upgraded", "EVT_XG_Restarted",
    "EVT_IPS_IpsAlert",
    "EVT_AD_Login",
]  # fmt: skip

V2_KEYS = [
    "CLIENT_CONNECTED_WIRELESS_2", "CLIENT_DISCONNECTED_WIRELESS_2", "CLIENT_ROAMED_2",
    "NETWORK_WAN_FAILED_2", "NETWORK_WAN_RESTORED_2", "ISP_PACKET_LOSS_2",
    "DEVICE_UNREACHABLE", "DEVICE_RECONNECTED", "THREAT_BLOCKED", "THREAT_DETECTED_V3",
]  # fmt: skip


def run(events, **kwargs):  # type: ignore[no-untyped-def]
    inventory = Inventory(
        [
            {"mac": KITCHEN, "name": "Kitchen AP", "model": "UAL6", "type": "uap"},
            {"mac": OFFICE, "name": "Office AP", "model": "U7PG2", "type": "uap"},
            {"mac": SWITCH, "name": "Loft Switch", "model": "US8P60", "type": "usw"},
            {"mac": GATEWAY, "name": "Dream Machine", "model": "UDMPRO", "type": "udm"},
        ],
        [{"mac": IPAD, "name": "Living-room iPad", "hostname": "iPad", "ip": "192.168.1.50"}],
    )
    return analyze(
        sorted(events, key=lambda e: e.time_ms),
        site="default",
        period_start_ms=T0,
        period_end_ms=T0 + DAY,
        inventory=inventory,
        **kwargs,
    )


def only(analysis, rule):  # type: ignore[no-untyped-def]
    (finding,) = [f for f in analysis.findings if f.rule == rule]
    return finding


@pytest.mark.parametrize("key", PROTOCOL_TABLE_KEYS + V2_KEYS)
def test_every_key_of_the_protocol_reference_is_covered(key: str) -> None:
    assert key in covered_keys()


def test_keys_claimed_twice_are_exactly_the_layered_ones() -> None:
    claims: dict[str, set[str]] = {}
    for processor in processors():
        for key in processor.keys:
            claims.setdefault(key, set()).add(processor.rule_id)
    assert {key: rules for key, rules in claims.items() if len(rules) > 1} == dict(LAYERED)


def test_rule_ids_are_unique_across_the_catalogue() -> None:
    emitted = [rule for processor in processors() for rule in processor.rules]
    assert len(emitted) == len(set(emitted))


def test_uncovered_keys_are_listed_and_reported_under_other_activity() -> None:
    events = [
        event("EVT_AP_ChannelChanged", T0, ap=OFFICE, channel_from="52", channel_to="36"),
        event("EVT_XG_OutletPowerCycle", T0 + MINUTE, xg=GATEWAY, msg="Outlet 2 power cycled"),
        event("EVT_XG_OutletPowerCycle", T0 + 2 * MINUTE, xg=GATEWAY, msg="Outlet 3 power cycled"),
    ]
    analysis = run(events)
    assert analysis.uncovered_keys() == ["EVT_XG_OutletPowerCycle"]
    other = only(analysis, "other-activity")
    assert other.count == 2
    assert other.title == "Other activity: EVT_XG_OutletPowerCycle (twice)"
    assert '"Outlet 3 power cycled"' in other.explanation


def test_severe_and_medium_findings_always_come_with_steps() -> None:
    """Fire every simple rule once and check the contract of what comes out."""
    events = []
    for index, rule in enumerate(SIMPLE_RULES):
        for key in sorted(rule.keys):
            events.append(
                event(key, T0 + index * MINUTE, ap=KITCHEN, sw=SWITCH, gw=GATEWAY, user=IPAD,
                      guest=IPAD, port=5, channel="6", network="LAN")
            )  # fmt: skip
    analysis = run(events)
    produced = {f.rule for f in analysis.findings}
    assert {rule.id for rule in SIMPLE_RULES} <= produced
    for finding in analysis.findings:
        if finding.severity is not Severity.LOW:
            assert len(finding.remediation) >= 2, finding.rule
        assert "{" not in finding.title and "{" not in finding.explanation, finding.rule
        assert KITCHEN not in finding.title and SWITCH not in finding.title, finding.title


def test_poe_overload_names_the_switch_and_ports() -> None:
    events = [
        device_event("EVT_SW_PoeOverload", "sw", SWITCH, T0 + i * MINUTE, port=port,
                     sw_name="Loft Switch", is_negative=True)
        for i, port in enumerate([5, 5, 3])
    ]  # fmt: skip
    finding = only(run(events), "poe-overload")
    assert finding.title == "Loft Switch (US-8-60W) ran out of PoE power on ports 3 and 5"
    assert finding.severity is Severity.MEDIUM
    assert finding.count == 3
    assert finding.subjects[0].id == SWITCH
    assert "ports 3 and 5" in finding.remediation[0]


def test_stp_blocking_and_missing_port_reads_naturally() -> None:
    finding = only(run([device_event("EVT_SW_StpPortBlocking", "sw", SWITCH, T0)]), "stp-blocking")
    assert (
        finding.title == "Loft Switch (US-8-60W) blocked an unrecorded port to stop a network loop"
    )


def test_channel_changes_list_the_new_channels_whether_str_or_int() -> None:
    events = [
        event("EVT_AP_ChannelChanged", T0, ap=OFFICE, channel_from="52", channel_to="36"),
        event("EVT_AP_ChannelChanged", T0 + MINUTE, ap=OFFICE, channel_from=36, channel_to=149),
    ]
    finding = only(run(events), "channel-changes")
    assert finding.title == "Office AP (UAP-AC-Pro) changed channel twice"
    assert "It moved to channels 36 and 149." in finding.explanation


def test_client_blocked_counts_blocks_and_unblocks_per_client() -> None:
    events = [
        event("EVT_WC_Blocked", T0, user=IPAD, admin="alice"),
        event("EVT_WC_Unblocked", T0 + MINUTE, user=IPAD, admin="alice"),
        event("EVT_LC_Blocked", T0 + 2 * MINUTE, user=IPAD),
    ]
    finding = only(run(events), "client-blocked")
    assert finding.title == "Living-room iPad was blocked twice and unblocked once"
    assert finding.subjects[0].kind == "client"


def test_client_blocked_leaves_out_a_zero_tally() -> None:
    finding = only(run([event("EVT_WC_Blocked", T0, user=IPAD)]), "client-blocked")
    assert finding.title == "Living-room iPad was blocked once"


def test_guest_portal_with_only_ended_access_has_no_login_sentence() -> None:
    events = [event("EVT_WG_AuthorizationEnded", T0, guest="aa:00:00:00:00:01")]
    finding = only(run(events), "guest-authorisations")
    assert finding.explanation.endswith(" Guest access ended once when its time ran out.")
    assert "logged in" not in finding.explanation


def test_client_roaming_with_only_band_changes_claims_no_roams_between_access_points() -> None:
    events = [
        event("EVT_WU_RoamRadio", T0 + i * 30 * MINUTE, user=IPAD, ap=KITCHEN,
              radio_from="na", radio_to="6e")
        for i in range(3)
    ]  # fmt: skip
    finding = only(run(events), "client-roaming")
    assert finding.title == "1 client switched WiFi band 3 times"
    assert (
        "In this period 1 client switched band on the same access point 3 times (access points: "
        "Kitchen AP (U6-Lite))." in finding.explanation
    )
    assert "between access points" not in finding.explanation
    assert "0 times" not in finding.title + finding.explanation


def test_client_roaming_counts_roams_and_band_changes_apart() -> None:
    events = [
        event("EVT_WU_Roam", T0 + i * 30 * MINUTE, user=IPAD, ap_from=KITCHEN, ap_to=OFFICE)
        for i in range(3)
    ]
    events.append(event("EVT_WG_RoamRadio", T0, guest="aa:00:00:00:00:01", ap=OFFICE))
    finding = only(run(events), "client-roaming")
    assert finding.count == 4
    title = "2 clients roamed between access points 3 times and switched WiFi band once"
    assert finding.title == title
    told = "moved between access points 3 times and switched band on the same access point once"
    assert told in finding.explanation


def test_guest_portal_activity_is_one_site_summary() -> None:
    guests = ["aa:00:00:00:00:01", "aa:00:00:00:00:02"]
    events = [
        event("EVT_HS_VoucherUsed", T0, guest=guests[0], voucher_code="12345-67890"),
        event("EVT_HS_AuthedByPassword", T0 + MINUTE, guest=guests[1]),
        event("EVT_WG_AuthorizationEnded", T0 + 60 * MINUTE, guest=guests[0]),
        event("EVT_WG_AuthorizationEndedByQuota", T0 + 70 * MINUTE, guest=guests[1]),
    ]
    finding = only(run(events), "guest-authorisations")
    assert finding.title == "2 clients used the guest portal"
    assert finding.explanation.endswith(
        " Guests logged in once with a voucher and once with the guest password. Guest access "
        "ended once when its time ran out and once when its data quota was used up."
    )
    # Nobody got in without a password: no warning about portals that ask for none.
    assert "without any password" not in finding.explanation
    # Tallies that are zero (no password, revoked) are left out, not spelled "0 times".
    assert "0 times" not in finding.explanation
    assert "revoked" not in finding.explanation
    assert finding.severity is Severity.LOW
    assert [s.id for s in finding.subjects if s.kind == "client"] == guests


def test_dhcp_pool_exhaustion_is_severe_and_names_the_network() -> None:
    events = [
        device_event("EVT_GW_DhcpPoolExhausted", "gw", GATEWAY, T0, network="IoT"),
        device_event("EVT_GW_DhcpPoolNearExhausted", "gw", GATEWAY, T0 - MINUTE, network="IoT"),
    ]
    analysis = run(events)
    exhausted = only(analysis, "dhcp-pool-exhausted")
    assert exhausted.severity is Severity.SEVERE
    assert exhausted.title == "Dream Machine (UDM Pro) ran out of IP addresses to hand out (once)"
    assert "(network: IoT)" in exhausted.explanation
    assert only(analysis, "dhcp-pool-near-exhausted").severity is Severity.MEDIUM


def test_device_adoption_tallies_each_kind_of_change() -> None:
    events = [
        device_event("EVT_AP_DiscoveredPending", "ap", KITCHEN, T0),
        device_event("EVT_AP_Adopted", "ap", KITCHEN, T0 + MINUTE, admin="alice"),
        device_event("EVT_AP_AutoReadopted", "ap", KITCHEN, T0 + 2 * MINUTE),
    ]
    finding = only(run(events), "device-adoption")
    assert finding.title == "Kitchen AP (U6-Lite): adoption changed 3 times"
    assert (
        "was waiting for adoption once, adopted once and re-adopted automatically once (after"
        in finding.explanation
    )
    assert "removed" not in finding.explanation  # never deleted: a zero tally is left out


def test_isolated_access_point_is_severe() -> None:
    finding = only(run([device_event("EVT_AP_Isolated", "ap", KITCHEN, T0)]), "ap-isolated")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Kitchen AP (U6-Lite) lost its uplink and was isolated once"
