"""v2 system-log entries feed the same rules as their EVT_* equivalents, counted once."""

from __future__ import annotations

from typing import Any

import pytest

from tests.analyze.conftest import DEVICES, inventory, one, rule, run
from tests.factories import (
    GARAGE,
    GATEWAY,
    IPAD,
    KITCHEN,
    MINUTE,
    OFFICE,
    PHONE,
    SWITCH,
    T0,
    v2_event,
)
from unifi_scanner.analyze import Analysis, Inventory, Severity, analyze
from unifi_scanner.analyze.v2 import BUILDERS, normalise
from unifi_scanner.controller.models import Event

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


# -- radio, PoE, WAN, firmware, overheating and admin entries -------------------------------
# Parameters shaped as the emulator's system log renders them (emulator/system_log.py):
# devices {id, name, model, ip}; single values {id, name} as strings.

OFFICE_AP = {"id": OFFICE, "name": "Office AP", "model": "U7PG2", "ip": "192.168.1.3"}
KITCHEN_AP = {"id": KITCHEN, "name": "Kitchen AP", "model": "UAL6", "ip": "192.168.1.2"}
LOFT_SWITCH = {"id": SWITCH, "name": "Loft Switch", "model": "US8P60", "ip": "192.168.1.4"}
UDM = {"id": GATEWAY, "name": "Dream Machine", "model": "UDMPRO", "ip": "192.168.1.1"}
PIXEL = {"id": PHONE, "name": "Bob's Pixel", "hostname": "Pixel-8", "ip": "192.168.1.52"}
STRANGER = "aa:bb:cc:00:11:22"  # a device neither the inventory nor the entry gives a kind


def value(text: str) -> dict[str, str]:
    """A single-valued parameter (``CHANNEL``, ``PORT``, ``VERSION`` …) as the entries carry it."""
    return {"id": text, "name": text}


OFFICE_FIELDS = {"ap": OFFICE, "ap_name": "Office AP", "ap_model": "U7PG2"}
SWITCH_FIELDS = {"sw": SWITCH, "sw_name": "Loft Switch", "sw_model": "US8P60"}
UDM_FIELDS = {"gw": GATEWAY, "gw_name": "Dream Machine", "gw_model": "UDMPRO"}

