"""What the report counts beside the analysis: chart bins, per-AP load, IPS tables, outage
spans, device rows, and the one health sentence."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from tests.factories import (
    GATEWAY,
    IPAD,
    KITCHEN,
    LAPTOP,
    MINUTE,
    OFFICE,
    SWITCH,
    T0,
    ap_connected,
    connected,
    device_event,
    device_record,
    ips,
    lost_contact,
    roam,
    v2_event,
    wan_transition,
)
from tests.report.sample import DAY, HOUR
from unifi_scanner.report import intrusions
from unifi_scanner.report.activity import EventTally
from unifi_scanner.report.fleet import DeviceTally
from unifi_scanner.report.headline import health
from unifi_scanner.report.timebins import MAX_BINS, Bins


def _local(ms: int, zone: str) -> datetime:
    return datetime.fromtimestamp(ms / 1000, ZoneInfo(zone))


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "Asia/Kolkata", "America/St_Johns"])
def test_hourly_bins_start_on_local_whole_hours(zone: str) -> None:
    bins = Bins.over(T0 + 17 * MINUTE, T0 + 17 * MINUTE + DAY, ZoneInfo(zone))
    # 24 whole hours and the partial one the period starts in.
    assert bins.size_ms == HOUR and bins.count == 25
    assert all(_local(start, zone).minute == 0 for start in bins.starts())
    assert bins.index(T0 + 17 * MINUTE) == 0
    assert bins.index(T0 + 17 * MINUTE + DAY - 1) == 24
    assert bins.index(T0 + 17 * MINUTE + DAY + HOUR) is None


def test_a_day_with_a_clock_change_has_25_hours() -> None:
    start = int(datetime(2025, 10, 26, tzinfo=ZoneInfo("Europe/Berlin")).timestamp() * 1000)
    bins = Bins.over(start, start + 25 * HOUR, ZoneInfo("Europe/Berlin"))
    assert bins.count == 25


def test_long_periods_get_wider_bins() -> None:
    week = Bins.over(T0, T0 + 7 * DAY, UTC)
    assert week.size_ms == 4 * HOUR and week.count <= MAX_BINS + 1
    quarter = Bins.over(T0, T0 + 90 * DAY, UTC)
    assert quarter.size_ms == 2 * DAY and quarter.count <= MAX_BINS + 1


def test_events_are_counted_per_hour_and_severity() -> None:
    tally = EventTally(T0, T0 + DAY, timezone="UTC")
    for item in tally.watch(
        [
            connected(IPAD, KITCHEN, T0 + MINUTE),
            lost_contact(KITCHEN, T0 + HOUR + MINUTE),
            ips(T0 + HOUR + 2 * MINUTE, severity=1),
            ips(T0 + HOUR + 3 * MINUTE, severity=3),
            v2_event("DEVICE_OFFLINE", T0 + 2 * HOUR, DEVICE={"id": OFFICE, "name": "Office"}),
            connected(IPAD, KITCHEN, T0 + DAY + MINUTE),  # after the period: not charted
        ]
    ):
        assert item is not None
    assert tally.events == 6
    assert tally.counts[0] == [0, 0, 1]
    assert tally.counts[1] == [2, 0, 1]
    assert tally.counts[2] == [1, 0, 0]
    assert sum(map(sum, tally.counts)) == 5


def test_access_point_load_counts_clients_connects_and_roams() -> None:
    tally = EventTally(T0, T0 + DAY)
    for item in [
        connected(IPAD, KITCHEN, T0),
        connected(IPAD, KITCHEN, T0 + MINUTE),
        connected(LAPTOP, KITCHEN, T0 + 2 * MINUTE),
        roam(IPAD, KITCHEN, OFFICE, T0 + 3 * MINUTE),
    ]:
        tally.feed(item)
    kitchen, office = tally.access_points.aps[KITCHEN], tally.access_points.aps[OFFICE]
    assert (kitchen.connects, len(kitchen.clients), kitchen.roams_out) == (3, 2, 1)
    assert (office.roams_in, office.clients) == (1, {IPAD})


def test_intrusions_by_signature_and_source_are_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(intrusions, "MAX_SOURCES", 3)
    tally = EventTally(T0, T0 + DAY)
    for n in range(5):
        tally.feed(ips(T0 + n * MINUTE, src=f"10.0.0.{n}", action="blocked" if n else "allowed"))
    table = tally.intrusions
    (signature,) = table.signatures.values()
    assert (signature.hits, signature.blocked, len(signature.others)) == (5, 4, 5)
    assert len(table.sources) == 3 and table.unlisted_source_hits == 2


def test_outages_and_wan_links_become_spans() -> None:
    tally = EventTally(T0, T0 + DAY)
    for item in [
        lost_contact(KITCHEN, T0 + HOUR),
        ap_connected(KITCHEN, T0 + HOUR + 20 * MINUTE),
        device_event("EVT_SW_Upgraded", "sw", SWITCH, T0 + 2 * HOUR),
        device_event("EVT_SW_Lost_Contact", "sw", SWITCH, T0 + 2 * HOUR + MINUTE),
        device_event("EVT_SW_Connected", "sw", SWITCH, T0 + 2 * HOUR + 4 * MINUTE),
        lost_contact(OFFICE, T0 + 20 * HOUR),  # never back: ongoing
        wan_transition("eth8", "inactive", T0 + 5 * HOUR),
        wan_transition("eth8", "active", T0 + 5 * HOUR + 30 * MINUTE),
    ]:
        tally.feed(item)
    log = tally.outages
    kitchen, switch, office = log.outages
    assert kitchen.end_ms == T0 + HOUR + 20 * MINUTE and not log.during_upgrade(kitchen, T0 + DAY)
    assert log.during_upgrade(switch, T0 + DAY)
    assert office.end_ms is None
    (link,) = log.links
    assert (link.subject, link.interface, link.end_ms) == (GATEWAY, "eth8", T0 + 5.5 * HOUR)


def test_device_rows_take_the_latest_readings_and_peaks() -> None:
    fleet = DeviceTally(T0, T0 + DAY, timezone="UTC")
    hot = device_record(SWITCH, name="Core", model="US24P250", kind="usw", cpu="91.5")
    fleet.feed(T0 + HOUR, hot | {"general_temperature": "84.5"})
    fleet.feed(T0 + 2 * HOUR, hot | {"general_temperature": "60", "system-stats": {"cpu": "5"}})
    fleet.feed(T0 + 30 * MINUTE, hot | {"general_temperature": "99"})  # older: ignored
    fleet.feed(T0 + 3 * HOUR, device_record(KITCHEN, name="Kitchen", model="UAL6", state=0))
    switch, kitchen = fleet.devices[SWITCH], fleet.devices[KITCHEN]
    assert (switch.temperature_c, switch.temperature_max_c, switch.cpu_max_pct) == (60, 84.5, 91.5)
    assert switch.temperatures == {1: 84.5, 2: 60.0}
    assert switch.concerns(fleet.thresholds) == ["temperature", "cpu"]
    assert kitchen.state == "offline" and kitchen.concerns(fleet.thresholds) == ["offline"]
    assert kitchen.uptime_s is None  # an offline record's zeros are not measurements


def _finding(severity: str, title: str) -> dict[str, str]:
    return {"severity": severity, "title": title}


def test_the_health_sentence() -> None:
    since = "2025-11-29T00:00:00Z"
    assert health([], 0, since, UTC) == (
        "quiet",
        "No new events since Sat 29 Nov 2025 00:00 (UTC): nothing needs your attention.",
    )
    assert health([_finding("low", "x")], 9, since, UTC)[0] == "healthy"
    assert health([_finding("medium", "An AP restarted twice.")], 9, since, UTC) == (
        "attention",
        "Your network was mostly healthy; An AP restarted twice.",
    )
    status, sentence = health(
        [_finding("severe", "Garage AP went offline"), _finding("severe", "b"),
         _finding("medium", "c")], 9, since, UTC,
    )  # fmt: skip
    assert status == "trouble"
    assert sentence == (
        "Your network needs attention: Garage AP went offline; 1 more severe problem; "
        "1 smaller issue worth a look."
    )
