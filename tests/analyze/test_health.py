"""Device health from stat/device snapshots: values as controllers send them (strings)."""

from __future__ import annotations

from typing import Any

from tests.analyze.conftest import one, rule, run
from tests.factories import (
    GARAGE,
    GATEWAY,
    KITCHEN,
    MINUTE,
    SWITCH,
    T0,
    ap_connected,
    device_event,
    device_record,
    lost_contact,
    poe_port,
)
from unifi_scanner.analyze import HealthThresholds, Severity, Thresholds

TEN = 10 * MINUTE


def gateway(**fields: Any) -> dict[str, Any]:
    return device_record(GATEWAY, name="Dream Machine", model="UDMPRO", kind="udm", **fields)


def switch(**fields: Any) -> dict[str, Any]:
    return device_record(SWITCH, name="Loft Switch", model="US8P60", kind="usw", **fields)


def ap(mac: str = KITCHEN, **fields: Any) -> dict[str, Any]:
    return device_record(mac, name="Kitchen AP", model="UAL6", **fields)


def series(records: list[dict[str, Any]], every: int = TEN) -> list[tuple[int, dict[str, Any]]]:
    return [(T0 + i * every, record) for i, record in enumerate(records)]


def sensors(cpu: float) -> list[dict[str, Any]]:
    return [
        {"name": "CPU", "type": "cpu", "value": cpu},
        {"name": "Local", "type": "board", "value": cpu - 18},
    ]


def test_temperature_warning_then_critical_is_told_as_one_story() -> None:
    readings = [70.0, 76.5, 82.0, 88.0, 97.5, 96.0]
    snapshots = series([gateway(temperatures=sensors(v)) for v in readings])
    finding = one(run([], device_snapshots=snapshots), "device-temperature")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Dream Machine (UDM Pro) is overheating: 97.5 °C"
    assert (
        "reached 82 °C (warning from 80 °C) and 20 min later 97.5 °C (critical from 95 °C)"
        in finding.explanation
    )
    assert "(CPU sensor)" in finding.explanation
    assert finding.first_seen_ms == T0 + 2 * TEN
    assert finding.count == 4
    assert len(finding.remediation) >= 3


def test_the_devices_own_overheating_alarm_is_folded_into_the_measured_temperature() -> None:
    snapshots = series([switch(general_temperature=v) for v in (70, 82, 84)])
    alarm = device_event("EVT_SW_Overheat", "sw", SWITCH, T0 + 15 * MINUTE, sw_name="Loft Switch")
    analysis = run([alarm], device_snapshots=snapshots)
    assert rule(analysis, "device-overheated") == []
    finding = one(analysis, "device-temperature")
    assert finding.severity is Severity.SEVERE  # the alarm is severe, the reading a warning
    assert finding.explanation.endswith("raised its own overheating alarm once.")
    # Without snapshots the alarm is reported on its own.
    assert one(run([alarm]), "device-overheated").severity is Severity.SEVERE


def test_a_switch_that_only_reaches_the_warning_level_is_medium() -> None:
    snapshots = series([switch(general_temperature=v) for v in (60, 79, 81, 80)])
    finding = one(run([], device_snapshots=snapshots), "device-temperature")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Loft Switch (US-8-60W) is running hot: 81 °C"
    assert "(board sensor)" in finding.explanation


def test_a_device_that_heated_up_over_the_week_is_reported_below_the_warning_level() -> None:
    day = 24 * 60 * MINUTE
    week = [45, 46, 45, 50, 54, 58, 61, 62, 63]
    snapshots = series([ap(general_temperature=v) for v in week], every=day)
    finding = one(run([], device_snapshots=snapshots), "device-temperature")
    assert finding.severity is Severity.LOW
    assert finding.title == "Kitchen AP (U6-Lite) heated up by 17.7 °C (to 63 °C)"
    assert "started the period at about 45.3 °C" in finding.explanation
    assert "was still that warm at the end of the period" in finding.explanation
    assert finding.first_seen_ms == T0 + 6 * day


def test_a_device_that_heats_up_during_the_day_and_cools_down_again() -> None:
    hourly = [45, 46, 45, 47, 52, 58, 63, 66, 59, 51, 47]
    snapshots = series([ap(general_temperature=v) for v in hourly], every=60 * MINUTE)
    finding = one(run([], device_snapshots=snapshots), "device-temperature")
    assert finding.title == "Kitchen AP (U6-Lite) heated up by 20.7 °C (to 66 °C)"
    assert "and was back to 52.3 °C at the end" in finding.explanation
    small = series([ap(general_temperature=v) for v in (45, 46, 45, 50, 55, 48)], every=TEN)
    assert rule(run([], device_snapshots=small), "device-temperature") == []


