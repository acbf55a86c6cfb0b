"""Devices losing contact, flapping, restarting, and their firmware upgrades."""

from __future__ import annotations

from tests.analyze.conftest import DAY, inventory, one, rule, run
from tests.factories import (
    GARAGE,
    GATEWAY,
    KITCHEN,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    ap_connected,
    device_event,
    lost_contact,
)
from unifi_scanner.analyze import Severity
from unifi_scanner.analyze.outages import uplinks


def test_outage_of_a_switch_names_it_as_a_switch() -> None:
    events = [
        device_event("EVT_SW_Lost_Contact", "sw", SWITCH, T0 + 10 * MINUTE, sw_name="Loft Switch"),
        device_event("EVT_SW_Connected", "sw", SWITCH, T0 + 15 * MINUTE, sw_name="Loft Switch"),
    ]
    finding = one(run(events), "device-offline")
    assert finding.title == "Loft Switch (US-8-60W) went offline once"
    assert finding.explanation.startswith("The switch Loft Switch (US-8-60W) lost contact")
    assert "offline for 5 min in total" in finding.explanation


def test_a_udm_gateway_outage_uses_the_dm_field() -> None:
    events = [
        device_event("EVT_DM_Lost_Contact", "dm", GATEWAY, T0, dm_name="Dream Machine"),
        device_event("EVT_DM_Connected", "dm", GATEWAY, T0 + 2 * MINUTE),
    ]
    finding = one(run(events), "device-offline")
    assert finding.subjects[0].id == GATEWAY
    assert "The gateway Dream Machine (UDM Pro)" in finding.explanation


def test_repeated_loss_reports_in_one_outage_count_once() -> None:
    events = [
        lost_contact(KITCHEN, T0),
        lost_contact(KITCHEN, T0 + MINUTE),
        ap_connected(KITCHEN, T0 + 4 * MINUTE),
    ]
    finding = one(run(events), "device-offline")
    assert finding.count == 1
    assert "offline for 4 min in total" in finding.explanation


def test_device_dropping_repeatedly_within_an_hour_is_flapping_not_offline() -> None:
    events = []
    for i in range(4):
        events += [
            lost_contact(KITCHEN, T0 + i * 12 * MINUTE),
            ap_connected(KITCHEN, T0 + i * 12 * MINUTE + 2 * MINUTE),
        ]
    analysis = run(events)
    assert rule(analysis, "device-offline") == []
    finding = one(analysis, "device-flapping")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Kitchen AP (U6-Lite) keeps dropping off the network: offline 4 times"
    assert "up to 4 times within one hour" in finding.explanation
    assert "offline for 8 min in total (longest 2 min)" in finding.explanation
    assert any("cable" in step for step in finding.remediation)


def test_outages_spread_over_the_day_are_not_flapping() -> None:
    events = []
    for i in range(4):
        events += [
            lost_contact(KITCHEN, T0 + i * 5 * 60 * MINUTE),
            ap_connected(KITCHEN, T0 + i * 5 * 60 * MINUTE + MINUTE),
        ]
    analysis = run(events)
    assert rule(analysis, "device-flapping") == []
    assert one(analysis, "device-offline").title == "Kitchen AP (U6-Lite) went offline 4 times"


def test_unexpected_restarts_are_medium_then_severe_when_repeated() -> None:
    once = run([device_event("EVT_AP_RestartedUnknown", "ap", KITCHEN, T0, duration=60)])
    finding = one(once, "device-restarted")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Kitchen AP (U6-Lite) restarted unexpectedly once"
    assert any("PoE" in step for step in finding.remediation)
    many = run(
        [device_event("EVT_AP_RestartedUnknown", "ap", KITCHEN, T0 + i * MINUTE) for i in range(3)]
        + [device_event("EVT_AP_Restarted", "ap", KITCHEN, T0 + 9 * MINUTE, admin="alice")]
    )
    finding = one(many, "device-restarted")
    assert finding.severity is Severity.SEVERE
    assert finding.count == 4
    assert "restarted by an administrator once" in finding.explanation


def test_restart_by_an_administrator_alone_is_low_without_steps() -> None:
    finding = one(
        run([device_event("EVT_SW_Restarted", "sw", SWITCH, T0, admin="alice")]),
        "device-restarted",
    )
    assert finding.severity is Severity.LOW
    assert finding.title == "Loft Switch (US-8-60W) was restarted by an administrator once"
    assert finding.remediation == ()