NORMALISED: list[Any] = [
    pytest.param(
        "CLIENT_ROAMED_RADIO",
        {"CLIENT": PIXEL, "DEVICE": OFFICE_AP, "WLAN": WLAN, "CHANNEL": value("100")},
        "EVT_WU_RoamRadio",
        {"user": PHONE, "hostname": "Bob's Pixel", "ssid": "Home", **OFFICE_FIELDS},
        id="band-change",
    ),
    pytest.param(
        "CLIENT_ROAMED_RADIO",
        {"CLIENT": {"id": PHONE}},
        "EVT_WU_RoamRadio",
        {"user": PHONE},
        id="band-change-without-access-point",
    ),
    pytest.param(
        "DFS_RADAR_DETECTED",
        {"DEVICE": OFFICE_AP, "CHANNEL": value("100")},
        "EVT_AP_RadarDetected",
        {**OFFICE_FIELDS, "radar_channel": "100"},
        id="radar",
    ),
    pytest.param(
        "DFS_RADAR_DETECTED_2",
        {"DEVICE": {"id": OFFICE}, "CHANNEL": {"id": 52}},
        "EVT_AP_RadarDetected",
        {"ap": OFFICE, "radar_channel": "52"},
        id="radar-numeric-channel",
    ),
    pytest.param(
        "DFS_RADAR_DETECTED",
        {"DEVICE": OFFICE_AP},
        "EVT_AP_RadarDetected",
        OFFICE_FIELDS,
        id="radar-without-channel",
    ),
    pytest.param(
        "DEVICE_CHANNEL_CHANGED",
        {"DEVICE": OFFICE_AP, "CHANNEL": value("44")},
        "EVT_AP_ChannelChanged",
        {**OFFICE_FIELDS, "channel_to": "44"},
        id="channel-change",
    ),
    pytest.param(
        "DEVICE_CHANNEL_CHANGED",
        {"DEVICE": OFFICE_AP},
        "EVT_AP_ChannelChanged",
        OFFICE_FIELDS,
        id="channel-change-without-channel",
    ),
    pytest.param(
        "POE_OVERLOAD",
        {"DEVICE": LOFT_SWITCH, "PORT": value("5")},
        "EVT_SW_PoeOverload",
        {**SWITCH_FIELDS, "port": "5"},
        id="poe-overload",
    ),
    pytest.param(
        "POE_OVERLOAD_2",
        {"DEVICE": LOFT_SWITCH, "PORT": 5},
        "EVT_SW_PoeOverload",
        {**SWITCH_FIELDS, "port": "5"},
        id="poe-overload-bare-port-number",
    ),
    pytest.param(
        "POE_OVERLOAD",
        {"DEVICE": LOFT_SWITCH},
        "EVT_SW_PoeOverload",
        SWITCH_FIELDS,
        id="poe-overload-without-port",
    ),
    pytest.param(
        "POE_DISCONNECTED",
        {"DEVICE": LOFT_SWITCH, "PORT": value("2")},
        "EVT_SW_PoeDisconnect",
        {**SWITCH_FIELDS, "port": "2"},
        id="poe-disconnect",
    ),
    pytest.param(
        "POE_DISCONNECTED",
        {"DEVICE": {"id": SWITCH}},
        "EVT_SW_PoeDisconnect",
        {"sw": SWITCH},
        id="poe-disconnect-without-port",
    ),
    pytest.param(
        "DEVICE_OVERHEATING",
        {"DEVICE": LOFT_SWITCH},
        "EVT_SW_Overheat",
        SWITCH_FIELDS,
        id="overheating-switch",
    ),
    pytest.param(
        "DEVICE_OVERHEATING",
        {"DEVICE": {"id": STRANGER, "type": "ugw"}},
        "EVT_GW_Overheat",
        {"gw": STRANGER},
        id="overheating-kind-from-the-entry",
    ),
    pytest.param(
        "WAN_TRANSITION",
        {"DEVICE": UDM, "WAN": value("eth8"), "STATE": value("inactive")},
        "EVT_GW_WANTransition",
        {**UDM_FIELDS, "iface": "eth8", "state": "inactive"},
        id="wan-transition",
    ),
    pytest.param(
        "WAN_TRANSITION",
        {"DEVICE": UDM, "STATE": value("ACTIVE")},
        "EVT_GW_WANTransition",
        {**UDM_FIELDS, "iface": "WAN", "state": "active"},
        id="wan-transition-without-interface",
    ),
    pytest.param(
        "DEVICE_UPGRADED",
        {"DEVICE": OFFICE_AP, "VERSION": value("6.7.31.15618")},
        "EVT_AP_Upgraded",
        {**OFFICE_FIELDS, "version_to": "6.7.31.15618"},
        id="upgraded",
    ),
    pytest.param(
        "DEVICE_UPGRADED",
        {"DEVICE": OFFICE_AP},
        "EVT_AP_Upgraded",
        OFFICE_FIELDS,
        id="upgraded-without-version",
    ),
    pytest.param(
        "DEVICE_UPGRADE_SCHEDULED",
        {"DEVICE": LOFT_SWITCH, "VERSION": value("7.1.32.16012")},
        "EVT_SW_UpgradeScheduled",
        {**SWITCH_FIELDS, "version_to": "7.1.32.16012"},
        id="upgrade-scheduled",
    ),
    pytest.param(
        "DEVICE_UPGRADE_SCHEDULED",
        {"DEVICE": LOFT_SWITCH},
        "EVT_SW_UpgradeScheduled",
        SWITCH_FIELDS,
        id="upgrade-scheduled-without-version",
    ),
    pytest.param(
        "DEVICE_UPGRADE_FAILED",
        {"DEVICE": UDM, "VERSION": value("4.1.13")},
        "EVT_GW_UpgradeFailed",
        {**UDM_FIELDS, "version_to": "4.1.13"},
        id="upgrade-failed",
    ),
    pytest.param(
        "DEVICE_UPGRADE_FAILED",
        {"DEVICE": {"id": GATEWAY}},
        "EVT_GW_UpgradeFailed",
        {"gw": GATEWAY},
        id="upgrade-failed-without-version",
    ),
    pytest.param(
        "ADMIN_LOGIN",
        {"ADMIN": value("alice"), "IP": value("81.2.69.160")},
        "EVT_AD_Login",
        {"admin": "alice", "ip": "81.2.69.160"},
        id="admin-login",
    ),
    pytest.param(
        "ADMIN_LOGIN",
        {"ADMIN": {"id": "61f0c0ffee0000000000abcd", "name": "alice"}},
        "EVT_AD_Login",
        {"admin": "alice"},
        id="admin-login-without-address",
    ),
]


