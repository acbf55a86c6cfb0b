"""The scenario library as pure data: determinism, the situations each one promises, drift."""

from __future__ import annotations

import collections
import functools
import ipaddress
from typing import Any

import pytest

from unifi_scanner.emulator import FAULTS, SCENARIOS
from unifi_scanner.emulator.device_records import device_record
from unifi_scanner.emulator.playback import Snapshot
from unifi_scanner.emulator.site_records import health_records
from unifi_scanner.emulator.site_view import SiteView
from unifi_scanner.emulator.timeline import Timeline

START_MS = 1_750_000_000_000
HOUR_MS = 3_600_000
MINUTE_MS = 60_000
LIBRARY = {
    "office-day",
    "home-evening",
    "roam-storm",
    "ap-outage",
    "ips-attack",
    "dfs-radar",
    "overheating",
    "poe-overload",
    "wan-failover",
    "firmware-rollout",
    "large-site",
    "demo",
}
CUTS = {"large-site": 60.0}  # prefix-stable: a cut is as good as the whole for these checks
DETERMINISM_CUTS = {"large-site": 10.0}


@functools.cache
def timeline(name: str, seed: int = 1) -> Timeline:
    return SCENARIOS[name].timeline(seed, CUTS.get(name))


@functools.cache
def events(name: str, seed: int = 1) -> list[dict[str, Any]]:
    return timeline(name, seed).render(START_MS)


def of(name: str, *keys: str) -> list[dict[str, Any]]:
    return [e for e in events(name) if e["key"] in keys]


def device_at(name: str, handle: str, offset_ms: int) -> dict[str, Any]:
    """The stat/device record of `handle` at `offset_ms` into the scenario."""
    line = timeline(name)
    device = line.inventory.device(handle)
    at = Snapshot(offset_ms=offset_ms, now_ms=START_MS + offset_ms, start_ms=START_MS)
    return device_record(SiteView.of(line.inventory, line.history, device.site, at), device)


def test_the_library_is_complete() -> None:
    assert set(SCENARIOS) >= LIBRARY
    for scenario in SCENARIOS.values():
        assert scenario.description and "\n" not in scenario.description


@pytest.mark.parametrize("name", sorted(LIBRARY | {"flaky-controller"}))
def test_same_seed_same_ids_and_payloads(name: str) -> None:
    cut = DETERMINISM_CUTS.get(name, CUTS.get(name))
    again = SCENARIOS[name].timeline(1, cut).render(START_MS)
    # A prefix-stable scenario cut shorter must reproduce the start of the longer cut exactly.
    assert again == events(name)[: len(again)]
    assert len(again) > (300 if name == "large-site" else 50)
    assert len({e["_id"] for e in again}) == len(again)


@pytest.mark.parametrize("name", ["office-day", "ips-attack"])
def test_another_seed_another_timeline(name: str) -> None:
    other = SCENARIOS[name].timeline(2).render(START_MS)
    assert {e["_id"] for e in other}.isdisjoint(e["_id"] for e in events(name))
    assert [e["msg"] for e in other] != [e["msg"] for e in events(name)]


def _max_in_window(times: list[int], window_ms: int) -> int:
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window_ms:
            start += 1
        best = max(best, end - start + 1)
    return best


def test_office_day_spans_two_sites() -> None:
    line = timeline("office-day")
    assert [(s.name, s.desc) for s in line.inventory.sites] == [
        ("default", "Headquarters"),
        ("k3v9x2pd", "Branch Office"),
    ]
    by_site = collections.Counter(e["site_id"] for e in events("office-day"))
    assert set(by_site) == {s.id for s in line.inventory.sites}
    arrivals = [e["time"] - START_MS for e in of("office-day", "EVT_WU_Connected")]
    morning = [t for t in arrivals if 7 * HOUR_MS <= t <= 10 * HOUR_MS]
    assert len(morning) >= 60  # people arrive
    assert {e["ap_name"] for e in of("office-day", "EVT_AP_Lost_Contact")} == {"Branch AP 2"}


def test_home_evening_is_a_quiet_evening() -> None:
    line = timeline("home-evening")
    assert line.duration_ms == 6 * HOUR_MS
    keys = collections.Counter(e["key"] for e in events("home-evening"))
    assert keys["EVT_WU_Connected"] >= 5
    assert keys["EVT_WG_Connected"] == 2  # the dinner guests
    assert not [k for k in keys if k.startswith(("EVT_AP_", "EVT_SW_", "EVT_IPS_"))]