def test_firmware_upgrade_reports_the_versions() -> None:
    events = [
        device_event("EVT_AP_UpgradeScheduled", "ap", KITCHEN, T0, admin="alice"),
        device_event(
            "EVT_AP_Upgraded", "ap", KITCHEN, T0 + 5 * MINUTE,
            version_from="6.6.55.15189", version_to="6.6.77.15402",
        ),
    ]  # fmt: skip
    analysis = run(events)
    finding = one(analysis, "firmware-upgraded")
    assert finding.title == "Kitchen AP (U6-Lite) was upgraded to firmware 6.6.77.15402"
    assert "from 6.6.55.15189 to 6.6.77.15402" in finding.explanation
    assert finding.severity is Severity.LOW
    assert rule(analysis, "firmware-upgrade-failed") == []


def test_a_rollout_to_several_devices_is_one_card() -> None:
    version = "6.7.31.15618"
    events = [
        device_event("EVT_AP_Upgraded", "ap", KITCHEN, T0, version_to=version),
        device_event("EVT_AP_Upgraded", "ap", OFFICE, T0 + 5 * MINUTE, version_to=version),
        device_event("EVT_SW_Upgraded", "sw", SWITCH, T0 + 9 * MINUTE, version_to="7.1.32.16012"),
        # Scheduled, then failed: the failure is the card, not the schedule as well.
        device_event("EVT_AP_UpgradeScheduled", "ap", GARAGE, T0 + MINUTE),
        device_event("EVT_AP_UpgradeFailed", "ap", GARAGE, T0 + 6 * MINUTE),
    ]
    analysis = run(events)
    rollout = one(analysis, "firmware-upgraded")
    assert rollout.title == "3 devices were upgraded to new firmware"
    assert rollout.explanation.startswith(
        "Firmware upgrades in this period: Kitchen AP (U6-Lite) and Office AP (UAP-AC-Pro) to "
        "6.7.31.15618; Loft Switch (US-8-60W) to 7.1.32.16012."
    )
    assert [s.id for s in rollout.subjects] == ["default", KITCHEN, OFFICE, SWITCH]
    assert (rollout.count, rollout.first_seen_ms, rollout.last_seen_ms) == (3, T0, T0 + 9 * MINUTE)
    assert one(analysis, "firmware-upgrade-failed").subjects[0].id == GARAGE
    same = run([e for e in events if e.payload.get("version_to") == version])
    assert one(same, "firmware-upgraded").title == "2 devices were upgraded to firmware " + version


def test_a_scheduled_upgrade_that_has_not_run_is_its_own_card() -> None:
    events = [device_event("EVT_AP_UpgradeScheduled", "ap", KITCHEN, T0, admin="alice")]
    finding = one(run(events), "firmware-upgraded")
    assert finding.title == "A firmware upgrade of Kitchen AP (U6-Lite) was scheduled"


def test_failed_upgrade_is_medium_until_a_later_attempt_succeeds() -> None:
    failed = run(
        [
            device_event("EVT_SW_FirmwareDownloadFailed", "sw", SWITCH, T0),
            device_event("EVT_SW_UpgradeFailed", "sw", SWITCH, T0 + MINUTE),
        ]
    )
    finding = one(failed, "firmware-upgrade-failed")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "The firmware upgrade of Loft Switch (US-8-60W) failed twice"
    assert "could not download the firmware" in finding.explanation
    assert "still running its old firmware" in finding.explanation
    recovered = run(
        [
            device_event("EVT_SW_UpgradeFailed", "sw", SWITCH, T0),
            device_event("EVT_SW_Upgraded", "sw", SWITCH, T0 + MINUTE, version_to="7.1.32"),
        ]
    )
    finding = one(recovered, "firmware-upgrade-failed")
    assert finding.severity is Severity.LOW
    assert "A later attempt succeeded (it now runs 7.1.32)." in finding.explanation


def test_upgrade_failure_without_a_device_is_kept_under_the_site() -> None:
    analysis = run([device_event("EVT_AD_ScheduleUpgradeFailedNotFound", "admin", "alice", T0)])
    finding = one(analysis, "firmware-upgrade-failed")
    assert finding.subjects[0].kind == "site"
    assert finding.title == "A scheduled firmware upgrade failed once"
    assert "the device can reach the internet" in finding.remediation[0]


