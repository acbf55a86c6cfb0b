"""Scenarios end to end: what a network engineer expects to read for each situation.

The first part plays the emulator's own scenarios offline (timeline → event documents → parser
→ analysis); scenarios named in issue #6 are checked when the emulator has them. The second
part builds the same situations from realistic payloads, snapshots included, so every one of
them is checked whatever the emulator offers.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from tests.analyze.conftest import one, rule, run
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
    ap_connected,
    channel_changed,
    connected,
    device_record,
    disconnected,
    ips,
    lost_contact,
    poe_port,
    radar,
    roam,
)
from unifi_scanner.analyze import Analysis, Inventory, Severity, analyze
from unifi_scanner.controller.frames import parse_event
from unifi_scanner.controller.models import Event
from unifi_scanner.report import ControllerInfo, build_report, render_json

INFO = ControllerInfo(url="https://10.0.0.1", flavour="unifi-os", version="10.3.58", site="default")

MAC_LIKE = ":"


def emulated(name: str, *, snapshots: bool = False) -> dict[str, tuple[list[Event], Analysis]]:
    """Play scenario ``name`` offline: per site, its events and their analysis.

    Names come from the scenario's inventory as the store would hold them; with
    ``snapshots``, a ``stat/device`` snapshot of every device every 10 minutes feeds the
    health checks.
    """
    from unifi_scanner.emulator.scenarios import SCENARIOS

    if name not in SCENARIOS:
        pytest.skip(f"the emulator has no {name!r} scenario yet")
    timeline = SCENARIOS[name].timeline(1)
    known = timeline.inventory
    site_of = {site.id: site.name for site in known.sites}
    by_site: dict[str, list[Event]] = {}
    for doc in timeline.render(T0):
        site = site_of[doc["site_id"]]
        event = parse_event(doc, site=site, received_ms=doc["time"], source="scenario")
        by_site.setdefault(site, []).append(event)
    inventory_devices = [
        {"mac": d.mac, "name": d.name, "model": d.model, "type": d.type} for d in known.devices
    ]
    inventory_clients = [
        {"mac": c.mac, "name": c.name, "hostname": c.hostname} for c in known.clients
    ]
    end = T0 + timeline.duration_ms
    result = {}
    for site, events in by_site.items():
        events.sort(key=lambda e: e.time_ms)
        records = _device_snapshots(timeline, site) if snapshots else []
        analysis = analyze(
            events,
            site=site,
            period_start_ms=T0,
            period_end_ms=max(end, events[-1].time_ms + 1),
            inventory=Inventory(inventory_devices, inventory_clients),
            device_snapshots=records,
        )
        result[site] = (events, analysis)
    return result


def _device_snapshots(timeline: Any, site: str) -> list[tuple[int, dict[str, Any]]]:
    try:
        from unifi_scanner.emulator.device_records import device_records
        from unifi_scanner.emulator.playback import Snapshot
    except ImportError as exc:  # the emulator is free to move its internals
        pytest.skip(f"emulator device records not reachable: {exc}")
    return [
        (T0 + offset, record)
        for offset in range(0, timeline.duration_ms, 10 * MINUTE)
        for record in device_records(
            timeline.inventory, timeline.history, site, Snapshot(offset, T0 + offset, T0)
        )
    ]


def main_site(name: str, *, snapshots: bool = False) -> tuple[list[Event], Analysis]:
    """The scenario's first site (where its story happens)."""
    played = emulated(name, snapshots=snapshots)
    return played["default"] if "default" in played else next(iter(played.values()))


def busiest_roamer(events: list[Event]) -> str:
    """The client with the most roams within one hour, computed from the events themselves."""
    best, best_count = "", 0
    by_client: dict[str, list[int]] = {}
    for e in events:
        if e.key in ("EVT_WU_Roam", "EVT_WG_Roam"):
            by_client.setdefault(str(e.text("user") or e.text("guest")), []).append(e.time_ms)
    for client, moments in by_client.items():
        start = 0
        for end in range(len(moments)):
            while moments[end] - moments[start] >= 3_600_000:
                start += 1
            if end - start + 1 > best_count:
                best, best_count = client, end - start + 1
    return best