@pytest.mark.parametrize(("key", "parameters", "expected_key", "expected"), NORMALISED)
def test_v2_entry_is_read_as_its_classic_event(
    key: str, parameters: dict[str, Any], expected_key: str, expected: dict[str, Any]
) -> None:
    entry = v2_event(key, T0, **parameters)
    normalised = normalise(entry, inventory())
    assert normalised is not None
    assert normalised.key == expected_key
    fields = {k: v for k, v in normalised.payload.items() if k not in ("v2", "v2_key")}
    assert fields == expected
    assert normalised.payload["v2_key"] == key
    assert (normalised.identity, normalised.time_ms) == (entry.identity, T0)


@pytest.mark.parametrize(
    ("key", "parameters"),
    [
        pytest.param("CLIENT_ROAMED_RADIO", {"DEVICE": OFFICE_AP}, id="band-change-no-client"),
        pytest.param("DFS_RADAR_DETECTED", {"CHANNEL": value("100")}, id="radar-no-device"),
        pytest.param("DEVICE_CHANNEL_CHANGED", {"CHANNEL": value("44")}, id="channel-no-device"),
        pytest.param("POE_OVERLOAD", {"PORT": value("5")}, id="poe-no-switch"),
        pytest.param("POE_DISCONNECTED", {"PORT": value("5")}, id="poe-cut-no-switch"),
        pytest.param("DEVICE_OVERHEATING", {}, id="overheating-no-device"),
        pytest.param(
            "DEVICE_OVERHEATING", {"DEVICE": {"id": STRANGER}}, id="overheating-unknown-kind"
        ),
        pytest.param(
            "DEVICE_UPGRADED",
            {"DEVICE": {"id": STRANGER}, "VERSION": value("1.0")},
            id="upgraded-unknown-kind",
        ),
        pytest.param("WAN_TRANSITION", {"DEVICE": UDM, "WAN": value("eth8")}, id="wan-no-state"),
        pytest.param(
            "WAN_TRANSITION",
            {"DEVICE": UDM, "WAN": value("eth8"), "STATE": value("degraded")},
            id="wan-unknown-state",
        ),
        pytest.param("ADMIN_LOGIN", {}, id="admin-login-nobody-nowhere"),
    ],
)
def test_v2_entry_lacking_what_its_rule_needs_is_other_activity(
    key: str, parameters: dict[str, Any]
) -> None:
    assert key in BUILDERS
    entry = v2_event(key, T0, **parameters)
    assert normalise(entry, inventory()) is None
    analysis = run([entry])
    assert one(analysis, "other-activity").subjects[0].id == key
    assert analysis.events == 1


def test_every_new_v2_key_is_known_with_its_numbered_variant() -> None:
    for key in (
        "CLIENT_ROAMED_RADIO",
        "DFS_RADAR_DETECTED",
        "DEVICE_CHANNEL_CHANGED",
        "POE_OVERLOAD",
        "POE_DISCONNECTED",
        "DEVICE_OVERHEATING",
        "WAN_TRANSITION",
        "DEVICE_UPGRADED",
        "DEVICE_UPGRADE_SCHEDULED",
        "DEVICE_UPGRADE_FAILED",
        "ADMIN_LOGIN",
    ):
        assert key in BUILDERS and f"{key}_2" in BUILDERS
    assert "DFS_RADAR_DETECTED" not in run([]).uncovered_keys()
    analysis = run([v2_event("DFS_RADAR_DETECTED", T0, DEVICE=OFFICE_AP)])
    assert analysis.uncovered_keys() == []


# -- end to end: what a network engineer reads ----------------------------------------------


def test_v2_dfs_radar_and_the_channel_change_are_explained_together() -> None:
    hit = T0 + 9 * 60 * MINUTE + 40 * MINUTE
    events = [
        v2_event("DFS_RADAR_DETECTED", hit, "MEDIUM", DEVICE=OFFICE_AP, CHANNEL=value("100")),
        v2_event("DEVICE_CHANNEL_CHANGED", hit + 25_000, DEVICE=OFFICE_AP, CHANNEL=value("44")),
    ]
    analysis = run(events)
    finding = one(analysis, "dfs-radar")
    assert finding.explanation.startswith(
        "Office AP (UAP-AC-Pro) heard radar (weather, airport or military) on channel 100 and, "
        "as the law requires, moved to channel 44 (within 25 s)."
    )
    changes = one(analysis, "channel-changes")
    assert changes.count == 1 and "It moved to channel 44." in changes.explanation
    assert rule(analysis, "other-activity") == []
    assert dict(analysis.by_key) == {"DFS_RADAR_DETECTED": 1, "DEVICE_CHANNEL_CHANGED": 1}