def test_device_outage_with_unknown_kind_from_dev_field() -> None:
    events = [
        device_event("EVT_DEV_Lost_Contact", "dev", "fc:ec:da:00:00:09", T0),
        device_event("EVT_DEV_Connected", "dev", "fc:ec:da:00:00:09", T0 + DAY // 2),
    ]
    finding = one(run(events), "device-offline")
    assert finding.explanation.startswith("The device fc:ec:da:00:00:09 lost contact")


def test_an_outage_during_the_devices_own_upgrade_is_not_a_failure() -> None:
    events = [
        device_event("EVT_AP_UpgradeScheduled", "ap", KITCHEN, T0, admin="alice"),
        lost_contact(KITCHEN, T0 + MINUTE),
        ap_connected(KITCHEN, T0 + 4 * MINUTE),
        device_event("EVT_AP_Upgraded", "ap", KITCHEN, T0 + 4 * MINUTE + 5_000, version_to="6.7"),
        # A real outage later the same day is still reported.
        lost_contact(KITCHEN, T0 + 300 * MINUTE),
        ap_connected(KITCHEN, T0 + 320 * MINUTE),
    ]
    analysis = run(events)
    finding = one(analysis, "device-offline")
    assert finding.title == "Kitchen AP (U6-Lite) went offline once"
    assert "offline for 20 min in total" in finding.explanation
    assert (
        one(analysis, "firmware-upgraded").title
        == "Kitchen AP (U6-Lite) was upgraded to firmware 6.7"
    )
    only_upgrade = run(events[:4])
    assert rule(only_upgrade, "device-offline") == []


def test_access_points_that_go_down_with_their_switch_point_at_the_switch() -> None:
    known = inventory()
    known.add_device({"mac": KITCHEN, "type": "uap", "uplink": {"uplink_mac": SWITCH}})
    events = [
        device_event("EVT_SW_Lost_Contact", "sw", SWITCH, T0 + 60 * MINUTE),
        lost_contact(KITCHEN, T0 + 60 * MINUTE + 20_000),
        lost_contact(OFFICE, T0 + 60 * MINUTE + 40_000, name="Office AP", model="U7PG2"),
        device_event("EVT_SW_Connected", "sw", SWITCH, T0 + 85 * MINUTE),
        ap_connected(KITCHEN, T0 + 87 * MINUTE),
        ap_connected(OFFICE, T0 + 87 * MINUTE, name="Office AP", model="U7PG2"),
        # Later, on its own: not the switch's doing.
        lost_contact(GARAGE, T0 + 300 * MINUTE, name="Garage AP", model="UALR6v2"),
    ]
    analysis = run(events, inventory=known)
    by_device = {f.subjects[0].id: f for f in rule(analysis, "device-offline")}
    switch = by_device[SWITCH]
    assert switch.severity is Severity.SEVERE
    assert "Kitchen AP (U6-Lite) and Office AP (UAP-AC-Pro) went offline with it." in (
        switch.explanation
    )
    kitchen = by_device[KITCHEN]
    assert kitchen.severity is Severity.MEDIUM
    assert "began together with Loft Switch (US-8-60W)'s (which it is plugged into)" in (
        kitchen.explanation
    )
    assert kitchen.remediation[0] == "Fix Loft Switch (US-8-60W) first (see its own finding)."
    assert "which it is plugged into" not in by_device[OFFICE].explanation
    assert by_device[GARAGE].severity is Severity.SEVERE
    assert "together with" not in by_device[GARAGE].explanation


def test_a_known_uplink_elsewhere_is_not_blamed_on_the_switch() -> None:
    known = inventory()
    known.add_device({"mac": KITCHEN, "type": "uap", "uplink": {"uplink_mac": GATEWAY}})
    events = [
        device_event("EVT_SW_Lost_Contact", "sw", SWITCH, T0),
        lost_contact(KITCHEN, T0 + 30_000),
    ]
    analysis = run(events, inventory=known)
    kitchen = next(f for f in rule(analysis, "device-offline") if f.subjects[0].id == KITCHEN)
    assert kitchen.severity is Severity.SEVERE
    assert "together with" not in kitchen.explanation


def test_access_points_down_while_their_switch_upgrades_are_not_failures() -> None:
    events = [
        device_event("EVT_SW_UpgradeScheduled", "sw", SWITCH, T0 + 190 * MINUTE),
        lost_contact(KITCHEN, T0 + 195 * MINUTE),
        device_event("EVT_SW_Upgraded", "sw", SWITCH, T0 + 198 * MINUTE, version_to="7.1.32"),
        ap_connected(KITCHEN, T0 + 198 * MINUTE + 20_000),
    ]
    analysis = run(events)
    assert rule(analysis, "device-offline") == []
    assert one(analysis, "firmware-upgraded").subjects[0].id == SWITCH
    # Another access point's upgrade does not explain it: access points hang off switches.
    other = [
        device_event("EVT_AP_Upgraded", "ap", OFFICE, T0 + 196 * MINUTE, version_to="6.7"),
        lost_contact(KITCHEN, T0 + 195 * MINUTE),
        ap_connected(KITCHEN, T0 + 199 * MINUTE),
    ]
    assert one(run(other), "device-offline").subjects[0].id == KITCHEN


CORE = "74:ac:b9:00:00:11"


def test_devices_two_hops_behind_an_upgrading_switch_are_not_failures() -> None:
    known = inventory()
    known.add_device({"mac": CORE, "name": "Core Switch", "type": "usw", "uplink": {}})
    known.add_device({"mac": SWITCH, "type": "usw", "uplink": {"uplink_mac": CORE}})
    known.add_device({"mac": KITCHEN, "type": "uap", "uplink": {"uplink_mac": SWITCH}})
    known.add_device({"mac": OFFICE, "type": "uap", "uplink": {"uplink_mac": GATEWAY}})
    events = [
        device_event("EVT_SW_UpgradeScheduled", "sw", CORE, T0 + 190 * MINUTE),
        device_event("EVT_SW_Lost_Contact", "sw", SWITCH, T0 + 195 * MINUTE),
        lost_contact(KITCHEN, T0 + 195 * MINUTE + 3_000),
        # Down at the same moment, but behind the gateway, not the upgrading switch.
        lost_contact(OFFICE, T0 + 195 * MINUTE + 5_000, name="Office AP", model="U7PG2"),
        device_event("EVT_SW_Upgraded", "sw", CORE, T0 + 198 * MINUTE, version_to="7.1.32"),
        device_event("EVT_SW_Connected", "sw", SWITCH, T0 + 198 * MINUTE + 10_000),
        ap_connected(KITCHEN, T0 + 198 * MINUTE + 20_000),
        ap_connected(OFFICE, T0 + 199 * MINUTE, name="Office AP", model="U7PG2"),
    ]
    analysis = run(events, inventory=known)
    offline = rule(analysis, "device-offline")
    assert [f.subjects[0].id for f in offline] == [OFFICE]
    assert offline[0].severity is Severity.SEVERE


def test_the_uplink_chain_is_followed_nearest_first_and_stops_at_a_loop() -> None:
    known = inventory()
    known.add_device({"mac": KITCHEN, "type": "uap", "uplink": {"uplink_mac": SWITCH}})
    known.add_device({"mac": SWITCH, "type": "usw", "uplink": {"uplink_mac": CORE}})
    known.add_device({"mac": CORE, "type": "usw", "uplink": {"uplink_mac": GATEWAY}})
    assert uplinks(known, KITCHEN) == [SWITCH, CORE, GATEWAY]
    assert uplinks(known, GATEWAY) == []
    stale = inventory()
    stale.add_device({"mac": SWITCH, "type": "usw", "uplink": {"uplink_mac": CORE}})
    stale.add_device({"mac": CORE, "type": "usw", "uplink": {"uplink_mac": SWITCH}})
    assert uplinks(stale, SWITCH) == [CORE]


def test_an_outage_with_a_switch_two_hops_up_points_at_that_switch() -> None:
    known = inventory()
    known.add_device({"mac": CORE, "name": "Core Switch", "type": "usw", "uplink": {}})
    known.add_device({"mac": SWITCH, "type": "usw", "uplink": {"uplink_mac": CORE}})
    known.add_device({"mac": KITCHEN, "type": "uap", "uplink": {"uplink_mac": SWITCH}})
    events = [
        device_event("EVT_SW_Lost_Contact", "sw", CORE, T0 + 60 * MINUTE),
        lost_contact(KITCHEN, T0 + 60 * MINUTE + 30_000),
        device_event("EVT_SW_Connected", "sw", CORE, T0 + 80 * MINUTE),
        ap_connected(KITCHEN, T0 + 81 * MINUTE),
    ]
    by_device = {f.subjects[0].id: f for f in rule(run(events, inventory=known), "device-offline")}
    assert by_device[KITCHEN].severity is Severity.MEDIUM
    assert "began together with Core Switch's:" in by_device[KITCHEN].explanation
    assert "Kitchen AP (U6-Lite) went offline with it." in by_device[CORE].explanation