def test_the_controllers_overheating_flag_is_critical() -> None:
    snapshots = series([switch(general_temperature=55, overheating=True)])
    assert (
        one(run([], device_snapshots=snapshots), "device-temperature").severity is Severity.SEVERE
    )


def test_cpu_must_stay_high_for_several_snapshots() -> None:
    spike = series([gateway(cpu=v) for v in ("12.0", "97.0", "15.5", "96.1", "20.0")])
    assert rule(run([], device_snapshots=spike), "device-cpu") == []
    busy = series([gateway(cpu=v) for v in ("12.0", "88.0", "91.2", "86.7", "30.0")])
    finding = one(run([], device_snapshots=busy), "device-cpu")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Dream Machine (UDM Pro) CPU use stayed at 85% or more (peak 91.2%)"


def test_memory_critical_and_configurable_thresholds() -> None:
    snapshots = series([gateway(mem=v) for v in ("97.5", "98.0", "99.1")])
    assert one(run([], device_snapshots=snapshots), "device-memory").severity is Severity.SEVERE
    lenient = Thresholds(health=HealthThresholds(memory_warning_pct=99.5, memory_critical_pct=99.9))
    assert rule(run([], device_snapshots=snapshots, thresholds=lenient), "device-memory") == []


def test_poe_budget_names_the_switch_and_the_hungriest_ports() -> None:
    ports = [
        poe_port(1, "Kitchen AP", 12.9),
        poe_port(2, "Doorbell", 6.1),
        poe_port(3, "Garage AP", 13.4),
        poe_port(4, "Camera", 18.0),
        poe_port(8, "Uplink", 0.0),
    ]
    snapshots = series([switch(total_max_power=60, port_table=ports)])
    finding = one(run([], device_snapshots=snapshots), "poe-budget")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Loft Switch (US-8-60W) is using 84% of its PoE budget"
    assert "drew up to 50.4 W of its 60 W PoE budget" in finding.explanation
    assert (
        "port 4 (Camera) 18 W, port 3 (Garage AP) 13.4 W, port 1 (Kitchen AP) 12.9 W and "
        "port 2 (Doorbell) 6.1 W" in finding.explanation
    )


def test_channel_utilisation_per_radio() -> None:
    def radios(ng: int, na: int) -> list[dict[str, Any]]:
        return [
            {"name": "wifi0", "radio": "ng", "channel": 6, "cu_total": ng},
            {"name": "wifi1", "radio": "na", "channel": 36, "cu_total": na},
        ]

    snapshots = series([ap(radio_table_stats=radios(ng, 20)) for ng in (75, 82, 93, 91, 95)])
    finding = one(run([], device_snapshots=snapshots), "channel-utilisation")
    assert finding.severity is Severity.SEVERE
    assert finding.title == "Kitchen AP (U6-Lite)'s WiFi channel is congested (2.4 GHz)"
    assert "2.4 GHz (channel 6) peaked at 95%" in finding.explanation


def test_unexplained_reboot_from_the_uptime() -> None:
    uptimes = [10_000, 10_600, 300, 900]
    snapshots = series([ap(uptime=u) for u in uptimes])
    finding = one(run([], device_snapshots=snapshots), "unexpected-reboot")
    assert finding.severity is Severity.MEDIUM
    assert finding.title == "Kitchen AP (U6-Lite) restarted once without a recorded reason"
    assert finding.first_seen_ms == T0 + 2 * TEN - 300_000


def test_reboots_explained_by_events_are_not_reported_again() -> None:
    snapshots = series([ap(uptime=u) for u in (10_000, 10_600, 300, 900)])
    upgrade = device_event(
        "EVT_AP_Upgraded", "ap", KITCHEN, T0 + 15 * MINUTE, version_to="6.6.78.15433"
    )
    analysis = run([upgrade], device_snapshots=snapshots)
    assert rule(analysis, "unexpected-reboot") == []
    assert one(analysis, "firmware-upgraded").subjects[0].id == KITCHEN


def test_an_outage_explains_the_reboot_behind_it() -> None:
    snapshots = series(
        [ap(uptime=10_000), ap(state=0), ap(state=0), ap(uptime=120), ap(uptime=720)]
    )
    events = [lost_contact(KITCHEN, T0 + 5 * MINUTE), ap_connected(KITCHEN, T0 + 28 * MINUTE)]
    analysis = run(events, device_snapshots=snapshots)
    assert rule(analysis, "unexpected-reboot") == []
    assert one(analysis, "device-offline").title == "Kitchen AP (U6-Lite) went offline once"