def test_v2_poe_overload_names_the_switch_and_the_port() -> None:
    events = [
        v2_event("POE_OVERLOAD", T0 + i * 8 * MINUTE, "HIGH", DEVICE=LOFT_SWITCH, PORT=value("6"))
        for i in range(2)
    ]
    finding = one(run(events), "poe-overload")
    assert finding.title == "Loft Switch (US-8-60W) ran out of PoE power on port 6"
    assert finding.severity is Severity.MEDIUM
    assert finding.count == 2


def test_v2_poe_cut_explains_the_outage_of_the_access_point_on_that_port() -> None:
    # Garage AP hangs off port 2 of the Loft Switch; the switch cuts that port's power.
    devices = [
        {**d, "uplink": {"uplink_mac": SWITCH, "uplink_remote_port": 2}}
        if d["mac"] == GARAGE
        else d
        for d in DEVICES
    ]
    garage = {"id": GARAGE, "name": "Garage AP", "model": "UALR6v2"}
    events = [
        v2_event("POE_DISCONNECTED", T0, "HIGH", DEVICE=LOFT_SWITCH, PORT=value("2")),
        v2_event("DEVICE_OFFLINE", T0 + 20_000, "HIGH", DEVICE=garage),
        v2_event("DEVICE_ONLINE", T0 + 15 * MINUTE, DEVICE=garage),
    ]
    analysis = run(events, inventory=Inventory(devices, []))
    cut = one(analysis, "poe-disconnect")
    assert cut.title == "Loft Switch (US-8-60W) cut PoE power once on port 2"
    outage = one(analysis, "device-offline")
    assert "went offline when Loft Switch (US-8-60W) cut its PoE power" in outage.explanation


def test_v2_wan_transitions_make_a_failover() -> None:
    def transition(at_ms: int, iface: str, state: str) -> Event:
        return v2_event(
            "WAN_TRANSITION", at_ms, "MEDIUM", DEVICE=UDM, WAN=value(iface), STATE=value(state)
        )

    start = T0 + 9 * 60 * MINUTE
    events = [
        transition(start, "eth8", "inactive"),
        transition(start + 8_000, "eth9", "active"),
        transition(start + 43 * MINUTE, "eth8", "active"),
        transition(start + 43 * MINUTE + 5_000, "eth9", "inactive"),
    ]
    finding = one(run(events), "wan-failover")
    assert finding.severity is Severity.MEDIUM
    assert (
        finding.title == "The internet connection failed over to the backup once (43 min on backup)"
    )
    assert finding.explanation.startswith(
        "Dream Machine (UDM Pro) switched the internet connection from the primary link (eth8) "
        "to the backup link (eth9) once"
    )
    assert finding.subjects[0].id == GATEWAY


def test_v2_firmware_upgrade_is_not_an_outage_and_a_failed_one_stands_out() -> None:
    night = T0 + 2 * 60 * MINUTE
    version = value("6.7.31.15618")
    garage = {"id": GARAGE, "name": "Garage AP", "model": "UALR6v2"}
    events = [
        v2_event(
            "DEVICE_UPGRADE_SCHEDULED", night - 5 * MINUTE, DEVICE=KITCHEN_AP, VERSION=version
        ),
        v2_event("DEVICE_OFFLINE", night + 30_000, "HIGH", DEVICE=KITCHEN_AP),
        v2_event("DEVICE_ONLINE", night + 3 * MINUTE, DEVICE=KITCHEN_AP),
        v2_event("DEVICE_UPGRADED", night + 3 * MINUTE + 5_000, DEVICE=KITCHEN_AP, VERSION=version),
        v2_event("DEVICE_UPGRADE_SCHEDULED", night - 5 * MINUTE, DEVICE=garage, VERSION=version),
        v2_event("DEVICE_OFFLINE", night + 40_000, "HIGH", DEVICE=garage),
        v2_event("DEVICE_ONLINE", night + 4 * MINUTE, DEVICE=garage),
        v2_event("DEVICE_UPGRADE_FAILED", night + 4 * MINUTE + 5_000, "MEDIUM", DEVICE=garage),
    ]
    analysis = run(events)
    upgraded = {f.subjects[0].id: f for f in rule(analysis, "firmware-upgraded")}
    assert upgraded[KITCHEN].title == "Kitchen AP (U6-Lite) was upgraded to firmware 6.7.31.15618"
    failed = one(analysis, "firmware-upgrade-failed")
    assert failed.title == "The firmware upgrade of Garage AP (U6-LR) failed once"
    assert failed.severity is Severity.MEDIUM
    assert "still running its old firmware" in failed.explanation
    assert KITCHEN not in {f.subjects[0].id for f in rule(analysis, "device-offline")}
    assert rule(analysis, "other-activity") == []