def test_emulated_demo_day_reads_as_an_engineer_would_summarise_it() -> None:
    events, analysis = main_site("demo")
    storm = one(analysis, "excessive-roaming")
    assert storm.subjects[0].id == busiest_roamer(events)
    assert storm.title == "Bob's Pixel roamed 16 times within one hour"
    assert "Kitchen AP ↔ Living Room AP" in storm.explanation
    outage = one(analysis, "device-offline")
    assert outage.title == "Garage AP (U6-LR) went offline once"
    assert "offline for 20 min in total" in outage.explanation
    radar_hit = one(analysis, "dfs-radar")
    assert "channel 100" in radar_hit.explanation and "moved to channel 44" in radar_hit.explanation
    ips_findings = {f.title: f for f in rule(analysis, "ips-alert")}
    ssh = ips_findings["Intrusion blocked: ET SCAN Potential SSH Scan"]
    assert ssh.count == 3 and ssh.severity is Severity.LOW
    mssql = ips_findings["Intrusion detected: ET SCAN Suspicious inbound to MSSQL port 1433"]
    assert mssql.severity is Severity.MEDIUM
    assert rule(analysis, "other-activity") == []
    for finding in analysis.findings:
        assert MAC_LIKE not in finding.subjects[0].name or finding.subjects[0].kind != "device"


def test_emulated_roam_storm() -> None:
    events, analysis = main_site("roam-storm")
    # Excessive roaming, not merely ping-pong: 30 roams in 45 minutes is a storm.
    roamers = {f.subjects[0].id for f in rule(analysis, "excessive-roaming")}
    assert busiest_roamer(events) in roamers
    assert len(roamers) >= 2  # the meeting-room ping-pong and the open-space bouncer
    assert rule(analysis, "band-flapping")  # the band flipper


def test_emulated_ap_outage() -> None:
    events, analysis = main_site("ap-outage", snapshots=True)
    lost = {str(e.text("ap")) for e in events if e.key == "EVT_AP_Lost_Contact"}
    reported = rule(analysis, "device-offline") + rule(analysis, "device-flapping")
    assert lost <= {f.subjects[0].id for f in reported}
    assert any("25 min" in f.explanation for f in rule(analysis, "device-offline"))
    assert rule(analysis, "device-flapping")
    switch = next(f for f in reported if "went offline with it" in f.explanation)
    followers = [f for f in reported if "which it is plugged into" in f.explanation]
    assert len(followers) == 2 and all(f.severity is Severity.MEDIUM for f in followers)
    assert switch.severity is Severity.SEVERE


def test_emulated_dfs_radar() -> None:
    events, analysis = main_site("dfs-radar")
    radar_aps = {str(e.text("ap")) for e in events if e.key == "EVT_AP_RadarDetected"}
    found = {f.subjects[0].id: f for f in rule(analysis, "dfs-radar")}
    assert radar_aps and radar_aps == set(found)
    assert all("moved to channel" in f.explanation for f in found.values())


def test_emulated_ips_attack_is_grouped_by_source() -> None:
    events, analysis = main_site("ips-attack")
    sources = Counter(str(e.text("src_ip")) for e in events if e.key == "EVT_IPS_IpsAlert")
    # The SSH brute force: three hosts of one Lithuanian /24, 14 attempts each.
    brute = {ip: hits for ip, hits in sources.items() if ip.startswith("141.98.11.")}
    assert len(brute) == 3 and min(brute.values()) >= 10
    by_source = {f.subjects[0].id: f for f in rule(analysis, "ips-source")}
    assert list(by_source) == ["141.98.11.0/24"]  # one attacker, one card
    network = by_source["141.98.11.0/24"]
    assert network.count == sum(brute.values())
    assert network.title == (
        f"{sum(brute.values())} intrusion alerts from 3 addresses in 141.98.11.0/24 "
        "(Lithuania, UAB Host Baltic), all blocked"
    )
    assert [s.id for s in network.subjects if s.kind == "ip"][1:] == sorted(
        brute, key=lambda ip: (-brute[ip], tuple(int(part) for part in ip.split(".")))
    )
    assert sum(f.count for f in analysis.findings if f.rule.startswith("ips-")) == sum(
        sources.values()
    )


def test_emulated_overheating_is_told_warning_then_critical() -> None:
    _events, analysis = main_site("overheating", snapshots=True)
    temperatures = rule(analysis, "device-temperature")
    core = next(f for f in temperatures if f.severity is Severity.SEVERE)
    warning = core.explanation.index("(warning from 80 °C)")
    assert core.explanation.index("(critical from 95 °C)") > warning  # warning, then critical
    assert core.title.startswith("Core Switch (US48P500) is overheating")
    assert rule(analysis, "device-overheated") == []  # folded into the measured finding
    assert any("heated up by" in f.title for f in temperatures)  # the AP under the roof


def test_emulated_poe_overload_names_the_switch_and_ports() -> None:
    _events, analysis = main_site("poe-overload", snapshots=True)
    budget = one(analysis, "poe-budget")
    assert budget.severity is Severity.SEVERE
    assert "port " in budget.explanation and " W" in budget.explanation
    victim = next(
        f for f in rule(analysis, "device-offline") if "cut its PoE power" in f.explanation
    )
    assert budget.subjects[0].name in victim.explanation