def test_roam_storm_has_three_stormy_clients() -> None:
    roams: dict[str, list[int]] = collections.defaultdict(list)
    bands: dict[str, list[int]] = collections.defaultdict(list)
    for event in events("roam-storm"):
        if event["key"] == "EVT_WU_Roam":
            roams[event["user"]].append(event["time"])
        elif event["key"] == "EVT_WU_RoamRadio":
            bands[event["user"]].append(event["time"])
    stormy = {user for user, times in roams.items() if _max_in_window(times, HOUR_MS) >= 12}
    flipping = {user for user, times in bands.items() if _max_in_window(times, HOUR_MS) >= 12}
    assert len(stormy) == 2
    assert len(flipping) == 1


def test_ap_outage_long_flapping_and_cascading() -> None:
    lost = of("ap-outage", "EVT_AP_Lost_Contact", "EVT_SW_Lost_Contact", "EVT_GW_Lost_Contact")
    per_device = collections.Counter(
        e.get("ap_name") or e.get("sw_name") or e.get("gw_name") for e in lost
    )
    assert per_device["Kitchen AP"] >= 5  # flapping
    assert per_device["Warehouse AP"] == 1
    assert per_device["Branch Gateway"] == 1
    switch = next(e for e in lost if e["key"] == "EVT_SW_Lost_Contact")
    assert switch["sw_name"] == "Floor 2 Switch"
    behind = [e for e in lost if 0 < e["time"] - switch["time"] <= 10_000]
    assert {e["ap_name"] for e in behind} == {"Meeting Room B AP", "Lab AP"}
    back = of("ap-outage", "EVT_AP_Connected", "EVT_SW_Connected", "EVT_GW_Connected")
    assert len(back) == len(lost)


def test_ips_attack_campaigns() -> None:
    alerts = of("ips-attack", "EVT_IPS_IpsAlert")
    assert len(alerts) >= 60
    assert all(ipaddress.ip_address(a["src_ip"]).is_global for a in alerts)
    brute = [a for a in alerts if "BruteForce" in a["inner_alert_signature"]]
    assert len({a["src_ip"] for a in brute}) == 3
    assert len({a["src_ip"].rsplit(".", 1)[0] for a in brute}) == 1  # one network
    assert _max_in_window(sorted(a["time"] for a in brute), HOUR_MS) == 42
    assert {a["inner_alert_action"] for a in alerts} == {"blocked", "alert"}


def test_dfs_radar_moves_and_returns() -> None:
    radar = of("dfs-radar", "EVT_AP_RadarDetected")
    changes = of("dfs-radar", "EVT_AP_ChannelChanged")
    assert len(radar) == 5
    for hit in radar:
        follow = [
            c for c in changes if c["ap"] == hit["ap"] and 0 <= c["time"] - hit["time"] <= MINUTE_MS
        ]
        assert len(follow) == 1
        assert follow[0]["channel_from"] == hit["radar_channel"]
    west = [
        e
        for e in events("dfs-radar")
        if e.get("ap_name") == "Open Space West AP"
        and e["key"] in ("EVT_AP_RadarDetected", "EVT_AP_ChannelChanged")
    ]
    assert [(e["key"], e.get("radar_channel") or e["channel_to"]) for e in west] == [
        ("EVT_AP_RadarDetected", "100"),
        ("EVT_AP_ChannelChanged", "36"),
        ("EVT_AP_ChannelChanged", "100"),
        ("EVT_AP_RadarDetected", "100"),
        ("EVT_AP_ChannelChanged", "149"),
    ]


def test_overheating_builds_up_in_the_device_records() -> None:
    (alarm,) = of("overheating", "EVT_SW_Overheat")
    assert alarm["sw_name"] == "Core Switch"
    assert alarm["temperature"] >= 80
    before = device_at("overheating", "core-switch", 10 * HOUR_MS)
    hot = device_at("overheating", "core-switch", alarm["time"] - START_MS + MINUTE_MS)
    later = device_at("overheating", "core-switch", 23 * HOUR_MS)
    assert hot["general_temperature"] - before["general_temperature"] >= 25
    assert hot["general_temperature"] >= 78
    assert hot["fan_level"] > before["fan_level"]
    assert (before["overheating"], hot["overheating"], later["overheating"]) == (False, True, False)
    attic = [
        device_at("overheating", "warehouse-ap", h * HOUR_MS)["general_temperature"]
        for h in (11, 17)
    ]
    assert attic[1] - attic[0] >= 10


def _poe_drawn(record: dict[str, Any]) -> float:
    return sum(float(port["poe_power"]) for port in record["port_table"])