def test_v2_overheating_is_reported_for_the_switch() -> None:
    finding = one(run([v2_event("DEVICE_OVERHEATING", T0, "HIGH", DEVICE=LOFT_SWITCH)]),
                  "device-overheated")  # fmt: skip
    assert finding.title == "Loft Switch (US-8-60W) reported overheating once"
    assert finding.severity is Severity.SEVERE
    assert finding.explanation.startswith("The switch Loft Switch (US-8-60W) reported")


def test_v2_admin_login_from_the_internet_stands_out() -> None:
    events = [
        v2_event("ADMIN_LOGIN", T0, ADMIN=value("alice"), IP=value("192.168.1.20")),
        v2_event("ADMIN_LOGIN", T0 + 60 * MINUTE, ADMIN=value("alice"), IP=value("81.2.69.160")),
    ]
    finding = one(run(events), "admin-login")
    assert finding.title == "alice logged in to the controller from a new place: 81.2.69.160"
    assert finding.severity is Severity.MEDIUM
    assert finding.count == 2


def test_v2_band_changes_feed_the_roaming_summary_and_band_flapping() -> None:
    events = [
        v2_event("CLIENT_ROAMED_RADIO", T0 + i * 5 * MINUTE, CLIENT=PIXEL, DEVICE=OFFICE_AP)
        for i in range(8)
    ]
    analysis = run(events)
    summary = one(analysis, "client-roaming")
    assert summary.count == 8 and "Office AP (UAP-AC-Pro)" in summary.explanation
    flapping = one(analysis, "band-flapping")
    assert flapping.subjects[0].id == PHONE and flapping.count == 8
    assert rule(analysis, "other-activity") == []


# -- the emulator's scenarios through the system log, against the classic events -----------


def _emulated_both_ways(name: str) -> tuple[Analysis, Analysis]:
    """Scenario ``name``'s main site analysed from its classic ``EVT_*`` documents and from
    the system-log entries the emulator renders for the same documents (10.x without the
    WebSocket)."""
    from unifi_scanner.controller.frames import parse_event
    from unifi_scanner.controller.systemlog import parse_entry
    from unifi_scanner.emulator import system_log
    from unifi_scanner.emulator.scenarios import SCENARIOS

    if name not in SCENARIOS:
        pytest.skip(f"the emulator has no {name!r} scenario")
    timeline = SCENARIOS[name].timeline(1)
    known = timeline.inventory
    site = known.sites[0]
    directory = system_log.Directory(known)
    classic: list[Event] = []
    v2: list[Event] = []
    for doc in timeline.render(T0):
        if doc["site_id"] != site.id:
            continue
        classic.append(parse_event(doc, site=site.name, received_ms=doc["time"], source="ws"))
        entry = system_log.entry(doc, directory, own_id=True)
        if entry is not None:
            v2.append(parse_entry(entry, site=site.name, received_ms=doc["time"]))
    devices = [{"mac": d.mac, "name": d.name, "model": d.model, "type": d.type}
               for d in known.devices]  # fmt: skip
    clients = [{"mac": c.mac, "name": c.name, "hostname": c.hostname} for c in known.clients]

    def analysed(events: list[Event]) -> Analysis:
        return analyze(
            sorted(events, key=lambda e: e.time_ms),
            site=site.name,
            period_start_ms=T0,
            period_end_ms=T0 + timeline.duration_ms,
            inventory=Inventory(devices, clients),
        )

    return analysed(classic), analysed(v2)


def _read(analysis: Analysis) -> set[tuple[str, str, str]]:
    # IPS findings included: a threat's system-log severity must read as its Suricata priority.
    return {(f.rule, f.title, f.severity.value) for f in analysis.findings}