def test_emulated_wan_failover() -> None:
    _events, analysis = main_site("wan-failover")
    finding = one(analysis, "wan-failover")
    assert finding.severity is Severity.MEDIUM
    assert "failed over to the backup twice" in finding.title


def test_emulated_firmware_rollout_is_not_a_string_of_outages() -> None:
    events, analysis = main_site("firmware-rollout")
    upgraded = {str(e.text("ap") or e.text("sw")) for e in events if e.key.endswith("_Upgraded")}
    rollout = one(analysis, "firmware-upgraded")  # one card for the rollout, not one a device
    assert rollout.title == f"{len(upgraded)} devices were upgraded to new firmware"
    assert {s.id for s in rollout.subjects[1:]} == upgraded
    assert "to 6.7.31.15618" in rollout.explanation and "to 7.1.32.16012" in rollout.explanation
    failed = one(analysis, "firmware-upgrade-failed")
    assert failed.severity is Severity.MEDIUM
    assert failed.subjects[0].id not in upgraded  # and no "was scheduled" card beside it
    offline = {f.subjects[0].id for f in rule(analysis, "device-offline")}
    assert not offline & upgraded


def test_emulated_large_site_stays_readable() -> None:
    _events, analysis = main_site("large-site")
    assert analysis.events > 10_000
    assert len(analysis.findings) <= 10 * len({f.rule for f in analysis.findings})
    report = render_json(build_report(analysis, INFO, generated_at_ms=T0))
    assert len(report) < 2_000_000


# -- the same situations from realistic payloads -----------------------------------------


def test_roam_storm_names_the_client_and_its_two_access_points() -> None:
    everyday = [roam(IPAD, KITCHEN, OFFICE, T0 + i * 50 * MINUTE) for i in range(20)]
    pairs = [(KITCHEN, OFFICE), (OFFICE, KITCHEN)]
    evening = T0 + 19 * 60 * MINUTE
    storm = [roam(PHONE, *pairs[i % 2], evening + i * 150_000) for i in range(16)]
    analysis = run(everyday + storm)
    finding = one(analysis, "excessive-roaming")
    assert finding.title == "Bob's Pixel roamed 16 times within one hour"
    assert "mostly between Kitchen AP and Office AP" in finding.explanation
    assert finding.remediation


def test_ap_outage_with_its_duration_and_the_clients_it_dropped() -> None:
    events = [connected(IPAD, GARAGE, T0 + 60 * MINUTE)]
    events += [lost_contact(GARAGE, T0 + 14 * 60 * MINUTE, name="Garage AP", model="UALR6v2")]
    events += [disconnected(IPAD, GARAGE, T0 + 14 * 60 * MINUTE + 40_000)]
    events += [ap_connected(GARAGE, T0 + 14 * 60 * MINUTE + 20 * MINUTE, name="Garage AP")]
    analysis = run(events)
    finding = one(analysis, "device-offline")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Garage AP (U6-LR) went offline once"
    assert "It was offline for 20 min in total (longest 20 min)." in finding.explanation


def test_dfs_radar_and_the_channel_change_are_explained_together() -> None:
    events = [
        radar(OFFICE, T0 + 9 * 60 * MINUTE + 40 * MINUTE, channel="100"),
        channel_changed(OFFICE, T0 + 9 * 60 * MINUTE + 40 * MINUTE + 25_000, to="44"),
    ]
    analysis = run(events)
    finding = one(analysis, "dfs-radar")
    assert finding.explanation.startswith(
        "Office AP (UAP-AC-Pro) heard radar (weather, airport or military) on channel 100 and, "
        "as the law requires, moved to channel 44 (within 25 s)."
    )
    assert one(analysis, "channel-changes").count == 1


def test_ips_attack_is_grouped_by_source_with_the_background_noise_apart() -> None:
    attack = [ips(T0 + i * 20_000, src="218.92.0.203", sid=2001219 + i % 3) for i in range(150)]
    noise = [ips(T0 + i * MINUTE, src=f"45.9.20.{i}") for i in range(1, 6)]
    analysis = run(attack + noise)
    source = one(analysis, "ips-source")
    assert source.subjects[0].id == "218.92.0.203"
    assert source.count == 150
    assert source.title == "150 intrusion alerts from 218.92.0.203 (DE), all blocked"
    assert one(analysis, "ips-alert").count == 5


def test_overheating_is_a_warning_then_a_critical_in_one_finding() -> None:
    readings = [62, 68, 74, 81, 86, 90, 96, 98]
    snapshots = [
        (T0 + i * 10 * MINUTE, device_record(SWITCH, name="Loft Switch", model="US8P60",
                                             kind="usw", general_temperature=v))
        for i, v in enumerate(readings)
    ]  # fmt: skip
    analysis = run([], device_snapshots=snapshots)
    finding = one(analysis, "device-temperature")
    assert finding.severity is Severity.SEVERE
    assert "reached 81 °C (warning from 80 °C) and 30 min later 96 °C" in finding.explanation
    assert finding.first_seen_ms == T0 + 30 * MINUTE
    assert finding.count == 5  # snapshots at or above the warning level