def test_poe_overload_creeps_to_the_budget_then_cuts_a_port() -> None:
    warnings = of("poe-overload", "EVT_SW_PoeOverload")
    (cut,) = of("poe-overload", "EVT_SW_PoeDisconnect")
    assert [w["port"] for w in warnings] == [6, 6]
    assert cut["port"] == 2
    calm = device_at("poe-overload", "floor-switch", 9 * HOUR_MS)
    strained = device_at("poe-overload", "floor-switch", warnings[-1]["time"] - START_MS)
    after_cut = device_at("poe-overload", "floor-switch", cut["time"] - START_MS + MINUTE_MS)
    budget = calm["total_max_power"]
    assert budget == 45
    assert _poe_drawn(calm) < budget < _poe_drawn(strained)
    port_2 = after_cut["port_table"][1]
    assert (port_2["poe_enable"], port_2["poe_good"], port_2["poe_power"]) == (True, False, "0.00")
    lab = device_at("poe-overload", "lab-ap", cut["time"] - START_MS + 2 * MINUTE_MS)
    assert lab["state"] == 0
    assert device_at("poe-overload", "lab-ap", 13 * HOUR_MS)["state"] == 1


def test_wan_failover_moves_traffic_to_the_backup() -> None:
    transitions = of("wan-failover", "EVT_GW_WANTransition")
    assert [(t["iface"], t["state"]) for t in transitions[:4]] == [
        ("eth8", "inactive"),
        ("eth9", "active"),
        ("eth8", "active"),
        ("eth9", "inactive"),
    ]
    assert len(transitions) == 8
    assert {"gw", "dm", "dm_name", "dm_model"} <= set(transitions[0])
    line = timeline("wan-failover")
    gateway = line.inventory.device("gateway")
    during = transitions[1]["time"] - START_MS + MINUTE_MS
    at = Snapshot(offset_ms=during, now_ms=START_MS + during, start_ms=START_MS)
    wan = health_records(SiteView.of(line.inventory, line.history, "default", at))[1]
    assert (wan["subsystem"], wan["status"], wan["wan_ip"]) == ("wan", "warning", gateway.wan2_ip)
    scans = of("wan-failover", "EVT_IPS_IpsAlert")
    assert {scan["in_iface"] for scan in scans} == {"eth9"}


def test_firmware_rollout_updates_versions_and_one_fails() -> None:
    upgraded = of("firmware-rollout", "EVT_AP_Upgraded")
    (failed,) = of("firmware-rollout", "EVT_AP_UpgradeFailed")
    assert len(upgraded) == 7
    versions = {(u["version_from"], u["version_to"]) for u in upgraded}
    assert versions == {("6.6.77.15402", "6.7.31.15618")}
    assert failed["ap_name"] == "Warehouse AP"
    lab_done = next(u for u in upgraded if u["ap_name"] == "Lab AP")
    during = device_at("firmware-rollout", "lab-ap", lab_done["time"] - START_MS - 30_000)
    after = device_at("firmware-rollout", "lab-ap", 12 * HOUR_MS)
    stuck = device_at("firmware-rollout", "warehouse-ap", 12 * HOUR_MS)
    assert (during["state"], during["version"]) == (4, "6.6.77.15402")
    assert (after["state"], after["version"], after["upgradable"]) == (1, "6.7.31.15618", False)
    assert (stuck["version"], stuck["upgradable"]) == ("6.6.77.15402", True)
    assert stuck["upgrade_to_firmware"] == "6.7.31.15618"
    switches = of("firmware-rollout", "EVT_SW_Upgraded")
    assert {s["sw_name"] for s in switches} == {"Core Switch", "Floor 2 Switch"}


def test_large_site_is_large_and_busy() -> None:
    line = timeline("large-site")
    inventory = line.inventory
    assert sum(1 for d in inventory.devices if d.type == "uap") >= 200
    assert len(inventory.clients) >= 5000
    per_second = collections.Counter(e.offset_ms // 1000 for e in line.events)
    windows = [sum(per_second[s] for s in range(start, start + 20)) / 20 for start in range(0, 40)]
    assert min(windows) >= 50  # sustained, not on average


def test_flaky_controller_throws_every_kind_of_fault() -> None:
    scheduled = SCENARIOS["flaky-controller"].faults
    names = {fault.fault.name for fault in scheduled}
    assert names == set(FAULTS) - {"clear"}
    codes = {f.fault.get("code") for f in scheduled if f.fault.name == "close-websockets"}
    assert codes == {1000, 1001, 1008, 1011}
    assert [f.at_s for f in scheduled] == sorted(f.at_s for f in scheduled)
    offsets = [e.offset_ms for e in timeline("flaky-controller").events]
    assert offsets == list(range(20_000, 6 * HOUR_MS, 20_000))