def test_offline_in_the_latest_snapshot_without_events() -> None:
    snapshots = series(
        [ap(GARAGE, uptime=500), ap(GARAGE, state=0, last_seen=(T0 + 5 * MINUTE) // 1000)]
    )
    finding = one(run([], device_snapshots=snapshots), "device-offline")
    assert finding.severity is Severity.SEVERE
    # Stored names outrank the snapshot's ("Kitchen AP" here is the record's own name).
    assert finding.title == "Garage AP (U6-LR) is offline"
    assert "last seen 5 min before it" in finding.explanation


def test_stuck_state_and_long_uptime_and_available_firmware() -> None:
    snapshots = series(
        [
            switch(state=9),
            switch(state=9),
            gateway(uptime=400 * 86_400, upgradable=True, upgrade_to_firmware="4.1.22"),
            ap(upgradable=True, upgrade_to_firmware="6.6.78.15433"),
        ]
    )
    analysis = run([], device_snapshots=snapshots)
    state = one(analysis, "device-state")
    assert state.severity is Severity.MEDIUM
    assert (
        state.title == "Loft Switch (US-8-60W) is unable to reach the controller's inform address"
    )
    assert "for 2 snapshots in a row" in state.explanation
    uptime = one(analysis, "device-uptime")
    assert uptime.title == "Dream Machine (UDM Pro) has not restarted in 400 days"
    assert uptime.severity is Severity.LOW
    firmware = one(analysis, "firmware-available")
    assert firmware.title == "Firmware updates are available for 2 devices"
    assert "Kitchen AP (U6-Lite) (6.6.77.15402 → 6.6.78.15433)" in firmware.explanation
    assert firmware.subjects[0].kind == "site"


def test_a_healthy_network_has_nothing_to_say() -> None:
    snapshots = series(
        [gateway(temperatures=sensors(66.0), cpu="11.2", mem="61.0") for _ in range(6)]
        + [switch(general_temperature=48, total_max_power=60, port_table=[poe_port(1, "AP", 9.0)])]
    )
    analysis = run([], device_snapshots=snapshots)
    assert analysis.findings == []
    assert analysis.device_snapshots == 7


def test_malformed_records_are_skipped_not_fatal() -> None:
    snapshots = series(
        [
            {"name": "no mac"},
            {"mac": KITCHEN, "system-stats": "busy", "temperatures": "hot", "uptime": "n/a"},
            {"mac": KITCHEN, "state": True, "port_table": [None, 3], "total_max_power": "0"},
            {"mac": KITCHEN, "radio_table_stats": [{"radio": "na", "cu_total": "nan"}]},
            ap(cpu="", mem="NaN", general_temperature="warm"),
        ]
    )
    analysis = run([], device_snapshots=snapshots)
    assert analysis.findings == []


def test_a_reboot_is_explained_by_its_upgrade_reported_once_the_device_is_back() -> None:
    # The snapshot at 20 min already shows the new uptime; "Upgraded" comes 48 s later.
    snapshots = series([ap(uptime=u) for u in (10_000, 10_600, 30, 630)])
    upgraded = device_event("EVT_AP_Upgraded", "ap", KITCHEN, T0 + 2 * TEN + 48_000)
    analysis = run([upgraded], device_snapshots=snapshots)
    assert rule(analysis, "unexpected-reboot") == []
    # A failed upgrade restarts the device all the same.
    failed = device_event("EVT_AP_UpgradeFailed", "ap", KITCHEN, T0 + 2 * TEN + 96_000)
    analysis = run([failed], device_snapshots=snapshots)
    assert rule(analysis, "unexpected-reboot") == []
    assert one(analysis, "firmware-upgrade-failed").subjects[0].id == KITCHEN
    # An upgrade hours later, or of another device, does not explain a crash.
    for unrelated in (
        device_event("EVT_AP_Upgraded", "ap", KITCHEN, T0 + 2 * TEN + 120 * MINUTE),
        device_event("EVT_AP_Upgraded", "ap", GARAGE, T0 + 2 * TEN + 48_000),
    ):
        reboot = one(run([unrelated], device_snapshots=snapshots), "unexpected-reboot")
        assert reboot.subjects[0].id == KITCHEN


def test_a_reboot_is_explained_by_an_upgrade_scheduled_just_before_it() -> None:
    snapshots = series([ap(uptime=u) for u in (10_000, 10_600, 30, 630)])
    scheduled = device_event("EVT_AP_UpgradeScheduled", "ap", KITCHEN, T0 + TEN - 3 * MINUTE)
    assert rule(run([scheduled], device_snapshots=snapshots), "unexpected-reboot") == []
    long_before = device_event("EVT_AP_UpgradeScheduled", "ap", KITCHEN, T0 - 120 * MINUTE)
    assert one(run([long_before], device_snapshots=snapshots), "unexpected-reboot")


def test_a_snapshot_showing_the_upgrade_explains_the_reboot() -> None:
    # State 4: installing firmware (uptime 0), then back with a fresh uptime; no events.
    snapshots = series([ap(uptime=10_000), ap(uptime=10_600), ap(state=4), ap(uptime=300)])
    assert rule(run([], device_snapshots=snapshots), "unexpected-reboot") == []
    # An upgrade long ago does not excuse a later crash.
    later = series([ap(state=4), ap(uptime=300), ap(uptime=900), ap(uptime=1_500), ap(uptime=60)])
    reboot = one(run([], device_snapshots=later), "unexpected-reboot")
    assert reboot.first_seen_ms == T0 + 4 * TEN - 60_000


def _radio_pair(ng: int, na: int) -> list[dict[str, Any]]:
    return [
        {"name": "wifi0", "radio": "ng", "channel": 6, "cu_total": ng},
        {"name": "wifi1", "radio": "na", "channel": 36, "cu_total": na},
    ]


def test_critical_channel_utilisation_quotes_the_critical_threshold() -> None:
    snapshots = series([ap(radio_table_stats=_radio_pair(ng, 20)) for ng in (92, 93, 95, 91)])
    finding = one(run([], device_snapshots=snapshots), "channel-utilisation")
    assert finding.severity is Severity.SEVERE
    assert "stayed at or above 90% for 3 snapshots in a row" in finding.explanation
    assert "70%" not in finding.explanation


def test_channel_utilisation_quotes_each_radios_own_threshold() -> None:
    loads = [(92, 75), (93, 78), (95, 80), (91, 72)]
    snapshots = series([ap(radio_table_stats=_radio_pair(ng, na)) for ng, na in loads])
    finding = one(run([], device_snapshots=snapshots), "channel-utilisation")
    assert "stayed at or above 90% on 2.4 GHz and 70% on 5 GHz for 3 snapshots" in (
        finding.explanation
    )


def _week_before(readings: list[float], **fields: Any) -> list[tuple[int, dict[str, Any]]]:
    """Snapshots six days before the period, ten minutes apart."""
    start = T0 - 6 * 24 * 60 * MINUTE
    return [(start + i * TEN, ap(general_temperature=v, **fields)) for i, v in enumerate(readings)]


def test_history_from_the_week_before_shows_a_device_that_runs_warmer_now() -> None:
    # Steady within the period, so only the week before can tell the rise.
    period = series([ap(general_temperature=v) for v in (62, 64, 63, 63, 63, 63)])
    history = _week_before([48, 47, 49, 55, 60])  # only the earliest readings are the baseline
    finding = one(run([], device_snapshots=period, device_history=history), "device-temperature")
    assert finding.severity is Severity.LOW
    assert finding.title == "Kitchen AP (U6-Lite) runs 15 °C warmer than 6 days ago: 48 °C → 63 °C"
    assert "6 days ago it ran at about 48 °C; it ended the period at about 63 °C" in (
        finding.explanation
    )
    assert finding.first_seen_ms == T0 + TEN  # the first reading 15 °C above the baseline
    assert rule(run([], device_snapshots=period), "device-temperature") == []  # no history
    # The rise that counts is a setting.
    stricter = Thresholds(health=HealthThresholds(temperature_trend_c=16))
    quiet = run([], device_snapshots=period, device_history=history, thresholds=stricter)
    assert rule(quiet, "device-temperature") == []


def test_history_that_was_as_warm_says_nothing() -> None:
    period = series([ap(general_temperature=v) for v in (62, 64, 63, 63, 63, 63)])
    for readings in ([61, 62, 63], [70, 71, 70]):
        analysis = run([], device_snapshots=period, device_history=_week_before(readings))
        assert rule(analysis, "device-temperature") == []


def test_history_alone_makes_no_findings() -> None:
    # Offline, busy, restarted and hot before the period: none of it is the period's news.
    history = [
        *_week_before([48, 48, 48], cpu="99", mem="99"),
        *_week_before([90, 96, 97], uptime=60),
        (T0 - MINUTE, ap(state=0)),
    ]
    analysis = run([], device_history=history)
    assert analysis.findings == []
    assert analysis.device_snapshots == 0