def test_poe_overload_gives_a_budget_warning_naming_the_switch_and_ports() -> None:
    def loaded(camera_w: float) -> dict[str, Any]:
        return device_record(
            SWITCH, name="Loft Switch", model="US8P60", kind="usw", total_max_power=60,
            port_table=[poe_port(1, "Kitchen AP", 13.0), poe_port(2, "Garage AP", 14.2),
                        poe_port(5, "Camera", camera_w)],
        )  # fmt: skip

    snapshots = [(T0 + i * 10 * MINUTE, loaded(w)) for i, w in enumerate([8.0, 15.0, 22.5])]
    analysis = run([], device_snapshots=snapshots, inventory=None)
    finding = one(analysis, "poe-budget")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Loft Switch (US-8-60W) is using 83% of its PoE budget"
    assert "port 5 (Camera) 22.5 W, port 2 (Garage AP) 14.2 W and port 1 (Kitchen AP) 13 W" in (
        finding.explanation
    )
    assert finding.first_seen_ms == T0 + 20 * MINUTE
    assert GATEWAY not in {s.id for s in finding.subjects}


def test_emulated_firmware_rollout_with_snapshots_has_no_false_outages_or_reboots() -> None:
    # The snapshots tell the uplinks: the access points behind Floor 2 Switch go down while
    # Core Switch, two hops up, upgrades; Kitchen AP's "Upgraded" comes after the snapshot
    # showing its new uptime, and Warehouse AP's upgrade fails (it restarts all the same).
    events, analysis = main_site("firmware-rollout", snapshots=True)
    assert analysis.device_snapshots
    lost = {str(e.text("ap")) for e in events if e.key == "EVT_AP_Lost_Contact"}
    assert lost
    offline = rule(analysis, "device-offline") + rule(analysis, "device-flapping")
    assert not lost & {f.subjects[0].id for f in offline}
    assert offline == []
    assert rule(analysis, "unexpected-reboot") == []
    assert one(analysis, "firmware-upgrade-failed").severity is Severity.MEDIUM


# -- the headline of each office scenario is what the scenario is about ------------------

OFFICE_SCENARIOS = (
    "office-day",
    "roam-storm",
    "dfs-radar",
    "wan-failover",
    "firmware-rollout",
    "ap-outage",
    "overheating",
)


def headline(analysis: Analysis) -> Any:
    """The finding a report leads with: the first by severity, then count."""
    assert analysis.findings
    return analysis.findings[0]


def test_emulated_roam_storm_headline_is_the_excessive_roamer() -> None:
    events, analysis = main_site("roam-storm", snapshots=True)
    top = headline(analysis)
    assert top.rule == "excessive-roaming", top.title
    assert top.subjects[0].id == busiest_roamer(events)


def test_emulated_dfs_radar_headline_is_the_radar_and_channel_change() -> None:
    events, analysis = main_site("dfs-radar", snapshots=True)
    top = headline(analysis)
    assert top.rule == "dfs-radar", top.title
    radar_aps = {str(e.text("ap")) for e in events if e.key == "EVT_AP_RadarDetected"}
    assert top.subjects[0].id in radar_aps
    assert "heard radar" in top.explanation and "moved to channel" in top.explanation


def test_emulated_wan_failover_headline_is_the_failover() -> None:
    _events, analysis = main_site("wan-failover", snapshots=True)
    top = headline(analysis)
    assert top.rule == "wan-failover", top.title
    assert "failed over to the backup twice" in top.title


def test_emulated_poe_overload_headline_is_the_budget_from_the_heater_on() -> None:
    _events, analysis = main_site("poe-overload", snapshots=True)
    top = headline(analysis)
    assert top.rule == "poe-budget", top.title
    assert top.severity is Severity.SEVERE
    assert top.subjects[0].name.startswith("Floor 2 Switch")
    assert "port 6 (" in top.explanation  # the camera whose heater did it
    # Comfortable before the heater switches on at 10:00, over budget by its warnings.
    assert T0 + 10 * 60 * MINUTE <= top.first_seen_ms <= T0 + 10 * 60 * MINUTE + 40 * MINUTE
    cut = one(analysis, "poe-disconnect")
    assert "port 2" in cut.title and cut.subjects[0].name == top.subjects[0].name


@pytest.mark.parametrize("name", OFFICE_SCENARIOS)
def test_emulated_office_day_is_within_its_poe_budget(name: str) -> None:
    _events, analysis = main_site(name, snapshots=True)
    assert rule(analysis, "poe-budget") == []
    assert rule(analysis, "poe-overload") == []