@pytest.mark.parametrize(
    "name", ["dfs-radar", "poe-overload", "wan-failover", "overheating", "firmware-rollout"]
)
def test_v2_system_log_reads_like_the_classic_events(name: str) -> None:
    classic, v2 = _emulated_both_ways(name)
    assert _read(v2) == _read(classic)
    assert rule(v2, "other-activity") == []


def test_v2_firmware_rollout_is_not_a_string_of_outages() -> None:
    classic, v2 = _emulated_both_ways("firmware-rollout")
    (rollout,) = rule(v2, "firmware-upgraded")
    upgraded = {s.id for s in rollout.subjects[1:]}
    assert len(upgraded) == 9  # seven access points and two switches (one AP failed)
    assert upgraded == {s.id for s in one(classic, "firmware-upgraded").subjects[1:]}
    assert one(v2, "firmware-upgrade-failed").severity is Severity.MEDIUM
    offline = {f.subjects[0].id for f in rule(v2, "device-offline")}
    assert offline == {f.subjects[0].id for f in rule(classic, "device-offline")}
    assert not offline & upgraded


# -- the same threat, from the classic alert and from the system log -------------------------


def _threat_both_ways(**overrides: Any) -> tuple[Analysis, Analysis]:
    """One threat (two hits of an SSH scan from China, Suricata priority 2, blocked) analysed
    from its ``EVT_IPS_IpsAlert`` documents and from the system-log entries the emulator
    renders for the very same documents."""
    from unifi_scanner.controller.frames import parse_event
    from unifi_scanner.controller.systemlog import parse_entry
    from unifi_scanner.emulator import system_log

    classic: list[Event] = []
    v2: list[Event] = []
    for i in range(2):
        doc: dict[str, Any] = {
            "_id": f"{i:024x}",
            "key": "EVT_IPS_IpsAlert",
            "subsystem": "www",
            "site_id": "site",
            "time": T0 + i * MINUTE,
            "datetime": "2024-05-01T00:00:00Z",
            "msg": "IPS Alert 2: Attempted Information Leak. Signature ET SCAN Potential SSH Scan",
            "inner_alert_signature": "ET SCAN Potential SSH Scan",
            "inner_alert_signature_id": 2001219,
            "inner_alert_severity": 2,
            "inner_alert_category": "Attempted Information Leak",
            "inner_alert_action": "blocked",
            "catname": "emerging-scan",
            "src_ip": "218.92.0.145",
            "dest_ip": "86.131.4.242",
            "srcipCountry": "CN",
            "srcipGeo": [],
            **overrides,
        }
        classic.append(parse_event(doc, site="default", received_ms=doc["time"], source="ws"))
        entry = system_log.entry(doc, lambda mac: {"id": mac, "name": mac}, own_id=True)
        assert entry is not None
        v2.append(parse_entry(entry, site="default", received_ms=doc["time"]))
    return run(classic), run(v2)


@pytest.mark.parametrize(
    ("priority", "action"), [(1, "blocked"), (2, "blocked"), (3, "blocked"), (2, "alert")]
)
def test_v2_threat_has_the_severity_and_wording_of_the_classic_alert(
    priority: int, action: str
) -> None:
    classic, v2 = _threat_both_ways(inner_alert_severity=priority, inner_alert_action=action)
    ips_classic = [f for f in classic.findings if f.rule.startswith("ips-")]
    ips_v2 = [f for f in v2.findings if f.rule.startswith("ips-")]
    assert [(f.rule, f.title, f.severity) for f in ips_v2] == [
        (f.rule, f.title, f.severity) for f in ips_classic
    ]
    v2_alert, classic_alert = one(v2, "ips-alert"), one(classic, "ips-alert")
    # The entry names the source's country, not a system-log word like "THREAT".
    assert "from 218.92.0.145 (CN) to 86.131.4.242" in v2_alert.explanation
    assert "category: THREAT" not in v2_alert.explanation
    assert (
        v2_alert.explanation.split("twice, ", 1)[1]
        == classic_alert.explanation.split("twice, ", 1)[1]
    )
    assert v2_alert.remediation == classic_alert.remediation


def test_v2_threats_of_the_ips_attack_day_read_like_the_classic_alerts() -> None:
    classic, v2 = _emulated_both_ways("ips-attack")

    def ips(analysis: Analysis) -> set[tuple[str, str, str, int]]:
        return {
            (f.rule, f.subjects[0].id, f.severity.value, f.count)
            for f in analysis.findings
            if f.rule.startswith("ips-")
        }

    assert ips(v2) == ips(classic)
    assert rule(v2, "other-activity") == []
